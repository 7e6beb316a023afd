"""E-mail to the people concerned when an assessment is submitted, returned or decided.

Mail leaves after the transaction commits, so a failed transition sends nothing.
"""

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from partnerships.accounts.models import User
from partnerships.accounts.roles import Role
from partnerships.mail import plain_text_mail


def _send(template: str, assessment, recipients, **context) -> None:
    addresses = sorted({user.email for user in recipients if user.email})
    if not addresses:
        return
    context = {
        "assessment": assessment,
        "url": settings.SITE_URL + reverse("assessment_detail", args=[assessment.pk]),
        **context,
    }
    subject, body = plain_text_mail(template, context)
    messages = [(subject, body, None, [address]) for address in addresses]
    # robust: a mail server that fails is logged and never undoes or hides the change.
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False), robust=True)


def agency_reviewers(assessment):
    return (
        User.objects.filter(
            agency_id=assessment.proposal.agency_id,
            groups__name=Role.REVIEWER.value,
            is_active=True,
        )
        .exclude(pk=assessment.assessor_id)
        .distinct()
    )


def notify_submitted(assessment) -> None:
    _send("submitted", assessment, agency_reviewers(assessment))


def notify_returned(assessment, note: str) -> None:
    _send("returned", assessment, [assessment.assessor], note=note)


def notify_decided(assessment) -> None:
    _send("decided", assessment, [assessment.assessor, assessment.reviewer])
