"""Writes to the partner registry that the pages, the admin and commands share."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.accounts.roles import Role
from partnerships.partners.models import KeyPerson, Partner
from partnerships.proposals.models import Proposal
from partnerships.sanctions.screening import screen_partners


@dataclass(frozen=True)
class PersonRow:
    """One key person as entered: `pk` None for a new one."""

    pk: int | None
    name: str
    role: str
    date_of_birth: date | None
    nationality: str


def can_edit_key_people(user, partner: Partner) -> bool:
    """An assessor of an agency that works with the partner (has a proposal with it)."""
    return (
        user.is_authenticated
        and user.has_role(Role.ASSESSOR)
        and Proposal.objects.filter(agency_id=user.agency_id, partners=partner).exists()
    )


def key_people_version(people: Iterable[KeyPerson]) -> str:
    """What the key people are now, in short: a form based on another version is stale."""
    state = sorted(
        (p.pk, p.name, p.role, str(p.date_of_birth or ""), p.nationality.code or "") for p in people
    )
    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


@transaction.atomic
def key_people_save(
    *,
    partner: Partner,
    rows: list[PersonRow],
    user,
    author=None,
    expected_version: str | None = None,
) -> list[KeyPerson]:
    """Make the partner's key people those of `rows`: changed ones updated, new ones
    added, the others removed (their screening hits keep the name), then the partner
    screened once; the audit trail names `user`. Rows based on `expected_version` when
    someone changed the key people since, or naming a person removed meanwhile, are
    refused: saving them would undo the other change. `user` None is for trusted
    callers (the admin); `author` (default: `user`) is who the audit trail names."""
    author = author or user
    if user is not None and not can_edit_key_people(user, partner):
        raise PermissionDenied(_("Only an assessor of an agency working with this partner."))
    # Locking the partner serialises saves of its people with its screening.
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    existing = {person.pk: person for person in partner.key_people.select_for_update()}
    stale = expected_version is not None and expected_version != key_people_version(
        existing.values()
    )
    if stale or any(row.pk and row.pk not in existing for row in rows):
        raise ValidationError(
            _(
                "Someone changed this partner's key people since you opened the page. "
                "They are shown as stored now, above your entries: check these and save again."
            ),
            code="stale",
        )
    kept = []
    for row in rows:
        person = existing.pop(row.pk, None) if row.pk else None
        person = person or KeyPerson(partner=partner)
        fields = (row.name.strip(), row.role, row.date_of_birth, row.nationality)
        if person.pk and fields == (
            person.name,
            person.role,
            person.date_of_birth,
            person.nationality.code or "",
        ):
            kept.append(person)
            continue
        person.name, person.role, person.date_of_birth, person.nationality = fields
        person._history_user = author
        person._screened_by_caller = True  # once, below, not once a person
        person.full_clean(exclude=["partner"])
        person.save()
        del person._screened_by_caller
        kept.append(person)
    for person in existing.values():
        person._history_user = author
        person.delete()
    screen_partners([partner])
    return kept
