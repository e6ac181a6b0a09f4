"""The station page's 先行赔付 tab: payouts, recoveries and fund movements entered through the
dialogs it opens, and seen at once in both tables."""

from __future__ import annotations

from collections import Counter
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from stationdesk.domain.money import format_yuan
from stationdesk.domain.vocabulary import FundEntryKind
from stationdesk.services import payouts
from stationdesk.store.database import Database
from stationdesk.ui.fund_tab import StationFundTab, ledger_columns, payout_columns
from stationdesk.ui.list_model import ListModel
from stationdesk.ui.payout_dialogs import FundEntryDialog, PayoutDialog, RecoveryDialog

TODAY = date(2026, 11, 24)
ACTOR = "王芳"


def scheme_station(db: Database) -> int:
    counts = Counter(r.station_id for r in payouts.payout_rows(db))
    return next(sid for sid, _n in counts.most_common() if payouts.fund_ledger(db, sid).in_scheme)


def open_tab(qtbot, db: Database, station_id: int) -> StationFundTab:  # type: ignore[no-untyped-def]
    tab = StationFundTab(db, station_id, ACTOR, TODAY)
    qtbot.addWidget(tab)
    tab.resize(1000, 650)
    tab.show()
    return tab


def cell(model: ListModel, row: int, header: str) -> str:  # type: ignore[type-arg]
    column = next(i for i, c in enumerate(model.columns) if c.header == header)
    return model.data(model.index(row, column))


def column_of(model: ListModel, header: str) -> int:  # type: ignore[type-arg]
    return next(i for i, c in enumerate(model.columns) if c.header == header)


