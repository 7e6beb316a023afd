"""Portfolio figures for oversight, every one aggregated in the database.

The portfolio counts each proposal once, by its newest assessment that was not
withdrawn. Its figures are copied, one narrow row per proposal, into
`LatestAssessment`, and the partners it counts into `PortfolioPartner` (both kept by
assessments/latest.py). The functions here take those rows in scope (querysets) and
answer with a few queries whatever the portfolio's size: most figures are read from
one pass over the entries (`portfolio_groups`).
"""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import Aggregate, Count, Q, QuerySet, Sum
from django.utils import timezone

from partnerships.accounts.models import Agency
from partnerships.accounts.scoping import visible_to
from partnerships.assessments.choices import DECIDED_STATUSES, REVIEW_STATUSES
from partnerships.assessments.latest import PRINCIPLES
from partnerships.assessments.models import Answer, LatestAssessment, PortfolioPartner
from partnerships.checklists.models import Criterion, FrameworkStatus
from partnerships.oversight.models import RepresentationTarget
from partnerships.partners.economies import EconomyGroup
from partnerships.partners.models import Partner
from partnerships.principles.models import Principle
from partnerships.proposals.models import PartnerRole

# Scores count once an assessor stands by them: submitted, under review or decided.
SCORED = sorted(REVIEW_STATUSES | DECIDED_STATUSES)
GROUPINGS = ("economy_group", "region")
# The trend's column for each decision.
TREND_COLUMNS = {
    "engage": "engage", "engage_with_conditions": "conditions", "do_not_engage": "do_not_engage",
}  # fmt: skip


@dataclass(frozen=True)
class PortfolioFilter:
    agency: Agency | None = None
    start: date | None = None
    end: date | None = None
    partner_type: str = ""


def _in_scope(rows: QuerySet, user, portfolio_filter: PortfolioFilter) -> QuerySet:
    """`LatestAssessment` or `PortfolioPartner` rows (both carry the counted
    assessment's agency and date) visible to the user, in the agency and period."""
    rows = visible_to(rows, user, "agency_id")
    if portfolio_filter.agency:
        rows = rows.filter(agency=portfolio_filter.agency)
    # A period is a range of instants (not `created_at__date`, which no index answers):
    # from the start of its first day to the start of the day after its last.
    if portfolio_filter.start:
        rows = rows.filter(created_at__gte=_day_start(portfolio_filter.start))
    if portfolio_filter.end:
        rows = rows.filter(created_at__lt=_day_start(portfolio_filter.end + timedelta(days=1)))
    return rows


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def scoped_partners(user, portfolio_filter: PortfolioFilter) -> QuerySet[PortfolioPartner]:
    """The partners the figures count, of the proposals in scope (of the type, if one
    is asked for)."""
    partners = _in_scope(PortfolioPartner.objects.all(), user, portfolio_filter)
    if portfolio_filter.partner_type:
        # Of the type as its pinned revision classified it, or else as the registry says
        # (a hashed set of partners, not a join).
        partner_type = portfolio_filter.partner_type
        partners = partners.filter(
            Q(pinned=True, partner_type=partner_type)
            | Q(pinned=False, partner__in=Partner.objects.filter(partner_type=partner_type))
        )
    return partners


def scoped_entries(user, portfolio_filter: PortfolioFilter) -> QuerySet[LatestAssessment]:
    """The proposals the figures count (by their counted assessment): visible to the
    user, filtered; with a partner type, those with a partner of that type."""
    entries = _in_scope(
        LatestAssessment.objects.filter(counted__isnull=False), user, portfolio_filter
    )
    if portfolio_filter.partner_type:
        # IN (uncorrelated) rather than EXISTS: one hashed set, not a subquery per row.
        entries = entries.filter(
            proposal_id__in=scoped_partners(user, portfolio_filter).values("proposal_id")
        )
    return entries


def scored(entries: QuerySet[LatestAssessment]) -> QuerySet[LatestAssessment]:
    return entries.filter(status__in=SCORED)


