"""Charts in printed summaries: what the PDF says and in which font, that a chart never splits
across pages, and the pure choices behind the drawing (axis steps, label layout, heat colours)."""

from __future__ import annotations

import math
import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Drawing, Group, String, UserNode
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether

from stationdesk.reports.chart_pdf import (
    HEAT_HIGH,
    LABEL_SIZE,
    LabelPlan,
    axis_number,
    chart_flowables,
    fitted,
    heat_colour,
    label_plan,
    line_runs,
    relative_luminance,
    shown_labels,
    spread,
    text_colour_on,
    value_scale,
)
from stationdesk.reports.fonts import FONT, register_font
from stationdesk.reports.table_pdf import write_table_report_pdf
from stationdesk.services.report_types import Chart, Column, ReferenceLine, Series, TableReport
from tests.conftest import Poppler
from tests.reports.samples import COUNTIES, LEVELS

MONTHS = tuple(f"{2025 + month // 12}.{month % 12 + 1:02d}" for month in range(24))
EIGHT = tuple(COUNTIES[:8])
STATION_KINDS = ("进商场", "进市场", "进企业", "进景区", "进网络")
HEAT = tuple(tuple((row * 7 + column * 3) % 13 for column in range(5)) for row in range(8))
"""The heat map's counts, row by county: distinct enough per row to find each row in the text."""


def monthly_chart() -> Chart:
    """24 months, two series (one with a two-month gap), the March and November peaks marked."""
    received = tuple(float(30 if month % 12 in (2, 10) else 10 + month % 5) for month in range(24))
    settled = tuple(None if month in (5, 6) else float(8 + month % 4) for month in range(24))
    return Chart(
        key="cases_by_month",
        title="近24个月受理投诉数",
        kind="line",
        categories=MONTHS,
        series=(Series("受理投诉", received), Series("调解成功", settled)),
        unit="件",
        highlights=(2, 10, 14, 22),
        note="按受理日期计入当月。",
    )


def levels_chart() -> Chart:
    return Chart(
        key="stations_by_level",
        title="各地在册站点数（按级别）",
        kind="stacked_bar",
        categories=EIGHT,
        series=tuple(
            Series(level, tuple(float((n + 1) * (k + 1) % 9) for n in range(8)))
            for k, level in enumerate(LEVELS)
        ),
        unit="个",
        note="不含已撤销站点。",
    )


def rates_chart() -> Chart:
    return Chart(
        key="success_by_area",
        title="2026年各地调解成功率",
        kind="bar",
        categories=EIGHT,
        series=(Series("调解成功率", (92.3, 88.0, None, 76.5, 100.0, 81.2, 95.0, 85.0)),),
        unit="%",
        references=(ReferenceLine("省级标准 ≥ 85%", 85),),
    )


def heat_chart() -> Chart:
    return Chart(
        key="coverage",
        title="站点覆盖情况（地区 × 类别）",
        kind="heatmap",
        categories=EIGHT,
        series=tuple(
            Series(kind, tuple(float(HEAT[row][column]) for row in range(8)))
            for column, kind in enumerate(STATION_KINDS)
        ),
        unit="个",
    )


ALL_CHARTS = (monthly_chart(), levels_chart(), rates_chart(), heat_chart())


def summary(rows: int, charts: tuple[Chart, ...] = ALL_CHARTS) -> TableReport:
    columns = (Column("序号", "int", 0.6), Column("县（区）", "text", 2), Column("站点数", "int"))
    return TableReport(
        title="全市维权服务站点分布汇总表",
        subtitle="2026年1月1日至2026年6月30日",
        bureau_name="某某市市场监督管理局",
        printed_on=date(2026, 7, 3),
        columns=columns,
        rows=[(n + 1, COUNTIES[n % len(COUNTIES)], n) for n in range(rows)],
        notes=("注：示例。",),
        charts=charts,
    )


PdfOf = Callable[..., Path]


