"""Writes to the partner registry that the pages, the admin and commands share."""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.accounts.roles import Role
from partnerships.partners.models import KeyPerson, Partner
from partnerships.proposals.models import Proposal


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


@transaction.atomic
def key_people_save(*, partner: Partner, rows: list[PersonRow], user) -> list[KeyPerson]:
    """Make the partner's key people those of `rows`: changed ones updated, new ones
    added, the others removed (their screening hits keep the name). Each is screened
    when saved (sanctions.signals); the audit trail names `user`."""
    if not can_edit_key_people(user, partner):
        raise PermissionDenied(_("Only an assessor of an agency working with this partner."))
    existing = {person.pk: person for person in partner.key_people.select_for_update()}
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
        person._history_user = user
        person.full_clean(exclude=["partner"])
        person.save()
        kept.append(person)
    for person in existing.values():
        person._history_user = user
        person.delete()
    return kept