def portfolio_groups(entries: QuerySet[LatestAssessment]) -> list[dict]:
    """The entries counted and summed by agency, status, decision and quarter, in one
    pass: the counts, principle averages, trend and decision count below are read from
    these groups (a few hundred rows whatever the portfolio's size)."""
    groups = list(
        # By the agency's key, not its acronym (a join): the planner's statistics of
        # these four keys (migration assessments 0011) let it hash the few groups.
        entries.values("status", "outcome", "quarter", "agency_id")
        .annotate(
            n=Count("pk"),
            decided=Count("decision_seconds"),
            overall_sum=Sum("overall_score"),
            overall_count=Count("overall_score"),
            **{f"sum_{n}": Sum(f"principle_{n}") for n in PRINCIPLES},
            **{f"count_{n}": Count(f"principle_{n}") for n in PRINCIPLES},
        )
        .order_by()
    )
    acronyms = dict(Agency.objects.values_list("pk", "acronym"))
    for group in groups:
        group["agency_acronym"] = acronyms[group["agency_id"]]
    return groups


def counts_by_agency(groups: list[dict]) -> list[dict]:
    """[{"agency_acronym": "UNDP", "status": "approved", "outcome": "engage", "n": 3}, ...]:
    one list answers both the status and the outcome (decision, or "pending") tables."""
    counts: Counter = Counter()
    for group in groups:
        counts[group["agency_acronym"], group["status"], group["outcome"]] += group["n"]
    return [
        {"agency_acronym": agency, "status": status, "outcome": outcome, "n": n}
        for (agency, status, outcome), n in sorted(counts.items())
    ]


def _average(total, count: int) -> Decimal | None:
    return Decimal(total) / count if count else None


def principle_averages(groups: list[dict]) -> list[dict]:
    """Each principle's average score over the scored assessments, and how many had one."""
    scored_groups = [group for group in groups if group["status"] in SCORED]
    sums = {n: sum(g[f"sum_{n}"] or 0 for g in scored_groups) for n in PRINCIPLES}
    counts = {n: sum(g[f"count_{n}"] for g in scored_groups) for n in PRINCIPLES}
    return [
        {
            "principle__number": principle.number,
            "principle__key": principle.key,
            "principle__short_name_en": principle.short_name_en,
            "principle__short_name_zh": principle.short_name_zh,
            "average": _average(sums[principle.number], counts[principle.number]),
            "assessments": counts[principle.number],
        }
        for principle in Principle.objects.order_by("number")
        if counts.get(principle.number)
    ]


def quarterly_trend(groups: list[dict]) -> list[dict]:
    """Per quarter: the proposals counted, their decisions, and the average overall
    score of the scored ones."""
    quarters: dict = defaultdict(
        lambda: {"n": 0, "engage": 0, "conditions": 0, "do_not_engage": 0, "sum": 0, "count": 0}
    )
    for group in groups:
        quarter = quarters[group["quarter"]]
        quarter["n"] += group["n"]
        if group["outcome"] in TREND_COLUMNS:
            quarter[TREND_COLUMNS[group["outcome"]]] += group["n"]
        if group["status"] in SCORED:
            quarter["sum"] += group["overall_sum"] or 0
            quarter["count"] += group["overall_count"]
    return [
        {
            "quarter": start,
            **{key: figures[key] for key in ("n", "engage", "conditions", "do_not_engage")},
            "average": _average(figures["sum"], figures["count"]),
        }
        for start, figures in sorted(quarters.items())
    ]


def criteria_not_met(entries: QuerySet[LatestAssessment], *, limit=10) -> dict[str, list]:
    """The criteria most often rated "not met" (0) in the scored assessments: {"all":
    the first `limit`, "key": the first `limit` of the key criteria}. A criterion is its
    code, question and keyness: the same criterion in two versions of a checklist counts
    once. Counted by the criterion's key, then added up by what it says: grouping the
    answers by the criteria's texts hashed every answer's question (at 100,000 proposals,
    128 → 91 ms)."""
    counts = dict(
        Answer.objects.filter(rating=0, assessment_id__in=scored(entries).values("counted_id"))
        .values("criterion_id")
        # COUNT(*): the partial index alone answers it (no row needs reading).
        .annotate(n=Count("*"))
        .values_list("criterion_id", "n")
        .order_by()
    )
    # The counted criteria's texts. The criteria of every framework in use (published or
    # retired: a few dozen rows a version) are read too, so that the query runs whatever
    # was counted and the page's queries stay the same.
    criteria = Criterion.objects.filter(
        ~Q(framework__status=FrameworkStatus.DRAFT) | Q(pk__in=counts)
    ).values_list("pk", "code", "question_en", "question_zh", "is_key")
    totals: Counter = Counter()
    for pk, *criterion in criteria:
        if pk in counts:
            totals[tuple(criterion)] += counts[pk]
    rows = [
        {
            "criterion__code": code,
            "criterion__question_en": question_en,
            "criterion__question_zh": question_zh,
            "criterion__is_key": is_key,
            "n": n,
        }
        for (code, question_en, question_zh, is_key), n in totals.items()
    ]
    rows.sort(key=lambda row: (-row["n"], row["criterion__code"]))
    return {
        "all": rows[:limit],
        "key": [row for row in rows if row["criterion__is_key"]][:limit],
    }


