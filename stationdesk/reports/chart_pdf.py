"""Charts (统计图) in print: a `Chart` drawn with ReportLab's graphics, a heat map as a shaded table.

Why these choices:

- ReportLab's own chart widgets (HorizontalLineChart, VerticalBarChart, Legend) draw vectors, so
  a chart prints as sharply as the table above it, and in the same embedded font. Every string a
  widget draws is given that font by name: the widgets' default, Helvetica, has no Chinese and
  would print boxes (and add a non-embedded font to the file).
- None is "no data", never 0: a line breaks at it (each run of values is drawn as its own line,
  because the widget would join the points either side), a bar is left out and "无数据" (or "—",
  as in the tables, where that does not fit) marks its place.
- The value axis starts at 0, so a bar's length is proportional to its value; percentages run
  0-100 so two printouts compare at a glance; other axes step by 1, 2 or 5 × 10ⁿ to round labels.
- Category labels turn 45° (or upright) when they do not fit side by side, and when even upright
  they would touch only every n-th is printed; a highlighted one always is.
- Highlighted categories (the 3·15 and 双11 months) get a light band behind them and a dark red
  label: the band survives a black-and-white printer, the red reads on a colour one.
- The palette's colours differ in lightness, not only in hue, so series stay apart on a greyscale
  printer; lines differ by dash and marker as well.
- Reference lines (a standard's threshold) are dashed dark red across the plot and labelled in
  the right margin, where a label can cover no bar; close labels are pushed apart.
- Heading, drawing and notes are kept together: a chart never starts at the foot of one page and
  ends on the next.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.validators import Auto
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from stationdesk.reports.fonts import printable
from stationdesk.reports.pdf_kit import ALERT, INK, MUTED, markup
from stationdesk.services.report_types import Chart, Series

PERCENT = "%"
NO_VALUE = "—"
NO_DATA = "无数据"
TOTAL_LABEL = "合计"

DRAWING_HEIGHT = 72 * mm
"""With its heading and a note a chart takes about 87 mm: three fit a portrait page, two a
landscape one."""
LABEL_SIZE = 7.0
"""Axis labels, unit caption and reference labels: small, yet legible on an office laser printer."""
LEGEND_SIZE = 7.5
LEGEND_SWATCH = 18.0
"""A line's legend swatch: long enough to show its dash pattern and marker."""
LEGEND_PADDING = 12.0
BAR_LABEL_SIZE = 6.5
LINE_HEIGHT = 1.25
"""A line of text takes its size × this: the room two neighbouring labels need between them."""
MAX_LABEL_WIDTH = 64.0
"""Points a category or reference label may take (≈ 9 characters): longer ones end in "…"."""
CAPTION_ROW = 12.0
"""The row at the drawing's top that holds the unit caption and the legend."""
GAP = 3.0

TARGET_TICKS = 5
STEP_MULTIPLES = (1, 2, 5, 10)
MAX_BAR_LABELS = 16
"""A single series of at most this many bars gets its values printed above the bars."""

PALETTE = tuple(
    colors.HexColor(code) for code in ("#1F4E79", "#8FB8DE", "#5B8C5A", "#D9A441", "#595959", "#C9C9C9")
)
"""Navy, light blue, muted green, ochre, greys: in that order each next colour is far in lightness
from the one before it, so two or three series (the usual case) stay apart in greyscale."""
DASHES: tuple[tuple[float, ...] | None, ...] = (None, (4, 2), (1.5, 1.5), (6, 2, 1.5, 2))
MARKERS = ("FilledCircle", "FilledSquare", "FilledDiamond", "FilledTriangle", "Circle", "Square")

GRID = colors.HexColor("#D9D9D9")
BAND = colors.HexColor("#F3DEDE")
"""Behind a highlighted category: a faint pink that prints as a faint grey."""
HEAT_LOW = colors.white
HEAT_HIGH = colors.HexColor("#1F6F8B")
HEADER_FILL = colors.HexColor("#E3E3E3")
TOTAL_FILL = colors.HexColor("#F0F0F0")
TABLE_RULE = colors.HexColor("#333333")
HEAT_SIZE = 8.5
HEAT_COLUMN_MAX = 28 * mm

