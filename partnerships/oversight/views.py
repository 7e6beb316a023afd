from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from partnerships.assessments.choices import AssessmentStatus, Outcome
from partnerships.assessments.latest import PENDING
from partnerships.formats.numbers import duration_text
from partnerships.i18n import is_chinese
from partnerships.jobs.services import PORTFOLIO_EXPORTS, PORTFOLIO_FORMATS, export_request
from partnerships.oversight import charts, portfolio
from partnerships.oversight.forms import PortfolioFilterForm


def _require_portfolio_reader(user) -> None:
    """Oversight reads every agency's portfolio; a Reviewer reads their agency's."""
    if not user.reads_portfolio:
        raise PermissionDenied


@login_required
@require_POST
def export(request, kind: str, file_format: str):
    """Ask for an export: a background job makes the file, the user's exports page shows
    its progress and, once made, the file to download (partnerships/jobs)."""
    _require_portfolio_reader(request.user)
    if kind not in PORTFOLIO_EXPORTS or file_format not in PORTFOLIO_FORMATS:
        raise Http404
    try:
        export_request(user=request.user, kind=kind, file_format=file_format)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("dashboard")
    messages.success(
        request,
        _(
            "Your export is being made. You may leave this page: the file waits for you "
            "here until it expires."
        ),
    )
    return redirect("exports")


@login_required
def dashboard(request):
    """The portfolio: outcomes, weak principles, decision times, balance of partners."""
    _require_portfolio_reader(request.user)
    form = PortfolioFilterForm(request.GET or None, user=request.user)
    portfolio_filter = form.portfolio_filter()
    entries = portfolio.scoped_entries(request.user, portfolio_filter)

    groups_of_entries = portfolio.portfolio_groups(entries)
    counts = portfolio.counts_by_agency(groups_of_entries)
    agencies = sorted({row["agency_acronym"] for row in counts})
    averages = portfolio.principle_averages(groups_of_entries)
    for row in averages:
        row["name"] = (
            row["principle__short_name_zh"] if is_chinese() else row["principle__short_name_en"]
        )
    weakest = min(averages, key=lambda row: row["average"], default=None)
    representation = portfolio.representation(
        portfolio.scoped_partners(request.user, portfolio_filter)
    )
    groups, regions = representation["economy_group"], representation["region"]
    trend = portfolio.quarterly_trend(groups_of_entries)
    times = portfolio.decision_times(
        entries, count=sum(group["decided"] for group in groups_of_entries)
    )
    not_met = portfolio.criteria_not_met(entries)

    def pivot(field, values):
        table = {agency: dict.fromkeys(values, 0) for agency in agencies}
        for row in counts:
            table[row["agency_acronym"]][row[field]] += row["n"]
        return table

    status_table = pivot("status", [s.value for s in AssessmentStatus if s != "withdrawn"])
    outcome_labels = [
        *[(o.value, o.label) for o in Outcome if o != Outcome.INCOMPLETE],
        (PENDING, _("Pending decision")),
    ]
    outcome_table = pivot("outcome", [value for value, _label in outcome_labels])
    context = {
        "form": form,
        "total": sum(row["n"] for row in counts),
        "status_labels": [s for s in AssessmentStatus if s != "withdrawn"],
        "outcome_labels": outcome_labels,
        "status_table": status_table,
        "outcome_table": outcome_table,
        "averages": averages,
        "weakest": weakest,
        "not_met": not_met["all"],
        "key_failures": not_met["key"],
        "times": {
            **times,
            "median_text": duration_text(times["median"]),
            "p90_text": duration_text(times["p90"]),
        },
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
