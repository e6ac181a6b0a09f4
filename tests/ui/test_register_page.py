"""The register list driven as a user would: type, filter, sort, choose columns."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt
from sqlalchemy import func, select

from stationdesk.domain.vocabulary import StationLevel, StationStatus
from stationdesk.store.database import Database
from stationdesk.store.models import Station
from stationdesk.ui.register_page import RegisterPage
from stationdesk.ui.tasks import TaskRunner

TODAY_DEFAULT = date(2026, 11, 24)


def _page(qtbot, db: Database, runner: TaskRunner, qsettings: QSettings, today=TODAY_DEFAULT) -> RegisterPage:  # type: ignore[no-untyped-def]
    page = RegisterPage(db, runner, qsettings, today, "测试员")
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    page.reload()
    return page


def _column(page: RegisterPage, key: str) -> int:
    return next(i for i, c in enumerate(page.model.columns) if c.key == key)


def _texts(page: RegisterPage, key: str) -> list[str]:
    col = _column(page, key)
    return [page.model.data(page.model.index(r, col)) for r in range(page.model.rowCount())]


def test_list_shows_every_station_not_removed(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    with demo_db.reading() as s:
        expected = s.scalar(select(func.count()).where(Station.status != StationStatus.REMOVED.value))
    page = _page(qtbot, demo_db, runner, qsettings)
    assert page.model.rowCount() == expected
    assert f"共 {expected:,} 个站点" in page.count_label.text()
    assert StationStatus.REMOVED.label not in _texts(page, "status")


def test_typing_in_the_search_box_narrows_the_list(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    first_name = _texts(page, "name")[0]
    before = page.model.rowCount()
    page.search.insert(first_name)  # QTest types ASCII only; insert() is what an IME delivers
    qtbot.waitUntil(lambda: page.model.rowCount() < before, timeout=3000)
    assert first_name in _texts(page, "name")
    assert "已按条件筛选" in page.count_label.text()


def test_search_matching_nothing_shows_zero(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    page.search.insert("不存在的站点")
    qtbot.keyClicks(page.search, "zzz")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=3000)
    assert "共 0 个站点" in page.count_label.text()


def test_level_filter_keeps_only_that_level(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    page.level.setCurrentIndex(page.level.findData(StationLevel.PROVINCIAL.value))
    levels = set(_texts(page, "level"))
    assert levels == {StationLevel.PROVINCIAL.label}


def test_removed_stations_appear_only_when_asked(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    before = page.model.rowCount()
    page.show_removed.setChecked(True)
    assert page.model.rowCount() > before
    assert StationStatus.REMOVED.label in _texts(page, "status")


def test_clicking_a_header_sorts_in_sql(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    header = page.table.horizontalHeader()
    header.setSortIndicator(_column(page, "received"), Qt.SortOrder.DescendingOrder)
    received = [int(t) for t in _texts(page, "received")]
    assert received == sorted(received, reverse=True)
    assert received[0] > received[-1]
    header.setSortIndicator(_column(page, "name"), Qt.SortOrder.AscendingOrder)
    names = _texts(page, "name")
    assert names == sorted(names)


def test_hidden_columns_are_remembered(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    col = _column(page, "county")
    assert not page.table.isColumnHidden(col)
    page.table._set_column_shown(col, False)
    again = _page(qtbot, demo_db, runner, qsettings)
    assert again.table.isColumnHidden(col)


def test_ctrl_f_puts_the_cursor_in_the_search_box(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    with qtbot.waitActive(page):
        page.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.search.hasFocus, timeout=2000)


def test_changing_the_year_changes_the_figures_header(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    col = _column(page, "received")
    page.year.setValue(TODAY_DEFAULT.year - 1)
    assert page.model.headerData(col, Qt.Orientation.Horizontal) == f"{TODAY_DEFAULT.year - 1}年受理"


def test_activity_filter_splits_active_and_quiet_stations(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    everyone = page.model.rowCount()
    page.activity.setCurrentIndex(page.activity.findData(12))
    active = page.model.rowCount()
    page.activity.setCurrentIndex(page.activity.findData(-12))
    quiet = page.model.rowCount()
    assert 0 < quiet < active < everyone
    assert active + quiet == everyone
    last_col = _column(page, "last_case_on")
    cutoff = date(2025, 11, 24).isoformat()
    assert all(not t or t < cutoff for t in _texts(page, "last_case_on")), last_col


def test_street_filter_follows_the_county(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, demo_db, runner, qsettings)
    assert not page.street.isEnabled()
    page.county.setCurrentIndex(1)
    county = page.county.currentText()
    assert page.street.isEnabled() and page.street.count() > 1
    page.street.setCurrentIndex(1)
    street = page.street.currentText()
    assert set(_texts(page, "county")) == {county}
    assert set(_texts(page, "street")) == {street}


def test_stations_the_zombie_rules_flag_carry_a_marker(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.services import zombies

    flagged = {f.station_id for f in zombies.sweep(demo_db, date(2026, 11, 24))}
    page = RegisterPage(demo_db, runner, qsettings, date(2026, 11, 24), "王芳")
    qtbot.addWidget(page)
    page.reload()
    column = next(i for i, c in enumerate(page.model.columns) if c.key == "zombie")
    marks = {page.model.id_at(r): page.model.data(page.model.index(r, column)) for r in range(page.model.rowCount())}
    assert {sid for sid, text in marks.items() if text == "疑似"} == flagged & set(marks)
    assert flagged & set(marks), "the demo has flagged stations in the register"
