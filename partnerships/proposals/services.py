"""Writes to proposals and the partner registry."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from partnerships.accounts.models import User
from partnerships.assessments import permissions
from partnerships.assessments.latest import latest_assessment_refresh
from partnerships.partners.models import Partner
from partnerships.partners.services import PersonRow, key_people_save
from partnerships.proposals.models import ContributionType, Proposal, ProposalPartner


@dataclass(frozen=True)
class PartnerRow:
    """A partner of a proposal: an existing one, or the fields of a new one."""

    role: str
    partner: Partner | None = None
    legal_name: str = ""
    partner_type: str = ""
    country: str = ""
    website: str = ""
    global_compact_participant: bool = False
    # The key people of a new partner (an existing one's are kept on its own page).
    people: tuple[PersonRow, ...] = ()


def _new_partner(row: PartnerRow) -> Partner:
    """A validated, unsaved partner from a proposal form's row."""
    partner = Partner(
        legal_name=row.legal_name,
        partner_type=row.partner_type,
        country=row.country,
        website=row.website,
        global_compact_participant=row.global_compact_participant,
    )
    try:
        partner.full_clean()
    except ValidationError as error:
        raise ValidationError(
            _("New partner %(name)s: %(problems)s")
            % {"name": row.legal_name, "problems": " ".join(error.messages)}
        ) from None
    return partner


def proposal_is_locked(proposal: Proposal) -> bool:
    """While a reviewer looks at an assessment, the proposal stays as it was submitted."""
    return proposal.is_stored_frozen()


def proposal_agency_is_fixed(proposal: Proposal) -> bool:
    """Once an assessment was submitted or decided, the proposal stays with its agency."""
    return proposal.agency_is_fixed()


@transaction.atomic
def proposal_save(
    *,
    proposal: Proposal,
    user: User | None,
    partner_rows: list[PartnerRow],
    contribution_types: Iterable[ContributionType] = (),
    author: User | None = None,
) -> Proposal:
    """Create or update a proposal with its partners.

    `proposal` carries the form's field values (unsaved for a new one). An assessor
    (`user`) works in their own agency; `user` None is for trusted callers (the admin),
    which set the agency themselves. `author` (default: `user`) is who the audit trail
    names, e.g. the administrator in the admin.
    """
    author = author or user
    if user is not None and proposal.pk is None:
        if not permissions.can_create_proposal(user):
            raise PermissionDenied(_("Only assessors create proposals."))
        proposal.agency = user.agency
    elif user is not None and not permissions.can_edit_proposal(user, proposal):
        raise PermissionDenied(_("You cannot edit this proposal."))
    if proposal.pk is None:
        proposal.created_by = author
    else:
        # Held until the save commits: a submission (which locks it too) waits, so that
        # the revision it pins is what this save leaves, never half of it.
        Proposal.objects.select_for_update().only("pk").get(pk=proposal.pk)
    proposal.clean()  # under review, or moved away from the agency it stays with
    if not partner_rows:
        raise ValidationError(_("Add at least one partner."))
    # New partners are checked before anything is written.
    partners = [row.partner or _new_partner(row) for row in partner_rows]
    if author is not None:  # else the request's user, recorded by the middleware
        proposal._history_user = author
    proposal.save()
    proposal.contribution_types.set(contribution_types)
    links = []
    for row, partner in zip(partner_rows, partners, strict=True):
        if partner.pk is None:
            partner.save()  # screened (sanctions.signals)
            if row.people:  # the form's checks passed; the service checks and screens again
                key_people_save(partner=partner, rows=list(row.people), user=None, author=author)
        links.append(ProposalPartner(proposal=proposal, partner=partner, role=row.role))
    proposal.partner_links.all().delete()
    bulk_create_with_history(links, ProposalPartner, default_user=author)
    # The portfolio's copy of the proposal's agency (it may move until submitted).
    latest_assessment_refresh(proposal_id=proposal.pk)
    return proposal
