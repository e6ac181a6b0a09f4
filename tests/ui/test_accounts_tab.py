"""设置 → 用户账号: the administrator adds, changes, disables accounts and resets passwords."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from stationdesk.domain.vocabulary import Role
from stationdesk.services import accounts
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.accounts_tab import AccountDialog, AccountsTab, PasswordDialog
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import ADMIN, PASSWORD, Desk, account


@pytest.fixture
def tab(qtbot: QtBot, desk: Desk) -> AccountsTab:
    account(desk.db, ADMIN, "admin")
    page = AccountsTab(desk.db, TaskRunner(synchronous=True), ADMIN)
    qtbot.addWidget(page)
    page.reload()
    return page


def _select(tab: AccountsTab, username: str) -> None:
    row = next(i for i, a in enumerate(tab.model.rows) if a.username == username)
    tab.table.selectRow(row)


def test_a_county_account_needs_its_county_and_a_good_password(qtbot: QtBot, tab: AccountsTab, desk: Desk) -> None:
    dialog = AccountDialog(desk.db, TaskRunner(synchronous=True), ADMIN)
    qtbot.addWidget(dialog)
    dialog.username.setText("tn.xiaoli")
    dialog.display_name.setText("李小")
    dialog.role.setCurrentIndex(dialog.role.findData(Role.COUNTY.value))
    dialog.password.setText("abc")
    dialog.submit()
    assert "县区人员需要选择所属县区" in dialog.problem.text() and "至少 8 位" in dialog.problem.text()
    dialog.county.setCurrentIndex(dialog.county.findData(desk.county_id))
    dialog.password.setText(PASSWORD)
    dialog.repeat.setText(PASSWORD)
    dialog.submit()
    made = {a.username: a for a in accounts.accounts(desk.db)}["tn.xiaoli"]
    assert (made.role, made.county_id, made.display_name) == (Role.COUNTY, desk.county_id, "李小")
    assert accounts.sign_in(desk.db, "tn.xiaoli", PASSWORD).county_id == desk.county_id


def test_changing_a_role_to_city_clears_the_county(qtbot: QtBot, tab: AccountsTab, desk: Desk) -> None:
    account(desk.db, "小李", "county", desk.county_id)
    tab.reload()
    _select(tab, "小李")
    row = tab.selected()
    assert row is not None
    dialog = AccountDialog(desk.db, TaskRunner(synchronous=True), ADMIN, row)
    qtbot.addWidget(dialog)
    assert dialog.username.isReadOnly()
    dialog.role.setCurrentIndex(dialog.role.findData(Role.CITY.value))
    assert not dialog.county.isEnabled()
    dialog.submit()
    changed = {a.username: a for a in accounts.accounts(desk.db)}["小李"]
    assert (changed.role, changed.county_id) == (Role.CITY, None)


def test_disable_asks_first_then_enable_and_reset(
    qtbot: QtBot, tab: AccountsTab, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    account(desk.db, "小李", "read_only")
    tab.reload()
    answers = iter([False, True])
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: next(answers))
    _select(tab, "小李")
    tab.toggle_selected()  # declined
    assert {a.username: a.active for a in accounts.accounts(desk.db)}["小李"] is True
    _select(tab, "小李")
    tab.toggle_selected()
    assert {a.username: a.active for a in accounts.accounts(desk.db)}["小李"] is False
    _select(tab, "小李")
    assert tab.toggle_button.text() == "启用"
    tab.toggle_selected()
    assert {a.username: a.active for a in accounts.accounts(desk.db)}["小李"] is True

    _select(tab, "小李")
    row = tab.selected()
    assert row is not None
    dialog = PasswordDialog(desk.db, TaskRunner(synchronous=True), ADMIN, row)
    qtbot.addWidget(dialog)
    dialog.password.setText("chongshe2026")
    dialog.repeat.setText("chongshe2026")
    dialog.submit()
    assert accounts.sign_in(desk.db, "小李", "chongshe2026").username == "小李"


def test_the_last_administrator_cannot_be_disabled_from_the_list(
    tab: AccountsTab, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: shown.append(text))
    _select(tab, ADMIN)
    tab.toggle_selected()
    assert shown and "不能停用自己" in shown[0]


def test_a_person_changes_their_own_password_knowing_the_old_one(qtbot: QtBot, tab: AccountsTab, desk: Desk) -> None:
    from stationdesk.ui.accounts_tab import OwnPasswordDialog

    dialog = OwnPasswordDialog(desk.db, TaskRunner(synchronous=True), ADMIN)
    qtbot.addWidget(dialog)
    dialog.old.setText("not-it-2026")
    dialog.password.setText("xinmima2027")
    dialog.repeat.setText("xinmima2027")
    dialog.submit()
    assert "原密码不正确" in dialog.problem.text()
    dialog.old.setText(PASSWORD)
    dialog.submit()
    assert accounts.sign_in(desk.db, ADMIN, "xinmima2027").username == ADMIN
