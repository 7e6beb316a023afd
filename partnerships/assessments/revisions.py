"""What an assessment assessed: the proposal, its partners, the exclusion gate and the
screening hits, as one snapshot.

The workflow pins a snapshot (`ProposalRevision`) when an assessment is submitted and
again when it is decided. A decided assessment is shown, reported, counted and exported
from its pinned revision, never from the live proposal, which stays editable for a
re-assessment; `revision_changes()` says what changed since.

A snapshot is plain JSON (codes, not labels: labels are given in the reader's language
when shown), so that it can be stored, embedded in the signed report and compared.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries

from partnerships.assessments.choices import DECIDED_STATUSES, GateResponse
from partnerships.assessments.models import (
    Assessment,
    GateAnswer,
    ProposalRevision,
    RevisionPartner,
)
from partnerships.formats.numbers import amount_text
from partnerships.i18n import is_chinese
from partnerships.integrity.row_versions import (
    reused,
    row_version,
    row_versions,
    versions_fingerprint,
)
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import KeyPerson, KeyPersonRole, Partner, PartnerType
from partnerships.proposals.models import ContributionType, PartnerRole, Proposal, ProposalPartner
from partnerships.sanctions.models import HitStatus
from partnerships.sanctions.services import proposal_hits

# The proposal's own fields, in the order they are shown and compared.
PROPOSAL_FIELDS = [
    "title", "summary", "objectives", "contribution_types", "value", "currency", "start_date",
    "end_date", "countries", "requests_un_name_or_emblem", "un_name_or_emblem_use",
    "requests_exclusivity", "exclusivity_details", "complementarity",
]  # fmt: skip
PARTNER_FIELDS = [
    "legal_name", "role", "partner_type", "country", "economy_group", "region",
    "classification_edition", "global_compact_participant",
]  # fmt: skip
# What a RevisionPartner row repeats from the snapshot, for the portfolio's aggregates.
REVISION_PARTNER_COLUMNS = [name for name in PARTNER_FIELDS if name != "global_compact_participant"]
ROLE_ORDER = {role.value: index for index, role in enumerate(PartnerRole)}


def json_text(value) -> str | None:
    """A decimal or date as JSON keeps it exactly: as text (None stays null)."""
    return None if value is None else str(value)


def partners_content(links: Iterable[ProposalPartner]) -> list[dict]:
    """A snapshot's partners, from a proposal's partner links with their partner loaded."""
    partners = [
        {
            "partner_id": link.partner_id,
            "legal_name": link.partner.legal_name,
            "role": link.role,
            "partner_type": link.partner.partner_type,
            "country": link.partner.country.code,
            "economy_group": link.partner.economy_group,
            "region": link.partner.region,
            "classification_edition": link.partner.classification_edition,
            "global_compact_participant": link.partner.global_compact_participant,
            "key_people": [
                {
                    "name": person.name,
                    "role": person.role,
                    "date_of_birth": json_text(person.date_of_birth),
                    "nationality": person.nationality.code,
                }
                for person in link.partner.key_people.all()
            ],
        }
        for link in links
    ]
    return sort_partners(partners)


def sort_partners(partners: list[dict]) -> list[dict]:
    """A snapshot's partners in their order: by role, then name (then id, for equal names)."""
    partners.sort(key=lambda p: (ROLE_ORDER.get(p["role"], 99), p["legal_name"], p["partner_id"]))
    return partners


def proposal_content(proposal: Proposal) -> dict:
    """The proposal's fields and partners with their key people, now (four queries)."""
    links = (
        ProposalPartner.objects.filter(proposal=proposal)
        .select_related("partner")
        .prefetch_related("partner__key_people")
    )
    return {
        "id": proposal.pk,
        "agency": proposal.agency.acronym,
        "title": proposal.title,
        "summary": proposal.summary,
        "objectives": proposal.objectives,
        "contribution_types": [
            {"key": c.key, "name_en": c.name_en, "name_zh": c.name_zh}
            for c in proposal.contribution_types.order_by("position")
        ],
        "value": json_text(proposal.value),
        "currency": proposal.currency,
        "start_date": json_text(proposal.start_date),
        "end_date": json_text(proposal.end_date),
        "countries": [country.code for country in proposal.countries],
        "requests_un_name_or_emblem": proposal.requests_un_name_or_emblem,
        "un_name_or_emblem_use": proposal.un_name_or_emblem_use,
        "requests_exclusivity": proposal.requests_exclusivity,
        "exclusivity_details": proposal.exclusivity_details,
        "complementarity": proposal.complementarity,
        "partners": partners_content(links),
    }


