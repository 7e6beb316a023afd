"""What an admin action that asked for a background job answers: the file at once when
the job ran in place (the immediate backend), the reason when it failed, otherwise a
message pointing to the user's exports page, which shows its progress."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from partnerships.jobs.models import ExportJob, ExportStatus
from partnerships.jobs.views import export_file_response


def job_answer(model_admin, request, ask):
    """`ask()` makes the job (a service's `…_request`); None: back to the changelist."""
    try:
        job: ExportJob = ask()
    except ValidationError as refusal:  # e.g. too many rows for an XLSX file
        for message in refusal.messages:
            model_admin.message_user(request, message, messages.ERROR)
        return None
    if job.is_ready:
        return export_file_response(job)
    if job.status == ExportStatus.FAILED:
        model_admin.message_user(request, job.error, messages.ERROR)
        return None
    model_admin.message_user(
        request,
        format_html(
            gettext("The file is being made: {link} shows its progress, then the file."),
            link=format_html('<a href="{}">{}</a>', reverse("exports"), gettext("My exports")),
        ),
    )
    return None
