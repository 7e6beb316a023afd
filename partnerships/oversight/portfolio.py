"""Portfolio figures for oversight, every one aggregated in the database.

The portfolio counts each proposal once, by its newest assessment that was not
withdrawn. Its figures are copied, one narrow row per proposal, into
`LatestAssessment` (kept by assessments/latest.py); every function here takes those
rows in scope (a queryset) and answers with a few queries whatever the portfolio's size.
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from partnerships.accounts.models import Agency
from partnerships.accounts.scoping import visible_to
from partnerships.assessments.choices import DECIDED_STATUSES, REVIEW_STATUSES
from partnerships.assessments.latest import PRINCIPLES
from partnerships.assessments.models import Answer, LatestAssessment, RevisionPartner
from partnerships.oversight.models import RepresentationTarget
from partnerships.partners.economies import EconomyGroup
from partnerships.principles.models import Principle
from partnerships.proposals.models import PartnerRole, ProposalPartner

# A decided assessment counts what was decided (its pinned revision), not the proposal
# as edited since; the others count the proposal as it stands.
PINNED = Q(pinned_revision__isnull=False)
# Scores count once an assessor stands by them: submitted, under review or decided.
SCORED = sorted(REVIEW_STATUSES | DECIDED_STATUSES)
GROUPINGS = ("economy_group", "region")


@dataclass(frozen=True)
class PortfolioFilter:
    agency: Agency | None = None
    start: date | None = None
    end: date | None = None
    partner_type: str = ""


def scoped_entries(user, portfolio_filter: PortfolioFilter) -> QuerySet[LatestAssessment]:
    """The proposals the figures count (by their counted assessment): visible to the
    user, filtered."""
    entries = visible_to(LatestAssessment.objects.filter(counted__isnull=False), user, "agency_id")
    if portfolio_filter.agency:
        entries = entries.filter(agency=portfolio_filter.agency)
    # A period is a range of instants (not `created_at__date`, which no index answers):
    # from the start of its first day to the start of the day after its last.
    if portfolio_filter.start:
        entries = entries.filter(created_at__gte=_day_start(portfolio_filter.start))
    if portfolio_filter.end:
        entries = entries.filter(
            created_at__lt=_day_start(portfolio_filter.end + timedelta(days=1))
        )
    if portfolio_filter.partner_type:
        # IN (uncorrelated) rather than EXISTS: OR-ed, each is one hashed set, not a
        # subquery per row.
        partner_type = portfolio_filter.partner_type
        entries = entries.filter(
            Q(
                pinned_revision__in=RevisionPartner.objects.filter(
                    partner_type=partner_type
                ).values("revision_id")
            )
            | Q(
                pinned_revision__isnull=True,
                proposal__in=ProposalPartner.objects.filter(
                    partner__partner_type=partner_type
                ).values("proposal_id"),
            )
        )
    return entries


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def scored(entries: QuerySet[LatestAssessment]) -> QuerySet[LatestAssessment]:
    return entries.filter(status__in=SCORED)


def counts_by_agency(entries: QuerySet[LatestAssessment]) -> list[dict]:
    """[{"agency": "UNDP", "status": "approved", "outcome": "engage", "n": 3}, ...]: one
    pass answers both the status and the outcome (decision, or "pending") tables."""
    return list(
        entries.values("status", "outcome", agency_acronym=F("agency__acronym"))
        .annotate(n=Count("pk"))
        .order_by("agency_acronym", "status", "outcome")
    )


def principle_averages(entries: QuerySet[LatestAssessment]) -> list[dict]:
    """Each principle's average score over the scored assessments, and how many had one."""
    figures = scored(entries).aggregate(
        **{f"average_{n}": Avg(f"principle_{n}") for n in PRINCIPLES},
        **{f"assessments_{n}": Count(f"principle_{n}") for n in PRINCIPLES},
    )
    return [
        {
            "principle__number": principle.number,
            "principle__key": principle.key,
            "principle__short_name_en": principle.short_name_en,
            "principle__short_name_zh": principle.short_name_zh,
            "average": figures[f"average_{principle.number}"],
            "assessments": figures[f"assessments_{principle.number}"],
        }
        for principle in Principle.objects.order_by("number")
        if figures.get(f"assessments_{principle.number}")
    ]


def criteria_not_met(
    entries: QuerySet[LatestAssessment], *, key_only=False, limit=10
) -> list[dict]:
    answers = Answer.objects.filter(
        rating=0, assessment_id__in=scored(entries).values("counted_id")
    )
    if key_only:
        answers = answers.filter(criterion__is_key=True)
    return list(
        answers.values("criterion__code", "criterion__question_en", "criterion__question_zh")
        # COUNT(*): the partial index alone answers it (no row needs reading).
        .annotate(n=Count("*"))
        .order_by("-n", "criterion__code")[:limit]
    )


