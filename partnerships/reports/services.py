"""The decided record: a decision, its report rendered, signed and stored once.

`review_decide()` is the one way to decide an assessment: the workflow records the
decision and pins what was assessed, and this module seals it with the signed report
in the same transaction.
"""

import hashlib

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnerships.accounts.models import User
from partnerships.assessments import workflow
from partnerships.assessments.models import Assessment
from partnerships.reports.documents import (
    collector_paused,
    render_review_pdf,
    report_id,
    signer_role,
)
from partnerships.reports.models import SignedReview
from partnerships.reports.signing import (
    SigningError,
    certificate_summary,
    sign_pdf,
    signing_signer,
)


def review_decide(
    *,
    assessment: Assessment,
    user: User,
    outcome: str,
    note: str,
    conditions: str = "",
    justification: str = "",
    language: str = "en",
) -> Assessment:
    """Decide the assessment; its final report is rendered in `language`, signed and
    stored with the decision, or nothing is recorded."""

    def seal(decided: Assessment) -> None:
        try:
            review_sign(assessment=decided, user=user, language=language)
        except SigningError as error:
            raise ValidationError(
                _("The decision was not recorded: the report could not be signed (%(why)s).")
                % {"why": error}
            ) from error

    return workflow.assessment_decide(
        assessment=assessment,
        user=user,
        outcome=outcome,
        note=note,
        conditions=conditions,
        justification=justification,
        seal=seal,
    )


def render_signed_pdf(*, assessment: Assessment, user: User, language: str) -> bytes:
    """The final report of `assessment`, rendered in `language` and signed for `user`."""
    signing_signer()  # fail early, before rendering, when no key is configured
    with collector_paused():  # one garbage collection for the render and the signature
        return _render_and_sign(assessment=assessment, user=user, language=language)


def _render_and_sign(*, assessment: Assessment, user: User, language: str) -> bytes:
    pdf, box = render_review_pdf(assessment, language=language, draft=False, signer=user)
    if box is None:
        raise RuntimeError("The report template has no signature box.")
    with translation.override(language):
        return sign_pdf(
            pdf,
            box=box,
            name=str(user),
            reason=_("Decision on assessment %(report)s") % {"report": report_id(assessment)},
        )


def review_sign(*, assessment: Assessment, user: User, language: str) -> SignedReview:
    """Called by the decision, inside its transaction: a failure undoes the decision."""
    signed = render_signed_pdf(assessment=assessment, user=user, language=language)
    subject, fingerprint = certificate_summary(signing_signer())
    with translation.override(language):
        role = signer_role(assessment)
    return SignedReview.objects.create(
        assessment=assessment,
        report_id=report_id(assessment),
        language=language,
        pdf=signed,
        sha256=hashlib.sha256(signed).hexdigest(),
        size=len(signed),
        signer=user,
        signer_name=str(user),
        signer_role=role,
        certificate_subject=subject[:300],
        certificate_sha256=fingerprint,
        signed_at=timezone.now(),
    )
