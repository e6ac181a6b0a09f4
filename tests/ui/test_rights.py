"""What each role sees: another county's station is shown read-only to a county user, and
pages hide what a role may not do. The services refuse as well (tests/services/test_access.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from stationdesk.services import stations
from stationdesk.services.access import PermissionDenied
from stationdesk.ui import dialogs
from stationdesk.ui.cases_page import CasesPage
from stationdesk.ui.reexam_page import ReexamPage
from stationdesk.ui.settings_page import SettingsPage
from stationdesk.ui.station_dialog import StationDialog
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import ADMIN, TODAY, Desk, account

OWN = "天宁小李"


@pytest.fixture
def two_counties(desk: Desk) -> tuple[Desk, int, int]:
    own = desk.station("红梅超市消费维权服务站")
    other = desk.station("南大街商圈维权服务站", county_id=desk.other_county_id)
    account(desk.db, ADMIN, "admin")
    account(desk.db, OWN, "county", desk.county_id)
    account(desk.db, "市局老陈", "city")
    account(desk.db, "审计小周", "read_only")
    return desk, own, other


def _dialog(qtbot: QtBot, desk: Desk, actor: str, station_id: int) -> StationDialog:
    dialog = StationDialog(desk.db, actor, TODAY, station_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_a_county_user_sees_another_countys_station_read_only(qtbot: QtBot, two_counties: tuple[Desk, int, int]) -> None:
    desk, own, other = two_counties
    mine = _dialog(qtbot, desk, OWN, own)
    assert mine.save_button.isVisible() and mine.form.isEnabled() and not mine.read_only.isVisible()
    theirs = _dialog(qtbot, desk, OWN, other)
    assert theirs.read_only.isVisible() and "只能修改本县区" in theirs.read_only.text()
    assert not theirs.form.isEnabled()
    assert not any(b.isVisible() for b in (theirs.save_button, theirs.status_button, theirs.check_button))
    assert theirs.print_button.isVisible()  # reading and printing stay open
    assert theirs.cases is not None and not theirs.cases.new_button.isVisible()
    assert not theirs.fund.payout_button.isVisible() and not theirs.consultations.entry.isVisible()


def test_saving_another_countys_station_anyway_is_refused_and_nothing_changes(
    qtbot: QtBot, two_counties: tuple[Desk, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    desk, _own, other = two_counties
    shown: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: shown.append(text))
    dialog = _dialog(qtbot, desk, OWN, other)
    dialog.form.setEnabled(True)  # as if the form had been left open when the role changed
    dialog.form.contact_phone.setText("0519-88776655")
    before = stations.get_station(desk.db, other)
    dialog.save()
    after = stations.get_station(desk.db, other)
    assert (after.version, after.draft.contact_phone) == (before.version, before.draft.contact_phone)
    assert shown and "只能修改本县区" in shown[0]


def test_a_reader_may_not_add_cases_and_only_an_administrator_sees_accounts(
    qtbot: QtBot, two_counties: tuple[Desk, int, int], tmp_path: Path
) -> None:
    desk, _own, _other = two_counties
    settings = QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)
    runner = TaskRunner(synchronous=True)
    cases = CasesPage(desk.db, runner, settings, TODAY, "审计小周")
    qtbot.addWidget(cases)
    cases.show()
    assert not cases.new_button.isVisible() and cases.open_case(None) is None
    reexam = ReexamPage(desk.db, runner, settings, TODAY, "市局老陈")
    qtbot.addWidget(reexam)
    reexam.show()
    assert reexam.start_button.isVisible() and not reexam.reopen_button.isVisible()

    for actor, sees_accounts, may_set in ((ADMIN, True, True), ("市局老陈", False, False), (OWN, False, False)):
        page = SettingsPage(desk.db, settings, TODAY, actor, runner)
        qtbot.addWidget(page)
        assert (page.accounts is not None) is sees_accounts
        assert page.bureau.isEnabled() is may_set
        assert (page.note is None) is may_set


def test_the_service_is_the_lock_whatever_the_window_shows(two_counties: tuple[Desk, int, int]) -> None:
    desk, _own, other = two_counties
    detail = stations.get_station(desk.db, other)
    with pytest.raises(PermissionDenied):
        stations.update_station(desk.db, other, detail.draft, detail.version, "审计小周", TODAY)
