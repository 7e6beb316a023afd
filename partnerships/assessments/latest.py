"""Keeps `LatestAssessment`: which assessment lists show, and the figures of the one
the portfolio counts; and `PortfolioPartner`: the partners it counts."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from partnerships.assessments.choices import AssessmentStatus
from partnerships.assessments.models import (
    Assessment,
    LatestAssessment,
    PortfolioPartner,
    PrincipleScore,
    ProposalRevision,
    RevisionPartner,
)
from partnerships.proposals.models import PartnerRole, Proposal, ProposalPartner

NEWEST_FIRST = ("-created_at", "-pk")
# The outcome of an assessment without a decision.
PENDING = "pending"
PRINCIPLES = range(1, 9)
COUNTED_FIELDS = [
    "pk", "proposal_id", "status", "decided_outcome", "created_at", "submitted_at",
    "decided_at", "overall_score", "revision_id", "proposal__agency_id",
]  # fmt: skip


def is_pinned(counted: dict) -> bool:
    """Counted from its pinned revision."""
    return Assessment.pinned_for(counted["status"], counted["revision_id"])


def quarter_start(moment: datetime) -> date:
    """The first day of the quarter `moment` falls in, in UTC (the dashboard's quarters)."""
    moment = moment.astimezone(UTC)
    return date(moment.year, (moment.month - 1) // 3 * 3 + 1, 1)


def counted_figures(counted: dict | None, scores: dict[int, Decimal | None]) -> dict:
    """The pointer row's copy of the counted assessment (`COUNTED_FIELDS` values) and
    its principle scores by principle number: the one rule both paths below follow."""
    if counted is None:
        return {
            "counted_id": None, "agency_id": None, "status": "", "outcome": "",
            "created_at": None, "quarter": None, "submitted_at": None, "decided_at": None,
            "decision_seconds": None, "overall_score": None, "pinned_revision_id": None,
            **{f"principle_{n}": None for n in PRINCIPLES},
        }  # fmt: skip
    submitted, decided = counted["submitted_at"], counted["decided_at"]
    return {
        "counted_id": counted["pk"],
        "agency_id": counted["proposal__agency_id"],
        "status": counted["status"],
        "outcome": counted["decided_outcome"] or PENDING,
        "created_at": counted["created_at"],
        "quarter": quarter_start(counted["created_at"]),
        "submitted_at": submitted,
        "decided_at": decided,
        "decision_seconds": max(0, int((decided - submitted).total_seconds()))
        if submitted and decided
        else None,
        "overall_score": counted["overall_score"],
        "pinned_revision_id": counted["revision_id"] if is_pinned(counted) else None,
        **{f"principle_{n}": scores.get(n) for n in PRINCIPLES},
    }


# A partner as `PortfolioPartner` holds it: a pinned revision's partner with its type,
# group and region as then classified; a live one by reference (the registry says).
PINNED_PARTNER_FIELDS = ("partner_id", "role", "partner_type", "economy_group", "region")
LIVE_PARTNER_FIELDS = ("partner_id", "role")


def portfolio_partners(model, counted: dict, partners, value: tuple, *, pinned: bool) -> list:
    """The `PortfolioPartner` rows (of `model`) of one counted assessment: `partners` are
    PINNED_ or LIVE_PARTNER_FIELDS tuples, `value` the (value, currency) the lead counts."""
    rows = []
    for partner_id, role, *classified in partners:
        lead = role == PartnerRole.LEAD
        partner_type, economy_group, region = classified or ("", "", "")
        rows.append(
            model(
                proposal_id=counted["proposal_id"],
                partner_id=partner_id,
                pinned=pinned,
                role=role,
                partner_type=partner_type,
                economy_group=economy_group,
                region=region,
                value=value[0] if lead else None,
                currency=value[1] if lead else "",
                agency_id=counted["proposal__agency_id"],
                created_at=counted["created_at"],
            )
        )
    return rows


@transaction.atomic
def latest_assessment_refresh(*, proposal_id: int) -> None:
    """Point the proposal at its newest assessment, and copy the figures and partners
    of its newest one not withdrawn (a few queries and writes).

    The proposal's row is held first: two refreshes of one proposal (an assessment
    started while the proposal is saved) then run one after the other, and the last
    reads what the first wrote. The services lock an assessment before its proposal,
    so this adds no deadlock."""
    proposal = (
        Proposal.objects.select_for_update()
        .only("pk", "value", "currency")
        .filter(pk=proposal_id)
        .first()
    )
    assessments = Assessment.objects.filter(proposal_id=proposal_id).order_by(*NEWEST_FIRST)
    newest = assessments.values_list("pk", flat=True).first()
    if proposal is None or newest is None:
        LatestAssessment.objects.filter(proposal_id=proposal_id).delete()
        PortfolioPartner.objects.filter(proposal_id=proposal_id).delete()
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
    LatestAssessment.objects.update_or_create(
        proposal_id=proposal_id,
        defaults={"assessment_id": newest, **counted_figures(counted, scores)},
    )
    PortfolioPartner.objects.filter(proposal_id=proposal_id).delete()
    if counted is None:
        return
    if is_pinned(counted):
        revision = ProposalRevision.objects.values_list("value", "currency").get(
            pk=counted["revision_id"]
        )
        partners = RevisionPartner.objects.filter(revision_id=counted["revision_id"])
        rows = portfolio_partners(
            PortfolioPartner,
            counted,
            partners.values_list(*PINNED_PARTNER_FIELDS),
            revision,
            pinned=True,
        )
    else:
        rows = portfolio_partners(
            PortfolioPartner,
            counted,
            ProposalPartner.objects.filter(proposal_id=proposal_id).values_list(
                *LIVE_PARTNER_FIELDS
            ),
            (proposal.value, proposal.currency),
            pinned=False,
        )
    PortfolioPartner.objects.bulk_create(rows)


def latest_assessment_rebuild(*, apps=global_apps) -> int:
    """Recompute every proposal's row and partners (a migration passes its historical
    `apps`; a repair; the benchmark's bulk load); answers how many proposals have
    assessments. Only the newest migration that fills these tables may call it: an
    older one would run it against models that do not have today's fields yet."""
    latest_model = apps.get_model("assessments", "LatestAssessment")
    partner_model = apps.get_model("assessments", "PortfolioPartner")
    partner_model.objects.all().delete()
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
    latest_model.objects.bulk_create(
        [
            latest_model(
                proposal_id=proposal_id,
                assessment_id=pk,
                **counted_figures(
                    counted.get(proposal_id),
                    scores.get(counted[proposal_id]["pk"], {}) if proposal_id in counted else {},
                ),
            )
            for proposal_id, pk in newest.items()
        ],
        batch_size=5000,
    )
    partner_model.objects.bulk_create(
        _all_portfolio_partners(apps, partner_model, list(counted.values())), batch_size=5000
    )
    return len(newest)


def _all_portfolio_partners(apps, partner_model, counted: list[dict]):
    """Every counted assessment's `PortfolioPartner` rows, four queries in all: the
    pinned from their revisions, the others from their proposals as they stand."""
    sources = [
        # (the key, its model (value, currency), its partners' model, their fields, pinned)
        ("revision_id", ("assessments", "ProposalRevision"), ("assessments", "RevisionPartner"),
         PINNED_PARTNER_FIELDS, True),
        ("proposal_id", ("proposals", "Proposal"), ("proposals", "ProposalPartner"),
         LIVE_PARTNER_FIELDS, False),
    ]  # fmt: skip
    for key, owner, partners, fields, pinned in sources:
        wanted = {row[key]: row for row in counted if is_pinned(row) == pinned}
        values = {
            pk: (value, currency)
            for pk, value, currency in apps.get_model(*owner)
            .objects.order_by()
            .values_list("pk", "value", "currency")
            .iterator(chunk_size=20000)
            if pk in wanted
        }
        grouped: dict[int, list] = {}
        for pk, *partner in (
            apps.get_model(*partners)
            .objects.order_by()
            .values_list(key, *fields)
            .iterator(chunk_size=20000)
        ):
            if pk in wanted:
                grouped.setdefault(pk, []).append(partner)
        for pk, row in wanted.items():
            yield from portfolio_partners(
                partner_model, row, grouped.get(pk, []), values[pk], pinned=pinned
            )


@receiver(post_delete, sender=Assessment)
def refresh_after_delete(sender, instance: Assessment, **kwargs) -> None:
    """A deleted assessment (a draft re-assessment, say) takes its pointer row with it;
    the proposal is pointed at what remains."""
    if Proposal.objects.filter(pk=instance.proposal_id).exists():
        latest_assessment_refresh(proposal_id=instance.proposal_id)
