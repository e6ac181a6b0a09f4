"""The chart panel draws exactly the numbers it is given: read back from the Qt objects, not from
the `Chart` that went in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QToolTip

from stationdesk.services.report_types import Chart, ReferenceLine, Series
from stationdesk.ui.charts import HIGHLIGHT_NAME, ChartPanel

MONTHS = tuple(f"{year}.{month:02d}" for year in (2024, 2025) for month in range(1, 13))
COUNTIES = ("天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市", "经开区", "高新区")
MARCH_AND_NOVEMBER = (2, 10, 14, 22)

CASES = Chart(
    "cases",
    "月度受理件数",
    "line",
    MONTHS,
    (
        Series("受理", tuple(float(30 + (i * 7) % 23) for i in range(24))),
        Series("办结", tuple(None if i == 5 else float(20 + i) for i in range(24))),
    ),
    "件",
    highlights=MARCH_AND_NOVEMBER,
    note="红点为 3·15 和 双11 所在月份",
)
LEVELS = Chart(
    "levels",
    "各县区站点数",
    "stacked_bar",
    COUNTIES,
    (
        Series("省级", (3, 2, 4, 1, 0, 2, 1, 1)),
        Series("市级", (10, 8, 12, 9, 5, 6, 4, 3)),
        Series("普通", (40, 35, 52, 61, 22, 30, 18, 12)),
    ),
    "个",
)
RATES = Chart(
    "rates",
    "按期办结率",
    "bar",
    COUNTIES,
    (Series("按期办结率", (92.5, 88.0, None, 79.3, 95.0, 85.0, 60.2, 99.0)),),
    "%",
    references=(ReferenceLine("省级标准", 85),),
)
CATEGORIES = ("食品", "家电", "服装", "预付卡", "网购")
HEAT = Chart(
    "heat",
    "投诉类别分布",
    "heatmap",
    COUNTIES,
    tuple(
        Series(name, tuple(float((i * 7 + j * 13) % 40) for i in range(len(COUNTIES))))
        for j, name in enumerate(CATEGORIES)
    ),
    "件",
)


@pytest.fixture
def panel(qtbot: Any) -> ChartPanel:
    widget = ChartPanel()
    qtbot.addWidget(widget)
    widget.resize(900, 420)
    return widget


def expected(chart: Chart) -> dict[str, list[float | None]]:
    return {series.name: list(series.values) for series in chart.series}


def category_axis(panel: ChartPanel) -> QBarCategoryAxis:
    assert panel.chart_view is not None
    (axis,) = panel.chart_view.chart().axes(Qt.Orientation.Horizontal)
    assert isinstance(axis, QBarCategoryAxis)
    return axis


def value_axis(panel: ChartPanel) -> QValueAxis:
    assert panel.chart_view is not None
    (axis,) = panel.chart_view.chart().axes(Qt.Orientation.Vertical)
    assert isinstance(axis, QValueAxis)
    return axis


def legend_names(panel: ChartPanel) -> list[str]:
    assert panel.chart_view is not None
    return [marker.label() for marker in panel.chart_view.chart().legend().markers()]


def test_nothing_yet_shows_the_placeholder(panel: ChartPanel) -> None:
    assert panel.stack.currentWidget() is panel.placeholder
    assert panel.placeholder.text() == "正在统计…"
    assert panel.series_values() == {}
    panel.show_chart(LEVELS)
    assert panel.stack.currentWidget() is panel.chart_view
    panel.show_chart(None)
    assert panel.stack.currentWidget() is panel.placeholder
    assert panel.chart_view is None and panel.series_values() == {}


def test_a_chart_with_nothing_to_draw_says_so(panel: ChartPanel) -> None:
    panel.show_chart(Chart("none", "无站点", "bar", (), (), "个"))
    assert panel.stack.currentWidget() is panel.placeholder
    assert (panel.placeholder.text(), panel.title.text()) == ("暂无数据", "无站点")


def test_a_line_per_series_with_the_months_and_the_highlighted_points(panel: ChartPanel, qtbot: Any) -> None:
    panel.show_chart(CASES)
    assert panel.series_values() == expected(CASES)  # the None month is left out and reads back None
    axis = category_axis(panel)
    assert tuple(axis.categories()) == MONTHS
    assert axis.labelsAngle() == -90
    assert legend_names(panel) == ["受理", "办结", HIGHLIGHT_NAME]
    assert panel.chart_view is not None
    (overlay,) = [s for s in panel.chart_view.chart().series() if isinstance(s, QScatterSeries)]
    assert overlay.name() == HIGHLIGHT_NAME
    assert sorted({round(point.x()) for point in overlay.points()}) == list(MARCH_AND_NOVEMBER)
    assert panel.title.text() == "月度受理件数"
    assert panel.note.text() == "红点为 3·15 和 双11 所在月份"

    line = next(
        s for s in panel.chart_view.chart().series() if isinstance(s, QLineSeries) and s.name() == "受理"
    )
    with qtbot.waitSignal(panel.category_clicked) as clicked:
        line.clicked.emit(QPointF(7.1, 40))
    assert clicked.args == [7]


def test_stacked_bars_by_level_per_county(panel: ChartPanel, qtbot: Any) -> None:
    panel.show_chart(LEVELS)
    assert panel.series_values() == expected(LEVELS)
    assert tuple(category_axis(panel).categories()) == COUNTIES
    assert category_axis(panel).labelsAngle() == 0
    assert panel.chart_view is not None
    (bars,) = panel.chart_view.chart().series()
    assert isinstance(bars, QStackedBarSeries)
    assert legend_names(panel) == ["省级", "市级", "普通"]
    assert panel.chart_view.chart().legend().isVisible()
    axis = value_axis(panel)
    assert axis.min() == 0 and axis.max() >= 1 + 9 + 61  # 武进区's stack reaches 71
    assert axis.labelFormat() == "%d" and axis.titleText() == "个"

    bar_set: QBarSet = bars.barSets()[1]
    with qtbot.waitSignal(panel.category_clicked) as clicked:
        bar_set.clicked.emit(3)
    assert clicked.args == [3]


def test_rates_with_a_reference_line_and_no_data_kept_apart_from_zero(panel: ChartPanel) -> None:
    panel.show_chart(RATES)
    assert panel.series_values() == expected(RATES)  # the None county reads back None, not 0
    assert panel.chart_view is not None
    plot = panel.chart_view.chart()
    (bar_set,) = next(s for s in plot.series() if not isinstance(s, QLineSeries)).barSets()
    assert bar_set.at(2) == 0  # drawn 0 high
    (reference,) = [s for s in plot.series() if isinstance(s, QLineSeries)]
    assert reference.name().startswith("省级标准")
    assert {point.y() for point in reference.points()} == {85}
    assert [point.x() for point in reference.points()] == [-0.5, len(COUNTIES) - 0.5]
    assert legend_names(panel) == ["按期办结率", reference.name()]
    assert plot.legend().isVisible()
    axis = value_axis(panel)
    assert (axis.min(), axis.max(), axis.titleText()) == (0, 100, "%")
    assert panel.note.text() == "无数据：新北区"


def test_a_missing_bar_says_so_in_its_tooltip(panel: ChartPanel, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    panel.show_chart(RATES)
    assert panel.chart_view is not None
    (bar_set,) = next(
        s for s in panel.chart_view.chart().series() if not isinstance(s, QLineSeries)
    ).barSets()
    bar_set.hovered.emit(True, 2)
    bar_set.hovered.emit(True, 3)
    bar_set.hovered.emit(False, 3)
    assert shown == ["新北区 · 按期办结率：无数据", "武进区 · 按期办结率：79.3%"]


def test_one_series_alone_has_no_legend(panel: ChartPanel) -> None:
    alone = Chart("one", "受理", "bar", COUNTIES, (LEVELS.series[2],), "个")
    panel.show_chart(alone)
    assert panel.chart_view is not None
    assert not panel.chart_view.chart().legend().isVisible()


def test_every_text_uses_the_application_font(panel: ChartPanel) -> None:
    family = QApplication.font().family()
    panel.show_chart(RATES)
    assert panel.chart_view is not None
    plot = panel.chart_view.chart()
    fonts = [plot.legend().font(), panel.title.font()]
    for axis in plot.axes():
        fonts += [axis.labelsFont(), axis.titleFont()]
    assert [font.family() for font in fonts] == [family] * len(fonts)


def test_heat_map_totals_and_shading(panel: ChartPanel, qtbot: Any) -> None:
    panel.show_chart(HEAT)
    model = panel.heat_model
    assert model is not None and panel.stack.currentWidget() is panel.table
    assert panel.series_values() == expected(HEAT)
    rows, columns = len(COUNTIES), len(CATEGORIES)
    assert (model.rowCount(), model.columnCount()) == (rows + 1, columns + 1)
    assert model.headerData(columns, Qt.Orientation.Horizontal) == "合计"
    assert model.headerData(rows, Qt.Orientation.Vertical) == "合计"
    for row, county in enumerate(COUNTIES):
        assert model.headerData(row, Qt.Orientation.Vertical) == county
        assert model.value(row, columns) == sum(s.values[row] or 0 for s in HEAT.series)
    for column, series in enumerate(HEAT.series):
        assert model.value(rows, column) == sum(v or 0 for v in series.values)
    grand = sum(v or 0 for s in HEAT.series for v in s.values)
    assert model.data(model.index(rows, columns)) == f"{grand:,.0f}"

    shades = {
        (row, column): model.data(model.index(row, column), Qt.ItemDataRole.BackgroundRole).lightnessF()
        for row in range(rows)
        for column in range(columns)
    }
    darkest = min(shades, key=lambda cell: shades[cell])
    assert model.value(*darkest) == max(v or 0 for s in HEAT.series for v in s.values)
    assert model.data(model.index(rows, 0), Qt.ItemDataRole.BackgroundRole) is None  # totals unshaded
    cell = model.index(3, 1)
    assert model.data(cell, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert (
        model.data(cell, Qt.ItemDataRole.ToolTipRole) == f"武进区 · 家电：{HEAT.series[1].values[3]:.0f} 件"
    )

    assert panel.table is not None
    with qtbot.waitSignal(panel.category_clicked) as clicked:
        panel.table.clicked.emit(cell)
    assert clicked.args == [3]


def test_rates_in_a_heat_map_are_not_added_up(panel: ChartPanel) -> None:
    rates = Chart("r", "办结率", "heatmap", COUNTIES[:2], (Series("办结率", (80.0, None)),), "%")
    panel.show_chart(rates)
    model = panel.heat_model
    assert model is not None
    assert (model.rowCount(), model.columnCount()) == (2, 1)
    assert model.data(model.index(1, 0)) == "—"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "钟楼区 · 办结率：无数据"
    assert panel.series_values() == {"办结率": [80.0, None]}


@pytest.mark.parametrize("chart", [CASES, HEAT], ids=lambda c: c.kind)
def test_save_png(panel: ChartPanel, chart: Chart, tmp_path: Path) -> None:
    panel.show_chart(chart)
    target = tmp_path / "chart.png"
    panel.save_png(target)
    image = QImage(str(target))
    assert not image.isNull()
    assert image.width() >= 900 and image.height() >= 300
    with pytest.raises(OSError):
        panel.save_png(tmp_path / "no such folder" / "chart.png")


def test_crowded_labels_are_turned_not_cut() -> None:
    from stationdesk.ui.charts import label_angle

    assert label_angle(("天宁区", "钟楼区", "新北区")) == 0
    streets = tuple(f"第{n}街道办事处" for n in range(9))  # 9 × 7 characters
    assert label_angle(streets) == -45
    assert label_angle(tuple(f"2025.{m:02d}" for m in range(1, 14))) == -90


def test_a_province_of_counties_scrolls_and_saves_whole(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.services.report_types import Series
    from stationdesk.ui.charts import CATEGORY_WIDTH, ChartPanel

    counties = tuple(f"第{n}区" for n in range(96))
    chart = Chart("levels", "各地在册站点数", "stacked_bar", counties, (Series("普通站点", tuple(float(n) for n in range(96))),), "个")
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 400)
    panel.show_chart(chart)
    assert panel.scroll is not None and panel.stack.currentWidget() is panel.scroll
    assert panel.chart_view is not None and panel.chart_view.minimumWidth() == 96 * CATEGORY_WIDTH
    assert panel.series_values()["普通站点"] == [float(n) for n in range(96)]
    panel.save_png(tmp_path / "wide.png")
    saved = QImage(str(tmp_path / "wide.png"))
    assert saved.width() >= 96 * CATEGORY_WIDTH, "the whole chart, not the part in view"
    panel.show_chart(Chart("few", "两区", "bar", ("甲区", "乙区"), (Series("率", (1.0, 2.0)),), "%"))
    assert panel.scroll is None and panel.stack.currentWidget() is panel.chart_view
