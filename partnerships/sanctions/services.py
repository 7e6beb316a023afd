"""Deciding screening hits, and what they mean for assessments."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.accounts.models import User
from partnerships.accounts.roles import Role
from partnerships.sanctions.models import HitStatus, SanctionsList, ScreeningHit


def can_decide_hit(user: User, hit: ScreeningHit) -> bool:
    """A Reviewer of an agency with a proposal involving the partner."""
    return (
        user.has_role(Role.REVIEWER)
        and hit.partner.proposals.filter(agency_id=user.agency_id).exists()
    )


@transaction.atomic
def hit_decide(*, hit: ScreeningHit, user: User, status: str, note: str) -> ScreeningHit:
    """Clear a hit (a false match) or confirm it, with a note."""
    if not can_decide_hit(user, hit):
        raise PermissionDenied(_("Only a reviewer of an agency working with this partner decides."))
    # Read under a lock: a decided hit stays decided (two reviewers cannot undo each other).
    current = ScreeningHit.objects.select_for_update().get(pk=hit.pk)
    if current.status != HitStatus.OPEN:
        raise ValidationError(
            _("This hit was already decided (%(status)s).")
            % {"status": current.get_status_display()}
        )
    if status not in {HitStatus.CLEARED, HitStatus.CONFIRMED}:
        raise ValidationError({"status": _("Clear or confirm the hit.")})
    if not note.strip():
        raise ValidationError({"note": _("Explain the decision.")})
    hit.status = status
    hit.note = note.strip()
    hit.decided_by = user
    hit.decided_at = timezone.now()
    hit._history_user = user
    hit.save()
    return hit


@transaction.atomic
def hits_delist(*, data_ids: list[str], sanctions_list: SanctionsList) -> int:
    """Mark the hits on entries that `sanctions_list` no longer has: an open hit closes
    (nothing is left to decide), a decided one keeps its decision. Each change is in the
    hit's audit trail. The number of hits marked."""
    hits = ScreeningHit.objects.filter(entry_data_id__in=data_ids, delisted_at__isnull=True)
    marked = 0
    for hit in hits.select_for_update():
        hit.delisted_at = sanctions_list.date_generated
        if hit.status == HitStatus.OPEN:
            hit.status = HitStatus.DELISTED
        hit._change_reason = (
            f"Delisted: not on the list of {sanctions_list.date_generated:%Y-%m-%d}"
        )
        hit.save()
        marked += 1
    return marked


@transaction.atomic
def hits_relist(*, hits, sanctions_list: SanctionsList) -> list[ScreeningHit]:
    """Hits on entries that `sanctions_list` lists again: one closed by the delisting
    opens again; a decided one loses its delisted mark and keeps its decision."""
    relisted = []
    for hit in hits.select_for_update():
        hit.delisted_at = None
        if hit.status == HitStatus.DELISTED:
            hit.status = HitStatus.OPEN
        hit._change_reason = f"Listed again on the list of {sanctions_list.date_generated:%Y-%m-%d}"
        hit.save()
        relisted.append(hit)
    return relisted


def partners_rescreen(*, sanctions_list: SanctionsList):
    """Screen every partner against a newly imported list: a task on the "screening"
    queue (a worker runs it; the immediate backend, before this returns). The task's
    result has the ids of the hits it opened."""
    # Imported when used: defining a task reads the TASKS setting and loads its backend.
    from partnerships.sanctions.tasks import rescreen_partners

    return rescreen_partners.enqueue(list_id=sanctions_list.pk)


def proposal_hits(proposal):
    return (
        ScreeningHit.objects.filter(partner__proposals=proposal)
        .select_related("partner", "decided_by")
        .distinct()
    )