def proposal_content_versions(proposal_id: int) -> str | None:
    """The row versions of everything `proposal_content` reads (see `row_versions`)."""
    chosen = Proposal.contribution_types.through._meta.db_table
    kinds, links = ContributionType._meta.db_table, ProposalPartner._meta.db_table
    partners, people = Partner._meta.db_table, KeyPerson._meta.db_table
    agencies = Proposal._meta.get_field("agency").related_model._meta.db_table
    return versions_fingerprint(
        [
            row_version("p"),
            row_versions(f"FROM {agencies} x WHERE x.id = p.agency_id", "x"),
            row_versions(
                f"FROM {chosen} x LEFT JOIN {kinds} y ON y.id = x.contributiontype_id "
                "WHERE x.proposal_id = p.id",
                "x",
                "y",
            ),
            row_versions(
                f"FROM {links} x LEFT JOIN {partners} y ON y.id = x.partner_id "
                "WHERE x.proposal_id = p.id",
                "x",
                "y",
            ),
            row_versions(
                f"FROM {people} x JOIN {links} y ON y.partner_id = x.partner_id "
                "WHERE y.proposal_id = p.id",
                "x",
            ),
        ],
        f"FROM {Proposal._meta.db_table} p WHERE p.id = %s",
        [proposal_id],
    )


def current_proposal_content(proposal: Proposal) -> dict:
    """`proposal_content` of the proposal as the database holds it now, reused while
    the rows it reads are unchanged (where the database keeps row versions)."""
    versions = proposal_content_versions(proposal.pk)
    if versions is None:
        return proposal_content(proposal)
    return reused(
        f"proposal-content:{proposal.pk}",
        versions,
        # Read afresh, after the versions: the object in hand may be older.
        lambda: proposal_content(Proposal.objects.select_related("agency").get(pk=proposal.pk)),
    )


def live_content(assessment: Assessment) -> dict:
    """The snapshot of what the assessment assesses, as it stands now."""
    proposal = proposal_content(assessment.proposal)
    # The gate question by question, each about the partners in the proposal's order.
    partner_order = {p["partner_id"]: index for index, p in enumerate(proposal["partners"])}
    answers = sorted(
        GateAnswer.objects.current(assessment).select_related("question", "partner"),
        key=lambda answer: (
            answer.question.position,
            answer.question.key,
            partner_order.get(answer.partner_id, -1),
        ),
    )
    gate = [
        {
            "key": answer.question.key,
            "version": answer.question.version,
            "question_en": answer.question.question_en,
            "question_zh": answer.question.question_zh,
            # None: answered for the whole proposal, before the gate asked per partner.
            "partner_id": answer.partner_id,
            "partner_name": answer.partner.legal_name if answer.partner_id else "",
            "response": answer.response,
            "note": answer.note,
        }
        for answer in answers
    ]
    hits = [
        {
            "partner_id": hit.partner_id,
            "partner_name": hit.partner_name,
            "person_name": hit.person_name,
            "person_role": hit.person_role,
            "matched_name": hit.matched_name,
            "entry_name": hit.entry_name,
            "entry_reference": hit.entry_reference,
            "entry_data_id": hit.entry_data_id,
            "score": json_text(hit.score),
            "explanation": hit.explanation,
            "list_date": hit.list_date.isoformat(),
            "status": hit.status,
            "note": hit.note,
            "decided_by": str(hit.decided_by) if hit.decided_by else "",
            "decided_at": hit.decided_at.isoformat() if hit.decided_at else None,
        }
        for hit in proposal_hits(assessment.proposal).order_by("partner_name", "entry_data_id")
    ]
    return {"proposal": proposal, "gate": gate, "hits": hits}


def content_sha256(content: dict) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    return hashlib.sha256(canonical.encode()).hexdigest()


