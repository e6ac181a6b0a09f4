"""首次使用向导: bureau, database (a new file, an existing one, a PostgreSQL server that must answer
测试连接 first), how to begin; then carried out once the database is open."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWizard
from sqlalchemy import make_url

from stationdesk.config import (
    data_dir,
    needs_first_run,
    resolve_settings,
    save_database_url,
    saved_database_url,
    sqlite_url,
)
from stationdesk.services import preferences
from stationdesk.ui.app import StationDeskApp
from stationdesk.ui.first_run import FirstRunChoice, FirstRunWizard
from stationdesk.ui.import_wizard import ImportWizard
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import ENV_TEST_DATABASE_URL, TODAY, DatabaseLocation, location_url


@pytest.fixture
def wizard(qtbot: Any, runner: TaskRunner, tmp_path: Path) -> FirstRunWizard:
    widget = FirstRunWizard(runner, tmp_path / "本机" / "stationdesk.sqlite")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _to_database_page(wizard: FirstRunWizard) -> None:
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled(), "the bureau's name is asked for"
    wizard.bureau_page.bureau.setText("常州市市场监督管理局")
    assert next_button.isEnabled()
    wizard.next()
    assert wizard.currentPage() is wizard.database_page


def test_a_new_file_in_the_default_place(wizard: FirstRunWizard, tmp_path: Path) -> None:
    _to_database_page(wizard)
    assert wizard.database_page.isComplete()
    wizard.next()
    wizard.start_page.sample.setChecked(True)
    assert wizard.choice() == FirstRunChoice(
        "常州市市场监督管理局", sqlite_url(tmp_path / "本机" / "stationdesk.sqlite"), "sample"
    )


def test_an_existing_file_must_exist(wizard: FirstRunWizard, tmp_path: Path) -> None:
    _to_database_page(wizard)
    page = wizard.database_page
    page.existing_file.setChecked(True)
    page.file.setText(str(tmp_path / "没有这个文件.sqlite"))
    assert not page.isComplete()
    copy = tmp_path / "同事的台账.sqlite"
    copy.write_bytes(b"")
    page.file.setText(str(copy))
    assert page.isComplete() and page.database_url() == sqlite_url(copy)


def test_a_wrong_server_address_is_named_and_blocks_the_way_on(wizard: FirstRunWizard) -> None:
    _to_database_page(wizard)
    page = wizard.database_page
    page.server.setChecked(True)
    assert not page.isComplete(), "not before a test"
    page.test()
    assert page.result.text() == "请填写服务器地址"
    page.host.setText("127.0.0.1")
    page.port.setValue(1)  # nothing listens there
    page.user.setText("stationdesk")
    page.password.setText("secret")
    page.test()
    assert page.result.text().startswith("连接失败：无法连接数据库服务器")
    assert not page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.host.setText("no-such-server.invalid")
    page.port.setValue(5432)
    page.test()
    assert "找不到数据库服务器" in page.result.text()


@pytest.mark.database  # so the PostgreSQL pass of .ci/run, which has a server, runs it
@pytest.mark.skipif(not os.environ.get(ENV_TEST_DATABASE_URL), reason="no PostgreSQL configured")
def test_a_server_that_answers_lets_the_wizard_go_on(wizard: FirstRunWizard) -> None:
    server = make_url(os.environ[ENV_TEST_DATABASE_URL])
    _to_database_page(wizard)
    page = wizard.database_page
    page.server.setChecked(True)
    page.host.setText(server.host or "localhost")
    page.port.setValue(server.port or 5432)
    page.database.setText(server.database or "postgres")
    page.user.setText(server.username or "")
    page.password.setText(server.password or "")
    page.test()
    assert page.result.text().startswith("连接成功（PostgreSQL"), page.result.text()
    assert page.isComplete()
    page.password.setText("changed")
    assert not page.isComplete(), "an edit after the test calls for another"


def test_the_choice_is_remembered_for_this_user(tmp_path: Path) -> None:
    assert needs_first_run()
    folder = data_dir()
    save_database_url(folder, "postgresql+psycopg://zx:p%40ss@192.168.1.20:5432/stationdesk")
    assert saved_database_url(folder) == "postgresql+psycopg://zx:p%40ss@192.168.1.20:5432/stationdesk"
    assert (folder / "database.json").stat().st_mode & 0o077 == 0, "the password is the user's alone"
    assert not needs_first_run()
    assert resolve_settings().database_url.startswith("postgresql+psycopg://zx")
    assert resolve_settings(db_path=str(tmp_path / "x.sqlite")).database_url == sqlite_url(tmp_path / "x.sqlite")
    (folder / "database.json").write_text("{broken", encoding="utf-8")
    assert saved_database_url(folder) is None


def test_carried_out_once_open_bureau_name_and_the_roster_import(
    qtbot: Any, runner: TaskRunner, new_db_location: DatabaseLocation
) -> None:
    from stationdesk.config import Settings

    choice = FirstRunChoice("常州市市场监督管理局", location_url(new_db_location), "import")
    settings = Settings(database_url=choice.database_url, data_dir=data_dir())
    desk = StationDeskApp(settings, runner, today=TODAY, offer_sample=False, actor="王芳", first_run=choice)
    qtbot.addWidget(desk.window)
    desk.start()
    qtbot.waitUntil(lambda: any(isinstance(w, ImportWizard) for w in desk.window.findChildren(ImportWizard)))
    assert desk.opened is not None
    assert preferences.get(desk.opened.db, "bureau_name") == "常州市市场监督管理局"
    assert desk.window.pages.currentWidget() is desk.window.register_page
    desk.close_database()