_ANCHORS = {0: "n", 45: "ne", 90: "e"}

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def chart_flowables(chart: Chart, width: float, font: str) -> list[Flowable]:
    """The chart as flowables `width` wide: its title, the drawing (or shaded table), its notes.

    One KeepTogether holds them all, so the chart moves to the next page whole rather than split.
    `font` is the registered bundled font; every string of the chart is drawn in it.
    """
    styles = _ChartStyles(font)
    parts: list[Flowable] = [Paragraph(markup(chart.title), styles.heading)]
    if not chart.categories or not chart.series:
        parts.append(Paragraph(markup("（无数据）"), styles.note))
    elif chart.kind == "heatmap":
        parts += _heat_map(chart, width, font, styles)
    elif chart.kind in ("line", "bar", "stacked_bar"):
        parts.append(_drawing(chart, width, font))
    else:
        raise ValueError(f"{chart.key}: 不认识的图表类型 {chart.kind!r}")
    if chart.note:
        parts.append(Paragraph(markup(chart.note), styles.note))
    return [KeepTogether(parts)]


# ---------------------------------------------------------------------------------------------
# Pure helpers: scales, label layout, colours
# ---------------------------------------------------------------------------------------------


def value_scale(top: float, unit: str, *, whole: bool = True) -> tuple[float, float]:
    """(axis maximum, step) for values up to `top`; the axis always starts at 0.

    Percentages get 0-100 by 20 whatever the data (up to 100), so every rate chart reads the same.
    Otherwise
    the step is 1, 2 or 5 × 10ⁿ giving about five intervals, at least 1 for `whole` counts (a
    "0.5 件" tick would be nonsense), and the maximum the first step at or above `top`.
    """
    if unit == PERCENT and top <= 100:
        return 100.0, 20.0
    if top <= 0:
        return 5.0, 1.0
    raw = top / TARGET_TICKS
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in STEP_MULTIPLES if m * magnitude >= raw * (1 - 1e-9))
    if whole:
        step = max(step, 1.0)
    step = float(f"{step:.12g}")
    return float(f"{math.ceil(top / step - 1e-9) * step:.12g}"), step


def axis_number(value: float) -> str:
    """An axis or cell value as printed: "1,200" for whole numbers, "2.5" otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


@dataclass(frozen=True, slots=True)
class LabelPlan:
    """How category labels are set: turned by `angle` degrees, every `every`-th one printed."""

    angle: int
    every: int


def label_plan(widths: Sequence[float], slot: float, size: float) -> LabelPlan:
    """The least turned layout in which no two category labels touch.

    `widths` are the labels' widths and `slot` the room per category, in points. Level if each
    two neighbours fit side by side a character apart (a long "经济技术开发区" beside short
    names still can); at 45° neighbours are `slot`·sin 45° apart, upright `slot` apart, and each
    needs a line's height; past that only every n-th label is printed.
    """
    line = size * LINE_HEIGHT
    pairs = pairwise(widths)
    if max(widths, default=0) <= slot and all((left + right) / 2 + size <= slot for left, right in pairs):
        return LabelPlan(0, 1)
    if slot * math.sin(math.radians(45)) >= line:
        return LabelPlan(45, 1)
    return LabelPlan(90, max(1, math.ceil(line / slot)))


def shown_labels(count: int, every: int, highlights: Sequence[int]) -> list[bool]:
    """Which of `count` category labels print: every `every`-th, and each highlighted one, whose
    neighbours closer than `every` give way to it."""
    marked = {index for index in highlights if 0 <= index < count}
    return [
        index in marked or (index % every == 0 and not any(abs(index - other) < every for other in marked))
        for index in range(count)
    ]


def spread(positions: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """`positions` moved apart as little as needed so that neighbours are `gap` apart, within
    [low, high] as far as they fit: two reference labels at 80 % and 85 % must not overprint."""
    order = sorted(range(len(positions)), key=lambda index: positions[index])
    placed = [positions[index] for index in order]
    for index in range(1, len(placed)):
        placed[index] = max(placed[index], placed[index - 1] + gap)
    overflow = placed[-1] - high if placed else 0.0
    if overflow > 0:
        placed = [max(low, value - overflow) for value in placed]
        for index in range(1, len(placed)):
            placed[index] = max(placed[index], placed[index - 1] + gap)
    result = [0.0] * len(positions)
    for rank, index in enumerate(order):
        result[index] = placed[rank]
    return result


def line_runs(values: Sequence[float | None]) -> list[list[float | None]]:
    """One row per unbroken run of values, None elsewhere: drawn as separate lines they leave
    a gap where the data has none (the chart widget would join across it)."""
    runs: list[list[float | None]] = []
    current: list[float | None] | None = None
    for index, value in enumerate(values):
        if value is None:
            current = None
            continue
        if current is None:
            current = [None] * len(values)
            runs.append(current)
        current[index] = value
    return runs


def heat_colour(value: float | None, maximum: float) -> colors.Color:
    """A heat-map cell's fill: white for nothing (0, None), the full colour at `maximum`."""
    if value is None or value <= 0 or maximum <= 0:
        return HEAT_LOW
    share = min(value / maximum, 1.0)
    return colors.Color(
        *(low + (high - low) * share for low, high in zip(HEAT_LOW.rgb(), HEAT_HIGH.rgb(), strict=True))
    )


