"""首页概览: the home page. How the stations are doing, in numbers and four charts.

Why this shape: a leader's question ("how are our stations doing?") gets one screen. Every number
is a link to the list it was counted from (`services.overview.ListLink`), so a surprising figure
is one click from its stations or cases. The numbers come first (one grouped read, well under a
second at province scale); the zombie sweep and the red and black lists follow in a second read,
so the page never waits for its slowest part. Both run off the GUI thread, and the page reads
again whenever it is shown, so what it says is never older than the last visit.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.money import format_wan_yuan
from stationdesk.services import register
from stationdesk.services.overview import (
    ListLink,
    Overview,
    OverviewFilter,
    RankedStation,
    Tally,
    WatchList,
    overview,
    watch_list,
)
from stationdesk.services.overview_report import change_words
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.charts import ChartPanel
from stationdesk.ui.pdf_preview import ask_save_target
from stationdesk.ui.printing import Printing
from stationdesk.ui.tasks import LatestOnly, TaskContext, TaskRunner

REFRESH_MS = 5 * 60 * 1000
"""While the page is on screen it reads again every five minutes: colleagues on other PCs keep
entering cases into a shared database."""
CHART_HEIGHT = 380
COUNTY_KEY = "overview/county"
ROWS_PER_COLUMN = 10
BREAKDOWN_HEIGHT = 230
LINK_STYLE = "color: #1a5fb4; text-decoration: none;"
WARN_COLOUR = "#b3261e"


def _link(text: str, href: str, colour: str = "") -> str:
    style = LINK_STYLE + (f"color: {colour};" if colour else "")
    return f'<a href="{href}" style="{style}">{text}</a>'


class _Figure(QFrame):
    """One tile: a caption, a big number (a link when it leads to a list) and a line beneath."""

    def __init__(self, caption: str, page: OverviewPage) -> None:
        super().__init__()
        self.setObjectName("figureTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#figureTile { background: #fafbfc; border: 1px solid #d6dbe1; border-radius: 4px; }")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: #555;")
        self.value = QLabel("…")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        self.value.setFont(font)
        self.value.linkActivated.connect(page.follow)
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #666;")
        self.detail.setWordWrap(True)
        self.detail.linkActivated.connect(page.follow)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 8)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch(1)


class OverviewPage(QWidget):
    """The home page. `link_activated(ListLink)` when a number is clicked, `open_station(id)` from
    the red and black lists; `loaded` once numbers are shown, `watch_loaded` after the watch list."""

    link_activated = Signal(object)
    open_station = Signal(int)
    loaded = Signal()
    watch_loaded = Signal()
    settled = Signal()
    """After each reading is over (numbers, then the watch list), whether it succeeded or not."""

    def __init__(
        self, db: Database, runner: TaskRunner, settings: QSettings, today: date, home_county: int | None = None
    ) -> None:
        """`home_county`: where a county's staff start (their own county) until they choose."""
        super().__init__()
        self._db, self._runner, self._settings, self._today = db, runner, settings, today
        self._home_county = home_county
        self.printing = Printing(db, runner, settings, today)
        self._links: dict[str, ListLink] = {}
        self.overview: Overview | None = None
        self.watch: WatchList | None = None
        self.has_settled = False
        self._loader = LatestOnly(runner, self._show, self._failed)
        self._watcher = LatestOnly(runner, self._show_watch, self._watch_failed)
        self._build()
        self._timer = QTimer(self, interval=REFRESH_MS)
        self._timer.timeout.connect(self.reload)

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        heading = QLabel("首页概览")
        heading.setObjectName("pageTitle")
        self.year = QSpinBox(minimum=2000, maximum=self._today.year, value=self._today.year, suffix=" 年")
        self.year.setToolTip("统计年度；本年度统计到今天，并与去年同期比较")
        self.county = QComboBox()
        self.county.addItem("全辖区", None)
        for choice in register.register_lookups(self._db).counties:
            self.county.addItem(choice.name, choice.id)
        if self._settings.contains(COUNTY_KEY):
            chosen = self._settings.value(COUNTY_KEY, 0, int) or None
        else:
            chosen = self._home_county
        self.county.setCurrentIndex(max(0, self.county.findData(chosen)))
        self.county.setToolTip("选择县区后，图表按该县区的街道（乡镇）统计")
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新统计（F5）")
        self.print_button = QPushButton("打印统计概览…")
        self.print_button.setToolTip("数字、各地情况和四张图表一起打印（Ctrl+P）")
        self.export_button = QPushButton("导出 Excel…")
        self.status = QLabel("")
        self.status.setStyleSheet("color: #666;")
        bar = QHBoxLayout()
        bar.addWidget(heading)
        bar.addSpacing(16)
        bar.addWidget(QLabel("年度"))
        bar.addWidget(self.year)
        bar.addWidget(QLabel("范围"))
        bar.addWidget(self.county)
        bar.addWidget(self.refresh_button)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.export_button)

        content = QWidget()
        body = QVBoxLayout(content)
        body.addLayout(self._build_tiles())
        body.addLayout(self._build_breakdowns())
        body.addWidget(self._build_charts())
        body.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(scroll, 1)

        self.year.valueChanged.connect(lambda _y: self.reload())
        self.county.currentIndexChanged.connect(self._county_chosen)
        self.refresh_button.clicked.connect(self.reload)
        self.print_button.clicked.connect(self.print_overview)
        self.export_button.clicked.connect(self.export_overview)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.reload,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_overview,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip

    def _build_tiles(self) -> QGridLayout:
        captions = {
            "stations": "在册站点",
            "received": "受理投诉",
            "self_mediated": "自行调解",
            "success": "调解成功率",
            "recovered": "挽回经济损失",
            "payouts": "先行赔付",
            "overdue": "逾期未办结",
            "zombies": "疑似僵尸站点",
        }
        self.tiles = {key: _Figure(caption, self) for key, caption in captions.items()}
        grid = QGridLayout()
        for number, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, number // 4, number % 4)
        return grid

    def _build_breakdowns(self) -> QHBoxLayout:
        self.category_box, self.level_box, self.area_box = (QGroupBox(t) for t in ("按类别", "按级别", "按县区"))
        self.ranking_box = QGroupBox("最近一次复核红黑榜")
        self.breakdown_labels: dict[str, QLabel] = {}
        self._breakdown_scrolls: dict[str, QScrollArea] = {}
        row = QHBoxLayout()
        for key, box in (("category", self.category_box), ("level", self.level_box), ("area", self.area_box),
                         ("ranking", self.ranking_box)):  # fmt: skip
            label = QLabel("正在统计…")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            label.linkActivated.connect(self.follow)
            label.setWordWrap(key == "ranking")
            scroll = QScrollArea()  # a province's 96 counties scroll inside the box
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QFrame.Shape.NoFrame)
            scroll.setWidget(label)
            QVBoxLayout(box).addWidget(scroll)
            self.breakdown_labels[key] = label
            self._breakdown_scrolls[key] = scroll
            row.addWidget(box, 2 if key in ("area", "ranking") else 1)
        return row

    def _build_charts(self) -> QWidget:
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        self.charts: dict[str, ChartPanel] = {}
        keys = ("cases_by_month", "stations_by_level", "success_by_area", "coverage")
        for number, key in enumerate(keys):
            panel = ChartPanel()
            panel.setMinimumHeight(CHART_HEIGHT)
            panel.category_clicked.connect(lambda index, k=key: self._chart_clicked(k, index))
            save = QPushButton("保存图片…")
            save.setToolTip("把这张图保存为 PNG 图片，可插入 Word 或 PPT")
            save.clicked.connect(lambda _c=False, k=key: self.save_chart(k))
            box = QVBoxLayout()
            box.addWidget(panel, 1)
            box.addWidget(save, 0, Qt.AlignmentFlag.AlignRight)
            grid.addLayout(box, number // 2, number % 2)
            self.charts[key] = panel
        return holder

    # -- loading -----------------------------------------------------------------------------
    def current_filter(self) -> OverviewFilter:
        return OverviewFilter(self.year.value(), self.county.currentData())

    def _county_chosen(self) -> None:
        """Remembered: a county's staff open the app on their own county every day."""
        self._settings.setValue(COUNTY_KEY, self.county.currentData() or 0)
        self.reload()

    def reload(self) -> None:
        """Count again for the current filter: the numbers and charts first, then the watch list."""
        flt, today = self.current_filter(), self._today
        self.status.setText("正在统计…")

        def job(_ctx: TaskContext) -> Overview:
            return overview(self._db, flt, today)

        self._loader.run(job)

    def _show(self, seen: Overview) -> None:
        if seen.filter != self.current_filter():
            return  # a newer filter's read is queued behind this one (and settles then)
        self.overview = seen
        self._links = {}
        self._fill_tiles(seen)
        self._fill_breakdowns(seen)
        for chart in seen.charts:
            self.charts[chart.key].show_chart(chart)
        start, end = seen.period
        self.status.setText(f"{seen.area_name}　{start.isoformat()} 至 {end.isoformat()}")
        self.loaded.emit()
        flt, today = seen.filter, self._today
        self._watcher.run(lambda _ctx: watch_list(self._db, flt, today))

    def _failed(self, exc: BaseException) -> None:
        self.status.setText("统计失败")
        self._settle()
        dialogs.show_error(self, exc, "load overview")

    def _watch_failed(self, exc: BaseException) -> None:
        self._settle()
        dialogs.show_error(self, exc, "load watch list")

    def _settle(self) -> None:
        self.has_settled = True
        self.settled.emit()

    def _href(self, link: ListLink) -> str:
        key = f"link{len(self._links)}"
        self._links[key] = link
        return key

    def _tally(self, tally: Tally, unit: str, colour: str = "") -> str:
        return _link(f"{tally.value:,}", self._href(tally.link), colour) + f" {unit}"

    def _fill_tiles(self, seen: Overview) -> None:
        f, last, county, period = seen.figures, seen.last_figures, seen.filter.county_id, seen.period
        cases = ListLink("cases", county_id=county, period=period)
        payouts = ListLink("payouts", county_id=county, period=period)
        self._set_tile("stations", self._tally(seen.stations, "个"),
                       f"本年新设 {self._tally(seen.new_stations, '个')}，撤销 {self._tally(seen.removed_stations, '个')}")  # fmt: skip
        self._set_tile("received", _link(f"{f.received:,}", self._href(cases)) + " 件",
                       change_words(f.received, last.received, "件"))  # fmt: skip
        self._set_tile("self_mediated", f"{f.self_mediated:,} 件", f"自行调解率 {seen.rate_text(Indicator.SELF_MEDIATION)}")
        self._set_tile("success", f.rate(Indicator.MEDIATION_SUCCESS).percent_text(),
                       f"{_counts(f, Indicator.MEDIATION_SUCCESS)}；去年同期 {seen.rate_text(Indicator.MEDIATION_SUCCESS, last=True)}")  # fmt: skip
        self._set_tile("recovered", f"{format_wan_yuan(f.recovered_fen)} 万元",
                       f"去年同期 {format_wan_yuan(last.recovered_fen)} 万元")  # fmt: skip
        self._set_tile("payouts", _link(f"{f.payouts:,}", self._href(payouts)) + f" 起　{format_wan_yuan(f.payout_fen)} 万元",
                       f"去年同期 {last.payouts} 起 {format_wan_yuan(last.payout_fen)} 万元")  # fmt: skip
        late = seen.overdue.value
        self._set_tile("overdue", self._tally(seen.overdue, "件", WARN_COLOUR if late else ""),
                       "已超过应办结日期仍未办结（所有年份）")  # fmt: skip
        if self.watch is None or self.watch.zombies.link.county_id != county:
            self._set_tile("zombies", "…", "正在排查…")

    def _set_breakdown(self, key: str, text: str) -> None:
        """A breakdown box's text; the box grows with it up to BREAKDOWN_HEIGHT, then scrolls."""
        label = self.breakdown_labels[key]
        label.setText(text)
        needed = label.sizeHint().height() + 6
        self._breakdown_scrolls[key].setMinimumHeight(min(needed, BREAKDOWN_HEIGHT))

    def _set_tile(self, key: str, value: str, detail: str) -> None:
        tile = self.tiles[key]
        tile.value.setText(value)
        tile.detail.setText(detail)

    def _lines(self, tallies: tuple[Tally, ...], unit: str) -> str:
        """Name and linked count per line, in columns of ROWS_PER_COLUMN (a province's counties
        side by side instead of one long list)."""
        if not tallies:
            return "（无）"
        cells = [
            f"<td>{t.label}</td><td align='right'>&nbsp;{self._tally(t, unit)}&nbsp;&nbsp;&nbsp;</td>" for t in tallies
        ]
        columns = -(-len(cells) // ROWS_PER_COLUMN)
        rows = -(-len(cells) // columns)
        lines = ["".join(cells[c * rows + r] for c in range(columns) if c * rows + r < len(cells)) for r in range(rows)]
        return "<table>" + "".join(f"<tr>{line}</tr>" for line in lines) + "</table>"

    def _fill_breakdowns(self, seen: Overview) -> None:
        self.area_box.setTitle("按县区" if seen.filter.county_id is None else f"按街道（{seen.area_name}）")
        self._set_breakdown("category", self._lines(seen.by_category, "个"))
        self._set_breakdown("level", self._lines(seen.by_level, "个"))
        self._set_breakdown("area", self._lines(seen.by_area, "个"))

    def _show_watch(self, watch: WatchList) -> None:
        if self.overview is None or watch.zombies.link.county_id != self.overview.filter.county_id:
            return
        self.watch = watch
        flagged = watch.zombies.value
        self._set_tile("zombies", self._tally(watch.zombies, "个", WARN_COLOUR if flagged else ""),
                       "按现行规则疑似名存实亡，待核实处置")  # fmt: skip
        self.ranking_box.setTitle(f"最近一次复核红黑榜：{watch.round_title}" if watch.round_title else "最近一次复核红黑榜")
        if not watch.round_title:
            self._set_breakdown("ranking", "尚无复核轮次。")
        else:
            red = self._ranked(watch.red, "#b3261e")
            black = self._ranked(watch.black, "#222")
            all_lists = _link("查看全部排名", self._href(ListLink("reexam")))
            self._set_breakdown(
                "ranking",
                f"<table width='100%'><tr><td valign='top'><b style='color:#b3261e'>红榜</b>{red}</td>"
                f"<td valign='top'><b>黑榜</b>{black}</td></tr></table>{all_lists}",
            )
        self.watch_loaded.emit()
        self._settle()

    def _ranked(self, rows: tuple[RankedStation, ...], colour: str) -> str:
        if not rows:
            return "<br>（无）"
        lines = []
        for number, row in enumerate(rows, start=1):
            score = f"{row.total:.1f} 分" if row.total is not None else "未评分"
            name = _link(row.name, f"station{row.station_id}", colour)
            lines.append(f"{number}. {name}（{row.county}，{score}）")
        return "<br>" + "<br>".join(lines)

    # -- following a number to its list ------------------------------------------------------
    def follow(self, href: str) -> None:
        """A link was clicked: a station of the red or black list, or the list behind a number."""
        if href.startswith("station"):
            self.open_station.emit(int(href.removeprefix("station")))
            return
        link = self._links.get(href)
        if link is not None:
            self.link_activated.emit(link)

    def _chart_clicked(self, key: str, index: int) -> None:
        """A bar or point of a chart: the stations of that area (or the cases of that month)."""
        seen = self.overview
        if seen is None:
            return
        county = seen.filter.county_id
        if key == "cases_by_month":
            month = seen.months[index]
            self.link_activated.emit(ListLink("cases", county_id=county, period=(month.first_day, month.last_day)))
        elif index < len(seen.by_area):
            self.link_activated.emit(seen.by_area[index].link)

    # -- printing and pictures ---------------------------------------------------------------
    def print_overview(self) -> None:
        flt = self.current_filter()
        self.printing.preview_overview(self, flt)

    def export_overview(self) -> None:
        self.printing.export_overview(self, self.current_filter())

    def save_chart(self, key: str) -> None:
        panel = self.charts[key]
        if panel.chart is None:
            dialogs.inform(self, "尚未统计完成", "图表还在统计中，请稍后再保存。")
            return
        target = ask_save_target(self, self._settings, "保存图片", panel.chart.title, ".png")
        if target is None:
            return
        try:
            panel.save_png(target)
        except OSError as exc:
            dialogs.warn(self, "无法保存图片", f"图片没有保存到“{target}”：{exc}")
            return
        self.status.setText(f"已保存图片：{target}")

    # -- being shown -------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()

    def hideEvent(self, event: object) -> None:  # type: ignore[override]
        self._timer.stop()
        super().hideEvent(event)  # type: ignore[arg-type]


def _counts(figures: StationFigures, indicator: Indicator) -> str:
    rate = figures.rate(indicator)
    return f"成功 {rate.numerator} ／ 调解 {rate.denominator} 件" if rate.has_data else "尚无调解结果"