def revision_pin(*, assessment: Assessment, stage: str) -> ProposalRevision:
    """Store what the assessment assesses now; the caller pins it on the assessment."""
    content = live_content(assessment)
    proposal = content["proposal"]
    revision = ProposalRevision.objects.create(
        assessment=assessment,
        stage=stage,
        content=content,
        sha256=content_sha256(content),
        title=proposal["title"],
        value=Decimal(proposal["value"]) if proposal["value"] is not None else None,
        currency=proposal["currency"],
    )
    RevisionPartner.objects.bulk_create(
        RevisionPartner(
            revision=revision,
            partner_id=partner["partner_id"],
            **{name: partner[name] for name in REVISION_PARTNER_COLUMNS},
        )
        for partner in proposal["partners"]
    )
    return revision


def assessed_content(assessment: Assessment) -> dict:
    """What a page, report or export shows of the assessed proposal: the pinned revision
    once decided, else the proposal as it stands."""
    if assessment.shows_pinned:
        return assessment.revision.content
    return live_content(assessment)


# Display: labels in the reader's language, from a snapshot's codes.


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def proposal_view(content: dict) -> dict:
    """The snapshot's proposal fields, with contributions and countries named."""
    proposal = content["proposal"]
    return {
        **proposal,
        # Dates as dates, so that pages write them in the reader's format.
        "start_date": _date(proposal["start_date"]),
        "end_date": _date(proposal["end_date"]),
        "contribution_names": [
            c["name_zh"] if is_chinese() else c["name_en"] for c in proposal["contribution_types"]
        ],
        "country_names": [str(countries.name(code) or code) for code in proposal["countries"]],
    }


@dataclass
class PartnerView:
    name: str
    role: str
    role_label: str
    type_label: str
    country: str
    country_name: str
    economy_group_label: str
    global_compact_participant: bool
    key_people: list[str]  # "name (role, born …, nationality)"; none in older snapshots


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "—"


def _person_line(person: dict) -> str:
    facts = [_label(KeyPersonRole, person["role"])]
    if person.get("date_of_birth"):
        facts.append(_("born %(date)s") % {"date": person["date_of_birth"]})
    if person.get("nationality"):
        facts.append(str(countries.name(person["nationality"]) or person["nationality"]))
    return f"{person['name']} ({', '.join(facts)})"


def partner_views(content: dict) -> list[PartnerView]:
    return [
        PartnerView(
            name=p["legal_name"],
            role=p["role"],
            role_label=_label(PartnerRole, p["role"]),
            type_label=_label(PartnerType, p["partner_type"]),
            country=p["country"],
            country_name=str(countries.name(p["country"]) or p["country"]),
            economy_group_label=_label(EconomyGroup, p["economy_group"]),
            global_compact_participant=p.get("global_compact_participant", False),
            key_people=[_person_line(person) for person in p.get("key_people", [])],
        )
        for p in content["proposal"]["partners"]
    ]


@dataclass
class GateView:
    question: str
    partner_name: str  # empty: answered for the whole proposal (before per-partner answers)
    response: str
    response_label: str
    note: str


def gate_views(content: dict) -> list[GateView]:
    return [
        GateView(
            question=g["question_zh"] if is_chinese() else g["question_en"],
            partner_name=g.get("partner_name", ""),
            response=g["response"],
            response_label=_label(GateResponse, g["response"]),
            note=g["note"],
        )
        for g in content["gate"]
    ]


def gate_concerns(gate: list[GateView]) -> list[GateView]:
    """The answers "yes" (as `services.gate_concerns` reads them from the rows)."""
    return [answer for answer in gate if answer.response == GateResponse.YES]


@dataclass
class HitView:
    partner_name: str
    person_name: str  # a hit on a key person (empty: on the partner's names)
    person_role_label: str
    matched_name: str
    entry_reference: str
    entry_data_id: str
    score: str
    explanation: dict  # how the score was made (empty in snapshots made before it was kept)
    status: str
    status_label: str
    note: str
    decided_by: str
    decided_at: datetime | None
    list_date: datetime | None


