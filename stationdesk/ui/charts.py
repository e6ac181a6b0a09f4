"""One widget that draws any `Chart` the services compute: Qt Charts for lines and bars, a shaded
table for heat maps.

Choices, and why:
- A heat map is a table, not a picture: counties × categories must stay readable and exact, and a
  table gives the totals, right-aligned numbers and a tooltip per cell for free.
- Each `show_chart` builds a fresh QChartView and drops the old one: Qt Charts' axes and series
  are owned by their chart, so rebuilding is simpler and safer than emptying a chart in place.
- Qt Charts' themes hard-code "Arial", which has no Chinese; every text item gets the application
  font (the bundled one `stationdesk.ui.fonts` installs) so labels never turn into boxes.
- No data is not zero: a None bar is drawn 0 high but says "无数据" in its tooltip and reads back
  as None; a None point on a line is left out (the line joins its neighbours). Categories with
  no data at all are named under the chart, since paper has no tooltips.
- A heat map of rates ("%") gets no 合计 row or column: percentages do not add up.
- The picture saved for pasting into a Word document is the body: title, chart and note together.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QScatterSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHeaderView,
    QLabel,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from stationdesk.services.report_types import Chart

HIGHLIGHT_NAME = "重点月份"
HIGHLIGHT_COLOR = QColor("#d32f2f")
REFERENCE_COLOR = QColor("#d32f2f")
HEAT_COLOR = QColor("#00796b")
MANY_CATEGORIES = 12
CROWDED_CHARACTERS = 48
"""Label characters under one chart beyond which its category labels are turned (-45°, or -90°
past MANY_CATEGORIES): more would run into each other."""
HEADER_CHARS = 4


def label_angle(categories: tuple[str, ...]) -> int:
    """The category labels' angle: level when they fit side by side, turned when crowded."""
    if len(categories) > MANY_CATEGORIES:
        return -90
    crowded = len(categories) * max((len(c) for c in categories), default=0) > CROWDED_CHARACTERS
    return -45 if crowded else 0
"""Above this many categories the x labels are turned upright so they cannot overlap."""
SAVE_SIZE = QSize(900, 420)
SCROLL_CATEGORIES = 30
CATEGORY_WIDTH = 22
"""Pixels per category beyond SCROLL_CATEGORIES: room for an upright label in the app's font."""
"""A hidden panel's size when saved: wide enough for 24 months, the shape of half an A4 page."""

ModelIndex = QModelIndex | QPersistentModelIndex


def format_value(value: float | None, unit: str = "") -> str:
    """A value as people read it: "1,234 件", "85.3%", "无数据"."""
    if value is None:
        return "无数据"
    number = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}".rstrip()


def app_font(delta: int = 0, bold: bool = False) -> QFont:
    """The application font (the bundled Chinese one), `delta` points larger or smaller."""
    font = QFont(QApplication.font())
    if delta and font.pointSize() > 0:
        font.setPointSize(max(6, font.pointSize() + delta))
    font.setBold(bold)
    return font


