"""Dialogs that write to a station's first-payout fund: a payout (先行赔付), its recovery from the
seller (追偿) and a deposit, top-up or withdrawal entered by hand.

Each form is checked while the user types by the same `domain.payout_rules` functions the
services apply, so OK is enabled exactly when the service would accept the values it knows of.
The service still decides (the balance may have moved on another PC): its `ValidationFailed` is
shown under the fields and the dialog stays open.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.case_rules import EARLIEST_CASE_DATE, case_number, parse_amount
from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.money import format_yuan
from stationdesk.domain.payout_rules import (
    MANUAL_FUND_KINDS,
    PAYOUT_LABELS,
    CaseFacts,
    PayoutDraft,
    lowest_balance_from,
    validate_fund_entry,
    validate_payout,
    validate_recovery,
)
from stationdesk.domain.text import normalise_text
from stationdesk.domain.vocabulary import CaseOutcome
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import cases, payouts, stations
from stationdesk.services.cases import CaseFilter, CaseRow
from stationdesk.services.payouts import FundLedger, LedgerLine, PayoutRow, SavedPayout
from stationdesk.store.case_queries import OPEN
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import ERROR_STYLE, FormField

MAX_CASE_CHOICES = 300
INFO_STYLE = "background: #eef4fb; border: 1px solid #b7cde6; padding: 6px;"


def plain_yuan(fen: int) -> str:
    """An amount as the user would type it back ("1234.50"), without thousands separators."""
    return f"{fen // 100}.{fen % 100:02d}"


def case_choice_text(row: CaseRow) -> str:
    """How a case is offered in the payout form: number, received date, masked consumer, operator."""
    return f"{case_number(row.id, row.received_on)}　{row.received_on.isoformat()}　{row.consumer}　{row.operator_name}"


class FormDialog(QDialog):
    """A small form checked by a domain rule on every edit; subclasses give `problems` and `_write`.

    Messages appear under a field once it was edited (or after a refused save), so a fresh form
    is not covered in red; OK stays disabled while any rule objects.
    """

    saved = Signal()

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._fields: dict[str, FormField] = {}
        self._refused: dict[str, str] = {}
        self._show_all = False
        self._ready = False
        self.info = QLabel()
        self.info.setStyleSheet(INFO_STYLE)
        self.info.setWordWrap(True)
        self.general = QLabel()
        self.general.setStyleSheet(ERROR_STYLE)
        self.general.setWordWrap(True)
        self.general.setVisible(False)
        self._grid = QGridLayout()
        self._grid.setVerticalSpacing(2)
        self._grid.setHorizontalSpacing(10)
        self._grid.setColumnStretch(1, 1)
        self.ok_button = QPushButton("保存")
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.save)
        cancel = QPushButton("取消")
        cancel.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addLayout(self._grid)
        layout.addWidget(self.general)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(520)

    def _add_field(self, key: str, caption: str, widget: QWidget, required: bool = False) -> None:
        field = FormField(key, caption, widget, required)
        row = len(self._fields) * 2
        self._grid.addWidget(field.caption, row, 0)
        self._grid.addWidget(widget, row, 1)
        self._grid.addWidget(field.message, row + 1, 1)
        self._fields[key] = field
        if isinstance(widget, QLineEdit):
            widget.textChanged.connect(lambda _t, k=key: self._edited(k))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _i, k=key: self._edited(k))
            if widget.isEditable():
                widget.editTextChanged.connect(lambda _t, k=key: self._edited(k))

    def _finish(self) -> None:
        """Call at the end of a subclass's __init__: signals fired while building are ignored."""
        self._ready = True
        self.validate()

    def problems(self) -> dict[str, str]:
        raise NotImplementedError

    def _write(self) -> None:
        """Call the service; raise ValidationFailed or UserError when it refuses."""
        raise NotImplementedError

    def _refresh(self) -> None:
        """Re-read what the rules compare against (e.g. the balance) after the service refused."""

    def _edited(self, key: str) -> None:
        if not self._ready:
            return
        self._fields[key].touched = True
        self._refused.pop(key, None)
        self.validate()

    def validate(self) -> bool:
        """Show the messages of touched fields; enable OK only when nothing objects."""
        if not self._ready:
            return False
        problems = self.problems()
        for key, field in self._fields.items():
            live = problems.get(key) if (field.touched or self._show_all) else None
            field.show_problem(live or self._refused.get(key))
        valid = not problems and not self._refused
        self.ok_button.setEnabled(valid)
        # A disabled button still shows its tooltip: say what blocks it, even for untouched fields.
        self.ok_button.setToolTip("\n".join({**problems, **self._refused}.values()))
        self._fit_height()
        return valid

    def _fit_height(self) -> None:
        """Grow when a message wraps onto more lines: a top-level layout does not grow the window
        for a word-wrapped label by itself, and the message would be clipped."""
        layout = self.layout()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed > self.height():
            self.resize(self.width(), needed)

    def set_problems(self, problems: dict[str, str]) -> None:
        """Show the service's messages by field; ones for fields not on the form go below them."""
        self._refused = {key: text for key, text in problems.items() if key in self._fields}
        others = [f"{PAYOUT_LABELS.get(k, k)}：{v}" for k, v in problems.items() if k not in self._fields]
        self.general.setText("\n".join(others))
        self.general.setVisible(bool(others))
        self._show_all = True
        self.validate()

    def save(self) -> bool:
        """Write through the service and close; on refusal show why and stay open."""
        if not self.validate():
            self._show_all = True
            self.validate()
            return False
        try:
            self._write()
        except ValidationFailed as exc:
            self._refresh()
            self.set_problems(exc.problems)
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self.saved.emit()
        self.accept()
        return True


