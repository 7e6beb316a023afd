"""A user's exports: their progress while they are made, their files while they last."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.timesince import timeuntil
from django.utils.translation import gettext as _

from partnerships.jobs.models import ExportJob, ExportKind, ExportStatus
from partnerships.jobs.services import exports_expire

REFRESH_SECONDS = 3  # how often the list refreshes while an export is being made


def _get_export_for_user(request, pk) -> ExportJob:
    """One of the user's own exports; anyone else's answers 404."""
    return get_object_or_404(ExportJob.objects.for_user(request.user), pk=pk)


def _time_left(job: ExportJob) -> str:
    if job.is_stalled:
        return _("no progress for over %(minutes)s minutes: ask for it again") % {
            "minutes": settings.EXPORT_STALL_MINUTES
        }
    if job.status == ExportStatus.QUEUED:
        return _("waiting for a worker")
    seconds = job.seconds_left
    if seconds is None:
        return "—" if job.is_unfinished else ""
    if seconds < 60:
        return _("less than a minute")
    now = timezone.now()
    return _("about %(time)s") % {"time": timeuntil(now + datetime.timedelta(seconds=seconds), now)}


def _rows_text(job: ExportJob) -> str:
    if job.rows_total is None:
        return ""
    figures = {
        "done": formats.number_format(job.rows_done, force_grouping=True),
        "total": formats.number_format(job.rows_total, force_grouping=True),
    }
    if job.kind == ExportKind.SIGNED_REVIEWS:
        return _("%(done)s of %(total)s reviews") % figures
    return _("%(done)s of %(total)s rows") % figures


def _progress(job: ExportJob) -> dict:
    """The figures the list shows of one export (and its JSON status repeats)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": job.percent,
        "rows_text": _rows_text(job),
        "time_left": _time_left(job),
        "download_url": reverse("export_download", args=[job.pk]) if job.is_ready else "",
    }


def _jobs(request):
    # Expired files go when their owner looks, not only when expire_exports runs.
    exports_expire(user=request.user)
    return list(ExportJob.objects.for_user(request.user).select_related("scope_agency"))


@login_required
def export_list(request):
    jobs = _jobs(request)
    return render(
        request,
        "jobs/list.html",
        {
            "rows": [(job, _progress(job)) for job in jobs],
            "retention_hours": settings.EXPORT_RETENTION_HOURS,
            "refresh": REFRESH_SECONDS if any(job.is_unfinished for job in jobs) else None,
        },
    )


@login_required
def export_status(request):
    """The progress of the user's exports, for the list's script to update it in place."""
    jobs = _jobs(request)
    return JsonResponse(
        {
            "exports": [_progress(job) for job in jobs],
            "running": any(job.is_unfinished for job in jobs),
        }
    )


def export_file_response(job: ExportJob) -> FileResponse:
    """The export's file, streamed from disk (404 when it is gone)."""
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=job.download_name)


@login_required
def export_download(request, pk):
    job = _get_export_for_user(request, pk)
    if not job.is_ready:
        raise Http404  # not made yet, failed, or expired
    return export_file_response(job)
