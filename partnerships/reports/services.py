"""Signing a decided review: render the final report, sign it, store it once."""

import hashlib

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from partnerships.accounts.models import User
from partnerships.assessments.models import Assessment
from partnerships.reports.documents import render_review_pdf, report_id, signer_role
from partnerships.reports.models import SignedReview
from partnerships.reports.signing import certificate_summary, sign_pdf, signing_signer


def render_signed_pdf(*, assessment: Assessment, user: User, language: str) -> bytes:
    """The final report of `assessment`, rendered in `language` and signed for `user`."""
    signing_signer()  # fail early, before rendering, when no key is configured
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
