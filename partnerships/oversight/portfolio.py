"""Portfolio figures for oversight, every one aggregated in the database.

Each function takes the assessments in scope (a queryset) and answers with a few
queries whatever the size of the portfolio.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, TruncQuarter
from django.utils import timezone

from partnerships.accounts.models import Agency
from partnerships.assessments.choices import AssessmentStatus
from partnerships.assessments.models import (
    Answer,
    Assessment,
    PrincipleScore,
    RevisionPartner,
)
from partnerships.oversight.models import RepresentationTarget
from partnerships.partners.economies import EconomyGroup
from partnerships.proposals.models import PartnerRole, ProposalPartner

# A decided assessment counts what was decided (its pinned revision), not the proposal
# as edited since; the others count the proposal as it stands.
PINNED = Assessment.shown_as_pinned_q()


@dataclass(frozen=True)
class PortfolioFilter:
    agency: Agency | None = None
    start: date | None = None
    end: date | None = None
    partner_type: str = ""


def scoped_assessments(user, portfolio_filter: PortfolioFilter) -> QuerySet[Assessment]:
    """The assessments the figures count: visible to the user, filtered, and each
    proposal once, by its newest assessment that was not withdrawn (the stored pointer
    `LatestAssessment.counted`, kept by assessments/latest.py)."""
    assessments = Assessment.objects.for_user(user).filter(counted_of__isnull=False)
    if portfolio_filter.agency:
        assessments = assessments.filter(proposal__agency=portfolio_filter.agency)
    # A period is a range of instants (not `created_at__date`, which no index answers):
    # from the start of its first day to the start of the day after its last.
    if portfolio_filter.start:
        assessments = assessments.filter(created_at__gte=_day_start(portfolio_filter.start))
    if portfolio_filter.end:
        assessments = assessments.filter(
            created_at__lt=_day_start(portfolio_filter.end + timedelta(days=1))
        )
    if portfolio_filter.partner_type:
        partner_type = portfolio_filter.partner_type
        assessments = assessments.filter(
            (
                PINNED
                & Exists(
                    RevisionPartner.objects.filter(
                        revision=OuterRef("revision"), partner_type=partner_type
                    )
                )
            )
            | (
                ~PINNED
                & Exists(
                    ProposalPartner.objects.filter(
                        proposal=OuterRef("proposal"), partner__partner_type=partner_type
                    )
                )
            )
        )
    return assessments


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# Scores count once an assessor stands by them: submitted, under review or decided.
SCORED = [
    AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW, AssessmentStatus.APPROVED,
    AssessmentStatus.REJECTED,
]  # fmt: skip
PENDING = "pending"


def scored(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return assessments.filter(status__in=SCORED)


def with_outcome(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The reviewer's decision, or "pending" while there is none."""
    return assessments.annotate(
        outcome=Coalesce(NullIf("decided_outcome", Value("")), Value(PENDING))
    )


def counts_by_agency(assessments: QuerySet[Assessment], field: str) -> list[dict]:
    """[{"agency": "UNDP", field: value, "n": 3}, ...] for status or outcome."""
    return list(
        with_outcome(assessments)
        .values(agency=F("proposal__agency__acronym"), value=F(field))
        .annotate(n=Count("pk"))
        .order_by("agency", "value")
    )


def principle_averages(assessments: QuerySet[Assessment]) -> list[dict]:
    return list(
        PrincipleScore.objects.filter(assessment__in=scored(assessments), score__isnull=False)
        .values(
            "principle__number",
            "principle__key",
            "principle__short_name_en",
            "principle__short_name_zh",
        )
        .annotate(average=Avg("score"), assessments=Count("assessment", distinct=True))
        .order_by("principle__number")
    )


def criteria_not_met(assessments: QuerySet[Assessment], *, key_only=False, limit=10) -> list[dict]:
    answers = Answer.objects.filter(assessment__in=scored(assessments), rating=0)
    if key_only:
        answers = answers.filter(criterion__is_key=True)
    return list(
        answers.values("criterion__code", "criterion__question_en", "criterion__question_zh")
        .annotate(n=Count("pk"))
        .order_by("-n", "criterion__code")[:limit]
    )


