"""The station page's 先行赔付 tab: the station's payouts and its fund ledger (专项资金台账).

A station has at most a few hundred payouts and fund movements, so both tables are a small
in-memory model (`ui.list_model.ListModel`) read synchronously; sorting happens in the model. The dialogs open
window-modal with `open()`, not `exec()`, so the tab keeps no nested event loop and a test can
drive the dialog the user sees.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.money import format_yuan
from stationdesk.services import payouts
from stationdesk.services.payouts import LedgerLine, PayoutRow
from stationdesk.store.database import Database
from stationdesk.ui import rights
from stationdesk.ui.list_model import ListColumn, ListModel, list_table
from stationdesk.ui.payout_dialogs import FormDialog, FundEntryDialog, PayoutDialog, RecoveryDialog, open_form

BANNER_STYLE = "background: #fff4ce; border: 1px solid #e0c060; padding: 6px;"
NOT_IN_SCHEME = ("本站点未实行先行赔付，不能登记赔付。如依托单位已设立先行赔付专项资金，"
                 "请在“基本信息”中勾选“实行先行赔付”并保存。")


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def payout_columns(with_station: bool = False) -> list[ListColumn[PayoutRow]]:
    """The payout list's columns; the global page adds the station's name."""
    station = [ListColumn[PayoutRow]("站点", 270, lambda r: r.station_name)] if with_station else []
    return [
        *station,
        ListColumn("案件编号", 110, lambda r: r.case_number),
        ListColumn("赔付日期", 96, lambda r: _day(r.paid_on), lambda r: r.paid_on),
        ListColumn("消费者", 70, lambda r: r.consumer),
        ListColumn("赔付金额", 100, lambda r: format_yuan(r.amount_fen), lambda r: r.amount_fen, numeric=True),
        ListColumn("赔付方", 190, lambda r: r.paid_by),
        ListColumn("已追偿", 64, lambda r: "是" if r.recovered else "否"),
        ListColumn("追偿日期", 96, lambda r: _day(r.recovered_on), lambda r: r.recovered_on),
        ListColumn("追偿金额", 100, lambda r: format_yuan(r.recovered_fen) if r.recovered else "",
                   lambda r: r.recovered_fen, numeric=True),
        ListColumn("录入人", 70, lambda r: r.entered_by),
    ]


def ledger_columns() -> list[ListColumn[LedgerLine]]:
    """The fund ledger as an account book: money in and out in separate columns, then the balance."""
    return [
        ListColumn("日期", 96, lambda r: _day(r.entry_on), lambda r: (r.entry_on, r.id)),
        ListColumn("类型", 80, lambda r: r.kind_label),
        ListColumn("收入", 110, lambda r: format_yuan(r.signed_fen) if r.signed_fen > 0 else "",
                   lambda r: max(r.signed_fen, 0), numeric=True),
        ListColumn("支出", 110, lambda r: format_yuan(-r.signed_fen) if r.signed_fen < 0 else "",
                   lambda r: max(-r.signed_fen, 0), numeric=True),
        ListColumn("余额", 120, lambda r: format_yuan(r.balance_fen), lambda r: r.balance_fen, numeric=True),
        ListColumn("摘要", 240, lambda r: r.memo),
        ListColumn("经办人", 70, lambda r: r.entered_by),
    ]


class StationFundTab(QWidget):
    """A station's payouts, recoveries and fund ledger. Emits `changed` after anything is saved."""

    changed = Signal()

    def __init__(self, db: Database, station_id: int, actor: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._station_id, self._actor, self._today = db, station_id, actor, today
        self.dialog: FormDialog | None = None
        self._in_scheme = False
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.banner = QLabel(NOT_IN_SCHEME)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.payout_button = QPushButton("登记先行赔付…")
        self.recovery_button = QPushButton("登记追偿…")
        self.fund_button = QPushButton("资金存入/补充/退出…")
        self.payout_button.clicked.connect(lambda: self.record_payout())
        self.recovery_button.clicked.connect(self.record_recovery)
        self.fund_button.clicked.connect(self.add_fund_entry)
        self.writable = True
        self.payouts: ListModel[PayoutRow] = ListModel(payout_columns())
        self.ledger: ListModel[LedgerLine] = ListModel(ledger_columns())
        self.payout_table = list_table(self.payouts)
        self.ledger_table = list_table(self.ledger)
        self.payout_caption = QLabel()
        self.ledger_caption = QLabel("先行赔付专项资金台账")
        self.payout_table.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.payout_table.doubleClicked.connect(self._on_payout_double_clicked)
        self._layout()
        self.reload()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.payout_button, self.recovery_button, self.fund_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        upper, lower = QWidget(), QWidget()
        for holder, caption, table in ((upper, self.payout_caption, self.payout_table),
                                       (lower, self.ledger_caption, self.ledger_table)):
            box = QVBoxLayout(holder)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(caption)
            box.addWidget(table, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(upper)
        splitter.addWidget(lower)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)

    def reload(self) -> None:
        """Re-read the ledger and the payouts (a few hundred rows: read here, not in the runner)."""
        ledger = payouts.fund_ledger(self._db, self._station_id)
        rows = payouts.payout_rows(self._db, station_id=self._station_id)
        selected = self.selected_payout()
        self._in_scheme = ledger.in_scheme
        self.summary.setText(ledger.summary())
        self.banner.setVisible(not ledger.in_scheme)
        self.payouts.set_rows(rows)
        self.ledger.set_rows(list(reversed(ledger.lines)))  # newest first, like the payouts above
        open_count = sum(1 for r in rows if not r.recovered)
        self.payout_caption.setText(
            f"先行赔付记录　共 {len(rows)} 笔，未追偿 {open_count} 笔" if rows else "先行赔付记录　暂无"
        )
        self.ledger_caption.setText(
            f"先行赔付专项资金台账　共 {len(ledger.lines)} 笔收支（最近的在上）" if ledger.lines
            else "先行赔付专项资金台账　暂无收支"
        )
        if selected is not None:
            self._select_payout(selected.id)
        self._update_buttons()

    def _select_payout(self, payout_id: int) -> None:
        for number, row in enumerate(self.payouts.rows):
            if row.id == payout_id:
                self.payout_table.selectRow(number)
                return

    def selected_payout(self) -> PayoutRow | None:
        index = self.payout_table.currentIndex()
        return self.payouts.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self, *_args: object) -> None:
        self.payout_button.setEnabled(self._in_scheme)
        self.payout_button.setToolTip("" if self._in_scheme else "本站点未实行先行赔付，不能登记赔付")
        payout = self.selected_payout()
        can_recover = payout is not None and not payout.recovered
        self.recovery_button.setEnabled(can_recover)
        self.recovery_button.setToolTip(
            "登记依托单位向经营者追偿收回的金额" if can_recover else "请先在上表中选择一笔未追偿的赔付"
        )

    # -- dialogs ----------------------------------------------------------------------------
    def _open(self, dialog: FormDialog) -> FormDialog:
        self.dialog = open_form(dialog, self._on_saved, self._forget_dialog)
        return dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    def set_writable(self, writable: bool) -> None:
        self.writable = writable
        rights.show_only_if(writable, self.payout_button, self.recovery_button, self.fund_button)

    def record_payout(self, case_id: int | None = None) -> FormDialog:
        return self._open(PayoutDialog(self._db, self._station_id, self._actor, self._today, case_id, self))

    def record_recovery(self) -> FormDialog | None:
        payout = self.selected_payout()
        if payout is None or payout.recovered:
            return None
        return self._open(RecoveryDialog(self._db, payout, self._actor, self._today, self))

    def add_fund_entry(self) -> FormDialog:
        return self._open(FundEntryDialog(self._db, self._station_id, self._actor, self._today, self))

    def _on_payout_double_clicked(self, index: QModelIndex) -> None:
        payout = self.payouts.row_at(index.row())
        if payout is not None and not payout.recovered:
            self.record_recovery()

    def _on_saved(self) -> None:
        self.reload()
        self.changed.emit()
