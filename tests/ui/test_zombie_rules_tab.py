"""僵尸站点规则 (设置): the six rules shown with their periods, saved, refused and restored."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from stationdesk.domain.zombie_rules import DEFAULT_SETTINGS, PARAMETERS, RuleSetting, ZombieRule
from stationdesk.errors import EnvironmentProblem, ValidationFailed
from stationdesk.services import zombies
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.zombie_rules_tab import EXPLANATIONS, ZombieRulesTab


def open_tab(qtbot, db: Database) -> ZombieRulesTab:  # type: ignore[no-untyped-def]
    tab = ZombieRulesTab(db, "王芳")
    qtbot.addWidget(tab)
    tab.show()
    return tab


def type_into(qtbot, tab: ZombieRulesTab, rule: ZombieRule, text: str) -> None:  # type: ignore[no-untyped-def]
    spin = tab.parameters[rule]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, text)


def test_every_rule_is_shown_with_its_switch_period_and_explanation(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, db)
    assert list(tab.enabled) == list(ZombieRule) and all(c.isChecked() for c in tab.enabled.values())
    assert set(tab.parameters) == set(PARAMETERS)
    for rule, (_unit, low, high) in PARAMETERS.items():
        spin = tab.parameters[rule]
        assert (spin.minimum(), spin.maximum(), spin.value()) == (low, high, DEFAULT_SETTINGS[rule].parameter)
    assert set(EXPLANATIONS) == set(ZombieRule)
    assert not tab.is_dirty and not tab.save_button.isEnabled()


def test_a_changed_period_and_a_rule_switched_off_are_saved(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, db)
    type_into(qtbot, tab, ZombieRule.SILENT, "18")
    tab.enabled[ZombieRule.FAILED_REEXAM].setChecked(False)
    assert tab.is_dirty and tab.save_button.isEnabled()
    with qtbot.waitSignal(tab.saved):
        qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    stored = zombies.rule_settings(db)
    assert stored[ZombieRule.SILENT] == RuleSetting(True, 18)
    assert stored[ZombieRule.FAILED_REEXAM].enabled is False
    assert stored[ZombieRule.STALE_OVERDUE] == DEFAULT_SETTINGS[ZombieRule.STALE_OVERDUE]
    assert not tab.is_dirty and tab.status.text() == "已保存，下次排查按新规则执行"
    again = open_tab(qtbot, db)
    assert again.parameters[ZombieRule.SILENT].value() == 18
    assert not again.enabled[ZombieRule.FAILED_REEXAM].isChecked()


def test_a_period_out_of_range_is_refused_and_nothing_is_saved(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, db)
    tab.enabled[ZombieRule.HOST_CLOSED].setChecked(False)
    type_into(qtbot, tab, ZombieRule.STALE_OVERDUE, "0")
    message = tab.messages[ZombieRule.STALE_OVERDUE]
    assert message.isVisible() and message.text() == "超期案件长期未结：应为 1 至 3650（天超期未结）"
    assert not tab.save_button.isEnabled()
    assert tab.save() is False
    assert zombies.rule_settings(db) == DEFAULT_SETTINGS
    tab.enabled[ZombieRule.STALE_OVERDUE].setChecked(False)
    assert not message.isVisible(), "a switched-off rule's period is not judged"
    assert not tab.parameters[ZombieRule.STALE_OVERDUE].isEnabled()


def test_the_services_refusal_is_shown_beside_its_rule(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    def refuse(*_args: Any) -> None:
        raise ValidationFailed({"silent": "长期无活动：应为 1 至 120（个月无调解、无咨询）"})

    tab = open_tab(qtbot, db)
    monkeypatch.setattr(zombies, "save_rule_settings", refuse)
    tab.parameters[ZombieRule.SILENT].setValue(24)
    assert tab.save() is False
    assert tab.messages[ZombieRule.SILENT].text() == "长期无活动：应为 1 至 120（个月无调解、无咨询）"
    assert tab.is_dirty


def test_an_environment_problem_is_shown_and_the_edit_stays(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    shown: list[BaseException] = []
    monkeypatch.setattr(dialogs, "show_error", lambda _parent, exc, context="": shown.append(exc))

    def read_only(*_args: Any) -> None:
        raise EnvironmentProblem("数据库文件是只读的，无法保存")

    tab = open_tab(qtbot, db)
    monkeypatch.setattr(zombies, "save_rule_settings", read_only)
    tab.parameters[ZombieRule.NEVER_ACTIVE].setValue(9)
    assert tab.save() is False
    assert [str(e) for e in shown] == ["数据库文件是只读的，无法保存"]
    assert tab.parameters[ZombieRule.NEVER_ACTIVE].value() == 9 and tab.is_dirty


def test_defaults_are_restored_on_screen_and_stored_only_on_save(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    zombies.save_rule_settings(db, {**DEFAULT_SETTINGS, ZombieRule.SILENT: RuleSetting(False, 24)}, "张科长")
    tab = open_tab(qtbot, db)
    assert not tab.enabled[ZombieRule.SILENT].isChecked() and tab.parameters[ZombieRule.SILENT].value() == 24
    qtbot.mouseClick(tab.defaults_button, Qt.MouseButton.LeftButton)
    assert tab.enabled[ZombieRule.SILENT].isChecked() and tab.parameters[ZombieRule.SILENT].value() == 12
    assert tab.is_dirty and tab.status.text() == "已恢复为默认值，保存后生效"
    assert zombies.rule_settings(db)[ZombieRule.SILENT] == RuleSetting(False, 24)
    assert tab.save()
    assert zombies.rule_settings(db) == DEFAULT_SETTINGS


def test_discarding_goes_back_to_the_stored_rules(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, db)
    type_into(qtbot, tab, ZombieRule.SILENT, "0")
    assert tab.revert_button.isEnabled()
    qtbot.mouseClick(tab.revert_button, Qt.MouseButton.LeftButton)
    assert tab.parameters[ZombieRule.SILENT].value() == 12
    assert tab.parameters[ZombieRule.SILENT].hasAcceptableInput()
    assert not tab.messages[ZombieRule.SILENT].isVisible() and not tab.is_dirty