def decision_times(entries: QuerySet[LatestAssessment]) -> dict:
    """Median and 90th percentile of submission → decision (nearest rank), and the count."""
    decided = entries.filter(decision_seconds__isnull=False).order_by("decision_seconds")
    count = decided.count()

    def percentile(p: float) -> timedelta | None:
        if not count:
            return None
        rank = max(1, math.ceil(p * count))
        return timedelta(seconds=decided.values_list("decision_seconds", flat=True)[rank - 1])

    return {"count": count, "median": percentile(0.5), "p90": percentile(0.9)}


def representation(entries: QuerySet[LatestAssessment], partner_type: str = "") -> dict:
    """Partners of the proposals in scope, and their value, by economy group and by
    region: {"economy_group": {"rows": [...], "total": n}, "region": {...}}.

    A proposal's value counts once, for its lead partner (or, without one, for none).
    With a partner type, only partners of that type count.
    """
    live = ProposalPartner.objects.filter(
        proposal_id__in=entries.exclude(PINNED).values("proposal_id")
    )
    pinned = RevisionPartner.objects.filter(
        revision_id__in=entries.filter(PINNED).values("pinned_revision_id")
    )
    if partner_type:
        live = live.filter(partner__partner_type=partner_type)
        pinned = pinned.filter(partner_type=partner_type)
    # Each partner counts once in its group, whether pinned or live (UNION drops repeats).
    partners = list(
        live.values_list("partner_id", "partner__economy_group", "partner__region")
        .order_by()
        .union(pinned.values_list("partner_id", "economy_group", "region").order_by())
    )
    totals: dict[str, dict[tuple, Decimal]] = {by: defaultdict(Decimal) for by in GROUPINGS}
    for rows in (
        live.filter(role=PartnerRole.LEAD, proposal__value__isnull=False)
        .values(
            economy_group=F("partner__economy_group"),
            region=F("partner__region"),
            currency=F("proposal__currency"),
        )
        .annotate(total=Sum("proposal__value")),
        # The pinned revisions' values, from their copies on the portfolio's rows.
        _pinned_values(entries, partner_type),
    ):
        for row in rows.order_by():
            for by in GROUPINGS:
                totals[by][row[by], row["currency"]] += row["total"]
    targets = dict(RepresentationTarget.objects.values_list("economy_group", "target_share"))
    return {
        # A partner whose group changed since a decision stands once in each of its
        # groups, but once only in a region it kept (and the other way round).
        "economy_group": _group_rows(
            Counter(group for _pk, group in {(pk, group) for pk, group, _region in partners}),
            totals["economy_group"],
            keys=list(EconomyGroup.values),
            label=lambda key: EconomyGroup(key).label,
            targets=targets,
        ),
        "region": _group_rows(
            Counter(region for _pk, region in {(pk, region) for pk, _group, region in partners}),
            totals["region"],
            keys=None,
            label=lambda key: key,
            targets={},
        ),
    }


def _pinned_values(entries: QuerySet[LatestAssessment], partner_type: str) -> QuerySet:
    entries = entries.filter(PINNED, pinned_value__isnull=False).exclude(
        pinned_lead_economy_group=""
    )
    if partner_type:  # the lead partner must be of the type
        entries = entries.filter(
            pinned_revision__in=RevisionPartner.objects.filter(
                role=PartnerRole.LEAD, partner_type=partner_type
            ).values("revision_id")
        )
    return entries.values(
        economy_group=F("pinned_lead_economy_group"),
        region=F("pinned_lead_region"),
        currency=F("pinned_currency"),
    ).annotate(total=Sum("pinned_value"))


def _group_rows(partners: Counter, totals: dict, *, keys, label, targets) -> dict:
    total = sum(partners.values())
    values = [
        {"group": group, "currency": currency, "total": total_value}
        for (group, currency), total_value in sorted(totals.items())
    ]
    rows = []
    for key in keys if keys is not None else sorted(partners):
        count = partners.get(key, 0)
        share = Decimal(count * 100) / total if total else None
        target = targets.get(key)
        rows.append(
            {
                "key": key,
                "label": label(key),
                "partners": count,
                "share": share.quantize(Decimal("0.1")) if share is not None else None,
                "target": target,
                "below_target": target is not None and share is not None and share < target,
                "values": [v for v in values if v["group"] == key],
            }
        )
    return {"rows": rows, "total": total}


def quarterly_trend(entries: QuerySet[LatestAssessment]) -> list[dict]:
    return list(
        entries.annotate(quarter=TruncQuarter("created_at"))
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
