"""操作日志 driven as a user would: the list, each filter narrowing it, the detail of an edit with
old → new, export to a real .xlsx, the integrity check (passing, then failing on a tampered row),
and nothing anywhere to edit or delete."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import text

from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.services import stations
from stationdesk.store.database import Database
from stationdesk.store.types import utc_now
from stationdesk.ui import dialogs
from stationdesk.ui.audit_page import CUSTOM, AuditPage
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import drop_audit_triggers

TODAY = date(2026, 11, 24)
SHOTS = os.environ.get("STATIONDESK_SCREENSHOTS")  # a folder: save what the page looks like there


@pytest.fixture
def edited(demo_db: Database) -> Database:
    """The demo sample with a phone edited by 王芳 and a station suspended by 李明."""
    detail = stations.get_station(demo_db, 4)
    draft = replace(detail.draft, contact_phone="13912345678")
    stations.update_station(demo_db, 4, draft, detail.version, "王芳", TODAY)
    stations.change_station_status(demo_db, 5, StationAction.SUSPEND, reason="站长调离", effective_on=TODAY,
                                   actor="李明", today=TODAY)  # fmt: skip
    return demo_db


def open_page(qtbot: Any, db: Database, runner: TaskRunner, qsettings: QSettings) -> AuditPage:
    page = AuditPage(db, runner, qsettings, TODAY)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    page.show()  # the page reads the trail when first shown
    return page


def shown(page: AuditPage, header: str) -> list[str]:
    model = page.browser.model
    column = next(i for i, c in enumerate(model.columns) if c.header == header)
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def pick(combo: Any, text_: str) -> None:
    combo.setCurrentIndex(combo.findText(text_))


def test_the_page_lists_the_trail_newest_first_and_shows_an_edit_old_and_new(qtbot, edited, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, edited, runner, qsettings)
    model = page.browser.model
    assert model.rowCount() > 2 and page.count_label.text() == f"共 {model.rowCount():,} 条"
    assert shown(page, "操作人")[:2] == ["李明", "王芳"]
    assert shown(page, "操作")[:2] == ["暂停", "修改"]
    assert shown(page, "对象")[:2] == ["站点", "站点"]
    code, name = stations.get_station(edited, 4).code, stations.get_station(edited, 4).name
    assert shown(page, "站点")[1] == f"{code} {name}"
    assert "联系电话：" in shown(page, "摘要")[1] and "→ 13912345678" in shown(page, "摘要")[1]
    page.browser.table.setCurrentIndex(model.index(1, 0))
    [(label, old, new)] = page.browser.detail.changes()
    assert (label, new) == ("联系电话", "13912345678") and old and old != new
    assert "王芳" in page.browser.detail.title.text() and "修改" in page.browser.detail.title.text()
    if SHOTS:
        qtbot.wait(50)  # let the layout follow the detail's new text
        page.grab().save(str(Path(SHOTS) / "audit_page.png"))


def test_each_filter_narrows_the_list(qtbot, edited, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, edited, runner, qsettings)
    everything = page.browser.model.rowCount()
    assert page.user.findText("王芳") > 0 and page.user.findText("李明") > 0

    pick(page.user, "王芳")
    assert set(shown(page, "操作人")) == {"王芳"} and page.browser.model.rowCount() < everything
    pick(page.user, "全部操作人")

    pick(page.action, "状态变更")
    assert shown(page, "操作") == ["暂停"]
    pick(page.action, "全部操作")

    pick(page.table, "站点类别")
    assert shown(page, "对象") and set(shown(page, "对象")) == {"站点类别"}
    pick(page.table, "全部对象")

    code = stations.get_station(edited, 4).code
    page.station.setText(code)
    page.apply_filters()  # what the search delay does
    assert shown(page, "站点") and {s.split()[0] for s in shown(page, "站点")} == {code}
    page.station.clear()
    page.apply_filters()

    pick(page.period, "自定义…")
    assert page.period.currentData() == CUSTOM and page.date_from.isEnabled()
    page.date_from.setDate(date(2020, 1, 1))
    page.date_to.setDate(date(2020, 12, 31))
    assert page.browser.model.rowCount() == 0 and page.count_label.text() == "共 0 条"
    today = utc_now().date()
    page.date_to.setDate(today + timedelta(days=1))
    page.date_from.setDate(today - timedelta(days=1))
    assert page.browser.model.rowCount() == everything


def test_the_list_is_read_only(qtbot, edited, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, edited, runner, qsettings)
    model = page.browser.model
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert {b.text() for b in page.findChildren(QPushButton)} == {"导出 Excel…", "校验完整性"}


def test_the_model_passes_qtmodeltester(qtbot, qtmodeltester, edited, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, edited, runner, qsettings)
    qtmodeltester.check(page.browser.model)


def test_export_writes_the_filtered_list_as_a_real_workbook(qtbot, edited, runner, qsettings, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, edited, runner, qsettings)
    pick(page.user, "王芳")
    target = tmp_path / "操作日志.xlsx"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: target)
    told: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, message, **_k: told.append(message) or False)
    page.export_excel()
    assert told and "已导出 1 行" in told[0]
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    headings = [c.value for c in sheet[1]]
    assert headings == ["时间", "操作人", "操作", "对象", "站点编号", "站点名称", "摘要"]
    row = [c.value for c in sheet[2]]
    assert isinstance(row[0], datetime) and sheet["A2"].number_format == "yyyy-mm-dd hh:mm:ss", "a real Excel time"
    assert abs((row[0] - datetime.now()).total_seconds()) < 3600, "local time"
    assert row[1:4] == ["王芳", "修改", "站点"]
    assert row[4] == stations.get_station(edited, 4).code
    assert "13912345678" in row[6]


def test_the_integrity_check_passes_then_finds_a_row_changed_outside_the_app(qtbot, edited, runner, qsettings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, edited, runner, qsettings)
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "inform", lambda _p, title, message: told.append((title, message)))
    monkeypatch.setattr(dialogs, "warn", lambda _p, title, message: told.append((title, message)))
    page.verify_button.click()
    assert told[-1][0] == "校验完整性" and "操作日志完整" in told[-1][1]
    assert page.verify_button.isEnabled()

    edit_id = page.browser.model.id_at(1)
    drop_audit_triggers(edited)
    with edited.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = '某人' WHERE id = :id"), {"id": edit_id})
    with qtbot.waitSignal(page.verified) as verified:
        page.verify_button.click()
    assert verified.args[0] is not None and verified.args[0].id == edit_id
    title, message = told[-1]
    assert title == "操作日志校验未通过" and f"日志编号 {edit_id}" in message and "某人" in message
    assert page.browser.table.current_id() == edit_id, "the broken row is selected"


def test_the_main_window_offers_the_audit_page_and_it_loads_when_first_shown(qtbot, runner, demo_db_location, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.config import Settings
    from stationdesk.ui.app import StationDeskApp
    from stationdesk.ui.main_window import SECTIONS
    from tests.conftest import location_url

    settings = Settings(database_url=location_url(demo_db_location), data_dir=tmp_path / "userdata")
    desk = StationDeskApp(settings, runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    window = desk.window
    page = window.audit_page
    assert page is not None and page.browser.model.rowCount() == 0, "nothing is read before the page is shown"
    window.nav.setCurrentRow([key for key, _label in SECTIONS].index("audit"))
    assert window.nav.currentItem().text() == "操作日志" and window.pages.currentWidget() is page
    assert page.browser.model.rowCount() > 0 and page.user.count() > 1
    opened: list[int] = []
    page.open_station.connect(opened.append)
    station_row = next(r for r in range(page.browser.model.rowCount())
                       if page.browser.model.row_object(r).station_id is not None)  # type: ignore[union-attr]
    page.browser.table.row_activated.emit(page.browser.model.id_at(station_row))
    assert len(opened) == 1
