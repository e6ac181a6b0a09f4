"""Starting the app: the first-run wizard makes the administrator; afterwards everyone signs in."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from stationdesk.config import Settings, sqlite_url
from stationdesk.services import accounts
from stationdesk.store.database import Database
from stationdesk.ui.app import StationDeskApp
from stationdesk.ui.sign_in import FirstAdministratorDialog, SignInDialog
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import ADMIN, PASSWORD, TODAY, account

pytestmark = pytest.mark.sqlite_only(reason="the app started on a SQLite file (sign-in itself is in tests/services/test_accounts.py)")


def _app(qtbot: QtBot, runner: TaskRunner, path: Path) -> StationDeskApp:
    desk = StationDeskApp(Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata"), runner,
                          today=TODAY, offer_sample=False)  # fmt: skip
    qtbot.addWidget(desk.window)
    desk.start()
    return desk


def test_a_new_database_asks_for_the_administrator_first(qtbot: QtBot, runner: TaskRunner, db_path: Path) -> None:
    desk = _app(qtbot, runner, db_path)
    dialog = desk.sign_in_dialog
    assert isinstance(dialog, FirstAdministratorDialog) and dialog.isVisible()
    assert desk.window.register_page is None  # nothing is shown before someone is known

    dialog.username.setText("wangfang")
    dialog.display_name.setText("王芳")
    dialog.password.setText("short")
    dialog.submit()
    assert "至少 8 位" in dialog.problem.text() and dialog.isVisible()

    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD + "x")
    dialog.submit()
    assert "两次输入的密码不一致" in dialog.problem.text()

    dialog.repeat.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: desk.window.register_page is not None)
    assert not dialog.isVisible()
    assert desk.actor == "wangfang"
    assert desk.window.user_label.text() == "用户：王芳（管理员）"
    assert desk.window.password_button.isVisibleTo(desk.window)
    assert [a.username for a in accounts.accounts(desk.opened.db)] == ["wangfang"]  # type: ignore[union-attr]


def test_signing_in_with_a_wrong_password_stays_and_says_so(
    qtbot: QtBot, runner: TaskRunner, db_path: Path, db: Database
) -> None:
    account(db, ADMIN, "admin")
    desk = _app(qtbot, runner, db_path)
    dialog = desk.sign_in_dialog
    assert isinstance(dialog, SignInDialog)
    dialog.username.setText(ADMIN)
    dialog.password.setText("wrong-pass1")
    dialog.submit()
    assert dialog.problem.text() == "用户名或密码不正确"
    assert dialog.password.text() == "" and desk.window.register_page is None

    dialog.password.setText(PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: desk.window.register_page is not None)
    assert desk.actor == ADMIN
    # The name is remembered for next time; the password is not.
    desk.window.close()
    desk.close_database()
    again = _app(qtbot, runner, db_path).sign_in_dialog
    assert isinstance(again, SignInDialog)
    assert (again.username.text(), again.password.text()) == (ADMIN, "")


def test_closing_the_sign_in_closes_the_app(qtbot: QtBot, runner: TaskRunner, db_path: Path, db: Database) -> None:
    account(db, ADMIN, "admin")
    desk = _app(qtbot, runner, db_path)
    assert desk.sign_in_dialog is not None
    desk.sign_in_dialog.reject()
    qtbot.waitUntil(lambda: not desk.window.isVisible())
    assert desk.window.register_page is None
