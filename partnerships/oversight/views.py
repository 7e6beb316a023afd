from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from partnerships.assessments.choices import AssessmentStatus, Outcome
from partnerships.assessments.exports import answer_rows, assessment_rows
from partnerships.assessments.models import Assessment
from partnerships.i18n import is_chinese
from partnerships.oversight import charts, portfolio
from partnerships.oversight.exports import csv_response, xlsx_response
from partnerships.oversight.forms import PortfolioFilterForm

EXPORTS = {"assessments": assessment_rows, "answers": answer_rows}


def _require_portfolio_reader(user) -> None:
    """Oversight reads every agency's portfolio; a Reviewer reads their agency's."""
    if not user.reads_portfolio:
        raise PermissionDenied


@login_required
def export(request, kind: str, file_format: str):
    _require_portfolio_reader(request.user)
    if kind not in EXPORTS or file_format not in {"csv", "xlsx"}:
        raise Http404
    rows = EXPORTS[kind](Assessment.objects.for_user(request.user))
    filename = f"{kind}-{timezone.now():%Y%m%d-%H%M}.{file_format}"
    if file_format == "csv":
        return csv_response(filename, rows)
    return xlsx_response(filename, rows, title=kind)


def _days(duration) -> str:
    return "—" if duration is None else f"{duration.total_seconds() / 86400:.1f}"


@login_required
def dashboard(request):
    """The portfolio: outcomes, weak principles, decision times, balance of partners."""
    _require_portfolio_reader(request.user)
    form = PortfolioFilterForm(request.GET or None, user=request.user)
    portfolio_filter = form.portfolio_filter()
    assessments = portfolio.scoped_assessments(request.user, portfolio_filter)

    statuses = portfolio.counts_by_agency(assessments, "status")
    outcomes = portfolio.counts_by_agency(assessments, "outcome")
    agencies = sorted({row["agency"] for row in statuses})
    averages = portfolio.principle_averages(assessments)
    for row in averages:
        row["name"] = (
            row["principle__short_name_zh"] if is_chinese() else row["principle__short_name_en"]
        )
    weakest = min(averages, key=lambda row: row["average"], default=None)
    groups = portfolio.representation(assessments, "economy_group", portfolio_filter.partner_type)
    regions = portfolio.representation(assessments, "region", portfolio_filter.partner_type)
    trend = portfolio.quarterly_trend(assessments)
    times = portfolio.decision_times(assessments)

    def pivot(rows, values):
        table = {agency: dict.fromkeys(values, 0) for agency in agencies}
        for row in rows:
            table[row["agency"]][row["value"]] = row["n"]
        return table

    status_table = pivot(statuses, [s.value for s in AssessmentStatus if s != "withdrawn"])
    outcome_labels = [
        *[(o.value, o.label) for o in Outcome if o != Outcome.INCOMPLETE],
        (portfolio.PENDING, _("Pending decision")),
    ]
    outcome_table = pivot(outcomes, [value for value, _label in outcome_labels])
    context = {
        "form": form,
        "total": sum(row["n"] for row in statuses),
        "status_labels": [s for s in AssessmentStatus if s != "withdrawn"],
        "outcome_labels": outcome_labels,
        "status_table": status_table,
        "outcome_table": outcome_table,
        "averages": averages,
        "weakest": weakest,
        "not_met": portfolio.criteria_not_met(assessments),
        "key_failures": portfolio.criteria_not_met(assessments, key_only=True),
        "times": {**times, "median_days": _days(times["median"]), "p90_days": _days(times["p90"])},
        "groups": groups,
        "regions": regions,
        "trend": trend,
        "charts": {
            "outcomes": charts.stacked_bars(
                agencies,
                {
                    str(label): [outcome_table[a][value] for a in agencies]
                    for value, label in outcome_labels
                },
            ),
            "principles": charts.horizontal_bars(
                [f"{r['principle__number']}. {r['name']}" for r in averages],
                [float(r["average"]) for r in averages],
            ),
            "groups": charts.bars_with_target(
                [str(r["label"]) for r in groups["rows"]],
                [float(r["share"]) if r["share"] is not None else None for r in groups["rows"]],
                [r["target"] for r in groups["rows"]],
            ),
            "trend": charts.lines(
                [f"{row['quarter']:%Y} Q{(row['quarter'].month - 1) // 3 + 1}" for row in trend],
                {str(_("Assessments")): [row["n"] for row in trend]},
            ),
        },
    }
    for row in trend:
        row["label"] = f"{row['quarter']:%Y} Q{(row['quarter'].month - 1) // 3 + 1}"
    return render(request, "oversight/dashboard.html", context)
