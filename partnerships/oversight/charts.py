"""Server-side SVG charts of the portfolio dashboard (pygal); numbers sit in tables beside them."""

import pygal
from pygal.style import Style

_STYLE = Style(
    font_family='"DejaVu Sans", "Noto Sans CJK SC", sans-serif',
    background="white",
    plot_background="white",
    colors=("#0d6efd", "#ffc107", "#dc3545", "#6c757d", "#198754", "#0dcaf0", "#6610f2"),
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
)


def _render(chart) -> str:
    return chart.render(is_unicode=True)


def _options(**kwargs):
    return {
        "style": _STYLE,
        "disable_xml_declaration": True,
        "js": [],
        "explicit_size": False,
        "width": 640,
        "height": 300,
        **kwargs,
    }


def stacked_bars(labels: list[str], series: dict[str, list[float]]) -> str:
    chart = pygal.StackedBar(**_options(legend_at_bottom=True))
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _render(chart)


def horizontal_bars(labels: list[str], values: list[float | None], *, maximum=100) -> str:
    chart = pygal.HorizontalBar(**_options(show_legend=False, range=(0, maximum)))
    chart.x_labels = list(reversed(labels))
    chart.add("", list(reversed(values)))
    return _render(chart)


def bars_with_target(
    labels: list[str], shares: list[float | None], targets: list[float | None]
) -> str:
    chart = pygal.Bar(**_options(range=(0, 100), legend_at_bottom=True))
    chart.x_labels = labels
    chart.add("share", shares)
    chart.add("target", targets)
    return _render(chart)


def lines(labels: list[str], series: dict[str, list[float | None]]) -> str:
    chart = pygal.Line(**_options(legend_at_bottom=True))
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return _render(chart)
