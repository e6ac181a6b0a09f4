"""设置 page: its two tabs, and the shared business rules saved, refused and re-read."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel

from stationdesk.domain.deadlines import DEADLINE_RULES
from stationdesk.errors import EnvironmentProblem
from stationdesk.services import preferences
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.settings_page import RULE_NOTE, TAB_KEY, BusinessRulesTab, SettingsPage

TODAY = date(2026, 11, 24)


def open_page(qtbot, db: Database, qsettings: QSettings) -> SettingsPage:  # type: ignore[no-untyped-def]
    page = SettingsPage(db, qsettings, TODAY, "王芳")
    qtbot.addWidget(page)
    page.resize(1200, 750)
    page.show()
    return page


def open_rules(qtbot, db: Database) -> BusinessRulesTab:  # type: ignore[no-untyped-def]
    tab = BusinessRulesTab(db, "王芳")
    qtbot.addWidget(tab)
    tab.show()
    return tab


def test_the_page_has_the_standards_and_the_business_rules(qtbot, db: Database, qsettings: QSettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, db, qsettings)
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["考核标准", "业务规则", "僵尸站点规则", "单位信息", "备份与恢复", "用户账号"]
    assert page.tabs.widget(0) is page.standards and page.tabs.widget(1) is page.rules
    assert not page.has_unsaved_changes


def test_the_open_tab_is_remembered(qtbot, db: Database, qsettings: QSettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, db, qsettings)
    page.tabs.setCurrentIndex(1)
    page.save_state()
    assert int(qsettings.value(TAB_KEY)) == 1
    again = open_page(qtbot, db, qsettings)
    assert again.tabs.currentIndex() == 1


def test_the_rules_tab_shows_every_deadline_rule_and_the_stored_values(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_rules(qtbot, db)
    assert [b.text() for b in tab.rule_buttons.values()] == [r.label for r in DEADLINE_RULES.values()]
    assert tab.rule_buttons[preferences.DEFAULTS["deadline_rule"]].isChecked()
    assert any(label.text() == RULE_NOTE for label in tab.findChildren(QLabel))
    assert (tab.count_basic.isChecked(), tab.daily.value(), tab.ranking.value()) == (True, 10, 3)
    assert (tab.daily.minimum(), tab.daily.maximum(), tab.ranking.minimum(), tab.ranking.maximum()) == (1, 100, 1, 50)
    assert not tab.save_button.isEnabled(), "nothing changed yet"


def test_saving_stores_the_deadline_rule_and_the_ranking_size(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_rules(qtbot, db)
    tab.rule_buttons["national"].setChecked(True)
    tab.ranking.setValue(5)
    tab.count_basic.setChecked(False)
    assert tab.is_dirty and tab.save_button.isEnabled()
    with qtbot.waitSignal(tab.saved):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    assert preferences.get(db, "deadline_rule") == "national"
    assert preferences.get(db, "ranking_size") == 5
    assert preferences.get(db, "satisfaction_counts_basic") is False
    assert preferences.get(db, "daily_follow_ups") == 10
    assert not tab.is_dirty and tab.status.text() == "已保存，所有电脑即时生效"
    again = open_rules(qtbot, db)
    assert again.rule_buttons["national"].isChecked(), "re-read from the database"


def test_a_ranking_size_of_zero_is_refused(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_rules(qtbot, db)
    tab.rule_buttons["station_fast"].setChecked(True)
    tab.ranking.setFocus()
    tab.ranking.selectAll()
    qtbot.keyClicks(tab.ranking, "0")
    message = tab._fields["ranking_size"].message
    assert message.isVisible() and message.text() == "应为 1 至 50 之间的整数，不能是“0”"
    assert not tab.save_button.isEnabled()
    assert tab.save() is False
    assert preferences.get(db, "ranking_size") == 3
    assert preferences.get(db, "deadline_rule") == "provincial", "nothing is saved while a value is refused"


def test_a_refusal_from_the_service_is_shown(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[BaseException] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, exc, context="": shown.append(exc))

    def read_only(*_args: object) -> None:
        raise EnvironmentProblem("数据库文件是只读的，无法保存", hint="请检查文件权限或以只读方式使用")

    tab = open_rules(qtbot, db)
    monkeypatch.setattr(preferences, "put_many", read_only)
    tab.daily.setValue(20)
    assert tab.save() is False
    assert [str(e) for e in shown] == ["数据库文件是只读的，无法保存（请检查文件权限或以只读方式使用）"]
    assert tab.daily.value() == 20 and tab.is_dirty, "the edit stays for another try"


def test_reload_keeps_unsaved_rule_edits(qtbot, db: Database, qsettings: QSettings) -> None:  # type: ignore[no-untyped-def]
    page = open_page(qtbot, db, qsettings)
    page.rules.ranking.setValue(7)
    preferences.put(db, "daily_follow_ups", 6, "张科长")  # another PC
    page.reload()
    assert page.rules.ranking.value() == 7 and page.has_unsaved_changes
    page.rules.reload()
    assert (page.rules.ranking.value(), page.rules.daily.value()) == (3, 6)
