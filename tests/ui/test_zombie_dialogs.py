"""The zombie forms on their own: the decision (what each action needs, checked as typed, and
what it changes), and the site check whose "联系不上" flags a station."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt

from stationdesk.domain.vocabulary import StationStatus, ZombieAction
from stationdesk.domain.zombie_rules import ZombieRule
from stationdesk.services import stations, zombies
from stationdesk.services.zombies import FlaggedStation
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.site_check_dialog import SiteCheckDialog
from stationdesk.ui.tasks import TaskRunner
from stationdesk.ui.zombie_dialogs import Batch, ZombieDecisionDialog

TODAY = date(2026, 11, 24)
ACTOR = "王芳"


@pytest.fixture
def flagged(demo_db: Database) -> list[FlaggedStation]:
    return zombies.sweep(demo_db, TODAY)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    shown: list[str] = []

    def warn(_parent: Any, _title: str, text: str) -> None:
        shown.append(text)

    monkeypatch.setattr(dialogs, "warn", warn)
    yield shown


def form(qtbot, db: Database, rows: list[FlaggedStation], action: ZombieAction) -> ZombieDecisionDialog:  # type: ignore[no-untyped-def]
    dialog = ZombieDecisionDialog(db, rows, action, ACTOR, TODAY, TaskRunner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def decided(dialog: ZombieDecisionDialog) -> list[Batch]:
    results: list[Batch] = []
    dialog.decided.connect(results.append)
    return results


# -- the decision form -------------------------------------------------------------------------
def test_the_form_lists_every_selected_station_with_the_rules_that_fired(qtbot, demo_db, flagged) -> None:  # type: ignore[no-untyped-def]
    dialog = form(qtbot, demo_db, flagged[:3], ZombieAction.REMOVE)
    model = dialog.stations
    assert model.rowCount() == 3
    assert [model.data(model.index(r, 0)) for r in range(3)] == [r.code for r in flagged[:3]]
    assert model.data(model.index(0, 3)) == "、".join(rule.label for rule in flagged[0].flag.rules)
    assert dialog.windowTitle() == "僵尸站点处置：清除（3 个站点）"
    assert set(dialog.fields) == {"reason", "decided_on", "approver"}
    assert dialog.fields["approver"].caption.text() == "批准人 *"
    assert dialog.decided_on.text() == "2026-11-24"


def test_removal_without_an_approver_keeps_ok_disabled_and_says_why(qtbot, demo_db, flagged) -> None:  # type: ignore[no-untyped-def]
    dialog = form(qtbot, demo_db, flagged[:2], ZombieAction.REMOVE)
    assert not dialog.fields["reason"].message.isVisible(), "a fresh form is not covered in red"
    assert dialog.pending.text() == "尚需：请填写处置理由；清除站点须填写批准人"
    dialog.reason.insertPlainText("连续两年无活动")
    dialog.approver.insert("张")
    dialog.approver.clear()
    assert not dialog.ok_button.isEnabled()
    message = dialog.fields["approver"].message
    assert message.isVisible() and message.text() == "清除站点须填写批准人"
    assert dialog.ok_button.toolTip() == "清除站点须填写批准人"
    assert dialog.save() is False
    assert all(stations.get_station(demo_db, r.station_id).status != StationStatus.REMOVED.value for r in flagged[:2])
    dialog.approver.insert("张科长")
    assert dialog.ok_button.isEnabled() and not message.isVisible() and dialog.pending.text() == ""


def test_a_decision_date_after_today_or_unreadable_is_refused_as_typed(qtbot, demo_db, flagged) -> None:  # type: ignore[no-untyped-def]
    dialog = form(qtbot, demo_db, flagged[:1], ZombieAction.REBUILD)
    dialog.reason.insertPlainText("重建")
    assert dialog.ok_button.isEnabled(), "重建升级 needs no approver"
    dialog.decided_on.setText("2026-11-25")
    assert dialog.fields["decided_on"].message.text() == "决定日期不能晚于今天（2026-11-24）"
    dialog.decided_on.setText("明天")
    assert "不是有效日期" in dialog.fields["decided_on"].message.text()
    assert not dialog.ok_button.isEnabled()


def test_revival_needs_the_items_and_a_deadline_after_the_decision(qtbot, demo_db, flagged) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in flagged if r.status == StationStatus.ACTIVE.value)
    dialog = form(qtbot, demo_db, [row], ZombieAction.REVIVE)
    results = decided(dialog)
    assert set(dialog.fields) == {"reason", "decided_on", "approver", "rectification", "deadline"}
    assert dialog.fields["deadline"].caption.text() == "整改期限 *"
    dialog.reason.insertPlainText("依托单位仍在经营，站点负责人已更换")
    assert "请列出整改事项" in dialog.pending.text() and "请填写整改期限" in dialog.pending.text()
    dialog.rectification.setPlainText("补挂统一标牌；公开联系电话")
    dialog.deadline.insert("2026-11-24")
    assert dialog.fields["deadline"].message.text() == "整改期限应晚于决定日期（2026-11-24）"
    assert not dialog.ok_button.isEnabled()
    dialog.deadline.setText("2027-02-28")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [b.summary() for b in results] == ["已处置 1 个站点"]
    assert stations.get_station(demo_db, row.station_id).status == StationStatus.RECTIFYING.value
    assert row.station_id not in {f.station_id for f in zombies.sweep(demo_db, TODAY)}
    assert row.station_id in {f.station_id for f in zombies.sweep(demo_db, date(2027, 3, 1))}, "judged again after"


def test_the_deferral_asks_for_the_date_it_waits_until(qtbot, demo_db, flagged) -> None:  # type: ignore[no-untyped-def]
    dialog = form(qtbot, demo_db, flagged[:1], ZombieAction.DEFER)
    assert set(dialog.fields) == {"reason", "decided_on", "approver", "deadline"}
    assert dialog.fields["deadline"].caption.text() == "暂缓至 *"
    assert "状态不变" in dialog.effect.text()


def test_the_decision_records_the_evidence_that_flagged_each_station(qtbot, demo_db, flagged) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from stationdesk.store.models import ZombieDecision

    dialog = form(qtbot, demo_db, flagged[:2], ZombieAction.REMOVE)
    dialog.reason.insertPlainText("名存实亡")
    dialog.approver.insert("张科长")
    assert dialog.save()
    with demo_db.reading() as session:
        saved = {d.station_id: (d.evidence, d.approver) for d in session.scalars(select(ZombieDecision))}
    for row in flagged[:2]:
        assert saved[row.station_id] == ([e.text for e in row.flag.evidence], "张科长")


def test_a_reason_over_500_characters_is_refused(qtbot, demo_db, flagged) -> None:  # type: ignore[no-untyped-def]
    dialog = form(qtbot, demo_db, flagged[:1], ZombieAction.DEFER)
    dialog.reason.insertPlainText("理" * 501)
    assert dialog.fields["reason"].message.text() == "理由不能超过500个字"


def test_cancelling_midway_keeps_what_was_decided_and_says_how_many_are_left(
    qtbot, demo_db, flagged, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    from stationdesk.ui.tasks import TaskContext

    calls: list[int] = []
    real = zombies.decide

    def decide_and_cancel(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(zombies, "decide", decide_and_cancel)
    monkeypatch.setattr(TaskContext, "cancelled", property(lambda _self: len(calls) >= 1))
    dialog = form(qtbot, demo_db, flagged[:3], ZombieAction.REMOVE)
    results = decided(dialog)
    dialog.reason.insertPlainText("名存实亡")
    dialog.approver.insert("张科长")
    assert dialog.save()
    assert [b.summary() for b in results] == ["已处置 1 个站点；已取消，其余 2 个站点未处置"]


# -- the site check ----------------------------------------------------------------------------
def test_an_unreachable_check_flags_the_station_as_unreachable(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.domain.vocabulary import CaseOutcome

    station = desk.station("青果巷文旅街区消费维权服务站")
    desk.case(station, date(2026, 10, 9), outcome=CaseOutcome.SUCCESS.value)
    assert zombies.sweep(desk.db, TODAY) == [], "active recently, nothing fires"
    dialog = SiteCheckDialog(desk.db, station, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "青果巷文旅街区消费维权服务站" in dialog.windowTitle()
    assert not dialog.ok_button.isEnabled()
    dialog.inspector.insert("李检查")
    dialog.method_buttons["电话抽查"].setChecked(True)
    assert not dialog.ok_button.isEnabled() and dialog.ok_button.toolTip() == "请选择是否联系得上"
    dialog.unreachable_button.setChecked(True)
    dialog.checked_on.setText("2026-11-20")
    dialog.findings.setPlainText("站长电话连续三天无人接听")
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    [flag] = zombies.sweep(desk.db, TODAY)
    assert flag.station_id == station and flag.flag.rules == (ZombieRule.UNREACHABLE,)
    assert flag.flag.summary() == "2026-11-20 检查时联系不上"


def test_a_check_dated_after_today_or_without_inspector_is_refused(qtbot, desk) -> None:  # type: ignore[no-untyped-def]
    dialog = SiteCheckDialog(desk.db, desk.station(), ACTOR, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reachable_button.setChecked(True)
    dialog.checked_on.setText("2026-12-01")
    assert dialog.fields["checked_on"].message.text() == "检查日期不能晚于今天（2026-11-24）"
    assert dialog.save() is False
    assert dialog.fields["inspector"].message.text() == "请填写检查人"
