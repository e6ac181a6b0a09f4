"""年度复核: a year's re-examination of the demonstration stations, from start to close.

The page reads the whole round once (`reexam.ranking`, which holds every station's row) off the
GUI thread and shows it three ways: the results with the rules' proposals to confirm or override,
the on-site score grid (`score_grid`), and the 红黑榜. Writes go through `services.reexam`; the
long ones (starting a round at province scale, re-reading the figures) run on the runner with a
cancellable progress dialog. A round has a few thousand stations at most, so filtering and sorting
are done in memory.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import (
    QItemSelectionModel,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.permissions import Permission
from stationdesk.domain.text import match_key
from stationdesk.errors import UserError
from stationdesk.services import reexam
from stationdesk.services.reexam import Ranking, ReexamRow, RoundInfo
from stationdesk.store.database import Database
from stationdesk.ui import dialogs, rights
from stationdesk.ui.exporting import export_to_excel, shown_list_export
from stationdesk.ui.list_model import list_table
from stationdesk.ui.reexam_columns import (
    FILTERS,
    OUTCOME_COLOURS,
    ColouredListModel,
    decision_tooltip,
    result_columns,
)
from stationdesk.ui.reexam_dialogs import DecisionDialog, ReasonDialog, ScoreDialog
from stationdesk.ui.reexam_ranking import RankingTab
from stationdesk.ui.score_grid_tab import ScoreGridTab
from stationdesk.ui.tasks import Cancelled, LatestOnly, TaskContext, TaskRunner

TAB_KEY, HEADER_KEY, SPLITTER_KEY = "reexam/tab", "reexam/results_header", "reexam/ranking_splitter"

SEARCH_DELAY_MS = 150
NOTE_STYLE = "color: #555;"
@dataclass(frozen=True)
class RoundView:
    """What the page shows for a year: the round (None before it starts) and everything in it."""

    year: int
    info: RoundInfo | None
    ranking: Ranking | None
    candidates: int


def load_round(db: Database, year: int) -> RoundView:
    """One read for all three tabs: the ranking holds every row of the round."""
    info = reexam.round_of_year(db, year)
    if info is None:
        return RoundView(year, None, None, len(reexam.demonstration_station_ids(db)))
    return RoundView(year, info, reexam.ranking(db, info.id), info.stations)


def status_text(view: RoundView) -> str:
    info = view.info
    if info is None:
        return f"未开始（现有示范站点 {view.candidates} 个）"
    if info.closed:
        return f"已结束：{info.stations} 个站点，已确认 {info.decided}"
    return f"进行中：{info.stations} 个站点，已评分 {info.scored}，已确认 {info.decided}"


class ReexamPage(QWidget):
    """The 年度复核 page. Emits `open_station(station_id)` and `loaded` after every reload."""

    open_station = Signal(int)
    loaded = Signal()

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, today: date, actor: str) -> None:
        super().__init__()
        self._db, self._runner, self._settings = db, runner, settings
        self._today, self._actor = today, actor
        self._view: RoundView | None = None
        self._year = today.year
        self.dialog: DecisionDialog | ScoreDialog | ReasonDialog | None = None
        self._loader = LatestOnly(runner, self._on_loaded, self._on_load_error)
        self.model = ColouredListModel(
            result_columns(),
            {"系统建议": lambda r: OUTCOME_COLOURS.get(r.proposed or ""),
             "复核结论": lambda r: OUTCOME_COLOURS.get(r.decided or "")},
            {"建议理由": lambda r: "\n".join(r.reasons), "复核结论": decision_tooltip},
        )  # fmt: skip
        self.grid = ScoreGridTab(db, runner, today, actor)
        self.ranking = RankingTab(settings)
        self._build()
        rights.show_only_if(rights.why_not(db, actor, Permission.RUN_REEXAM) is None, self.start_button,
                            self.refresh_button, self.close_button, self.confirm_button, self.decide_button,
                            self.score_button)  # fmt: skip
        rights.show_only_if(rights.why_not(db, actor, Permission.REOPEN_ROUND) is None, self.reopen_button)

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        self.year = QSpinBox(minimum=2000, maximum=self._today.year, value=self._today.year, suffix=" 年")
        self.status = QLabel("正在加载…")
        self.status.setStyleSheet("font-weight: bold;")
        self.note = QLabel()
        self.note.setStyleSheet(NOTE_STYLE)
        self.start_button = QPushButton("开始复核…")
        self.refresh_button = QPushButton("刷新指标")
        self.refresh_button.setToolTip("按最新录入的案件重新统计待确认站点的全年指标和建议")
        self.close_button = QPushButton("结束复核")
        self.reopen_button = QPushButton("重新开放…")
        top = QHBoxLayout()
        top.addWidget(QLabel("复核年度"))
        top.addWidget(self.year)
        top.addSpacing(12)
        top.addWidget(self.status)
        top.addWidget(self.note, 1)
        for button in (self.start_button, self.refresh_button, self.close_button, self.reopen_button):
            top.addWidget(button)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._results_tab(), "复核结果")
        self.tabs.addTab(self.grid, "现场评分")
        self.tabs.addTab(self.ranking, "红黑榜")
        self.tabs.setCurrentIndex(int(self._settings.value(TAB_KEY, 0) or 0))  # type: ignore[call-overload]
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        self.year.valueChanged.connect(self._on_year)
        self.start_button.clicked.connect(self.start_round)
        self.refresh_button.clicked.connect(self.refresh_proposals)
        self.close_button.clicked.connect(self.close_round)
        self.reopen_button.clicked.connect(self.reopen_round)
        self.tabs.currentChanged.connect(lambda i: self._settings.setValue(TAB_KEY, i))
        self.grid.saved.connect(self.reload)
        self.grid.model.edits_changed.connect(self._update_buttons)
        self._update_buttons()

    def _results_tab(self) -> QWidget:
        self.search = QLineEdit(placeholderText="按站点编号或名称筛选")
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox()
        for label, _test in FILTERS:
            self.filter.addItem(label)
        self.shown = QLabel()
        self.confirm_button = QPushButton("确认所选建议")
        self.confirm_button.setToolTip("按系统建议确认所选站点的复核结论（可多选）")
        self.decide_button = QPushButton("改判…")
        self.score_button = QPushButton("录入评分…")
        self.open_button = QPushButton("打开站点")
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.export_excel)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(self.filter)
        bar.addWidget(self.shown, 1)
        for button in (self.confirm_button, self.decide_button, self.score_button, self.open_button,
                       self.export_button):  # fmt: skip
            bar.addWidget(button)
        self.table = list_table(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        state = self._settings.value(HEADER_KEY)
        if state is not None:
            header.restoreState(state)  # type: ignore[arg-type]
        for signal in (header.sectionResized, header.sectionMoved, header.sortIndicatorChanged):
            signal.connect(lambda *_a: self.save_state())
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._show_rows)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.filter.currentIndexChanged.connect(self._show_rows)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.enter_scores())
        self.confirm_button.clicked.connect(self.confirm_selected)
        self.decide_button.clicked.connect(self.override)
        self.score_button.clicked.connect(self.enter_scores)
        self.open_button.clicked.connect(self._open_selected_station)
        return tab

    # -- loading ------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the year's round off the GUI thread. Unsaved grid edits survive (see score_grid)."""
        year = self._year
        self._loader.run(lambda _ctx: load_round(self._db, year))

    def _on_loaded(self, view: RoundView) -> None:
        self._view = view
        self.status.setText(status_text(view))
        rows = view.ranking.overall if view.ranking else []
        by_code = sorted(rows, key=lambda r: r.code)
        closed = bool(view.info and view.info.closed)
        self.grid.model.set_rows(by_code, closed)
        self.ranking.show_ranking(view.ranking)
        self._show_rows()
        self.empty.setText(
            f"{view.year}年度复核尚未开始。\n\n现有示范站点 {view.candidates} 个（省级、市级，不含已撤销）。"
            f"\n点击右上角“开始复核…”，统计各站点{view.year}年全年指标并生成复核建议。"
        )
        self.stack.setCurrentWidget(self.tabs if view.info else self.empty)
        self._update_buttons()
        self.loaded.emit()

    def _on_load_error(self, exc: BaseException) -> None:
        self.status.setText("读取失败")
        dialogs.show_error(self, exc, "loading re-examination")

    def _show_rows(self) -> None:
        """The loaded rows through the search text and the filter, keeping the selection."""
        keep = {r.id for r in self.selected_rows()}
        words = match_key(self.search.text())
        test = FILTERS[max(0, self.filter.currentIndex())][1]
        rows = [r for r in sorted(self._rows(), key=lambda r: r.code)
                if test(r) and (not words or words in match_key(r.code + r.name))]  # fmt: skip
        self.model.set_rows(rows)
        selection, flags = self.table.selectionModel(), QItemSelectionModel.SelectionFlag
        for number, row in enumerate(self.model.rows):
            if row.id in keep:
                selection.select(self.model.index(number, 0), flags.Select | flags.Rows)
        self.shown.setText(f"显示 {len(rows)} / {len(self._rows())} 个站点")
        self._update_buttons()

    def _rows(self) -> list[ReexamRow]:
        return self._view.ranking.overall if self._view and self._view.ranking else []

    def _on_year(self, year: int) -> None:
        if self.grid.model.dirty and not self._discard_ok():
            self.year.blockSignals(True)
            self.year.setValue(self._year)
            self.year.blockSignals(False)
            return
        self.grid.model.discard_edits()
        self._year = year
        self.reload()

    def _discard_ok(self) -> bool:
        return dialogs.confirm(self, "未保存的评分", "“现场评分”中有尚未保存的修改，放弃这些修改吗？",
                               yes="放弃修改", no="返回")  # fmt: skip

    def can_leave(self) -> bool:
        """For the main window before it closes: asks when the score grid has unsaved edits."""
        return not self.grid.model.dirty or self._discard_ok()

    # -- state --------------------------------------------------------------------------------
    @property
    def round_info(self) -> RoundInfo | None:
        return self._view.info if self._view else None

    def _round_open(self) -> bool:
        info = self.round_info
        return info is not None and not info.closed

    def export_excel(self) -> None:
        """The round's stations as listed (filter, order, columns) to .xlsx."""
        info = self.round_info
        title = f"{info.year}年度复核" if info else "年度复核"
        export = shown_list_export(self.table, self.model, title)
        export_to_excel(self, self._runner, self._settings, lambda: export, title)

    def selected_rows(self) -> list[ReexamRow]:
        rows = (self.model.row_at(i.row()) for i in self.table.selectionModel().selectedRows())
        return [r for r in rows if r is not None]

    def current_row(self) -> ReexamRow | None:
        selected = self.selected_rows()
        return selected[0] if len(selected) == 1 else None

    def _update_buttons(self, *_args: object) -> None:
        info, is_open = self.round_info, self._round_open()
        selected, current = self.selected_rows(), self.current_row()
        self.start_button.setEnabled(self._view is not None and info is None)
        self.refresh_button.setEnabled(is_open)
        self.close_button.setEnabled(is_open)
        self.reopen_button.setEnabled(bool(info and info.closed))
        self.confirm_button.setEnabled(is_open and any(not r.decided for r in selected))
        self.decide_button.setEnabled(is_open and current is not None and not current.decided)
        self.score_button.setEnabled(current is not None)
        self.open_button.setEnabled(current is not None)

    def _say(self, text: str) -> None:
        self.note.setText(text)

    # -- round actions ------------------------------------------------------------------------
    def start_round(self) -> None:
        """Ask (saying how many stations), then open the round on the runner, cancellable."""
        year, count = self._year, len(reexam.demonstration_station_ids(self._db))
        if not count:
            dialogs.warn(self, "无法开始复核", "没有需要复核的示范站点。请先在站点台账中设定省级、市级示范站点。")
            return
        text = (f"开始{year}年度示范站点复核？\n\n将对 {count} 个示范站点（省级、市级，不含已撤销）统计"
                f"{year}年全年指标，并按复核标准生成复核建议。")  # fmt: skip
        if not dialogs.confirm(self, "开始年度复核", text, yes="开始复核"):
            return

        def job(ctx: TaskContext) -> RoundInfo:
            try:
                return reexam.start_round(self._db, year, self._actor, self._today, progress=ctx.progress,
                                          should_cancel=lambda: ctx.cancelled)  # fmt: skip
            except UserError:
                if ctx.cancelled:
                    raise Cancelled from None
                raise

        self._runner.run(job, on_done=lambda info: self._after(f"已开始复核，共 {info.stations} 个站点"),
                         on_error=self._on_action_error, on_cancelled=lambda: self._say("已取消，复核未开始"),
                         progress_parent=self, progress_title=f"开始{year}年度复核")  # fmt: skip

    def refresh_proposals(self) -> None:
        info = self.round_info
        if info is None:
            return
        self._runner.run(
            lambda _ctx: reexam.refresh_proposals(self._db, info.id, self._actor, self._today),
            on_done=lambda new: self._after(f"已按最新数据重新计算 {new.stations - new.decided} 个待确认站点的建议"),
            on_error=self._on_action_error, progress_parent=self, progress_title="正在刷新指标",
        )  # fmt: skip

    def close_round(self) -> None:
        """End the round. Asked only when it can end; otherwise the service says what is missing."""
        info = self.round_info
        if info is None:
            return
        if info.decided == info.stations and not dialogs.confirm(
            self, "结束复核", f"结束{info.year}年度复核？结束后不能再修改评分和复核结论。", yes="结束复核"
        ):
            return
        try:
            reexam.close_round(self._db, info.id, self._actor)
        except UserError as exc:
            dialogs.show_error(self, exc)
            return
        self._after(f"{info.year}年度复核已结束")

    def reopen_round(self) -> ReasonDialog | None:
        """Reopen with a reason. Accounts do not exist yet, so the user acts as administrator
        after being told the reopening is recorded under their name."""
        info = self.round_info
        if info is None or not info.closed:
            return None
        text = (f"重新开放{info.year}年度复核后，可以再修改评分和复核结论。\n\n此操作将以“{self._actor}”的名义，"
                "连同理由记入操作记录（账户权限启用前，按管理员操作处理）。")  # fmt: skip
        if not dialogs.confirm(self, "重新开放复核", text, yes="继续"):
            return None
        dialog = ReasonDialog(f"重新开放{info.year}年度复核", "请说明为什么需要重新开放（将记入操作记录）。",
                              "重新开放", self)  # fmt: skip

        def reopen() -> None:
            try:
                reexam.reopen_round(self._db, info.id, self._actor, dialog.text())
            except UserError as exc:
                dialogs.show_error(self, exc)
                return
            self._after(f"{info.year}年度复核已重新开放")

        self._open(dialog, reopen)
        return dialog

    # -- station actions ----------------------------------------------------------------------
    def confirm_selected(self) -> None:
        """Confirm the proposals of the selected undecided stations, after saying what changes."""
        rows = [r for r in self.selected_rows() if not r.decided]
        if not rows or not self._round_open():
            return
        counts = "、".join(f"{label} {n} 个" for label, n in Counter(r.proposed_text for r in rows).items())
        text = (f"按系统建议确认所选 {len(rows)} 个站点的复核结论（{counts}）？\n\n"
                "升级、降级、整改和淘汰除名将立即改变站点的级别或状态，并记入站点变更记录。")  # fmt: skip
        unsaved = set(self.grid.model.edited_ids()) & {r.id for r in rows}
        if unsaved:
            text += f"\n其中 {len(unsaved)} 个站点在“现场评分”中有未保存的修改，确认后将不能再改评分。"
        if not dialogs.confirm(self, "确认复核结论", text, yes="确认"):
            return
        ids = [r.id for r in rows]
        self._runner.run(
            lambda _ctx: reexam.confirm_proposals(self._db, ids, self._actor, self._today),
            on_done=lambda result: self._after(result.summary()),
            on_error=self._on_action_error, progress_parent=self, progress_title="正在确认复核结论",
        )  # fmt: skip

    def override(self) -> DecisionDialog | None:
        row = self.current_row()
        if row is None or row.decided or not self._round_open():
            return None
        dialog = DecisionDialog(self._db, row, self._actor, self._today, self)
        self._open(dialog, lambda: self._after(f"已确认 {row.code} {row.name} 的复核结论"))
        return dialog

    def enter_scores(self) -> ScoreDialog | None:
        """The one-station sheet; what it saves replaces that station's unsaved grid edits."""
        row = self.current_row()
        if row is None:
            return None
        read_only = bool(row.decided) or not self._round_open()
        dialog = ScoreDialog(self._db, row, self._actor, self._today, read_only, self)

        def saved() -> None:
            self.grid.model.discard_edits([row.id])
            self._after(f"已保存 {row.code} {row.name} 的现场评分")

        self._open(dialog, saved)
        return dialog

    def _open_selected_station(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_station.emit(row.station_id)

    def _open(self, dialog: DecisionDialog | ScoreDialog | ReasonDialog, on_saved: Callable[[], None]) -> None:
        """Window-modal without a nested event loop; the page keeps a handle for tests."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(on_saved)
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()

    def _after(self, text: str) -> None:
        self._say(text)
        self.reload()

    def _on_action_error(self, exc: BaseException) -> None:
        self.reload()
        dialogs.show_error(self, exc, "re-examination action")

    def save_state(self) -> None:
        self._settings.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
