"""The global 先行赔付 page: every station's payouts by year, the unrecovered ones, totals, and
the way to the station page."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt

from stationdesk.domain.money import format_yuan
from stationdesk.services import payouts
from stationdesk.store.database import Database
from stationdesk.ui.list_model import ListModel
from stationdesk.ui.payout_dialogs import RecoveryDialog
from stationdesk.ui.payouts_page import HEADER_STATE_KEY, PayoutsPage
from stationdesk.ui.tasks import TaskRunner

TODAY = date(2026, 11, 24)


def open_page(qtbot, db: Database, runner: TaskRunner, qsettings: QSettings) -> PayoutsPage:  # type: ignore[no-untyped-def]
    page = PayoutsPage(db, runner, qsettings, TODAY, "王芳")
    qtbot.addWidget(page)
    page.resize(1200, 650)
    page.show()
    page.reload()
    return page


def texts(model: ListModel, header: str) -> list[str]:  # type: ignore[type-arg]
    column = next(i for i, c in enumerate(model.columns) if c.header == header)
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def this_year(db: Database) -> list[payouts.PayoutRow]:
    return payouts.payout_rows(db, start=date(TODAY.year, 1, 1), end=date(TODAY.year, 12, 31))


def test_the_page_shows_this_years_payouts_masked_with_totals(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    expected = this_year(demo_db)
    page = open_page(qtbot, demo_db, runner, qsettings)
    assert expected and page.model.rowCount() == len(expected)
    assert all(day.startswith(str(TODAY.year)) for day in texts(page.model, "赔付日期"))
    assert all("*" in name for name in texts(page.model, "消费者"))
    paid = sum(r.amount_fen for r in expected)
    recovered = sum(r.recovered_fen for r in expected if r.recovered)
    open_count = sum(1 for r in expected if not r.recovered)
    assert page.totals.text() == (
        f"共 {len(expected)} 笔　赔付金额 {format_yuan(paid)} 元　已追偿金额 {format_yuan(recovered)} 元　"
        f"未追偿 {open_count} 笔"
    )


def test_ticking_unrecovered_only_shows_only_unrecovered(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_db, runner, qsettings)
    assert "是" in texts(page.model, "已追偿")
    page.all_years.setChecked(True)
    qtbot.mouseClick(page.unrecovered, Qt.MouseButton.LeftButton)
    assert page.unrecovered.isChecked()
    shown = texts(page.model, "已追偿")
    assert shown and set(shown) == {"否"}
    assert len(shown) == sum(1 for r in payouts.payout_rows(demo_db) if not r.recovered)
    assert set(texts(page.model, "追偿金额")) == {""}


def test_all_years_shows_every_payout_and_disables_the_year(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_db, runner, qsettings)
    page.all_years.setChecked(True)
    assert not page.year.isEnabled()
    assert page.model.rowCount() == len(payouts.payout_rows(demo_db))
    page.all_years.setChecked(False)
    page.year.setValue(TODAY.year - 1)
    assert all(day.startswith(str(TODAY.year - 1)) for day in texts(page.model, "赔付日期"))


def test_typing_a_station_name_narrows_the_list(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_db, runner, qsettings)
    name = texts(page.model, "站点")[0]
    page.station_search.insert(name[:4])
    qtbot.waitUntil(lambda: page.model.rowCount() < len(this_year(demo_db)), timeout=3000)
    assert all(name[:4] in station for station in texts(page.model, "站点"))
    assert page.totals.text().startswith(f"共 {page.model.rowCount()} 笔")


def test_double_click_opens_the_station(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_db, runner, qsettings)
    row = page.model.row_at(2)
    assert row is not None
    rect = page.table.visualRect(page.model.index(2, 1))
    with qtbot.waitSignal(page.open_station) as opened:
        # A real double-click is a press-release followed by a double-click event.
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [row.station_id]


def test_recovery_from_the_page_updates_the_row(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_db, runner, qsettings)
    row = texts(page.model, "已追偿").index("否")
    payout = page.model.row_at(row)
    assert payout is not None
    page.table.selectRow(row)
    assert page.recovery_button.isEnabled()
    qtbot.mouseClick(page.recovery_button, Qt.MouseButton.LeftButton)
    assert isinstance(page.dialog, RecoveryDialog)
    with qtbot.waitSignal(page.changed):
        qtbot.mouseClick(page.dialog.ok_button, Qt.MouseButton.LeftButton)
    updated = next(r for r in page.model.rows if r.id == payout.id)
    assert updated.recovered and updated.recovered_fen == payout.amount_fen


def test_the_header_layout_and_sort_are_remembered(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, demo_db, runner, qsettings)
    page.table.setColumnWidth(0, 333)
    amount = next(i for i, c in enumerate(page.model.columns) if c.header == "赔付金额")
    page.table.sortByColumn(amount, Qt.SortOrder.DescendingOrder)
    assert qsettings.value(HEADER_STATE_KEY) is not None
    again = open_page(qtbot, demo_db, runner, qsettings)
    assert again.table.columnWidth(0) == 333
    shown = [r.amount_fen for r in again.model.rows]
    assert shown == sorted(shown, reverse=True)
