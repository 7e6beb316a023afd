"""Keeps `LatestAssessment`: which assessment lists show, and the figures of the one
the portfolio counts."""

from decimal import Decimal

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from partnerships.assessments.choices import DECIDED_STATUSES, AssessmentStatus
from partnerships.assessments.models import (
    Assessment,
    LatestAssessment,
    PrincipleScore,
    ProposalRevision,
    RevisionPartner,
)
from partnerships.proposals.models import PartnerRole, Proposal

NEWEST_FIRST = ("-created_at", "-pk")
# The outcome of an assessment without a decision.
PENDING = "pending"
PRINCIPLES = range(1, 9)
COUNTED_FIELDS = [
    "pk", "proposal_id", "status", "decided_outcome", "created_at", "submitted_at",
    "decided_at", "overall_score", "revision_id", "proposal__agency_id",
]  # fmt: skip


NOT_PINNED = {
    "pinned_value": None, "pinned_currency": "", "pinned_lead_economy_group": "",
    "pinned_lead_region": "",
}  # fmt: skip


def is_pinned(counted: dict) -> bool:
    """Counted from its pinned revision (as `Assessment.shows_pinned`)."""
    return counted["status"] in DECIDED_STATUSES and counted["revision_id"] is not None


def counted_figures(
    counted: dict | None, scores: dict[int, Decimal | None], pinned: dict | None = None
) -> dict:
    """The pointer row's copy of the counted assessment (`COUNTED_FIELDS` values), its
    principle scores by principle number and, when pinned, `pinned_figures` of its
    revision: the one rule both paths below follow."""
    if counted is None:
        return {
            "counted_id": None, "agency_id": None, "status": "", "outcome": "",
            "created_at": None, "submitted_at": None, "decided_at": None,
            "decision_seconds": None, "overall_score": None, "pinned_revision_id": None,
            **NOT_PINNED, **{f"principle_{n}": None for n in PRINCIPLES},
        }  # fmt: skip
    submitted, decided = counted["submitted_at"], counted["decided_at"]
    return {
        "counted_id": counted["pk"],
        "agency_id": counted["proposal__agency_id"],
        "status": counted["status"],
        "outcome": counted["decided_outcome"] or PENDING,
        "created_at": counted["created_at"],
        "submitted_at": submitted,
        "decided_at": decided,
        "decision_seconds": max(0, int((decided - submitted).total_seconds()))
        if submitted and decided
        else None,
        "overall_score": counted["overall_score"],
        "pinned_revision_id": counted["revision_id"] if is_pinned(counted) else None,
        **(pinned or NOT_PINNED),
        **{f"principle_{n}": scores.get(n) for n in PRINCIPLES},
    }


def pinned_figures(revisions, lead_partners) -> dict[int, dict]:
    """{revision id: its value, currency, and lead partner's group and region}, from
    querysets of revisions and of their partners (two queries whatever their number)."""
    figures = {
        pk: {**NOT_PINNED, "pinned_value": value, "pinned_currency": currency}
        for pk, value, currency in revisions.values_list("pk", "value", "currency").iterator(
            chunk_size=20000
        )
    }
    for revision_id, group, region in (
        lead_partners.filter(role=PartnerRole.LEAD)
        .values_list("revision_id", "economy_group", "region")
        .iterator(chunk_size=20000)
    ):
        if revision_id in figures:
            figures[revision_id].update(pinned_lead_economy_group=group, pinned_lead_region=region)
    return figures


@transaction.atomic
def latest_assessment_refresh(*, proposal_id: int) -> None:
    """Point the proposal at its newest assessment, and copy the figures of its newest
    one not withdrawn (a few queries and a write).

    The proposal's row is held first: two refreshes of one proposal (an assessment
    started while the proposal is saved) then run one after the other, and the last
    reads what the first wrote. The services lock an assessment before its proposal,
    so this adds no deadlock."""
    Proposal.objects.select_for_update().only("pk").filter(pk=proposal_id).first()
    assessments = Assessment.objects.filter(proposal_id=proposal_id).order_by(*NEWEST_FIRST)
    newest = assessments.values_list("pk", flat=True).first()
    if newest is None:
        LatestAssessment.objects.filter(proposal_id=proposal_id).delete()
        return
    counted = assessments.exclude(status=AssessmentStatus.WITHDRAWN).values(*COUNTED_FIELDS).first()
    scores = (
        dict(
            PrincipleScore.objects.filter(assessment_id=counted["pk"]).values_list(
                "principle__number", "score"
            )
        )
        if counted
        else {}
    )
    pinned = None
    if counted and is_pinned(counted):
        revision_id = counted["revision_id"]
        pinned = pinned_figures(
            ProposalRevision.objects.filter(pk=revision_id),
            RevisionPartner.objects.filter(revision_id=revision_id),
        )[revision_id]
    LatestAssessment.objects.update_or_create(
        proposal_id=proposal_id,
        defaults={"assessment_id": newest, **counted_figures(counted, scores, pinned)},
    )


def latest_assessment_rebuild(*, apps=global_apps) -> int:
    """Recompute every proposal's row (a migration passes its historical `apps`; a
    repair; the benchmark's bulk load); answers how many proposals have assessments."""
    latest_model = apps.get_model("assessments", "LatestAssessment")
    latest_model.objects.all().delete()
    newest: dict[int, int] = {}
    counted: dict[int, dict] = {}
    rows = (
        apps.get_model("assessments", "Assessment")
        .objects.order_by("proposal_id", *NEWEST_FIRST)
        .values(*COUNTED_FIELDS)
    )
    for row in rows.iterator(chunk_size=5000):
        newest.setdefault(row["proposal_id"], row["pk"])
        if row["status"] != AssessmentStatus.WITHDRAWN:
            counted.setdefault(row["proposal_id"], row)
    counted_pks = {row["pk"] for row in counted.values()}
    scores: dict[int, dict[int, Decimal | None]] = {}
    for assessment_id, number, score in (
        apps.get_model("assessments", "PrincipleScore")
        .objects.order_by()
        .values_list("assessment_id", "principle__number", "score")
        .iterator(chunk_size=20000)
    ):
        if assessment_id in counted_pks:
            scores.setdefault(assessment_id, {})[number] = score
    pinned = pinned_figures(
        apps.get_model("assessments", "ProposalRevision").objects.order_by(),
        apps.get_model("assessments", "RevisionPartner").objects.order_by(),
    )

    def row(proposal_id: int, newest_pk: int):
        assessment = counted.get(proposal_id)
        figures = counted_figures(
            assessment,
            scores.get(assessment["pk"], {}) if assessment else {},
            pinned.get(assessment["revision_id"]) if assessment and is_pinned(assessment) else None,
        )
        return latest_model(proposal_id=proposal_id, assessment_id=newest_pk, **figures)

    latest_model.objects.bulk_create(
        [row(proposal_id, pk) for proposal_id, pk in newest.items()], batch_size=5000
    )
    return len(newest)


@receiver(post_delete, sender=Assessment)
def refresh_after_delete(sender, instance: Assessment, **kwargs) -> None:
    """A deleted assessment (a draft re-assessment, say) takes its pointer row with it;
    the proposal is pointed at what remains."""
    if Proposal.objects.filter(pk=instance.proposal_id).exists():
        latest_assessment_refresh(proposal_id=instance.proposal_id)
