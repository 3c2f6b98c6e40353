"""The report's charts, drawn on the server as SVG with pygal (each beside a table of its data).

The SVG carries pygal's inline ``<style>`` and nothing else: no script (``js=[]``
drops the tooltip library, and the inline config script pygal always writes is
removed here), nothing fetched. Its answer has its own policy,
``security_headers.SVG_IMAGE_POLICY``. Counts hidden as "< N" are not drawn.
"""

from __future__ import annotations

from collections.abc import Callable

import pygal
from pygal.etree import etree
from pygal.style import Style

from tidings.transparency.stats import Report, shown

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#17191c",
    foreground_strong="#17191c",
    foreground_subtle="#545b66",
    font_family="system-ui, sans-serif",
    colors=("#0b57b0", "#a8231d", "#1d6b35", "#b36b00", "#6a3d9a", "#545b66", "#00838f"),
)
OUTCOME_SERIES = (
    ("withheld", "Withheld"),
    ("declined", "Declined"),
    ("reinstated", "Reinstated"),
    ("pending", "Pending"),
)


def _drawn(value: int) -> int | None:
    """A count as drawn: None (no bar) where the report shows it as "< N"."""
    return value if isinstance(shown(value), int) else None


def _config(**options: object) -> dict[str, object]:
    return {
        "js": [],
        "style": STYLE,
        "width": 720,
        "height": 360,
        "disable_xml_declaration": False,
        "legend_at_bottom": True,
        "print_values": False,
        "truncate_label": 40,
        "no_data_text": "No demands in this period",
        **options,
    }


def _highest_stack(series: list[list[int | None]]) -> int:
    """The tallest stack of what is drawn (hidden counts are not)."""
    return max((sum(v or 0 for v in column) for column in zip(*series, strict=True)), default=0)


def _whole_numbers(chart: pygal.graph.graph.Graph, highest: int) -> None:
    """Counts are whole: ticks at whole numbers, at most about ten of them.

    An empty chart keeps pygal's own axis (given labels, it fails to draw "no data").
    """
    if highest <= 0:
        return
    step = max(1, -(-highest // 10))
    chart.y_labels = list(range(0, highest + step, step))


def render_svg(chart: pygal.graph.graph.Graph) -> bytes:
    """The chart as an SVG document with every ``<script>`` element left out."""
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def demands_by_month(report: Report) -> bytes:
    chart = pygal.StackedBar(
        **_config(title="Demands received per month, by country", x_label_rotation=0)
    )
    months = sorted({row.month for row in report.months})
    chart.x_labels = months
    series = []
    for code in sorted({row.country for row in report.months}):
        counts = {row.month: row.demands for row in report.months if row.country == code}
        series.append([_drawn(counts.get(month, 0)) for month in months])
        chart.add(code, series[-1])
    _whole_numbers(chart, _highest_stack(series))
    return render_svg(chart)


def outcomes(report: Report) -> bytes:
    rows = report.outcomes
    chart = pygal.HorizontalStackedBar(
        **_config(
            title="What became of each demand's lines (latest first)",
            height=max(360, 120 + 22 * len(rows)),
        )
    )
    # pygal draws the first label at the bottom; the latest demand goes on top.
    ordered = list(reversed(rows))
    chart.x_labels = [outcome_label(row) for row in ordered]
    series = []
    for key, name in OUTCOME_SERIES:
        series.append([_drawn(getattr(row, key)) for row in ordered])
        chart.add(name, series[-1])
    _whole_numbers(chart, _highest_stack(series))
    return render_svg(chart)


def decision_times(report: Report) -> bytes:
    chart = pygal.Bar(**_config(title="Time from receipt to first decision", show_legend=False))
    chart.x_labels = [label for label, _ in report.decision_times]
    values = [_drawn(count) for _, count in report.decision_times]
    chart.add("Demands", values)
    _whole_numbers(chart, _highest_stack([values]))
    return render_svg(chart)


def outcome_label(row: object) -> str:
    return f"{row.authority} ({row.country}), {row.received_at:%d %b %Y}"  # type: ignore[attr-defined]


#: name in the URL → drawing, and the image's text alternative.
CHARTS: dict[str, tuple[Callable[[Report], bytes], str]] = {
    "demands-by-month": (
        demands_by_month,
        "Bar chart of demands received per month, stacked by country; the table beside it "
        "gives the figures.",
    ),
    "outcomes": (
        outcomes,
        "Bar chart of each demand's lines withheld, declined, reinstated and pending, latest "
        "demand first; the table beside it gives the figures.",
    ),
    "decision-times": (
        decision_times,
        "Bar chart of how many demands were first decided within each span of time after "
        "receipt; the table beside it gives the figures.",
    ),
}