@pytest.fixture
def pdf_of(tmp_path: Path) -> PdfOf:
    def render(report: TableReport, name: str = "report.pdf") -> Path:
        out = tmp_path / name
        write_table_report_pdf(report, out)
        return out

    return render


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_texts(pdf: Path) -> list[str]:
    """Each page's text in drawing order, whitespace removed.

    Raw order, because pdftotext's layout mode scatters turned axis labels into pieces; in raw
    order a turned label comes out one character a line, which squeezing joins again.
    """
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [squeeze(page) for page in out.split("\f")[:-1]]


# ---------------------------------------------------------------------------------------------
# What prints
# ---------------------------------------------------------------------------------------------


def test_the_charts_print_titles_labels_legends_and_references(poppler: Poppler, pdf_of: PdfOf) -> None:
    pdf = pdf_of(summary(3))
    text = "".join(page_texts(pdf))
    for chart in ALL_CHARTS:
        assert squeeze(chart.title) in text, chart.title
    for expected in (
        *EIGHT,
        *LEVELS,
        "受理投诉",
        "调解成功",
        "省级标准≥85%",
        "2025.01",
        "2025.03",
        "2026.12",
        "单位：件",
        "单位：%",
        "按受理日期计入当月。",
        "92.3",
        "76.5",
    ):
        assert expected in text, expected


def test_only_the_bundled_font_is_used_embedded_and_subset(poppler: Poppler, pdf_of: PdfOf) -> None:
    fonts = poppler.fonts(pdf_of(summary(3)))
    assert fonts
    for font in fonts:
        assert re.fullmatch(rf"[A-Z]{{6}}\+{FONT}(-\d+)?", font["name"]), font
        assert (font["emb"], font["sub"]) == ("yes", "yes"), font


def _strings(node: object) -> list[String]:
    """Every String a drawing draws, its widgets (axes, labels, legend) expanded all the way."""
    if isinstance(node, String):
        return [node]
    if isinstance(node, UserNode):
        return _strings(node.provideNode())
    if isinstance(node, Group):
        return [found for child in node.contents for found in _strings(child)]
    return []


@pytest.mark.parametrize("chart", ALL_CHARTS[:3], ids=lambda chart: chart.kind)
def test_every_string_of_a_drawing_is_in_the_given_font(chart: Chart) -> None:
    """The chart widgets default to Helvetica, which has no Chinese: every label must be told."""
    font = register_font()
    (kept,) = chart_flowables(chart, 500, font)
    assert isinstance(kept, KeepTogether)
    (drawing,) = [part for part in kept._content if isinstance(part, Drawing)]
    strings = _strings(drawing)
    assert any(s.text == chart.categories[-1] for s in strings)
    assert {s.fontName for s in strings} == {font}


def test_a_report_without_charts_prints_as_before(poppler: Poppler, pdf_of: PdfOf) -> None:
    """No chart: the same pages and words as the table alone; charts only add after it."""
    plain = pdf_of(summary(50, charts=()), "plain.pdf")
    charted = pdf_of(summary(50), "charted.pdf")
    assert poppler.pages(plain) == 2
    assert poppler.pages(charted) > 2
    plain_pages, charted_pages = page_texts(plain), page_texts(charted)
    assert not any(chart.title in "".join(plain_pages) for chart in ALL_CHARTS)

    def body(page: str) -> str:
        """The page without its footer (the page number, then the report's title)."""
        return re.sub(r"第\d+页共\d+页", "", page).removesuffix("全市维权服务站点分布汇总表")

    assert body(plain_pages[0]) == body(charted_pages[0])
    assert body(charted_pages[1]).startswith(body(plain_pages[1]))
    assert len(body(charted_pages[1])) > len(body(plain_pages[1]))


