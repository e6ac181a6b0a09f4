"""The whole app started as a user starts it: window first, then the database, then the list."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QFontInfo

from stationdesk.config import Settings, data_dir
from stationdesk.ui import dialogs
from stationdesk.ui.app import StationDeskApp
from stationdesk.ui.main_window import SECTIONS
from tests.conftest import DatabaseLocation, location_url

TODAY = date(2026, 11, 24)


def _settings(where: DatabaseLocation) -> Settings:
    """Settings for the database at `where`: user data beside a SQLite file, else the test's own."""
    folder = where.parent / "userdata" if isinstance(where, Path) else data_dir()
    return Settings(database_url=location_url(where), data_dir=folder)


def test_app_opens_on_the_sample_and_fills_the_register(qtbot, runner, demo_db_location) -> None:  # type: ignore[no-untyped-def]
    desk = StationDeskApp(_settings(demo_db_location), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    page = desk.window.register_page
    assert page is not None
    assert page.model.rowCount() > 200
    assert "库中共" in desk.window.count_label.text()
    assert _settings(demo_db_location).display_location() in desk.window.location_label.text()
    assert [desk.window.nav.item(i).text() for i in range(desk.window.nav.count())] == [
        "首页概览",
        "站点台账",
        "调解记录",
        "先行赔付",
        "年度复核",
        "僵尸站点",
        "统计报表",
        "操作日志",
        "设置",
    ]


def test_the_bundled_chinese_font_is_what_renders(qtbot, runner, demo_db_location) -> None:  # type: ignore[no-untyped-def]
    desk = StationDeskApp(_settings(demo_db_location), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    assert QFontInfo(desk.window.font()).family().startswith("WenQuanYi Micro Hei")


def test_an_empty_database_offers_the_sample_and_fills_it(qtbot, runner, db_location, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, title, _t, **_k: asked.append(title) or True)
    desk = StationDeskApp(_settings(db_location), runner, today=TODAY, offer_sample=True, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    qtbot.waitUntil(lambda: bool(asked), timeout=3000)
    page = desk.window.register_page
    assert page is not None
    qtbot.waitUntil(lambda: page.model.rowCount() > 200, timeout=60_000)
    assert page.county.count() > 1, "the county filter learns the new counties"


def test_declining_the_sample_leaves_the_database_empty(qtbot, runner, db_location, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    desk = StationDeskApp(_settings(db_location), runner, today=TODAY, offer_sample=True, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    qtbot.wait(50)
    assert desk.window.register_page is not None
    assert desk.window.register_page.model.rowCount() == 0


@pytest.mark.sqlite_only(reason="a damaged SQLite file")
def test_a_broken_database_file_shows_a_chinese_message_and_is_not_touched(  # type: ignore[no-untyped-def]
    qtbot, runner, tmp_path, monkeypatch
) -> None:
    bogus = tmp_path / "坏文件.sqlite"
    bogus.write_bytes(b"not a database" * 200)
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, _title, text: shown.append(text))
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _title, text, **_k: shown.append(text) and False)
    desk = StationDeskApp(_settings(bogus), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    assert shown and "损坏" in shown[0] and "从备份恢复" in shown[0], "the way out is offered"
    assert "Traceback" not in shown[0]
    assert bogus.read_bytes() == b"not a database" * 200


def test_window_size_is_remembered(qtbot, runner, demo_db_location) -> None:  # type: ignore[no-untyped-def]
    settings = _settings(demo_db_location)
    desk = StationDeskApp(settings, runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    desk.window.resize(720, 520)  # within the offscreen screen (800×600)
    desk.window.close()
    again = StationDeskApp(settings, runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(again.window)
    assert (again.window.width(), again.window.height()) == (720, 520)


def test_the_case_and_payout_pages_load_when_first_shown(qtbot, runner, demo_db_location) -> None:  # type: ignore[no-untyped-def]
    desk = StationDeskApp(_settings(demo_db_location), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    window = desk.window
    assert window.cases_page is not None and window.payouts_page is not None
    assert window.cases_page.model.rowCount() == 0, "nothing is read before the page is shown"
    window.show_section("cases")
    assert window.pages.currentWidget() is window.cases_page
    assert window.cases_page.model.rowCount() > 100
    assert not window.count_label.isVisible(), "the station count belongs to the register"
    window.show_section("payouts")
    assert window.pages.currentWidget() is window.payouts_page
    assert "笔" in window.payouts_page.totals.text()
    window.show_section("reexam")
    assert window.pages.currentWidget() is window.reexam_page
    assert window.reexam_page.status.text(), "the round's state is shown"
    window.show_section("zombies")
    assert window.pages.currentWidget() is window.zombie_page
    assert window.zombie_page.model.rowCount() > 0, "the sweep ran when the page was first shown"


def test_leaving_with_unsaved_settings_asks_first(qtbot, runner, demo_db_location, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.ui import dialogs

    asked: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, title, *_a, **_k: asked.append(title) or False)
    desk = StationDeskApp(_settings(demo_db_location), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    window = desk.window
    window.nav.setCurrentRow([key for key, _label in SECTIONS].index("settings"))
    assert window.pages.currentWidget() is window.settings_page
    window.settings_page.rules.daily.setValue(7)
    assert not window.close(), "the user chose to go back"
    assert asked == ["设置尚未保存"]


def test_the_overview_is_home_and_its_numbers_open_their_lists(qtbot, runner, demo_db_location) -> None:  # type: ignore[no-untyped-def]
    desk = StationDeskApp(_settings(demo_db_location), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    window = desk.window
    home = window.overview_page
    assert home is not None and window.pages.currentWidget() is home
    assert home.overview is not None and home.watch is not None, "counted as soon as the database opened"
    assert not window.count_label.isVisible()

    overdue = home.overview.overdue
    home.link_activated.emit(overdue.link)
    assert window.pages.currentWidget() is window.cases_page and window.cases_page.overdue.isChecked()
    assert window.cases_page.model.rowCount() == overdue.value

    provincial = home.overview.by_level[0]
    home.link_activated.emit(provincial.link)
    assert window.pages.currentWidget() is window.register_page
    assert window.register_page.model.rowCount() == provincial.value
    assert window.register_page.level.currentData() == "provincial"

    new = home.overview.new_stations
    home.link_activated.emit(new.link)
    assert window.register_page.model.rowCount() == new.value
    assert window.register_page.period_note.text().startswith("只显示 2026-01-01 至 2026-11-24 新设")
    window.register_page.clear_period_button.click()
    assert not window.register_page.period_note.isVisible()

    window.show_section("overview")
    assert window.pages.currentWidget() is home


def test_one_zombie_sweep_at_start_serves_the_overview_and_the_registers_marks(  # type: ignore[no-untyped-def]
    qtbot, runner, demo_db_location, monkeypatch
) -> None:
    from stationdesk.services import zombies

    sweeps: list[object] = []
    real = zombies.sweep
    monkeypatch.setattr(zombies, "sweep", lambda *a, **k: sweeps.append(a) or real(*a, **k))
    desk = StationDeskApp(_settings(demo_db_location), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    window = desk.window
    assert window.overview_page is not None and window.overview_page.watch is not None
    assert window.register_page is not None and window.register_page.model.rowCount() > 0
    assert len(sweeps) == 1
    assert window.register_page._flagged == set(window.overview_page.watch.flagged)
    assert window.overview_page.watch.zombies.value == len(window.overview_page.watch.flagged) > 0
