"""调解记录: the case list — all stations' (the main window's page) or one station's (its tab).

Same behaviour as the register: search as you type, filters, SQL sorting, a lazy list that reads a
page of rows at a time, the header layout remembered. Open cases past their due date show in red
and the "只看逾期" switch lists every overdue case across all stations.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import months_before
from stationdesk.domain.vocabulary import CaseHandling, CaseOutcome
from stationdesk.services import cases, register
from stationdesk.services.cases import CaseFilter, CaseRow
from stationdesk.services.overview import ListLink
from stationdesk.store.case_queries import CLOSED, OPEN
from stationdesk.store.database import Database
from stationdesk.transfer.exports import case_rows_export
from stationdesk.ui import dialogs, rights
from stationdesk.ui.case_columns import DEFAULT_HIDDEN, case_columns
from stationdesk.ui.case_dialog import CaseDialog
from stationdesk.ui.exporting import export_to_excel, visible_keys
from stationdesk.ui.import_wizard import ImportWizard, save_import_template
from stationdesk.ui.lazy_model import LazyTableModel
from stationdesk.ui.lazy_table import LazyTable
from stationdesk.ui.tasks import LatestOnly, TaskContext, TaskRunner

SEARCH_DELAY_MS = 150
DUE_SOON = "due_soon"
STATE_CHOICES: tuple[tuple[str, str | None], ...] = (
    ("全部结果", None),
    ("办理中", OPEN),
    ("即将到期", DUE_SOON),
    ("已办结", CLOSED),
    *((outcome.label, outcome.value) for outcome in CaseOutcome),
)


def period_choices(today: date) -> list[tuple[str, tuple[date | None, date | None]]]:
    """The receipt periods offered: this and last year, recent months, everything."""
    return [
        (f"{today.year}年", (date(today.year, 1, 1), date(today.year, 12, 31))),
        (f"{today.year - 1}年", (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))),
        ("近3个月", (months_before(today, 3), None)),
        ("近12个月", (months_before(today, 12), None)),
        ("全部年份", (None, None)),
    ]


class CasesPage(QWidget):
    """The case list. With `station_id` it is that station's tab (no station columns or filters).

    Emits `counts_changed(shown)` after each reload and `open_station(id)` from the row menu.
    """

    counts_changed = Signal(int)
    loaded = Signal()
    open_station = Signal(int)
    case_saved = Signal(int)
    payout_requested = Signal(int, int)

    def __init__(
        self,
        db: Database,
        runner: TaskRunner,
        settings: QSettings,
        today: date,
        actor: str,
        station_id: int | None = None,
    ) -> None:
        super().__init__()
        self._db, self._runner, self._settings = db, runner, settings
        self._today, self._actor, self._station_id = today, actor, station_id
        self._filter = CaseFilter(station_id=station_id)
        self._loader = LatestOnly(runner, self._show_ids, self._on_error)
        self._select_after: int | None = None
        self._open_dialogs: dict[int | None, CaseDialog] = {}
        self.model: LazyTableModel[CaseRow] = LazyTableModel(
            case_columns(today, with_station=station_id is None), self._fetch_rows
        )
        key = "station_cases/header" if station_id is not None else "cases/header"
        self.table: LazyTable[CaseRow] = LazyTable(
            self.model, settings, key, DEFAULT_HIDDEN, sort=("received_on", True)
        )
        self._build()
        self._apply_filters(reload=False)

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit(placeholderText="搜索案件编号、被投诉经营者、工单号、站点、消费者姓名或电话")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("输入即搜索（Ctrl+F）；消费者姓名需输入全名，电话至少7位数字")
        self.period = QComboBox()
        for label, bounds in period_choices(self._today):
            self.period.addItem(label, bounds)
        if self._station_id is not None:
            self.period.setCurrentIndex(self.period.count() - 1)
        self.county = QComboBox()
        self.county.addItem("全部县区", None)
        if self._station_id is None:
            for choice in register.register_lookups(self._db).counties:
                self.county.addItem(choice.name, choice.id)
        self.county.setVisible(self._station_id is None)
        self.state = QComboBox()
        for label, value in STATE_CHOICES:
            self.state.addItem(label, value)
        self.handling = QComboBox()
        self.handling.addItem("全部处理方式", None)
        for handling in CaseHandling:
            self.handling.addItem(handling.label, handling.value)
        self.overdue = QCheckBox("只看逾期")
        self.overdue.setToolTip("尚未办结且已超过应办结日期的案件（所有年份）")
        self.new_button = QPushButton("新增案件")
        self.new_button.setToolTip("Ctrl+N")
        self.new_button.clicked.connect(lambda: self.open_case(None))
        self.follow_button = QPushButton("今日回访…")
        self.follow_button.setToolTip("近期办结、尚未回访的案件")
        self.follow_button.clicked.connect(self.show_todays_follow_ups)
        self.follow_button.setVisible(self._station_id is None)
        self.count_label = QLabel("正在加载…")

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for widget in (self.period, self.county, self.state, self.handling):
            bar.addWidget(widget, 1)
        bar.addWidget(self.overdue)
        bar.addWidget(self.follow_button)
        bar.addWidget(self.new_button)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip("把当前筛选出的案件按显示的列导出为 Excel；消费者信息已脱敏")
        self.export_button.clicked.connect(self.export_excel)
        self.import_button = QPushButton("导入调解台账…")
        self.import_button.setToolTip("从 Excel 或 CSV 台账导入案件：先逐行检查，再一次性写入；已登记的不会重复")
        self.import_button.clicked.connect(self.import_ledger)
        self.import_button.setVisible(self._station_id is None)
        self.template_button = QPushButton("下载导入模板…")
        self.template_button.clicked.connect(self.save_template)
        self.template_button.setVisible(self._station_id is None)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label, 1)
        footer.addWidget(self.template_button)
        footer.addWidget(self.import_button)
        footer.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(footer)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.period, self.county, self.state, self.handling):
            combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.overdue.toggled.connect(lambda _b: self._apply_filters())
        self.set_writable(rights.why_not_station(self._db, self._actor, self._station_id) is None)
        self.table.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.row_activated.connect(self.open_case)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        for label, shortcut, handler in (
            ("新增案件", QKeySequence.StandardKey.New, lambda: self.open_case(None)),
            ("查找", QKeySequence.StandardKey.Find, lambda: (self.search.setFocus(), self.search.selectAll())),
        ):
            action = QAction(label, self, shortcut=shortcut)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handler)
            self.addAction(action)

    # -- filters and loading -----------------------------------------------------------------
    def _apply_filters(self, reload: bool = True) -> None:
        start, end = self.period.currentData() or (None, None)
        overdue = self.overdue.isChecked()
        state = self.state.currentData()
        self.period.setEnabled(not overdue)
        self._filter = replace(
            self._filter,
            text=self.search.text().strip(),
            county_id=self.county.currentData(),
            received_from=None if overdue else start,
            received_to=None if overdue else end,
            state=None if state == DUE_SOON else state,
            due_by=self._today + timedelta(days=2) if state == DUE_SOON else None,
            handling=self.handling.currentData(),
            overdue_on=self._today if overdue else None,
        )
        if reload:
            self.reload()

    def show_link(self, link: ListLink) -> None:
        """Narrow the list to the cases behind an overview number: the county, the overdue ones,
        or those received in the period (a period the box does not offer is added to it)."""
        widgets = (self.search, self.period, self.county, self.state, self.handling, self.overdue)
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        self.county.setCurrentIndex(max(0, self.county.findData(link.county_id)))
        self.state.setCurrentIndex(0)
        self.handling.setCurrentIndex(0)
        self.overdue.setChecked(link.overdue)
        if link.period is not None:
            index = self.period.findData(link.period)
            if index < 0:
                first, last = link.period
                self.period.addItem(f"{first.isoformat()} 至 {last.isoformat()}", link.period)
                index = self.period.count() - 1
            self.period.setCurrentIndex(index)
        for widget in widgets:
            widget.blockSignals(False)
        self._apply_filters()

    def _fetch_rows(self, ids: list[int]) -> dict[int, CaseRow]:  # type: ignore[override]
        return cases.load_case_rows(self._db, ids)

    def save_template(self) -> None:
        save_import_template(self, self._settings, "cases")

    def import_ledger(self) -> ImportWizard:
        """The import wizard for a case ledger; the list reloads after an import that wrote something."""
        wizard = ImportWizard(self._db, self._runner, self._settings, self._today, self._actor, self, kind="cases")
        wizard.finished.connect(lambda _r: (self.model.invalidate(), self.reload()) if wizard.result else None)
        wizard.show()
        return wizard

    def export_excel(self) -> None:
        """The filtered cases in the columns shown, consumers masked, to .xlsx."""
        ids = self.model.ids()
        keys = visible_keys(self.table, [c.key for c in self.model.columns])
        export_to_excel(self, self._runner, self._settings,
                        lambda: case_rows_export(self._db, ids, keys), f"调解记录（{len(ids)} 件）")  # fmt: skip

    def reload(self) -> None:
        """Fetch the ids for the current filter and sort off the GUI thread, then show them."""
        flt, key, desc = self._filter, self.table.sort_key or "received_on", self.table.descending
        self.count_label.setText("正在查询…")

        def job(_ctx: TaskContext) -> list[int]:
            return cases.list_case_ids(self._db, flt, key, desc)

        self._loader.run(job)

    def _show_ids(self, ids: list[int]) -> None:
        self.table.show_ids(ids, self._select_after)
        self._select_after = None
        self.count_label.setText(f"共 {len(ids):,} 件" + ("逾期未办结案件" if self.overdue.isChecked() else ""))
        self.counts_changed.emit(len(ids))
        self.loaded.emit()

    def _on_error(self, exc: BaseException) -> None:
        self.count_label.setText("查询失败")
        dialogs.show_error(self, exc, "loading cases")

    # -- opening cases -----------------------------------------------------------------------
    def set_writable(self, writable: bool) -> None:
        """Whether new cases and imports may start here (each case's own form checks its
        station again)."""
        self._writable = writable
        rights.show_only_if(writable, self.new_button, self.import_button)
        rights.show_only_if(writable and self._station_id is None, self.follow_button)

    def open_case(self, case_id: int | None) -> CaseDialog | None:
        """Open the case form (or bring it to the front); None opens a new, empty one."""
        if case_id is None and not self._writable:
            return None
        existing = self._open_dialogs.get(case_id)
        if existing is not None and case_id is not None:
            existing.raise_()
            existing.activateWindow()
            return existing
        dialog = CaseDialog(self._db, self._actor, self._today, case_id, self._station_id, parent=self,
                            runner=self._runner)
        dialog.saved.connect(self._on_saved)
        dialog.payout_requested.connect(self.payout_requested)
        dialog.finished.connect(lambda _r, key=case_id: self._open_dialogs.pop(key, None))
        self._open_dialogs[case_id] = dialog
        dialog.show()
        return dialog

    def _on_saved(self, case_id: int) -> None:
        self.model.invalidate()
        self._select_after = case_id
        self.case_saved.emit(case_id)
        self.reload()

    def show_todays_follow_ups(self) -> None:
        from stationdesk.ui.follow_up_dialog import TodaysFollowUpsDialog

        dialog = TodaysFollowUpsDialog(self._db, self._actor, self._today, self)
        dialog.open_case.connect(self.open_case)
        dialog.visited.connect(lambda _id: self.model.invalidate())
        dialog.exec()

    def _row_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            row = self.model.row_object(index.row())
            if row is not None:
                menu.addAction("打开案件", lambda: self.open_case(row.id))
                if self._station_id is None:
                    menu.addAction("打开站点", lambda: self.open_station.emit(row.station_id))
                menu.addSeparator()
        menu.addAction("新增案件", lambda: self.open_case(None))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    def current_case_id(self) -> int | None:
        return self.table.current_id()

    def save_state(self) -> None:
        self.table.save_state()
