"""先行赔付: every station's first payouts in one list, for the bureau following up recoveries.

The year and "unrecovered only" filters go to SQL on the background runner (a province pays a
few thousand a year); the station-name filter narrows the loaded rows in memory after a short
pause, as typing goes, because it never needs a new query.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.money import format_yuan
from stationdesk.domain.permissions import Permission
from stationdesk.domain.text import match_key
from stationdesk.services import payouts
from stationdesk.services.payouts import PayoutRow
from stationdesk.store.database import Database
from stationdesk.transfer.exports import payout_rows_export
from stationdesk.ui import dialogs, rights
from stationdesk.ui.exporting import export_to_excel
from stationdesk.ui.fund_tab import payout_columns
from stationdesk.ui.list_model import ListModel, list_table
from stationdesk.ui.payout_dialogs import RecoveryDialog, open_form
from stationdesk.ui.tasks import LatestOnly, TaskContext, TaskRunner

HEADER_STATE_KEY = "payouts/header"
SEARCH_DELAY_MS = 150
ROW_LIMIT = 5000


def payout_totals(rows: list[PayoutRow]) -> str:
    """The line under the list: count, amounts paid and recovered, how many still to recover."""
    paid = sum(r.amount_fen for r in rows)
    recovered = sum(r.recovered_fen for r in rows if r.recovered)
    open_count = sum(1 for r in rows if not r.recovered)
    return (f"共 {len(rows):,} 笔　赔付金额 {format_yuan(paid)} 元　已追偿金额 {format_yuan(recovered)} 元　"
            f"未追偿 {open_count:,} 笔")


class PayoutsPage(QWidget):
    """All stations' payouts. Double-clicking a row emits `open_station(station_id)`."""

    open_station = Signal(int)
    loaded = Signal()
    changed = Signal()

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, today: date, actor: str) -> None:
        super().__init__()
        self._db, self._runner, self._settings = db, runner, settings
        self._today, self._actor = today, actor
        self._loaded: list[PayoutRow] = []
        self._loader = LatestOnly(runner, self._on_loaded, self._on_load_error)
        self.dialog: RecoveryDialog | None = None
        self.model: ListModel[PayoutRow] = ListModel(payout_columns(with_station=True))
        self._build()
        self._restore_header()
        rights.show_only_if(rights.why_not(db, actor, Permission.EDIT_STATIONS) is None, self.recovery_button)

    def _build(self) -> None:
        self.year = QSpinBox(minimum=2000, maximum=self._today.year, value=self._today.year, suffix=" 年")
        self.all_years = QCheckBox("全部年份")
        self.unrecovered = QCheckBox("只看未追偿")
        self.station_search = QLineEdit(placeholderText="按站点名称筛选")
        self.station_search.setClearButtonEnabled(True)
        self.recovery_button = QPushButton("登记追偿…")
        self.recovery_button.setEnabled(False)
        self.recovery_button.setToolTip("请先选择一笔未追偿的赔付")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("赔付年度"))
        bar.addWidget(self.year)
        bar.addWidget(self.all_years)
        bar.addWidget(self.unrecovered)
        bar.addWidget(self.station_search, 1)
        bar.addWidget(self.recovery_button)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.export_excel)
        bar.addWidget(self.export_button)
        self.table = list_table(self.model)
        self.table.horizontalHeader().setSectionsMovable(True)
        self.totals = QLabel("正在加载…")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._show_filtered)
        self.station_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.year.valueChanged.connect(lambda _v: self.reload())
        self.all_years.toggled.connect(self._on_all_years)
        self.unrecovered.toggled.connect(lambda _c: self.reload())
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.recovery_button.clicked.connect(self.record_recovery)

    # -- loading ----------------------------------------------------------------------------
    def export_excel(self) -> None:
        """The payouts listed, in their order (consumers masked), to .xlsx; amounts in 元, typed by
        `transfer.list_columns` (the list's own sort values are fen)."""
        export = payout_rows_export(self.model.rows)
        export_to_excel(self, self._runner, self._settings, lambda: export, "先行赔付")

    def reload(self) -> None:
        """Query the payouts for the year and recovery filters off the GUI thread."""
        year = None if self.all_years.isChecked() else self.year.value()
        unrecovered_only = self.unrecovered.isChecked()
        self.totals.setText("正在查询…")

        def job(_ctx: TaskContext) -> list[PayoutRow]:
            start, end = (date(year, 1, 1), date(year, 12, 31)) if year else (None, None)
            return payouts.payout_rows(self._db, start=start, end=end, unrecovered_only=unrecovered_only,
                                       limit=ROW_LIMIT)

        self._loader.run(job)

    def _on_loaded(self, rows: list[PayoutRow]) -> None:
        self._loaded = rows
        self._show_filtered()
        self.loaded.emit()

    def _on_load_error(self, exc: BaseException) -> None:
        self.totals.setText("查询失败")
        dialogs.show_error(self, exc, "loading payouts")

    def _show_filtered(self) -> None:
        words = match_key(self.station_search.text())
        rows = [r for r in self._loaded if words in match_key(r.station_name)] if words else self._loaded
        self.model.set_rows(rows)
        note = f"（只显示最近的 {ROW_LIMIT:,} 笔，请按年度查看）" if len(self._loaded) >= ROW_LIMIT else ""
        self.totals.setText(payout_totals(rows) + note)
        self._update_buttons()

    def show_year(self, year: int) -> None:
        """The payouts of `year` (an overview number's list)."""
        self.all_years.setChecked(False)
        self.unrecovered.setChecked(False)
        self.station_search.clear()
        self.year.setValue(year)
        self.reload()

    def _on_all_years(self, checked: bool) -> None:
        self.year.setEnabled(not checked)
        self.reload()

    # -- actions ----------------------------------------------------------------------------
    def selected_payout(self) -> PayoutRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self, *_args: object) -> None:
        payout = self.selected_payout()
        self.recovery_button.setEnabled(payout is not None and not payout.recovered)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        payout = self.model.row_at(index.row())
        if payout is not None:
            self.open_station.emit(payout.station_id)

    def record_recovery(self) -> RecoveryDialog | None:
        """Open the recovery form for the selected unrecovered payout (window-modal, not exec)."""
        payout = self.selected_payout()
        if payout is None or payout.recovered:
            return None
        dialog = RecoveryDialog(self._db, payout, self._actor, self._today, self)
        self.dialog = dialog
        open_form(dialog, self._on_saved, self._forget_dialog)
        return dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    def _on_saved(self) -> None:
        self.reload()
        self.changed.emit()

    # -- header, remembered -----------------------------------------------------------------
    def save_state(self) -> None:
        self._settings.setValue(HEADER_STATE_KEY, self.table.horizontalHeader().saveState())

    def _restore_header(self) -> None:
        header = self.table.horizontalHeader()
        state: Any = self._settings.value(HEADER_STATE_KEY)
        if state is not None:
            header.restoreState(state)
        # Saved as the user changes it, so the main window need not know about this page.
        header.sectionResized.connect(lambda *_a: self.save_state())
        header.sectionMoved.connect(lambda *_a: self.save_state())
        header.sortIndicatorChanged.connect(lambda *_a: self.save_state())