@pytest.mark.parametrize("rows", [18, 21, 24, 27, 30, 33, 36, 39])
def test_a_chart_is_never_split_across_pages(poppler: Poppler, pdf_of: PdfOf, rows: int) -> None:
    """Tables of different lengths leave every amount of room at the foot of a page: wherever a
    chart's title prints, its last category label prints on the same page, after it."""
    pages = page_texts(pdf_of(summary(rows)))
    titles = [squeeze(chart.title) for chart in ALL_CHARTS]
    for number, chart in enumerate(ALL_CHARTS):
        (page,) = [page for page in pages if titles[number] in page]
        start = page.index(titles[number])
        following = [page.find(title, start) for title in titles[number + 1 :] if title in page]
        body = page[start : min(following, default=len(page))]
        assert squeeze(chart.categories[-1]) in body, (rows, chart.key)


def test_the_heat_map_prints_every_cell_with_row_and_column_totals(poppler: Poppler, pdf_of: PdfOf) -> None:
    text = "".join(page_texts(pdf_of(summary(3, charts=(heat_chart(),)))))
    assert "".join(STATION_KINDS) + "合计" in text
    for county, counts in zip(EIGHT, HEAT, strict=True):
        assert county + "".join(map(str, counts)) + str(sum(counts)) in text, county
    columns = [sum(row[column] for row in HEAT) for column in range(5)]
    assert "合计" + "".join(map(str, columns)) + str(sum(columns)) in text


def test_a_rate_heat_map_has_no_totals(poppler: Poppler, pdf_of: PdfOf) -> None:
    """Percentages do not add up: a rate heat map prints its cells, "—" for no data, no 合计."""
    rates = replace(heat_chart(), unit="%", series=(Series("达标率", (50.0, None, *[90.0] * 6)),))
    text = "".join(page_texts(pdf_of(summary(3, charts=(rates,)))))
    assert EIGHT[0] + "50" in text
    assert EIGHT[1] + "—" in text
    assert text.count("合计") == 0


def test_a_bar_without_data_is_marked_not_drawn_as_zero(poppler: Poppler, pdf_of: PdfOf) -> None:
    with_gap = "".join(page_texts(pdf_of(summary(3, charts=(rates_chart(),)), "gap.pdf")))
    assert with_gap.count("无数据") == 1
    full = replace(
        rates_chart(), series=(Series("调解成功率", (92.3, 88.0, 70.0, 76.5, 100.0, 81.2, 95.0, 85.0)),)
    )
    assert "无数据" not in "".join(page_texts(pdf_of(summary(3, charts=(full,)), "full.pdf")))


def test_a_chart_with_no_categories_says_so() -> None:
    empty = Chart("none", "无数据的图", "bar", (), (), "件")
    (kept,) = chart_flowables(empty, 500, register_font())
    assert "（无数据）" in [getattr(part, "text", "") for part in kept._content]


def test_an_unknown_kind_is_refused() -> None:
    odd = replace(rates_chart(), kind="pie")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="pie"):
        chart_flowables(odd, 500, register_font())


# ---------------------------------------------------------------------------------------------
# Pure helpers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "unit", "whole", "scale"),
    [
        (52, "件", True, (60, 20)),
        (24, "件", True, (25, 5)),
        (7, "个", True, (8, 2)),
        (3, "件", True, (3, 1)),
        (0.4, "件", True, (1, 1)),
        (0, "件", True, (5, 1)),
        (1234, "件", True, (1500, 500)),
        (92.3, "%", False, (100, 20)),
        (3.5, "%", False, (100, 20)),
        (0.3, "万元", False, (0.3, 0.1)),
    ],
)
def test_value_scale_gives_round_steps_from_zero(
    top: float, unit: str, whole: bool, scale: tuple[float, float]
) -> None:
    assert value_scale(top, unit, whole=whole) == pytest.approx(scale)


@pytest.mark.parametrize("top", [0.07, 1, 3.3, 9.99, 10, 11, 47, 99, 101, 250, 999, 12_345])
def test_value_scale_reaches_the_top_in_two_to_five_round_steps(top: float) -> None:
    maximum, step = value_scale(top, "件", whole=False)
    mantissa = step / 10 ** math.floor(math.log10(step))
    assert round(mantissa, 9) in (1, 2, 5)
    assert top <= maximum < top + step
    assert 2 <= round(maximum / step) <= 5