def hit_views(content: dict) -> list[HitView]:
    return [
        HitView(
            partner_name=h["partner_name"],
            person_name=h.get("person_name", ""),
            person_role_label=_label(KeyPersonRole, h["person_role"])
            if h.get("person_role")
            else "",
            matched_name=h["matched_name"],
            entry_reference=h["entry_reference"],
            entry_data_id=h["entry_data_id"],
            score=h["score"],
            explanation=h.get("explanation") or {},
            status=h["status"],
            status_label=_label(HitStatus, h["status"]),
            note=h["note"],
            decided_by=h["decided_by"],
            decided_at=datetime.fromisoformat(h["decided_at"]) if h["decided_at"] else None,
            list_date=datetime.fromisoformat(h["list_date"]) if h["list_date"] else None,
        )
        for h in content["hits"]
    ]


# What changed since a decision.


@dataclass
class RevisionChanges:
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (label, before, after)
    partners_added: list[str] = field(default_factory=list)
    partners_removed: list[str] = field(default_factory=list)
    partners_changed: list[tuple[str, list[tuple[str, str, str]]]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(
            self.fields or self.partners_added or self.partners_removed or self.partners_changed
        )


def _field_labels() -> dict[str, str]:
    labels = {
        name: str(Proposal._meta.get_field(name).verbose_name)
        for name in PROPOSAL_FIELDS
        if name != "contribution_types"
    }
    labels["contribution_types"] = _("contributions")
    return labels


def _partner_field_labels() -> dict[str, str]:
    return {
        "legal_name": _("legal name"),
        "role": _("role"),
        "partner_type": _("type"),
        "country": _("country"),
        "economy_group": _("economy group"),
        "region": _("region"),
        "classification_edition": _("classification edition"),
        "global_compact_participant": _("Global Compact participant"),
    }


def _shown(name: str, value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "contribution_types":
        return ", ".join(c["name_zh"] if is_chinese() else c["name_en"] for c in value)
    if name == "countries":
        return ", ".join(str(countries.name(code) or code) for code in value)
    if name == "value":
        return amount_text(value)
    if name in ("start_date", "end_date"):
        return date_format(_date(value), "DATE_FORMAT")
    if name == "country":
        return str(countries.name(value) or value)
    if name == "role":
        return _label(PartnerRole, value)
    if name == "partner_type":
        return _label(PartnerType, value)
    if name == "economy_group":
        return _label(EconomyGroup, value)
    return str(value)


def revision_changes(before: dict, after: dict) -> RevisionChanges:
    """Field by field, what differs between two proposal snapshots (`content["proposal"]`)."""
    changes = RevisionChanges()
    labels = _field_labels()
    for name in PROPOSAL_FIELDS:
        if before.get(name) != after.get(name):
            changes.fields.append(
                (labels[name], _shown(name, before.get(name)), _shown(name, after.get(name)))
            )
    old = {p["partner_id"]: p for p in before["partners"]}
    new = {p["partner_id"]: p for p in after["partners"]}
    partner_labels = _partner_field_labels()
    for pk, partner in new.items():
        if pk not in old:
            changes.partners_added.append(
                f"{partner['legal_name']} ({_shown('role', partner['role'])})"
            )
    for pk, partner in old.items():
        if pk not in new:
            changes.partners_removed.append(
                f"{partner['legal_name']} ({_shown('role', partner['role'])})"
            )
            continue
        diffs = [
            (partner_labels[name], _shown(name, partner.get(name)), _shown(name, new[pk].get(name)))
            for name in PARTNER_FIELDS
            if partner.get(name) != new[pk].get(name)
        ]
        if diffs:
            changes.partners_changed.append((partner["legal_name"], diffs))
    return changes


def changes_since_decision(assessment: Assessment) -> RevisionChanges:
    """What changed in the proposal since this decided assessment's pinned revision."""
    if not assessment.shows_pinned:
        return RevisionChanges()
    return revision_changes(
        assessment.revision.content["proposal"], current_proposal_content(assessment.proposal)
    )


def latest_decision(proposal: Proposal) -> Assessment | None:
    """The proposal's most recently decided assessment."""
    return (
        proposal.assessments.filter(status__in=DECIDED_STATUSES)
        .select_related("revision")
        .order_by("-decided_at", "-pk")
        .first()
    )