def text_colour_on(fill: colors.Color) -> colors.Color:
    """Dark text or white, whichever stands out more from `fill` (WCAG contrast): a cell's figure
    stays readable from the palest cell to the darkest."""
    light = relative_luminance(fill)
    on_white = 1.05 / (light + 0.05)
    on_ink = (light + 0.05) / (relative_luminance(INK) + 0.05)
    return colors.white if on_white > on_ink else INK


def relative_luminance(colour: colors.Color) -> float:
    """WCAG 2 relative luminance: 0 for black, 1 for white."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour.rgb())
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def fitted(text: str, font: str, size: float, room: float) -> str:
    """`text` (printable), cut and ended with "…" when it is wider than `room` points."""
    text = printable(text)
    if stringWidth(text, font, size) <= room:
        return text
    while len(text) > 1 and stringWidth(text + "…", font, size) > room:
        text = text[:-1]
    return text + "…"


# ---------------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------------


class _ChartStyles:
    """A chart's paragraph styles; the face has no bold, so the heading stands out by size."""

    def __init__(self, font: str) -> None:
        def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
            return ParagraphStyle(
                name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **extra
            )

        self.heading = style("chart_heading", 11.5, 15, spaceBefore=12, spaceAfter=3)
        self.note = style("chart_note", 8, 11, textColor=MUTED, spaceBefore=2)


# ---------------------------------------------------------------------------------------------
# Line and bar charts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where the plot sits in the drawing, its value scale and how its category labels are set."""

    x: float
    y: float
    width: float
    height: float
    maximum: float
    step: float
    plan: LabelPlan
    labels: tuple[str, ...]
    legend_rows: int

    @property
    def ticks(self) -> list[float]:
        return _ticks(self.maximum, self.step)

    @property
    def slot(self) -> float:
        return self.width / len(self.labels)

    def y_of(self, value: float) -> float:
        return self.y + self.height * value / self.maximum


