"""The principle-score chart of a report, drawn as SVG by pygal."""

import pygal
from pygal.style import Style

from partnerships.reports.fonts import report_fonts

_STYLE = {
    "background": "white",
    "plot_background": "white",
    "foreground": "#212529",
    "foreground_strong": "#212529",
    "foreground_subtle": "#6c757d",
    "colors": ("#0d6efd",),
    "label_font_size": 11,
    "major_label_font_size": 11,
    "value_font_size": 10,
}  # with the font family of the active language


def principle_scores_svg(groups, *, title: str) -> str:
    """A horizontal bar per principle (0–100); N/A principles have no bar."""
    chart = pygal.HorizontalBar(
        range=(0, 100),
        width=700,
        height=320,
        show_legend=False,
        print_values=True,
        value_formatter=lambda value: f"{value:.1f}",
        style=Style(font_family=report_fonts(), **_STYLE),
        disable_xml_declaration=True,
        js=[],
        explicit_size=False,
    )
    # pygal draws the first label at the bottom: reverse, so principle 1 reads first.
    ordered = list(reversed(groups))
    chart.x_labels = [f"{g['principle'].number}. {g['principle'].short_name}" for g in ordered]
    chart.add(
        title,
        [float(g["score"].percent) if g["score"].percent is not None else None for g in ordered],
    )
    return chart.render(is_unicode=True)
