"""站点台账: the station register list — search, filters, sortable lazy table, chosen columns."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import months_before
from stationdesk.domain.permissions import Permission
from stationdesk.domain.vocabulary import StationForm, StationLevel, StationStatus
from stationdesk.services import jurisdictions, register, zombies
from stationdesk.services.overview import ListLink
from stationdesk.services.register import StationFilter, StationRow
from stationdesk.store.database import Database
from stationdesk.transfer.exports import station_rows_export
from stationdesk.ui import dialogs, rights
from stationdesk.ui.exporting import export_to_excel, visible_keys
from stationdesk.ui.import_wizard import ImportWizard, save_import_template
from stationdesk.ui.lazy_model import LazyTableModel
from stationdesk.ui.lazy_table import LazyTable
from stationdesk.ui.printing import Printing
from stationdesk.ui.station_columns import DEFAULT_HIDDEN, station_columns
from stationdesk.ui.station_dialog import StationDialog
from stationdesk.ui.status_dialog import StatusDialog
from stationdesk.ui.tasks import LatestOnly, TaskContext, TaskRunner

log = logging.getLogger(__name__)
SEARCH_DELAY_MS = 150
# (label, months): positive = activity within the last N months, negative = none for N months.
ACTIVITY_CHOICES = (("全部活跃度", 0), ("近3个月有活动", 3), ("近6个月有活动", 6), ("近12个月有活动", 12),
                    ("12个月以上无活动", -12))
HEADER_STATE_KEY = "register/header"


class RegisterPage(QWidget):
    """The list of stations. Emits `counts_changed(shown)` and `loaded` after every reload."""

    counts_changed = Signal(int)
    loaded = Signal()

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, today: date, actor: str) -> None:
        super().__init__()
        self._db, self._runner, self._settings = db, runner, settings
        self._today, self._actor = today, actor
        self._open_dialogs: dict[int | None, StationDialog] = {}
        self._year = today.year
        self._filter = StationFilter()
        self._sort_key, self._descending = "code", False
        self._select_after_reload: int | None = None
        self._flagged: set[int] = set()
        self._flags_swept = False
        self.model: LazyTableModel[StationRow] = LazyTableModel(
            station_columns(self._year, self._flagged), self._fetch_rows
        )
        self._loader = LatestOnly(runner, self._show_ids, self._on_load_error)
        self.printing = Printing(db, runner, settings, today)
        self._build(today)
        rights.show_only_if(rights.why_not(db, actor, Permission.EDIT_STATIONS) is None, self.new_action,
                            self.import_button)  # fmt: skip
        self._sort_key, self._descending = self.table.sort_key, self.table.descending

    # -- layout ------------------------------------------------------------------------------
    def _build(self, today: date) -> None:
        self.search = QLineEdit(
            placeholderText="搜索名称、编号、依托单位、信用代码、地址、联系人、电话"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("输入即搜索（Ctrl+F）")
        self.county = QComboBox()
        self.category = QComboBox()
        self.level = QComboBox()
        self.status = QComboBox()
        self.street = QComboBox()
        self.street.addItem("全部街道乡镇", None)
        self.street.setEnabled(False)
        self.form = QComboBox()
        self.form.addItem("全部形式", None)
        for form in StationForm:
            self.form.addItem(form.label, form.value)
        self.activity = QComboBox()
        for label, months in ACTIVITY_CHOICES:
            self.activity.addItem(label, months)
        self.activity.setToolTip("按最近的调解记录和咨询记录筛选")
        self.level.addItem("全部级别", None)
        for level in StationLevel:
            self.level.addItem(level.label, level.value)
        self.status.addItem("全部状态", None)
        for status in StationStatus:
            self.status.addItem(status.label, status.value)
        self.show_removed = QCheckBox("含已撤销")
        self.year = QSpinBox(minimum=2000, maximum=today.year, value=today.year, suffix=" 年")
        self.year.setToolTip("列表中“受理、调解率、挽回损失”所统计的年度")
        self.count_label = QLabel("正在加载…")
        self._fill_lookups()

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for widget in (self.county, self.street, self.category, self.form, self.level, self.status, self.activity):
            bar.addWidget(widget, 1)
        bar.addWidget(self.show_removed)
        bar.addWidget(QLabel("统计年度"))
        bar.addWidget(self.year)

        self.table: LazyTable[StationRow] = LazyTable(
            self.model, self._settings, HEADER_STATE_KEY, DEFAULT_HIDDEN, sort=("code", False)
        )
        # Several stations at once (Shift/Ctrl-click) for printing their reports together.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

        self.export_button = QPushButton("导出 Excel…")
        self.export_button.setToolTip("把当前筛选出的站点按显示的列导出为 Excel（Ctrl+E）")
        self.export_button.clicked.connect(self.export_excel)
        self.import_button = QPushButton("导入站点名册…")
        self.import_button.setToolTip("从 Excel 或 CSV 名册导入站点：先逐行检查，再一次性写入")
        self.import_button.clicked.connect(self.import_roster)
        self.template_button = QPushButton("下载导入模板…")
        self.template_button.clicked.connect(self.save_template)
        self.period_note = QLabel()
        self.period_note.setStyleSheet("color: #1a5fb4;")
        self.clear_period_button = QPushButton("取消此条件")
        self.clear_period_button.clicked.connect(self.clear_period)
        self.period_note.setVisible(False)
        self.clear_period_button.setVisible(False)
        footer = QHBoxLayout()
        footer.addWidget(self.count_label)
        footer.addWidget(self.period_note)
        footer.addWidget(self.clear_period_button)
        footer.addStretch(1)
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
        self.county.currentIndexChanged.connect(self._fill_streets)
        for combo in (self.county, self.street, self.category, self.form, self.level, self.status, self.activity):
            combo.currentIndexChanged.connect(self._apply_filters)
        self.show_removed.toggled.connect(self._apply_filters)
        self.year.valueChanged.connect(self._on_year)
        self.table.row_activated.connect(self.open_station)
        self.table.sort_requested.connect(self._on_sort)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        new = self.new_action = QAction("新建站点", self, shortcut=QKeySequence.StandardKey.New)
        new.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.triggered.connect(lambda: self.open_station(None))
        self.addAction(new)
        find = QAction("查找", self, shortcut=QKeySequence.StandardKey.Find)
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)
        export = QAction("导出 Excel", self, shortcut=QKeySequence("Ctrl+E"))
        export.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        export.triggered.connect(self.export_excel)
        self.addAction(export)
        print_selected = QAction("打印检查报告", self, shortcut=QKeySequence.StandardKey.Print)
        print_selected.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        print_selected.triggered.connect(self.print_selected)
        self.addAction(print_selected)

    def refresh_lookups(self) -> None:
        """Reload the county and category choices (after new data arrived)."""
        for combo in (self.county, self.category):
            combo.blockSignals(True)
            combo.clear()
        self._fill_lookups()
        for combo in (self.county, self.category):
            combo.blockSignals(False)

    def _fill_streets(self) -> None:
        county_id = self.county.currentData()
        self.street.blockSignals(True)
        self.street.clear()
        self.street.addItem("全部街道乡镇", None)
        if county_id is not None:
            for place in jurisdictions.streets_of(self._db, county_id):
                self.street.addItem(place.name, place.id)
        self.street.setEnabled(county_id is not None)
        self.street.blockSignals(False)

    def _fill_lookups(self) -> None:
        lookups = register.register_lookups(self._db)
        self.county.addItem("全部县区", None)
        for choice in lookups.counties:
            self.county.addItem(choice.name, choice.id)
        self.category.addItem("全部类别", None)
        for choice in lookups.categories:
            self.category.addItem(choice.name, choice.id)

    # -- loading -----------------------------------------------------------------------------
    def _fetch_rows(self, ids: Sequence[int]) -> dict[int, StationRow]:
        return register.load_station_rows(self._db, ids, self._year)

    def refresh_flags(self) -> None:
        """Sweep every station with the zombie rules off the GUI thread (a few hundred ms at
        province scale) and mark the flagged ones; done once when the register opens and again
        after decisions, not on every page, so scrolling stays instant."""

        def job(_ctx: TaskContext) -> set[int]:
            return {flagged.station_id for flagged in zombies.sweep(self._db, self._today)}

        self._runner.run(job, on_done=self._show_flags, on_error=lambda exc: log.warning("zombie sweep: %s", exc))

    def use_flags(self, flagged: set[int] | frozenset[int]) -> None:
        """Mark stations flagged by a sweep made elsewhere (the overview's, over every station),
        instead of sweeping again."""
        self._flags_swept = True
        self._show_flags(flagged)

    def _show_flags(self, flagged: set[int] | frozenset[int]) -> None:
        self._flagged.clear()
        self._flagged.update(flagged)
        self.model.invalidate()

    def reload(self) -> None:
        """Fetch the ids for the current filter and sort off the GUI thread, then show them."""
        if not self._flags_swept:
            self._flags_swept = True
            self.refresh_flags()
        flt, key, desc, year = self._filter, self._sort_key, self._descending, self._year
        self.count_label.setText("正在查询…")

        def job(_ctx: TaskContext) -> list[int]:
            return register.list_station_ids(self._db, flt, key, desc, year)

        self._loader.run(job)

    def _show_ids(self, ids: list[int]) -> None:
        self.table.show_ids(ids, self._select_after_reload)
        self._select_after_reload = None
        self.count_label.setText(
            f"共 {len(ids):,} 个站点" + ("（已按条件筛选）" if self._is_filtered() else "")
        )
        self.counts_changed.emit(len(ids))
        self.loaded.emit()

    def _on_load_error(self, exc: BaseException) -> None:
        self.count_label.setText("查询失败")
        dialogs.show_error(self, exc, "loading register")

    def show_link(self, link: ListLink) -> None:
        """Narrow the list to the stations behind an overview number: its county, street, category,
        level, or the stations established or removed in its period; every other filter cleared."""
        combos = (self.county, self.street, self.category, self.form, self.level, self.status, self.activity)
        for combo in combos:
            combo.blockSignals(True)
        self.show_removed.blockSignals(True)
        self.search.blockSignals(True)
        self.search.clear()
        self.county.setCurrentIndex(max(0, self.county.findData(link.county_id)))
        self._fill_streets()
        self.street.setCurrentIndex(max(0, self.street.findData(link.street_id)))
        self.category.setCurrentIndex(max(0, self.category.findData(link.category_id)))
        self.level.setCurrentIndex(max(0, self.level.findData(link.level)))
        self.form.setCurrentIndex(0)
        self.activity.setCurrentIndex(0)
        removed = StationStatus.REMOVED.value if link.removed else None
        self.status.setCurrentIndex(max(0, self.status.findData(removed)))
        self.show_removed.setChecked(link.removed)
        for widget in (*combos, self.show_removed, self.search):
            widget.blockSignals(False)
        self._filter = StationFilter(
            established_between=link.established,
            removed_between=link.period if link.removed else None,
        )
        self._show_period_note()
        self._apply_filters()

    def _show_period_note(self) -> None:
        """The overview's period filter has no box of its own: say it, with a way to drop it."""
        flt = self._filter
        period, what = (flt.established_between, "新设") if flt.established_between else (flt.removed_between, "撤销")
        if period is None:
            self.period_note.setVisible(False)
            self.clear_period_button.setVisible(False)
            return
        self.period_note.setText(f"只显示 {period[0].isoformat()} 至 {period[1].isoformat()} {what}的站点")
        self.period_note.setVisible(True)
        self.clear_period_button.setVisible(True)

    def clear_period(self) -> None:
        self._filter = replace(self._filter, established_between=None, removed_between=None)
        self._show_period_note()
        self._apply_filters()

    # -- user actions ------------------------------------------------------------------------
    def _is_filtered(self) -> bool:
        return self._filter != StationFilter(include_removed=self._filter.include_removed)

    def _apply_filters(self) -> None:
        months = self.activity.currentData() or 0
        cutoff = months_before(self._today, abs(months)) if months else None
        self._filter = replace(
            self._filter,
            text=self.search.text().strip(),
            county_id=self.county.currentData(),
            street_id=self.street.currentData(),
            category_id=self.category.currentData(),
            form=self.form.currentData(),
            active_since=cutoff if months > 0 else None,
            quiet_since=cutoff if months < 0 else None,
            level=self.level.currentData(),
            status=self.status.currentData(),
            include_removed=self.show_removed.isChecked(),
        )
        self.reload()

    def _on_sort(self, key: str, descending: bool) -> None:
        self._sort_key, self._descending = key, descending
        self.reload()

    def _on_year(self, year: int) -> None:
        self._year = year
        self.model.columns = station_columns(year, self._flagged)
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.model.columns) - 1)
        self.model.set_fetcher(self._fetch_rows)
        if self._sort_key == "received":
            self.reload()

    # -- opening stations ---------------------------------------------------------------------
    def open_station(self, station_id: int | None) -> StationDialog:
        """Open the station page (or bring it to the front); None opens a new, empty one."""
        existing = self._open_dialogs.get(station_id)
        if existing is not None and station_id is not None:
            existing.raise_()
            existing.activateWindow()
            return existing
        dialog = StationDialog(self._db, self._actor, self._today, station_id, parent=self, runner=self._runner,
                              settings=self._settings)
        dialog.saved.connect(self._on_station_saved)
        dialog.open_station.connect(self.open_station)
        dialog.change_status_requested.connect(lambda sid, d=dialog: self.change_status(sid, d))
        dialog.finished.connect(lambda _r, key=station_id: self._open_dialogs.pop(key, None))
        self._open_dialogs[station_id] = dialog
        dialog.show()
        return dialog

    def change_status(self, station_id: int, parent: QWidget | None = None) -> None:
        dialog = StatusDialog(self._db, station_id, self._actor, self._today, parent or self)
        if dialog.exec():
            self._on_station_saved(station_id)
            page = self._open_dialogs.get(station_id)
            if page is not None:
                page.reload()

    def _on_station_saved(self, station_id: int) -> None:
        self.model.invalidate()
        self._select_after_reload = station_id
        self.reload()

    def _row_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        menu = QMenu(self)
        if index.isValid():
            station_id = self.model.id_at(index.row())
            menu.addAction("打开站点", lambda: self.open_station(station_id))
            menu.addAction("变更状态/级别…", lambda: self.change_status(station_id))
            menu.addSeparator()
            selected = len(self.table.selected_ids())
            menu.addAction(f"打印检查报告（所选 {selected} 个站点）…\tCtrl+P", self.print_selected)
        shown = self.model.rowCount()
        if shown:
            menu.addAction(f"打印列表中全部站点的检查报告（{shown:,} 个）…", self.print_shown)
        menu.addSeparator()
        menu.addAction("新建站点", lambda: self.open_station(None))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- import, export and printing ---------------------------------------------------------------
    def import_roster(self) -> ImportWizard:
        """The import wizard; the register reloads after an import that wrote something."""
        wizard = ImportWizard(self._db, self._runner, self._settings, self._today, self._actor, self)
        wizard.finished.connect(lambda _r: self._after_import(wizard))
        wizard.show()
        return wizard

    def _after_import(self, wizard: ImportWizard) -> None:
        if wizard.result is not None:
            self.model.invalidate()
            self.reload()
            self.refresh_flags()

    def save_template(self) -> None:
        save_import_template(self, self._settings, "stations")

    def export_excel(self) -> None:
        """The filtered list, in the columns shown and the order sorted, to .xlsx."""
        ids, year = self.model.ids(), self._year
        keys = visible_keys(self.table, [c.key for c in self.model.columns])
        export_to_excel(self, self._runner, self._settings,
                        lambda: station_rows_export(self._db, ids, year, keys), f"站点台账（{len(ids)} 个）")  # fmt: skip

    def print_selected(self) -> None:
        """The selected stations' inspection reports, in one preview, for the year shown."""
        ids = self.table.selected_ids()
        title = f"{self._year}年度站点检查报告（{len(ids)} 个站点）" if len(ids) > 1 else f"{self._year}年度站点检查报告"
        if len(ids) == 1:
            self.printing.preview_station(self, ids[0], self._year)
        else:
            self.printing.preview_stations(self, ids, self._year, title)

    def print_shown(self) -> None:
        """Every station the filtered list shows (a county, a level …), in list order."""
        ids = self.model.ids()
        self.printing.preview_stations(self, ids, self._year, f"{self._year}年度站点检查报告（{len(ids):,} 个站点）")

    def current_station_id(self) -> int | None:
        return self.table.current_id()

    def save_state(self) -> None:
        self.table.save_state()