def _drawing(chart: Chart, width: float, font: str) -> Drawing:
    """The plot with its axes, bands, reference lines, unit caption and legend."""
    layout = _layout(chart, width, font)
    drawing = Drawing(width, DRAWING_HEIGHT, initialFontName=font)
    for index in chart.highlights:
        if 0 <= index < len(chart.categories):
            x = layout.x + index * layout.slot
            drawing.add(Rect(x, layout.y, layout.slot, layout.height, fillColor=BAND, strokeColor=None))
    widget: HorizontalLineChart | VerticalBarChart
    series_rows: list[int] = []
    if chart.kind == "line":
        widget, series_rows = _line_chart(chart, layout, font)
    else:
        widget = _bar_chart(chart, layout, font)
    drawing.add(widget)
    if chart.kind != "line":
        for mark in _gap_marks(chart, layout, font):
            drawing.add(mark)
    if all(value is None for series in chart.series for value in series.values):
        drawing.add(
            String(
                layout.x + layout.width / 2,
                layout.y + layout.height / 2,
                NO_DATA,
                fontName=font,
                fontSize=LEGEND_SIZE,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    for shape in [*_references(chart, layout, font, width), *_value_labels(chart, layout, font)]:
        drawing.add(shape)
    drawing.add(
        String(
            0,
            DRAWING_HEIGHT - LABEL_SIZE - 1,
            printable(f"单位：{chart.unit}"),
            fontName=font,
            fontSize=LABEL_SIZE,
            fillColor=MUTED,
        )
    )
    if len(chart.series) > 1:
        drawing.add(_legend(chart, widget, series_rows, layout, font, width))
    return drawing


def _top_value(chart: Chart) -> float:
    """The highest value the axis must reach: the tallest stack or point, or a reference line."""
    if chart.kind == "stacked_bar":
        tops = [sum(s.values[i] or 0.0 for s in chart.series) for i in range(len(chart.categories))]
    else:
        tops = [value for s in chart.series for value in s.values if value is not None]
    tops += [reference.value for reference in chart.references]
    return max(tops, default=0.0)


def _ticks(maximum: float, step: float) -> list[float]:
    """The labelled values, as multiples of the step (adding up steps would lose the top one to
    rounding: 0.1 + 0.1 + 0.1 > 0.3)."""
    return [float(f"{step * n:.12g}") for n in range(round(maximum / step) + 1)]


def _is_whole(chart: Chart) -> bool:
    """Whether every value is a whole number (counts), so the axis steps by at least 1."""
    return all(value is None or float(value).is_integer() for s in chart.series for value in s.values)


def _layout(chart: Chart, width: float, font: str) -> _Layout:
    """Margins from what must fit around the plot: value labels left, reference labels right,
    category labels (turned as needed) below, the caption row and legend above."""
    maximum, step = value_scale(_top_value(chart), chart.unit, whole=_is_whole(chart))
    left = max(stringWidth(axis_number(t), font, LABEL_SIZE) for t in _ticks(maximum, step)) + 8
    right = GAP * 2
    if chart.references:
        right += max(
            stringWidth(fitted(r.label, font, LABEL_SIZE, MAX_LABEL_WIDTH), font, LABEL_SIZE)
            for r in chart.references
        )
    labels = tuple(fitted(c, font, LABEL_SIZE, MAX_LABEL_WIDTH) for c in chart.categories)
    widths = [stringWidth(label, font, LABEL_SIZE) for label in labels]
    widest = max(widths)
    count = len(labels)
    plan = label_plan(widths, (width - left - right) / count, LABEL_SIZE)
    if plan.angle == 45:
        overhang = (widest + LABEL_SIZE) * math.cos(math.radians(45))
        left = max(left, overhang - (width - left - right) / count / 2 + GAP)
        plan = label_plan(widths, (width - left - right) / count, LABEL_SIZE)
    shown = shown_labels(count, plan.every, chart.highlights)
    labels = tuple(label if show else "" for label, show in zip(labels, shown, strict=True))
    bottom = _label_depth(widest, plan.angle) + GAP * 2
    legend_rows = _legend_rows(chart, font, width)
    top = CAPTION_ROW * max(1, legend_rows) + GAP * 3
    return _Layout(
        x=left,
        y=bottom,
        width=width - left - right,
        height=DRAWING_HEIGHT - top - bottom,
        maximum=maximum,
        step=step,
        plan=plan,
        labels=labels,
        legend_rows=legend_rows,
    )


def _label_depth(widest: float, angle: int) -> float:
    """How far below the axis the category labels reach."""
    if angle == 0:
        return LABEL_SIZE * LINE_HEIGHT
    if angle == 90:
        return widest
    return (widest + LABEL_SIZE) * math.sin(math.radians(angle))


def _style_axes(
    widget: HorizontalLineChart | VerticalBarChart, chart: Chart, layout: _Layout, font: str
) -> None:
    """Both axes in the bundled font: round value labels with light grid lines, category labels
    turned per the plan, highlighted ones in dark red."""
    widget.x, widget.y, widget.width, widget.height = layout.x, layout.y, layout.width, layout.height
    value = widget.valueAxis
    value.valueMin, value.valueMax = 0, layout.maximum
    value.valueSteps = layout.ticks
    value.labelTextFormat = axis_number
    value.labels.fontName, value.labels.fontSize, value.labels.fillColor = font, LABEL_SIZE, INK
    value.strokeWidth, value.visibleGrid, value.gridStrokeColor, value.gridStrokeWidth = 0.6, 1, GRID, 0.4
    value.tickLeft = 3
    category = widget.categoryAxis
    category.categoryNames = list(layout.labels)
    category.strokeWidth, category.tickDown = 0.6, 2
    labels = category.labels
    labels.fontName, labels.fontSize, labels.fillColor = font, LABEL_SIZE, INK
    labels.angle, labels.boxAnchor = layout.plan.angle, _ANCHORS[layout.plan.angle]
    labels.dx, labels.dy = 0, -3
    for index in chart.highlights:
        if 0 <= index < len(chart.categories):
            labels[index].fillColor = ALERT


def _line_chart(chart: Chart, layout: _Layout, font: str) -> tuple[HorizontalLineChart, list[int]]:
    """One line per series, broken where a value is None; each series its own colour, dash and
    marker. Also returns, per series, the index of a line style of its own for the legend: its
    first run's, or a spare one after the data rows when it has no value at all (a row of only
    None cannot be drawn: the widget refuses a line of no points)."""
    widget = HorizontalLineChart()
    _style_axes(widget, chart, layout, font)
    runs = [line_runs(series.values) for series in chart.series]
    rows = [run for series_runs in runs for run in series_runs]
    styles: list[int] = []
    spare = len(rows)
    for number, series_runs in enumerate(runs):
        first = sum(len(earlier) for earlier in runs[:number])
        for row in range(first, first + len(series_runs)):
            _style_line(widget.lines[row], number)
        if not series_runs:
            _style_line(widget.lines[spare], number)
            first, spare = spare, spare + 1
        styles.append(first)
    widget.joinedLines = 1 if rows else 0
    widget.data = rows or [[None] * len(chart.categories)]
    return widget, styles


def _style_line(line: Any, number: int) -> None:
    colour = PALETTE[number % len(PALETTE)]
    line.strokeColor = colour
    line.strokeWidth = 1.3
    line.strokeDashArray = DASHES[number % len(DASHES)]
    line.symbol = makeMarker(MARKERS[number % len(MARKERS)], size=3.6, fillColor=colour, strokeColor=colour)


def _bar_chart(chart: Chart, layout: _Layout, font: str) -> VerticalBarChart:
    """Bars side by side, or stacked (parted by hairlines); None leaves no bar."""
    widget = VerticalBarChart()
    _style_axes(widget, chart, layout, font)
    widget.data = [list(series.values) for series in chart.series]
    stacked = chart.kind == "stacked_bar"
    if stacked:
        widget.categoryAxis.style = "stacked"
    widget.barWidth, widget.barSpacing = 10, 1
    widget.groupSpacing = _group_spacing(1 if stacked else len(chart.series))
    for number in range(len(chart.series)):
        bar = widget.bars[number]
        bar.fillColor = PALETTE[number % len(PALETTE)]
        bar.strokeColor, bar.strokeWidth = (colors.white, 0.4) if stacked else (None, 0)
    return widget


def _group_spacing(bars: int) -> float:
    """Space between categories, in bar widths × 10: the bars take about two thirds of a slot."""
    return 10 * bars * 0.5 + 1


def _bar_centre(layout: _Layout, index: int, bar: int, bars: int) -> float:
    """The x of bar number `bar` (of `bars` side by side) in category `index`, as the widget
    places it: the group spacing split either side, the bars spaced by `barSpacing` (1)."""
    group = _group_spacing(bars) + bars * 10 + (bars - 1) * 1
    scale = layout.slot / group
    start = layout.x + index * layout.slot + _group_spacing(bars) / 2 * scale
    return start + (bar * 11 + 5) * scale


def _gap_marks(chart: Chart, layout: _Layout, font: str) -> list[String]:
    """Marks where a bar has no data, "无数据" (or "—" where that does not fit) on the axis, so
    that "none" does not read as a bar of 0."""
    marks: list[String] = []
    stacked = chart.kind == "stacked_bar"
    bars = 1 if stacked else len(chart.series)
    room = layout.slot / bars
    text = NO_DATA if stringWidth(NO_DATA, font, BAR_LABEL_SIZE) + 2 <= room else NO_VALUE
    for index in range(len(chart.categories)):
        missing = [n for n, s in enumerate(chart.series) if s.values[index] is None]
        if stacked:
            missing = [0] if len(missing) == len(chart.series) else []
        for bar in missing:
            x = _bar_centre(layout, index, bar, bars)
            marks.append(
                String(
                    x,
                    layout.y + GAP,
                    text,
                    fontName=font,
                    fontSize=BAR_LABEL_SIZE,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
    return marks


def _value_labels(chart: Chart, layout: _Layout, font: str) -> list[Rect | String]:
    """Each value above its bar, for a lone series of few bars (a rate chart's reader wants the
    figure more than the grid). Drawn last, on a white patch, so a reference line crossing there
    does not strike the figure through."""
    if chart.kind != "bar" or len(chart.series) != 1 or len(chart.categories) > MAX_BAR_LABELS:
        return []
    shapes: list[Rect | String] = []
    for index, value in enumerate(chart.series[0].values):
        if value is None:
            continue
        text = axis_number(value)
        half = stringWidth(text, font, BAR_LABEL_SIZE) / 2 + 1
        if half * 2 > layout.slot:
            return []
        x, y = _bar_centre(layout, index, 0, 1), layout.y_of(min(value, layout.maximum)) + 2
        shapes.append(
            Rect(x - half, y - 1, half * 2, BAR_LABEL_SIZE + 1, fillColor=colors.white, strokeColor=None)
        )
        shapes.append(
            String(
                x, y + 0.5, text, fontName=font, fontSize=BAR_LABEL_SIZE, fillColor=INK, textAnchor="middle"
            )
        )
    return shapes


def _references(chart: Chart, layout: _Layout, font: str, width: float) -> list[Line | String]:
    """Each reference as a dashed dark red line across the plot, its label in the right margin."""
    shapes: list[Line | String] = []
    heights = [layout.y_of(min(r.value, layout.maximum)) for r in chart.references]
    label_ys = spread(
        [y - LABEL_SIZE * 0.35 for y in heights], LABEL_SIZE * 1.1, 0, DRAWING_HEIGHT - CAPTION_ROW
    )
    right = layout.x + layout.width
    for reference, y, label_y in zip(chart.references, heights, label_ys, strict=True):
        shapes.append(Line(layout.x, y, right, y, strokeColor=ALERT, strokeWidth=0.9, strokeDashArray=[4, 2]))
        text = fitted(reference.label, font, LABEL_SIZE, width - right - GAP)
        shapes.append(String(right + GAP, label_y, text, fontName=font, fontSize=LABEL_SIZE, fillColor=ALERT))
    return shapes


def _legend_entries(chart: Chart, font: str) -> list[float]:
    """Each legend entry's width, at its widest (a line's swatch)."""
    return [
        LEGEND_SWATCH + GAP + stringWidth(printable(s.name), font, LEGEND_SIZE) + LEGEND_PADDING
        for s in chart.series
    ]


def _legend_rows(chart: Chart, font: str, width: float) -> int:
    """Rows the legend needs beside the unit caption (one, unless the names are many or long)."""
    if len(chart.series) < 2:
        return 0
    room = width * 0.75
    total = sum(_legend_entries(chart, font))
    return min(len(chart.series), max(1, math.ceil(total / room)))


def _legend(
    chart: Chart,
    widget: HorizontalLineChart | VerticalBarChart,
    series_rows: Sequence[int],
    layout: _Layout,
    font: str,
    width: float,
) -> Legend:
    """The series' names in a row at the top right, above the plot, where it hides no data; lines
    show their dash and marker, bars their colour."""
    legend = Legend()
    legend.fontName, legend.fontSize, legend.fillColor = font, LEGEND_SIZE, INK
    legend.alignment, legend.boxAnchor = "right", "nw"
    legend.columnMaximum, legend.variColumn = layout.legend_rows, 1
    legend.dxTextSpace, legend.deltax, legend.autoXPadding = GAP, 0, LEGEND_PADDING
    legend.deltay, legend.yGap = CAPTION_ROW, 0
    legend.strokeColor, legend.strokeWidth = None, 0
    if chart.kind == "line":
        legend.dx, legend.dy = LEGEND_SWATCH, LEGEND_SIZE
        legend.colorNamePairs = [
            (Auto(obj=widget, index=row), printable(s.name))
            for s, row in zip(chart.series, series_rows, strict=True)
        ]
    else:
        legend.dx, legend.dy = 9, 7
        legend.colorNamePairs = [
            (PALETTE[n % len(PALETTE)], printable(s.name)) for n, s in enumerate(chart.series)
        ]
    legend.x, legend.y = 0, DRAWING_HEIGHT - 1
    x_right = legend.getBounds()[2]
    legend.x = width - x_right - 1
    return legend


# ---------------------------------------------------------------------------------------------
# Heat map
# ---------------------------------------------------------------------------------------------


def _heat_map(chart: Chart, width: float, font: str, styles: _ChartStyles) -> list[Flowable]:
    """Categories down, series across, each cell shaded by its value against the largest; row
    and column totals for counts (percentages do not add up)."""
    totals = chart.unit != PERCENT
    values = [v for s in chart.series for v in s.values if v is not None]
    maximum = max(values, default=0.0)
    data = [_heat_header(chart.series, totals)]
    for index, category in enumerate(chart.categories):
        row = [s.values[index] for s in chart.series]
        data.append([printable(category), *map(_heat_text, row), *([_sum_text(row)] if totals else [])])
    if totals:
        columns = [[s.values[index] for index in range(len(chart.categories))] for s in chart.series]
        grand = [v for column in columns for v in column]
        data.append([TOTAL_LABEL, *map(_sum_text, columns), _sum_text(grand)])
    table = Table(data, colWidths=_heat_widths(chart, width, font, totals), repeatRows=1, hAlign="LEFT")
    table.setStyle(_heat_style(chart, font, maximum, totals))
    return [table, Paragraph(markup(f"单位：{chart.unit}"), styles.note)]


def _heat_header(series: Sequence[Series], totals: bool) -> list[str]:
    return ["", *(printable(s.name) for s in series), *([TOTAL_LABEL] if totals else [])]


def _heat_text(value: float | None) -> str:
    return NO_VALUE if value is None else axis_number(value)


def _sum_text(values: Sequence[float | None]) -> str:
    known = [v for v in values if v is not None]
    return axis_number(sum(known)) if known else NO_VALUE


def _heat_widths(chart: Chart, width: float, font: str, totals: bool) -> list[float]:
    """The area column as wide as its longest name (within reason); the value columns share the
    rest, up to a width beyond which the figures would float in empty cells."""
    names = [printable(c) for c in (*chart.categories, TOTAL_LABEL)]
    first = min(max(stringWidth(n, font, HEAT_SIZE) for n in names) + 12, width * 0.3)
    count = len(chart.series) + (1 if totals else 0)
    headers = max(stringWidth(printable(s.name), font, HEAT_SIZE) for s in chart.series) + 8
    column = max(min((width - first) / count, HEAT_COLUMN_MAX), min(headers, (width - first) / count))
    return [first, *[column] * count]


def _heat_style(chart: Chart, font: str, maximum: float, totals: bool) -> TableStyle:
    """Grid, grey header and totals, and one fill and text colour per value cell."""
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, HEAT_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ("INNERGRID", (0, 0), (-1, -1), 0.4, TABLE_RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, TABLE_RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, TABLE_RULE),
    ]
    if totals:
        commands += [
            ("BACKGROUND", (-1, 1), (-1, -1), TOTAL_FILL),
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, TABLE_RULE),
            ("LINEBEFORE", (-1, 0), (-1, -1), 0.8, TABLE_RULE),
        ]
    for column, series in enumerate(chart.series, start=1):
        for row, value in enumerate(series.values, start=1):
            fill = heat_colour(value, maximum)
            commands.append(("BACKGROUND", (column, row), (column, row), fill))
            commands.append(("TEXTCOLOR", (column, row), (column, row), _cell_ink(value, fill)))
    return TableStyle(commands)


def _cell_ink(value: float | None, fill: colors.Color) -> colors.Color:
    """The figure's colour: muted for nothing (0 or no data), else readable on its fill."""
    if value is None or value == 0:
        return MUTED
    return text_colour_on(fill)
