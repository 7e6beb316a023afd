"""Server-side SVG charts of the portfolio dashboard (pygal); numbers sit in tables beside them.

A chart is a pure function of its labels and figures, which change only when the portfolio
does: each is drawn once and kept (per process, the most recent few), since drawing the
dashboard's four charts took a tenth of its time at 100,000 proposals.
"""

import functools

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


def _labels(labels) -> tuple[str, ...]:
    return tuple(str(label) for label in labels)  # lazy translations, in the active language


def _series(series: dict) -> tuple:
    return tuple((str(name), tuple(values)) for name, values in series.items())


_kept = functools.lru_cache(maxsize=64)


def stacked_bars(labels: list[str], series: dict[str, list[float]]) -> str:
    return _stacked_bars(_labels(labels), _series(series))


@_kept
def _stacked_bars(labels: tuple, series: tuple) -> str:
    chart = pygal.StackedBar(**_options(legend_at_bottom=True))
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart)


def horizontal_bars(labels: list[str], values: list[float | None], *, maximum=100) -> str:
    return _horizontal_bars(_labels(labels), tuple(values), maximum)


@_kept
def _horizontal_bars(labels: tuple, values: tuple, maximum) -> str:
    chart = pygal.HorizontalBar(**_options(show_legend=False, range=(0, maximum)))
    chart.x_labels = list(reversed(labels))
    chart.add("", list(reversed(values)))
    return _render(chart)


def bars_with_target(
    labels: list[str], shares: list[float | None], targets: list[float | None]
) -> str:
    return _bars_with_target(_labels(labels), tuple(shares), tuple(targets))


@_kept
def _bars_with_target(labels: tuple, shares: tuple, targets: tuple) -> str:
    chart = pygal.Bar(**_options(range=(0, 100), legend_at_bottom=True))
    chart.x_labels = list(labels)
    chart.add("share", list(shares))
    chart.add("target", list(targets))
    return _render(chart)


def lines(labels: list[str], series: dict[str, list[float | None]]) -> str:
    return _lines(_labels(labels), _series(series))


@_kept
def _lines(labels: tuple, series: tuple) -> str:
    chart = pygal.Line(**_options(legend_at_bottom=True))
    chart.x_labels = list(labels)
    for name, values in series:
        chart.add(name, list(values))
    return _render(chart)