class NearestRank(Aggregate):
    """PostgreSQL's `percentile_disc`: the first value, in order, whose rank reaches the
    fraction of the count (the nearest-rank percentile)."""

    template = "PERCENTILE_DISC(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def decision_times(entries: QuerySet[LatestAssessment], count: int) -> dict:
    """Median and 90th percentile of submission → decision (nearest rank) of the `count`
    decided entries (from `portfolio_groups`), and that count."""
    decided = entries.filter(decision_seconds__isnull=False)
    if not count:
        return {"count": 0, "median": None, "p90": None}
    if connection.vendor == "postgresql":  # one pass
        seconds = decided.aggregate(
            median=NearestRank("decision_seconds", fraction=0.5),
            p90=NearestRank("decision_seconds", fraction=0.9),
        )
    else:  # the value at each rank, in order
        ordered = decided.order_by("decision_seconds").values_list("decision_seconds", flat=True)
        seconds = {
            name: ordered[max(1, math.ceil(fraction * count)) - 1]
            for name, fraction in (("median", 0.5), ("p90", 0.9))
        }
    return {"count": count, **{name: timedelta(seconds=value) for name, value in seconds.items()}}


def representation(partners: QuerySet[PortfolioPartner]) -> dict:
    """Partners of the proposals in scope (`scoped_partners`), and their value, by
    economy group and by region: {"economy_group": {"rows": [...], "total": n},
    "region": {...}}. A proposal's value counts once, for its lead partner (or, without
    one, for none)."""
    partners = partners.order_by()
    pinned, live = partners.filter(pinned=True), partners.filter(pinned=False)
    # Pinned partners as then classified, live ones as the registry says: each branch
    # reads what it needs alone (one CASE over both would hide the groups' number from
    # the planner, which then sorts on disk).
    classified = (
        pinned.values_list("partner_id", "economy_group", "region")
        .distinct()
        .union(
            Partner.objects.filter(pk__in=live.values("partner_id"))
            .values_list("pk", "economy_group", "region")
            .order_by(),
            all=True,
        )
    )
    partner_counts = _distinct_partners(classified)
    leads = {"role": PartnerRole.LEAD, "value__isnull": False}
    values = (
        pinned.filter(**leads)
        .values_list("economy_group", "region", "currency")
        .annotate(total=Sum("value"))
        .union(
            live.filter(**leads)
            .values_list("partner__economy_group", "partner__region", "currency")
            .annotate(total=Sum("value")),
            all=True,
        )
    )
    totals: dict[str, dict[tuple, Decimal]] = {by: defaultdict(Decimal) for by in GROUPINGS}
    for group, region, currency, total in values:
        totals["economy_group"][group, currency] += total
        totals["region"][region, currency] += total
    targets = dict(RepresentationTarget.objects.values_list("economy_group", "target_share"))
    return {
        # A partner whose group changed since a decision stands once in each of its
        # groups, but once only in a region it kept (and the other way round).
        "economy_group": _group_rows(
            partner_counts["economy_group"],
            totals["economy_group"],
            keys=list(EconomyGroup.values),
            label=lambda key: EconomyGroup(key).label,
            targets=targets,
        ),
        "region": _group_rows(
            partner_counts["region"],
            totals["region"],
            keys=None,
            label=lambda key: key,
            targets={},
        ),
    }


def _distinct_partners(classified: QuerySet) -> dict[str, Counter]:
    """{"economy_group": Counter, "region": Counter} of partners, each counted once in a
    group or region, from (partner, group, region) rows: counted in the database, which
    answers a few rows instead of one per partner."""
    sql, params = classified.query.sql_with_params()
    counts: dict[str, Counter] = {by: Counter() for by in GROUPINGS}
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH classified (partner_id, economy_group, region) AS ({sql}) "
            + " UNION ALL ".join(
                f"SELECT '{by}', {by}, COUNT(DISTINCT partner_id) FROM classified GROUP BY {by}"
                for by in GROUPINGS
            ),
            params,
        )
        for by, key, count in cursor.fetchall():
            counts[by][key] = count
    return counts


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