class HeatMapModel(QAbstractTableModel):
    """Categories as rows, series as columns, shaded white → teal by value against the largest.

    Counts get a 合计 row and column; rates ("%") do not, since percentages do not add up.
    """

    TOTAL = "合计"

    def __init__(self, chart: Chart, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self.totals = chart.unit != "%"
        cells = [v for series in chart.series for v in series.values if v is not None]
        self.maximum = max(cells, default=0.0)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.chart.categories) + self.totals

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.chart.series) + self.totals

    def is_total(self, row: int, column: int) -> bool:
        return self.totals and (row == len(self.chart.categories) or column == len(self.chart.series))

    def value(self, row: int, column: int) -> float | None:
        """The cell's number; a total adds what there is and is None only if nothing is there."""
        rows = range(len(self.chart.categories)) if row == len(self.chart.categories) else [row]
        columns = range(len(self.chart.series)) if column == len(self.chart.series) else [column]
        values = [self.chart.series[c].values[r] for r in rows for c in columns]
        present = [v for v in values if v is not None]
        return sum(present) if present else None

    def background(self, row: int, column: int) -> QColor | None:
        """White for nothing, full teal for the largest cell; totals are not shaded."""
        value = self.value(row, column)
        if self.is_total(row, column) or value is None or self.maximum <= 0:
            return None
        share = max(0.0, min(1.0, value / self.maximum))
        white = QColor(Qt.GlobalColor.white)
        return QColor(
            round(white.red() + (HEAT_COLOR.red() - white.red()) * share),
            round(white.green() + (HEAT_COLOR.green() - white.green()) * share),
            round(white.blue() + (HEAT_COLOR.blue() - white.blue()) * share),
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        value = self.value(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return "—" if value is None else format_value(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.BackgroundRole:
            return self.background(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            shade = self.background(row, column)
            return QColor(
                Qt.GlobalColor.white if shade and shade.lightnessF() < 0.55 else Qt.GlobalColor.black
            )
        if role == Qt.ItemDataRole.FontRole and self.is_total(row, column):
            return app_font(bold=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{self._row_name(row)} · {self.column_name(column)}：{format_value(value, self.chart.unit)}"
            )
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole:
            return self._column_title(section) if horizontal else self._row_name(section)
        if role == Qt.ItemDataRole.FontRole:
            total = section == (len(self.chart.series) if horizontal else len(self.chart.categories))
            highlighted = not horizontal and section in self.chart.highlights
            return app_font(bold=(self.totals and total) or highlighted)
        return None

    def _row_name(self, row: int) -> str:
        return self.chart.categories[row] if row < len(self.chart.categories) else self.TOTAL

    def _column_title(self, column: int) -> str:
        """A title longer than HEADER_CHARS in two lines ("进行业/协会"): eight or nine narrow
        columns must fit beside each other without cutting a category's name."""
        name = self.column_name(column)
        if len(name) <= HEADER_CHARS:
            return name
        half = (len(name) + 1) // 2
        return f"{name[:half]}\n{name[half:]}"

    def column_name(self, column: int) -> str:
        return self.chart.series[column].name if column < len(self.chart.series) else self.TOTAL


class ChartPanel(QWidget):
    """A chart's title, its drawing (or a placeholder while it is counted) and its note.

    `category_clicked(index)` fires when a bar, a point or a heat-map row is clicked, so the page
    can open the records behind that number.
    """

    category_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: Chart | None = None
        self.title = QLabel()
        self.title.setFont(app_font(2, bold=True))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #666;")
        self.placeholder = QLabel("正在统计…")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #888;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.chart_view: QChartView | None = None
        self.scroll: QScrollArea | None = None
        """Holds the chart when it has too many categories for the panel's width."""
        self.table: QTableView | None = None
        self.heat_model: HeatMapModel | None = None

        self.body = QWidget()
        self.body.setObjectName("chart_body")
        self.body.setAutoFillBackground(True)
        body_layout = QVBoxLayout(self.body)
        body_layout.addWidget(self.title)
        body_layout.addWidget(self.stack, 1)
        body_layout.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.body)
        self.show_chart(None)

    # -- showing -------------------------------------------------------------------------------

    def show_chart(self, chart: Chart | None) -> None:
        """Draw `chart`; None shows "正在统计…" (the numbers are still being counted)."""
        self.chart = chart
        self._drop_body()
        self.title.setText(chart.title if chart else "")
        self.title.setVisible(bool(chart))
        note = self._note(chart) if chart else ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        if chart is None or not chart.categories or not chart.series:
            self.placeholder.setText("正在统计…" if chart is None else "暂无数据")
            self.stack.setCurrentWidget(self.placeholder)
            return
        if chart.kind == "heatmap":
            self._show_heat_map(chart)
        else:
            self._show_plot(chart)

    @staticmethod
    def _note(chart: Chart) -> str:
        """The chart's note, plus the categories with no data at all: a bar or point that is not
        drawn would otherwise read as 0 on paper, where there is no tooltip."""
        empty = [
            category
            for index, category in enumerate(chart.categories)
            if chart.kind != "heatmap" and chart.series and all(s.values[index] is None for s in chart.series)
        ]
        parts = [chart.note, f"无数据：{'、'.join(empty)}" if empty else ""]
        return "；".join(part for part in parts if part)

    def _drop_body(self) -> None:
        for widget in (self.scroll or self.chart_view, self.table):
            if widget is not None:
                self.stack.removeWidget(widget)
                widget.deleteLater()
        self.chart_view, self.table, self.heat_model, self.scroll = None, None, None, None

    def _show_heat_map(self, chart: Chart) -> None:
        self.table = QTableView()
        self.heat_model = HeatMapModel(chart, self.table)
        self.table.setModel(self.heat_model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setMinimumSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.clicked.connect(self._cell_clicked)
        self.stack.addWidget(self.table)
        self.stack.setCurrentWidget(self.table)

    def _cell_clicked(self, index: QModelIndex) -> None:
        if self.chart and index.row() < len(self.chart.categories):
            self.category_clicked.emit(index.row())

    def _show_plot(self, chart: Chart) -> None:
        plot = QChart()
        plot.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        plot.setBackgroundRoundness(0)
        x_axis = QBarCategoryAxis()
        x_axis.append(list(chart.categories))
        x_axis.setTruncateLabels(False)  # "南大街…" hides which street a bar is
        x_axis.setLabelsAngle(label_angle(chart.categories))
        y_axis = self._value_axis(chart)
        for axis in (x_axis, y_axis):
            axis.setLabelsFont(app_font(-1))
            axis.setTitleFont(app_font(-1))
        plot.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
        plot.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)

        if chart.kind == "line":
            self._add_lines(plot, chart)
        else:
            self._add_bars(plot, chart)
        for reference in chart.references:
            line = QLineSeries()
            line.setName(f"{reference.label}（{format_value(reference.value, chart.unit)}）")
            line.append(
                [QPointF(-0.5, reference.value), QPointF(len(chart.categories) - 0.5, reference.value)]
            )
            plot.addSeries(line)
            line.setPen(QPen(REFERENCE_COLOR, 2, Qt.PenStyle.DashLine))
        for series in plot.series():
            series.attachAxis(x_axis)
            series.attachAxis(y_axis)

        legend = plot.legend()
        legend.setAlignment(Qt.AlignmentFlag.AlignBottom)
        legend.setFont(app_font(-1))
        legend.setVisible(len(chart.series) > 1 or bool(chart.references) or bool(self._highlighted(chart)))
        self.chart_view = QChartView(plot)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        holder: QWidget = self.chart_view
        if len(chart.categories) > SCROLL_CATEGORIES:
            # A province's 96 counties: each bar keeps room for its label, the chart scrolls sideways.
            self.chart_view.setMinimumWidth(len(chart.categories) * CATEGORY_WIDTH)
            self.scroll = QScrollArea()
            self.scroll.setWidgetResizable(True)
            self.scroll.setFrameShape(QFrame.Shape.NoFrame)
            self.scroll.setWidget(self.chart_view)
            holder = self.scroll
        self.stack.addWidget(holder)
        self.stack.setCurrentWidget(holder)

    @staticmethod
    def _value_axis(chart: Chart) -> QValueAxis:
        """From 0; rates 0-100, counts up to a round number with whole-number ticks."""
        axis = QValueAxis()
        axis.setTitleText(chart.unit)
        if chart.unit == "%":
            axis.setRange(0, 100)
            axis.setTickCount(6)
            axis.setLabelFormat("%d")
            return axis
        columns = list(zip(*(s.values for s in chart.series), strict=True))
        if chart.kind == "stacked_bar":
            highest = max((sum(v or 0 for v in column) for column in columns), default=0)
        else:
            highest = max((v for column in columns for v in column if v is not None), default=0)
        highest = max([highest, *(r.value for r in chart.references)])
        whole = all(v is None or float(v).is_integer() for s in chart.series for v in s.values)
        axis.setRange(0, max(highest, 5) if whole else highest or 1)
        axis.applyNiceNumbers()
        axis.setLabelFormat("%d" if whole else "%.1f")
        return axis

    @staticmethod
    def _highlighted(chart: Chart) -> list[int]:
        """Highlights only mean something on a line (months); bars keep their own colours."""
        if chart.kind != "line":
            return []
        return [i for i in chart.highlights if 0 <= i < len(chart.categories)]

    def _add_lines(self, plot: QChart, chart: Chart) -> None:
        for data in chart.series:
            line = QLineSeries()
            line.setName(data.name)
            line.append([QPointF(i, v) for i, v in enumerate(data.values) if v is not None])
            line.setPointsVisible(True)
            line.setMarkerSize(6)
            self._connect_points(line, data.name, data.values, chart)
            plot.addSeries(line)
        highlighted = self._highlighted(chart)
        if highlighted:
            overlay = QScatterSeries()
            overlay.setName(HIGHLIGHT_NAME)
            overlay.setMarkerSize(11)
            overlay.append(
                [
                    QPointF(i, s.values[i])
                    for s in chart.series
                    for i in highlighted
                    if s.values[i] is not None
                ]
            )
            overlay.clicked.connect(self._point_clicked)
            plot.addSeries(overlay)
            overlay.setColor(HIGHLIGHT_COLOR)
            overlay.setBorderColor(HIGHLIGHT_COLOR)

    def _connect_points(
        self, line: QLineSeries, name: str, values: tuple[float | None, ...], chart: Chart
    ) -> None:
        def hovered(point: QPointF, state: bool) -> None:
            index = round(point.x())
            if state and 0 <= index < len(values):
                QToolTip.showText(QCursor.pos(), self._describe(name, chart.categories[index], values[index]))

        line.hovered.connect(hovered)
        line.clicked.connect(self._point_clicked)

    def _point_clicked(self, point: QPointF) -> None:
        index = round(point.x())
        if self.chart and 0 <= index < len(self.chart.categories):
            self.category_clicked.emit(index)

    def _add_bars(self, plot: QChart, chart: Chart) -> None:
        bars = QStackedBarSeries() if chart.kind == "stacked_bar" else QBarSeries()
        for data in chart.series:
            bar_set = QBarSet(data.name)
            bar_set.append([v or 0.0 for v in data.values])
            bar_set.setProperty("missing", [i for i, v in enumerate(data.values) if v is None])
            bar_set.clicked.connect(self.category_clicked)
            self._connect_bar_tooltip(bar_set, data.name, data.values, chart)
            bars.append(bar_set)
        plot.addSeries(bars)

    def _connect_bar_tooltip(
        self, bar_set: QBarSet, name: str, values: tuple[float | None, ...], chart: Chart
    ) -> None:
        def hovered(state: bool, index: int) -> None:
            if state and 0 <= index < len(values):
                QToolTip.showText(QCursor.pos(), self._describe(name, chart.categories[index], values[index]))

        bar_set.hovered.connect(hovered)

    def _describe(self, name: str, category: str, value: float | None) -> str:
        unit = self.chart.unit if self.chart else ""
        return f"{category} · {name}：{format_value(value, unit)}"

    # -- reading back and saving ----------------------------------------------------------------

    def series_values(self) -> dict[str, list[float | None]]:
        """Each series' values as the Qt objects hold them (bars and points read back, one per
        category; a None bar or a missing point reads as None). Empty while nothing is drawn."""
        if self.heat_model is not None:
            model = self.heat_model
            return {
                model.column_name(c): [
                    model.value(r, c) for r in range(len(model.chart.categories))
                ]
                for c in range(len(model.chart.series))
            }
        if self.chart_view is None or self.chart is None:
            return {}
        names = {s.name for s in self.chart.series}
        count = len(self.chart.categories)
        result: dict[str, list[float | None]] = {}
        for series in self.chart_view.chart().series():
            if isinstance(series, QAbstractBarSeries):
                for bar_set in series.barSets():
                    missing = set(bar_set.property("missing") or [])
                    result[bar_set.label()] = [None if i in missing else bar_set.at(i) for i in range(count)]
            elif isinstance(series, QLineSeries) and series.name() in names:
                values: list[float | None] = [None] * count
                for point in series.points():
                    values[round(point.x())] = point.y()
                result[series.name()] = values
        return result

    def save_png(self, path: Path) -> None:
        """Save the title, chart and note as a PNG, as large as they are on screen.

        A panel never shown is first laid out at 900 × 420, so a picture saved from a page not yet
        opened is not a thumbnail. Raises OSError when the file cannot be written.
        """
        if not self.isVisible():
            self.resize(SAVE_SIZE)
            self.layout().activate()
        picture = self.body.grab() if self.scroll is None else self._whole_picture()
        if not picture.save(str(path), "PNG"):
            raise OSError(f"无法保存图片：{path}")

    def _whole_picture(self) -> QPixmap:
        """Title, the whole scrolled chart (not only the part in view) and note, one under another."""
        assert self.chart_view is not None
        parts = [w.grab() for w in (self.title, self.chart_view, self.note) if w.isVisibleTo(self.body)]
        width = max(p.width() for p in parts)
        picture = QPixmap(width, sum(p.height() for p in parts))
        picture.fill(Qt.GlobalColor.white)
        painter = QPainter(picture)
        top = 0
        for part in parts:
            painter.drawPixmap((width - part.width()) // 2, top, part)
            top += part.height()
        painter.end()
        return picture
