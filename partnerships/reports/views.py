from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from partnerships.accounts.models import User
from partnerships.accounts.roles import Role
from partnerships.assessments import permissions
from partnerships.assessments.forms import DecisionForm
from partnerships.assessments.views import get_assessment_for_user, render_review_form
from partnerships.frozen import FrozenRecordError
from partnerships.reports.documents import DamagedReviewError, review_document
from partnerships.reports.services import review_decide
from partnerships.reports.verification import verify_review_pdf

LANGUAGES = {code for code, _name in settings.LANGUAGES}


@login_required
@require_POST
def assessment_decide(request, pk):
    assessment = get_assessment_for_user(request, pk)
    if not permissions.can_decide(request.user, assessment):
        raise PermissionDenied
    form = DecisionForm(request.POST, assessment=assessment)
    if form.is_valid():
        try:
            review_decide(assessment=assessment, user=request.user, **form.cleaned_data)
        except ValidationError as error:  # e.g. the report could not be signed
            assessment.refresh_from_db()  # the transaction was undone; so is this copy
            form.add_error(None, error)
        except FrozenRecordError:  # decided meanwhile, by a second click or a colleague
            messages.error(request, gettext("This assessment was decided meanwhile."))
            return redirect("assessment_detail", assessment.pk)
    if form.errors:
        return render_review_form(request, assessment, form, "decide")
    messages.success(request, gettext("The decision is recorded and the report signed."))
    return redirect("assessment_detail", assessment.pk)


@login_required
def review_report(request, pk):
    """The assessment's report: the signed PDF once decided, a draft preview before."""
    assessment = get_assessment_for_user(request, pk)
    language = request.GET.get("language", request.LANGUAGE_CODE)
    if language not in LANGUAGES:
        language = "en"
    try:
        document = review_document(assessment, language=language)
    except DamagedReviewError as error:
        return _damaged_review_page(request, error.review)
    response = HttpResponse(document.content, content_type=document.content_type)
    disposition = "attachment" if "download" in request.GET else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    return response


def _damaged_review_page(request, review):
    """The stored signed PDF is damaged (already logged): say so, and whom to tell."""
    administrators = User.objects.filter(
        agency_id=review.assessment.proposal.agency_id,
        groups__name=Role.ADMINISTRATOR,
        is_active=True,
    ).order_by("last_name", "first_name", "username")
    return render(
        request,
        "reports/damaged.html",
        {"review": review, "administrators": administrators},
        status=409,
    )


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("Signed review (PDF)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.VERIFY_MAX_BYTES:
            raise forms.ValidationError(
                _("This file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.VERIFY_MAX_BYTES),
                }
            )
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("This is not a PDF file."))
        return upload


def verify(request):
    """Public: anyone can check that a review PDF is authentic and unchanged."""
    result = None
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # a garbled header: Django reads such a body as empty
        declared = 0
    if request.method == "POST" and declared > settings.VERIFY_MAX_BYTES + 65536:
        # Refused before the body is read: an oversized upload never fills the server.
        upload_error = _("This file is %(size)s; the limit is %(limit)s.") % {
            "size": filesizeformat(declared),
            "limit": filesizeformat(settings.VERIFY_MAX_BYTES),
        }
        return render(
            request,
            "reports/verify.html",
            {"form": VerifyForm(), "upload_error": upload_error},
            status=413,
        )
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            result = verify_review_pdf(form.cleaned_data["file"].read())
    else:
        form = VerifyForm()
    return render(
        request,
        "reports/verify.html",
        {"form": form, "result": result},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )
