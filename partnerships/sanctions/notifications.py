"""E-mail to reviewers when a list import matches partners of their agency anew.

Plain text, one mail per reviewer naming the hits on partners of proposals of their
agency, sent after the transaction commits.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse

from partnerships.accounts.models import User
from partnerships.accounts.roles import Role
from partnerships.mail import plain_text_mail
from partnerships.proposals.models import ProposalPartner
from partnerships.sanctions.models import ScreeningHit


def notify_new_hits(hits: list[ScreeningHit]) -> int:
    """Mail each reviewer of an agency working with a partner of `hits`; the number of
    mails."""
    if not hits:
        return 0
    hits_of_partner = defaultdict(list)
    for hit in hits:
        hits_of_partner[hit.partner_id].append(hit)
    partners_of_agency = defaultdict(set)
    for agency_id, partner_id in (
        ProposalPartner.objects.filter(partner_id__in=hits_of_partner)
        .values_list("proposal__agency_id", "partner_id")
        .distinct()
    ):
        partners_of_agency[agency_id].add(partner_id)
    reviewers = User.objects.filter(
        agency_id__in=partners_of_agency, groups__name=Role.REVIEWER.value, is_active=True
    ).exclude(email="")
    messages = []
    for reviewer in reviewers.distinct().order_by("pk"):
        theirs = [
            (hit, settings.SITE_URL + reverse("hit_detail", args=[hit.pk]))
            for partner_id in sorted(partners_of_agency[reviewer.agency_id])
            for hit in hits_of_partner[partner_id]
        ]
        context = {"hits": theirs, "reviewer": reviewer}
        subject, body = plain_text_mail("new_hits", context)
        messages.append((subject, body, None, [reviewer.email]))
    # robust: a mail server that fails is logged and never undoes the screening.
    transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=False), robust=True)
    return len(messages)
