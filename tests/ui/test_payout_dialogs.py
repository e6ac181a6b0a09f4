"""The payout, recovery and fund-entry dialogs driven as a user would: type, read the red
messages, press 保存; what the service refuses stays on screen and nothing is written."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit

from stationdesk.domain.money import format_yuan
from stationdesk.domain.vocabulary import FundEntryKind
from stationdesk.services import payouts
from stationdesk.services.payouts import LedgerLine
from stationdesk.store.database import Database
from stationdesk.ui.payout_dialogs import (
    FundEntryDialog,
    PayoutDialog,
    RecoveryDialog,
    available_from,
    eligible_cases,
)

TODAY = date(2026, 11, 24)
ACTOR = "王芳"


def scheme_station(db: Database) -> int:
    """The demo station in the first-payout scheme with the most payouts."""
    counts = Counter(r.station_id for r in payouts.payout_rows(db))
    return next(sid for sid, _n in counts.most_common() if payouts.fund_ledger(db, sid).in_scheme)


def retype(edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    edit.del_()
    edit.insert(text)  # QTest types ASCII only; insert() is what typing (or an IME) delivers
    edit.editingFinished.emit()


def message(dialog: PayoutDialog | RecoveryDialog | FundEntryDialog, key: str) -> str:
    field = dialog._fields[key]
    return field.message.text() if field.message.isVisibleTo(dialog) else ""


def open_payout(qtbot, db: Database, station_id: int, case_id: int | None = None) -> PayoutDialog:  # type: ignore[no-untyped-def]
    dialog = PayoutDialog(db, station_id, ACTOR, TODAY, case_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_payout_over_the_balance_shows_the_balance_and_saves_nothing(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    before = payouts.fund_ledger(demo_db, station_id)
    dialog = open_payout(qtbot, demo_db, station_id)
    dialog.case.setCurrentIndex(0)
    retype(dialog.amount, format_yuan(before.balance_fen + 100).replace(",", ""))

    text = message(dialog, "amount_fen")
    assert "余额不足" in text and format_yuan(before.balance_fen) in text
    assert not dialog.ok_button.isEnabled()
    assert dialog.save() is False
    assert dialog.isVisible()
    assert payouts.fund_ledger(demo_db, station_id) == before


def test_a_valid_payout_is_paid_from_the_fund(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    balance = payouts.fund_balance(demo_db, station_id)
    dialog = open_payout(qtbot, demo_db, station_id)
    assert format_yuan(balance) in dialog.info.text()
    dialog.case.setCurrentIndex(0)
    case_id = dialog.case_id
    retype(dialog.amount, "128.5")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.saved_payout is not None and dialog.saved_payout.balance_fen == balance - 12850
    newest = payouts.payout_rows(demo_db, station_id=station_id)[0]
    assert (newest.case_id, newest.amount_fen, newest.paid_on, newest.entered_by) == (case_id, 12850, TODAY, ACTOR)


def test_the_service_refusing_shows_its_message_by_field_and_keeps_the_dialog_open(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    """Another PC withdrew money after the form was opened: the service, not the form, says no."""
    station_id = scheme_station(demo_db)
    balance = payouts.fund_balance(demo_db, station_id)
    dialog = open_payout(qtbot, demo_db, station_id)
    dialog.case.setCurrentIndex(0)
    retype(dialog.amount, "100")
    assert dialog.ok_button.isEnabled()
    payouts.add_fund_entry(demo_db, station_id, FundEntryKind.WITHDRAWAL.value, TODAY, balance - 5000, "", "李强", TODAY)
    before = payouts.fund_ledger(demo_db, station_id)

    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert "余额不足" in message(dialog, "amount_fen")
    assert "50.00" in dialog.info.text(), "the balance shown is read again"
    assert not dialog.ok_button.isEnabled()
    assert payouts.fund_ledger(demo_db, station_id) == before


@pytest.mark.parametrize(
    ("field", "text", "words"),
    [
        ("paid_on", "2026-13-01", "月份"),
        ("paid_on", (TODAY + timedelta(days=1)).isoformat(), "不能晚于今天"),
        ("paid_on", "", "必填"),
        ("amount", "abc", "金额"),
        ("amount", "0", "应大于 0"),
        ("paid_by", "市场😀", "表情"),
    ],
)
def test_each_bad_value_shows_its_message_and_blocks_ok(qtbot, demo_db: Database, field: str, text: str,  # type: ignore[no-untyped-def]
                                                        words: str) -> None:
    dialog = open_payout(qtbot, demo_db, scheme_station(demo_db))
    dialog.case.setCurrentIndex(0)
    retype(dialog.amount, "10")
    retype(getattr(dialog, field), text)
    key = {"amount": "amount_fen"}.get(field, field)
    assert words in message(dialog, key)
    assert not dialog.ok_button.isEnabled()


def test_a_case_must_be_chosen_from_the_list(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    dialog = open_payout(qtbot, demo_db, scheme_station(demo_db))
    retype(dialog.amount, "10")
    assert dialog.case_id is None
    assert not dialog.ok_button.isEnabled()
    dialog.case.lineEdit().insert("不存在的案件")
    assert "请选择" in message(dialog, "case_id")
    dialog.case.setCurrentIndex(1)
    assert dialog.case_id is not None
    assert message(dialog, "case_id") == ""
    assert dialog.ok_button.isEnabled()


def test_cases_offered_are_the_stations_open_or_successful_unpaid_ones_newest_first(demo_db: Database) -> None:
    station_id = scheme_station(demo_db)
    rows = eligible_cases(demo_db, station_id)
    assert rows and len(rows) <= 300
    assert all(r.station_id == station_id and not r.first_payout for r in rows)
    assert all(r.outcome in (None, "success") for r in rows)
    assert [r.received_on for r in rows] == sorted((r.received_on for r in rows), reverse=True)


def test_a_case_opened_from_the_case_form_is_preselected(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    case = eligible_cases(demo_db, station_id)[5]
    dialog = open_payout(qtbot, demo_db, station_id, case.id)
    assert dialog.case_id == case.id
    assert case.consumer in dialog.case.currentText() and "*" in dialog.case.currentText()


def test_a_payout_dated_before_the_money_arrived_is_refused_under_the_date(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    """The fund holds enough today, but not on the day typed: the ledger would go negative."""
    station_id, case = next(
        (sid, case)
        for sid in Counter(r.station_id for r in payouts.payout_rows(demo_db))
        if (lines := payouts.fund_ledger(demo_db, sid).lines)
        for case in eligible_cases(demo_db, sid)
        if case.received_on < lines[0].entry_on
    )
    dialog = open_payout(qtbot, demo_db, station_id, case.id)
    retype(dialog.amount, "1")
    retype(dialog.paid_on, case.received_on.isoformat())
    assert "可用余额只有 0.00 元" in message(dialog, "paid_on")
    assert not dialog.ok_button.isEnabled()


def _line(day: date, signed: int, balance: int) -> LedgerLine:
    return LedgerLine(0, day, "deposit" if signed > 0 else "payout", abs(signed), signed, balance, "", "")


def test_available_from_is_the_lowest_balance_from_that_day_on() -> None:
    lines = [_line(date(2026, 1, 1), 1000, 1000), _line(date(2026, 3, 1), -900, 100), _line(date(2026, 5, 1), 500, 600)]
    assert available_from(lines, date(2025, 12, 31)) == 0
    assert available_from(lines, date(2026, 2, 1)) == 100
    assert available_from(lines, date(2026, 4, 1)) == 100
    assert available_from(lines, date(2026, 6, 1)) == 600
    assert available_from(lines, None) is None


def _unrecovered(db: Database, station_id: int) -> payouts.PayoutRow:
    return next(r for r in payouts.payout_rows(db, station_id=station_id) if not r.recovered)


def test_recovery_defaults_to_the_payout_and_returns_the_money_to_the_fund(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    payout = _unrecovered(demo_db, station_id)
    before = payouts.fund_ledger(demo_db, station_id)
    dialog = RecoveryDialog(demo_db, payout.id, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.recovered_amount.text() == f"{payout.amount_fen / 100:.2f}"
    assert payout.case_number in dialog.info.text()
    retype(dialog.recovered_amount, f"{payout.amount_fen / 100 + 1:.2f}")
    assert "不能超过赔付金额" in message(dialog, "recovered_fen")
    retype(dialog.recovered_amount, "5")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    after = payouts.fund_ledger(demo_db, station_id)
    assert len(after.lines) == len(before.lines) + 1
    assert after.balance_fen == before.balance_fen + 500
    assert dialog.saved_payout is not None and dialog.saved_payout.balance_fen == after.balance_fen


def test_recovery_before_the_payout_date_is_refused(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    payout = _unrecovered(demo_db, scheme_station(demo_db))
    dialog = RecoveryDialog(demo_db, payout, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    retype(dialog.recovered_on, (payout.paid_on - timedelta(days=1)).isoformat())
    assert "不能早于赔付日期" in message(dialog, "recovered_on")
    assert not dialog.ok_button.isEnabled()


def test_fund_withdrawal_over_the_balance_is_refused_and_a_top_up_is_recorded(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    balance = payouts.fund_balance(demo_db, station_id)
    dialog = FundEntryDialog(demo_db, station_id, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.kind.itemText(i) for i in range(dialog.kind.count())] == ["存入", "补充", "退出"]
    dialog.kind.setCurrentIndex(dialog.kind.findData(FundEntryKind.WITHDRAWAL.value))
    retype(dialog.amount, f"{balance / 100 + 1:.2f}")
    assert "不能超过当前余额" in message(dialog, "amount_fen")
    assert not dialog.ok_button.isEnabled()

    dialog.kind.setCurrentIndex(dialog.kind.findData(FundEntryKind.TOP_UP.value))
    retype(dialog.amount, "2,000")
    dialog.memo.insert("年度补充资金")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.new_balance == balance + 200000
    newest = payouts.fund_ledger(demo_db, station_id).lines[-1]
    assert (newest.kind_label, newest.amount_fen, newest.memo, newest.entered_by) == ("补充", 200000, "年度补充资金", ACTOR)