def test_axis_numbers_read_like_the_tables() -> None:
    assert axis_number(1200.0) == "1,200"
    assert axis_number(0.0) == "0"
    assert axis_number(76.5) == "76.5"


def test_label_plan_turns_labels_only_as_far_as_needed() -> None:
    month = [stringWidth("2025.01", register_font(), LABEL_SIZE)] * 24
    assert label_plan(month, month[0] * 2, LABEL_SIZE) == LabelPlan(0, 1)
    assert label_plan(month, 19, LABEL_SIZE) == LabelPlan(45, 1)  # 24 months, A4 portrait
    assert label_plan(month, 9, LABEL_SIZE) == LabelPlan(90, 1)
    assert label_plan(month, 3, LABEL_SIZE) == LabelPlan(90, 3)


def test_one_long_name_among_short_ones_stays_level_while_two_side_by_side_turn() -> None:
    long, short = 49.0, 21.0  # "经济技术开发区" and "西山区" at 7 pt
    assert label_plan([short, long, short], 55, LABEL_SIZE) == LabelPlan(0, 1)
    assert label_plan([short, long, long], 55, LABEL_SIZE) == LabelPlan(45, 1)
    assert label_plan([long], 40, LABEL_SIZE) == LabelPlan(45, 1)


def test_shown_labels_keep_highlights_and_clear_room_around_them() -> None:
    assert shown_labels(4, 1, ()) == [True] * 4
    assert shown_labels(10, 3, (4,)) == [True, False, False, False, True, False, False, False, False, True]
    assert shown_labels(3, 2, (7,)) == [True, False, True]


def test_spread_keeps_labels_apart_and_inside() -> None:
    assert spread([10, 12], 8, 0, 100) == [10, 18]
    assert spread([12, 10], 8, 0, 100) == [18, 10]
    assert spread([95, 96], 8, 0, 100) == [92, 100]
    assert spread([], 8, 0, 100) == []


def test_line_runs_split_at_missing_values() -> None:
    assert line_runs([1.0, None, None, 2.0, 3.0, None]) == [
        [1.0, None, None, None, None, None],
        [None, None, None, 2.0, 3.0, None],
    ]
    assert line_runs([None, None]) == []
    assert line_runs([0.0, 1.0]) == [[0.0, 1.0]]


def test_heat_colour_runs_from_white_to_the_full_colour() -> None:
    assert heat_colour(None, 10) == colors.white
    assert heat_colour(0, 10) == colors.white
    assert heat_colour(5, 0) == colors.white
    assert heat_colour(10, 10).rgb() == pytest.approx(HEAT_HIGH.rgb())
    shades = [relative_luminance(heat_colour(value, 10)) for value in range(11)]
    assert shades == sorted(shades, reverse=True)
    assert len(set(shades)) == 11


def test_heat_map_figures_stay_readable_on_every_shade() -> None:
    """WCAG contrast of at least 4.5 between each cell's fill and its figure."""

    def contrast(first: colors.Color, second: colors.Color) -> float:
        light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
        return (light + 0.05) / (dark + 0.05)

    fills = [heat_colour(value, 100) for value in range(101)]
    assert min(contrast(fill, text_colour_on(fill)) for fill in fills) >= 4.5
    assert text_colour_on(colors.white) != colors.white
    assert text_colour_on(HEAT_HIGH) == colors.white


def test_fitted_cuts_long_labels_with_an_ellipsis() -> None:
    font = register_font()
    assert fitted("城关区", font, 7, 100) == "城关区"
    cut = fitted("新民经济技术开发区管理委员会", font, 7, 40)
    assert cut.endswith("…") and stringWidth(cut, font, 7) <= 40