def open_form(dialog: FormDialog, on_saved: Callable[[], None], on_closed: Callable[[], None]) -> FormDialog:
    """Show a form window-modal without a nested event loop (`open`, not `exec`): the caller keeps
    running, a test drives the dialog the user sees, and the dialog deletes itself when closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.saved.connect(on_saved)
    dialog.finished.connect(lambda _result: on_closed())
    dialog.open()
    return dialog


def _date_field(today: date) -> QLineEdit:
    edit = QLineEdit(today.isoformat())
    edit.setPlaceholderText("如 2026-11-24")
    edit.setMaximumWidth(160)
    return edit


def _amount_field(text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText("元")
    edit.setMaximumWidth(160)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def _parse_day(key: str, edit: QLineEdit, parse_problems: dict[str, str]) -> date | None:
    try:
        return parse_user_date(edit.text())
    except ValueError as exc:
        parse_problems[key] = str(exc)
        return None


def _parse_fen(key: str, label: str, edit: QLineEdit, parse_problems: dict[str, str]) -> int:
    try:
        return parse_amount(label, edit.text())
    except ValueError as exc:
        parse_problems[key] = str(exc)
        return 0


def available_from(lines: Sequence[LedgerLine], day: date | None) -> int | None:
    """What a payout or withdrawal dated `day` may take (None without a day): the service's reading
    of the ledger (`lowest_balance_from`), on the lines the dialog has read."""
    if day is None:
        return None
    return lowest_balance_from(((line.entry_on, line.signed_fen) for line in lines), day)


def _balance_text(ledger: FundLedger) -> str:
    return f"站点：{ledger.station_name}\n先行赔付专项资金当前余额：{format_yuan(ledger.balance_fen)} 元"


def eligible_cases(db: Database, station_id: int, limit: int = MAX_CASE_CHOICES) -> list[CaseRow]:
    """The station's cases a payout can be recorded on, newest first: not yet paid, and still open
    or mediated successfully (the rule in `validate_payout`); at most `limit`."""
    ids: list[int] = []
    for state in (OPEN, CaseOutcome.SUCCESS.value):
        flt = CaseFilter(station_id=station_id, first_payout=False, state=state)
        ids.extend(cases.list_case_ids(db, flt)[:limit])
    rows = cases.load_case_rows(db, ids)
    return sorted(rows.values(), key=lambda r: (r.received_on, r.id), reverse=True)[:limit]


class PayoutDialog(FormDialog):
    """Record a first payout on one of the station's cases, paid from its fund."""

    def __init__(self, db: Database, station_id: int, actor: str, today: date, case_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("登记先行赔付", parent)
        self._db, self._station_id, self._actor, self._today = db, station_id, actor, today
        station = stations.get_station(db, station_id)
        self._station_name, self._in_scheme = station.name, station.draft.first_payout_scheme
        self.saved_payout: SavedPayout | None = None
        self._rows = {row.id: row for row in eligible_cases(db, station_id)}
        if case_id is not None and case_id not in self._rows:
            self._rows = {**cases.load_case_rows(db, [case_id]), **self._rows}
        self.case = QComboBox()
        self.case.setEditable(True)
        self.case.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.case.setMinimumContentsLength(46)
        self.case.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        for row in self._rows.values():
            self.case.addItem(case_choice_text(row), row.id)
        completer = QCompleter(self.case.model(), self.case)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.case.setCompleter(completer)
        self.case.lineEdit().setPlaceholderText("输入案件编号、消费者姓氏或被投诉经营者查找")
        self.case.setCurrentIndex(self.case.findData(case_id) if case_id is not None else -1)
        self.case.setToolTip(f"本站点尚未先行赔付、且在办理中或调解成功的案件（最近 {MAX_CASE_CHOICES} 件）")
        self.paid_on = _date_field(today)
        self.amount = _amount_field()
        self.paid_by = QLineEdit(station.draft.host_name[:64])
        self.paid_by.setPlaceholderText("默认为依托单位")
        self._add_field("case_id", "案件", self.case, True)
        self._add_field("paid_on", "赔付日期", self.paid_on, True)
        self._add_field("amount_fen", "赔付金额(元)", self.amount, True)
        self._add_field("paid_by", "赔付方", self.paid_by)
        self.case.currentIndexChanged.connect(self._show_case_amount)
        self._refresh()
        self._show_case_amount()
        self._finish()

    def _refresh(self) -> None:
        self._ledger = payouts.fund_ledger(self._db, self._station_id)
        self.info.setText(_balance_text(self._ledger))

    def _show_case_amount(self) -> None:
        row = self._rows.get(self.case_id or 0)
        hint = f"争议金额 {format_yuan(row.amount_disputed_fen)} 元" if row and row.amount_disputed_fen else "元"
        self.amount.setPlaceholderText(hint)

    @property
    def case_id(self) -> int | None:
        """The chosen case; None while the typed text matches no offered case."""
        index = self.case.findText(self.case.currentText(), Qt.MatchFlag.MatchExactly)
        return self.case.itemData(index) if index >= 0 else None

    def draft(self, parse_problems: dict[str, str] | None = None) -> PayoutDraft:
        found = parse_problems if parse_problems is not None else {}
        return PayoutDraft(
            case_id=self.case_id,
            paid_on=_parse_day("paid_on", self.paid_on, found),
            amount_fen=_parse_fen("amount_fen", "赔付金额", self.amount, found),
            paid_by=normalise_text(self.paid_by.text()),
        )

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        draft = self.draft(found)
        row = self._rows.get(draft.case_id or 0)
        facts = CaseFacts(
            row.station_id if row else self._station_id,
            row.station_name if row else self._station_name,
            self._in_scheme,
            row.received_on if row else EARLIEST_CASE_DATE,
            row.outcome if row else None,
        )
        available = available_from(self._ledger.lines, draft.paid_on)
        problems = validate_payout(draft, facts, self._station_id, self._ledger.balance_fen, self._today, available)
        if row is None:
            problems["case_id"] = "请选择要先行赔付的案件"
        return {**problems, **found}

    def _write(self) -> None:
        self.saved_payout = payouts.record_payout(self._db, self._station_id, self.draft(), self._actor, self._today)


def _find_payout(db: Database, payout_id: int) -> PayoutRow:
    for row in payouts.payout_rows(db, payout_id=payout_id):
        return row
    raise UserError(f"找不到赔付记录 {payout_id}", hint="请刷新列表")


class RecoveryDialog(FormDialog):
    """Record that the host recovered a payout from the responsible seller (追偿)."""

    def __init__(self, db: Database, payout: int | PayoutRow, actor: str, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__("登记追偿", parent)
        self._db, self._actor, self._today = db, actor, today
        self.payout = payout if isinstance(payout, PayoutRow) else _find_payout(db, payout)
        self.saved_payout: SavedPayout | None = None
        row = self.payout
        self.info.setText(
            f"站点：{row.station_name}\n案件 {row.case_number}　消费者 {row.consumer}　"
            f"{row.paid_on.isoformat()} 由 {row.paid_by} 赔付 {format_yuan(row.amount_fen)} 元"
        )
        self.recovered_on = _date_field(today)
        self.recovered_amount = _amount_field(plain_yuan(row.amount_fen))
        self._add_field("recovered_on", "追偿日期", self.recovered_on, True)
        self._add_field("recovered_fen", "追偿金额(元)", self.recovered_amount, True)
        self._finish()

    def _values(self, found: dict[str, str]) -> tuple[date | None, int]:
        return (_parse_day("recovered_on", self.recovered_on, found),
                _parse_fen("recovered_fen", "追偿金额", self.recovered_amount, found))

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        day, fen = self._values(found)
        return {**validate_recovery(self.payout.paid_on, self.payout.amount_fen, day, fen, self._today), **found}

    def _write(self) -> None:
        day, fen = self._values({})
        self.saved_payout = payouts.record_recovery(self._db, self.payout.id, day, fen, self._actor, self._today)


class FundEntryDialog(FormDialog):
    """A deposit (存入), top-up (补充) or withdrawal (退出) on the station's fund ledger."""

    def __init__(self, db: Database, station_id: int, actor: str, today: date,
                 parent: QWidget | None = None) -> None:
        super().__init__("资金存入/补充/退出", parent)
        self._db, self._station_id, self._actor, self._today = db, station_id, actor, today
        self.new_balance: int | None = None
        self.kind = QComboBox()
        for kind in MANUAL_FUND_KINDS:
            self.kind.addItem(kind.label, kind.value)
        self.kind.setMaximumWidth(160)
        self.entry_on = _date_field(today)
        self.amount = _amount_field()
        self.memo = QLineEdit()
        self.memo.setPlaceholderText("留空则记为类型名称，如“存入”")
        self._add_field("kind", "类型", self.kind, True)
        self._add_field("entry_on", "日期", self.entry_on, True)
        self._add_field("amount_fen", "金额(元)", self.amount, True)
        self._add_field("memo", "摘要", self.memo)
        self._refresh()
        self._finish()

    def _refresh(self) -> None:
        self._ledger = payouts.fund_ledger(self._db, self._station_id)
        self.info.setText(_balance_text(self._ledger))

    def _values(self, found: dict[str, str]) -> tuple[str, date | None, int, str]:
        return (self.kind.currentData(), _parse_day("entry_on", self.entry_on, found),
                _parse_fen("amount_fen", "金额", self.amount, found), normalise_text(self.memo.text()))

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        kind, day, fen, memo = self._values(found)
        balance, available = self._ledger.balance_fen, available_from(self._ledger.lines, day)
        return {**validate_fund_entry(kind, day, fen, memo, balance, self._today, available), **found}

    def _write(self) -> None:
        kind, day, fen, memo = self._values({})
        self.new_balance = payouts.add_fund_entry(
            self._db, self._station_id, kind, day, fen, memo, self._actor, self._today
        )