def decision_times(assessments: QuerySet[Assessment]) -> dict:
    """Median and 90th percentile of submission → decision (nearest rank), and the count."""
    decided = (
        assessments.filter(decided_at__isnull=False, submitted_at__isnull=False)
        .annotate(
            duration=ExpressionWrapper(
                F("decided_at") - F("submitted_at"), output_field=DurationField()
            )
        )
        .order_by("duration", "pk")
    )
    count = decided.count()

    def percentile(p: float) -> timedelta | None:
        if not count:
            return None
        rank = max(1, math.ceil(p * count))
        return decided.values_list("duration", flat=True)[rank - 1]

    return {"count": count, "median": percentile(0.5), "p90": percentile(0.9)}


def representation(assessments: QuerySet[Assessment], by: str, partner_type: str = "") -> dict:
    """Partners of the proposals in scope, and their value, by economy group or region.

    A proposal's value counts once, for its lead partner (or, without one, for none).
    With a partner type, only partners of that type count.
    """
    live = ProposalPartner.objects.filter(
        proposal__in=assessments.exclude(PINNED).values("proposal_id")
    )
    pinned = RevisionPartner.objects.filter(
        revision__in=assessments.filter(PINNED).values("revision_id")
    )
    if partner_type:
        live = live.filter(partner__partner_type=partner_type)
        pinned = pinned.filter(partner_type=partner_type)
    live_field = f"partner__{by}"
    # Each partner counts once in its group, whether pinned or live (UNION drops repeats).
    partners = Counter(
        group
        for _partner, group in live.values_list("partner_id", live_field)
        .order_by()
        .union(pinned.values_list("partner_id", by).order_by())
    )
    total = sum(partners.values())
    totals: dict[tuple, Decimal] = defaultdict(Decimal)
    for rows in (
        live.filter(role=PartnerRole.LEAD, proposal__value__isnull=False)
        .values(group=F(live_field), currency=F("proposal__currency"))
        .annotate(total=Sum("proposal__value")),
        pinned.filter(role=PartnerRole.LEAD, revision__value__isnull=False)
        .values(group=F(by), currency=F("revision__currency"))
        .annotate(total=Sum("revision__value")),
    ):
        for row in rows.order_by():
            totals[row["group"], row["currency"]] += row["total"]
    values = [
        {"group": group, "currency": currency, "total": total_value}
        for (group, currency), total_value in sorted(totals.items())
    ]
    rows = []
    keys = list(EconomyGroup.values) if by == "economy_group" else sorted(partners)
    targets = (
        dict(RepresentationTarget.objects.values_list("economy_group", "target_share"))
        if by == "economy_group"
        else {}
    )
    for key in keys:
        count = partners.get(key, 0)
        share = Decimal(count * 100) / total if total else None
        target = targets.get(key)
        rows.append(
            {
                "key": key,
                "label": EconomyGroup(key).label if by == "economy_group" else key,
                "partners": count,
                "share": share.quantize(Decimal("0.1")) if share is not None else None,
                "target": target,
                "below_target": target is not None and share is not None and share < target,
                "values": [v for v in values if v["group"] == key],
            }
        )
    return {"rows": rows, "total": total}


def quarterly_trend(assessments: QuerySet[Assessment]) -> list[dict]:
    return list(
        with_outcome(assessments)
        .annotate(quarter=TruncQuarter("created_at"))
        .values("quarter")
        .annotate(
            n=Count("pk"),
            engage=Count("pk", filter=Q(outcome="engage")),
            conditions=Count("pk", filter=Q(outcome="engage_with_conditions")),
            do_not_engage=Count("pk", filter=Q(outcome="do_not_engage")),
            average=Avg("overall_score", filter=Q(status__in=SCORED)),
        )
        .order_by("quarter")
    )