def retype(edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    edit.del_()
    edit.insert(text)


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_tab_shows_the_summary_the_payouts_and_the_ledger_newest_first(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    ledger = payouts.fund_ledger(demo_db, station_id)
    rows = payouts.payout_rows(demo_db, station_id=station_id)
    tab = open_tab(qtbot, demo_db, station_id)

    assert tab.summary.text() == ledger.summary()
    assert not tab.banner.isVisible()
    assert tab.payout_button.isEnabled()
    assert tab.payouts.rowCount() == len(rows)
    assert f"共 {len(rows)} 笔" in tab.payout_caption.text()
    assert cell(tab.payouts, 0, "案件编号") == rows[0].case_number
    assert all("*" in cell(tab.payouts, r, "消费者") for r in range(tab.payouts.rowCount()))
    assert tab.ledger.rowCount() == len(ledger.lines)
    assert cell(tab.ledger, 0, "余额") == format_yuan(ledger.balance_fen)
    amount = tab.payouts.index(0, column_of(tab.payouts, "赔付金额"))
    assert tab.payouts.data(amount, Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight


def test_a_valid_payout_appears_in_the_table_and_the_ledger_with_the_new_balance(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    balance = payouts.fund_balance(demo_db, station_id)
    tab = open_tab(qtbot, demo_db, station_id)
    payouts_before, lines_before = tab.payouts.rowCount(), tab.ledger.rowCount()

    click(qtbot, tab.payout_button)
    dialog = tab.dialog
    assert isinstance(dialog, PayoutDialog) and dialog.isVisible()
    dialog.case.setCurrentIndex(0)
    case_text = dialog.case.currentText().split("　")[0]
    retype(dialog.amount, "66")
    with qtbot.waitSignal(tab.changed):
        click(qtbot, dialog.ok_button)

    assert tab.dialog is None
    assert tab.payouts.rowCount() == payouts_before + 1
    assert (cell(tab.payouts, 0, "案件编号"), cell(tab.payouts, 0, "赔付金额")) == (case_text, "66.00")
    assert cell(tab.payouts, 0, "已追偿") == "否"
    assert tab.ledger.rowCount() == lines_before + 1
    assert (cell(tab.ledger, 0, "类型"), cell(tab.ledger, 0, "支出"), cell(tab.ledger, 0, "余额")) == (
        "赔付", "66.00", format_yuan(balance - 6600))
    assert f"余额 {format_yuan(balance - 6600)} 元" in tab.summary.text()


def test_a_payout_over_the_balance_changes_nothing_in_the_tab(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    balance = payouts.fund_balance(demo_db, station_id)
    tab = open_tab(qtbot, demo_db, station_id)
    before = payouts.fund_ledger(demo_db, station_id)
    dialog = tab.record_payout()
    assert isinstance(dialog, PayoutDialog)
    dialog.case.setCurrentIndex(0)
    retype(dialog.amount, f"{balance / 100 + 1:.2f}")
    assert "余额不足" in dialog._fields["amount_fen"].message.text()
    click(qtbot, dialog.ok_button)  # disabled: nothing happens
    assert dialog.isVisible()
    assert payouts.fund_ledger(demo_db, station_id) == before


def test_recovery_of_the_selected_payout_adds_a_ledger_line(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    tab = open_tab(qtbot, demo_db, station_id)
    assert not tab.recovery_button.isEnabled(), "nothing selected yet"
    row = next(r for r in range(tab.payouts.rowCount()) if cell(tab.payouts, r, "已追偿") == "否")
    payout = tab.payouts.row_at(row)
    assert payout is not None
    tab.payout_table.selectRow(row)
    assert tab.recovery_button.isEnabled()
    lines_before = tab.ledger.rowCount()

    click(qtbot, tab.recovery_button)
    dialog = tab.dialog
    assert isinstance(dialog, RecoveryDialog) and dialog.payout.id == payout.id
    with qtbot.waitSignal(tab.changed):
        click(qtbot, dialog.ok_button)

    assert tab.ledger.rowCount() == lines_before + 1
    assert (cell(tab.ledger, 0, "类型"), cell(tab.ledger, 0, "收入")) == ("追偿收回", format_yuan(payout.amount_fen))
    assert tab.selected_payout() is not None and tab.selected_payout().id == payout.id, "selection kept"
    assert cell(tab.payouts, tab.payout_table.currentIndex().row(), "已追偿") == "是"
    assert not tab.recovery_button.isEnabled(), "a recovered payout cannot be recovered again"


def test_a_fund_top_up_shows_in_the_ledger(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    balance = payouts.fund_balance(demo_db, station_id)
    tab = open_tab(qtbot, demo_db, station_id)
    click(qtbot, tab.fund_button)
    dialog = tab.dialog
    assert isinstance(dialog, FundEntryDialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(FundEntryKind.TOP_UP.value))
    retype(dialog.amount, "1000")
    click(qtbot, dialog.ok_button)
    assert (cell(tab.ledger, 0, "类型"), cell(tab.ledger, 0, "收入"), cell(tab.ledger, 0, "摘要")) == (
        "补充", "1,000.00", "补充")
    assert cell(tab.ledger, 0, "余额") == format_yuan(balance + 100000)


def test_a_station_not_in_the_scheme_cannot_record_payouts(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = next(sid for sid in range(1, 100) if not payouts.fund_ledger(demo_db, sid).in_scheme)
    tab = open_tab(qtbot, demo_db, station_id)
    assert tab.banner.isVisible() and "未实行先行赔付" in tab.banner.text()
    assert not tab.payout_button.isEnabled()
    assert "未实行先行赔付" in tab.payout_button.toolTip()
    assert tab.fund_button.isEnabled()


def test_clicking_a_header_sorts_by_the_amount_not_its_text(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, demo_db, scheme_station(demo_db))
    column = column_of(tab.payouts, "赔付金额")
    tab.payout_table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    amounts = [r.amount_fen for r in tab.payouts.rows]
    assert amounts == sorted(amounts, reverse=True)
    tab.payout_table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    assert [r.id for r in tab.payouts.rows] == [r.id for r in payouts.payout_rows(demo_db, station_id=tab._station_id)]


def test_the_list_models_pass_the_model_tester(qtmodeltester, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = scheme_station(demo_db)
    model: ListModel[payouts.PayoutRow] = ListModel(payout_columns(with_station=True))
    model.set_rows(payouts.payout_rows(demo_db, station_id=station_id))
    qtmodeltester.check(model)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    ledger: ListModel[payouts.LedgerLine] = ListModel(ledger_columns())
    ledger.set_rows(payouts.fund_ledger(demo_db, station_id).lines)
    qtmodeltester.check(ledger)
