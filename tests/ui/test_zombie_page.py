"""The 僵尸站点 page driven as a user would: sweep, filter, select, decide (清除, 重建升级, 暂缓) and
see the decided stations leave the queue, with the register and the history changed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester

from stationdesk.domain.vocabulary import HistoryKind, StationStatus, ZombieAction
from stationdesk.domain.zombie_rules import RuleSetting, ZombieRule
from stationdesk.services import stations, zombies
from stationdesk.services.zombies import FlaggedStation
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.list_model import ListModel
from stationdesk.ui.site_check_dialog import SiteCheckDialog
from stationdesk.ui.tasks import TaskContext, TaskRunner
from stationdesk.ui.zombie_dialogs import ZombieDecisionDialog
from stationdesk.ui.zombie_page import HEADER_KEY, ZombiePage

TODAY = date(2026, 11, 24)
ACTOR = "王芳"


class Boxes:
    """Stands in for `ui.dialogs`: records every message."""

    def __init__(self) -> None:
        self.informs: list[str] = []
        self.warnings: list[str] = []
        self.errors: list[BaseException] = []

    def inform(self, _parent: Any, _title: str, text: str) -> None:
        self.informs.append(text)

    def warn(self, _parent: Any, _title: str, text: str) -> None:
        self.warnings.append(text)

    def show_error(self, _parent: Any, exc: BaseException, _context: str = "") -> None:
        self.errors.append(exc)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    fake = Boxes()
    monkeypatch.setattr(dialogs, "inform", fake.inform)
    monkeypatch.setattr(dialogs, "warn", fake.warn)
    monkeypatch.setattr(dialogs, "show_error", fake.show_error)
    return fake


@pytest.fixture
def page(qtbot, demo_db: Database, runner: TaskRunner, qsettings: QSettings, boxes: Boxes) -> ZombiePage:  # type: ignore[no-untyped-def]
    widget = ZombiePage(demo_db, runner, qsettings, TODAY, ACTOR)
    qtbot.addWidget(widget)
    widget.resize(1300, 750)
    widget.show()
    with qtbot.waitSignal(widget.loaded):
        qtbot.mouseClick(widget.sweep_button, Qt.MouseButton.LeftButton)
    return widget


def texts(model: ListModel, header: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> list[Any]:  # type: ignore[type-arg]
    column = next(i for i, c in enumerate(model.columns) if c.header == header)
    return [model.data(model.index(r, column), role) for r in range(model.rowCount())]


def select(page: ZombiePage, rows: list[FlaggedStation]) -> None:
    page.table.clearSelection()
    selection = page.table.selectionModel()
    wanted = {r.station_id for r in rows}
    for number, row in enumerate(page.model.rows):
        if row.station_id in wanted:
            selection.select(page.model.index(number, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)


def shown_ids(page: ZombiePage) -> set[int]:
    return {r.station_id for r in page.model.rows}


def open_decision(qtbot, page: ZombiePage, action: ZombieAction) -> ZombieDecisionDialog:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.decision_buttons[action], Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ZombieDecisionDialog)
    return dialog


# -- the queue ---------------------------------------------------------------------------------
def test_the_sweep_fills_the_queue_highest_score_first_with_its_evidence(page: ZombiePage) -> None:
    expected = zombies.sweep(page._db, TODAY)
    assert 40 <= len(expected) <= 50
    assert [r.station_id for r in page.model.rows] == [r.station_id for r in expected]
    scores = [int(s) for s in texts(page.model, "评分")]
    assert scores == sorted(scores, reverse=True)
    first = page.model.rows[0]
    assert texts(page.model, "依据")[0] == first.flag.summary()
    assert texts(page.model, "依据", Qt.ItemDataRole.ToolTipRole)[0] == "\n".join(e.text for e in first.flag.evidence)
    assert texts(page.model, "命中规则")[0] == "、".join(r.label for r in first.flag.rules)
    assert all(texts(page.model, "依据")) and all(texts(page.model, "命中规则"))
    assert page.shown.text() == f"显示 {len(expected)} / {len(expected)} 个站点"


def test_the_summary_counts_the_stations_by_rule(page: ZombiePage) -> None:
    rows = page.model.rows
    silent = sum(ZombieRule.SILENT in r.flag.rules for r in rows)
    host = sum(ZombieRule.HOST_CLOSED in r.flag.rules for r in rows)
    text = page.summary.text()
    assert text.startswith(f"疑似僵尸站点 {len(rows)} 个；按规则：长期无活动 {silent}、")
    assert f"依托单位异常 {host}" in text
    assert "未启用" not in text


def test_the_summary_names_the_rules_switched_off_and_the_queue_follows_the_saved_rules(
    qtbot, page: ZombiePage  # type: ignore[no-untyped-def]
) -> None:
    settings = zombies.rule_settings(page._db)
    settings[ZombieRule.SILENT] = RuleSetting(False, 12)
    zombies.save_rule_settings(page._db, settings, "张科长")
    qtbot.mouseClick(page.sweep_button, Qt.MouseButton.LeftButton)
    assert all(ZombieRule.SILENT not in r.flag.rules for r in page.model.rows)
    assert page.summary.text().endswith("；未启用：长期无活动")
    assert "长期无活动 " not in page.summary.text()


def test_a_station_never_active_shows_never_and_its_months_since_set_up(page: ZombiePage) -> None:
    never = [n for n, r in enumerate(page.model.rows) if r.last_activity_on is None]
    assert never, "the demo has stations with no activity at all"
    assert {texts(page.model, "最近活动")[n] for n in never} == {"从无"}
    assert all(texts(page.model, "无活动月数")[n].isdigit() for n in never)


def test_the_rule_county_and_text_filters_narrow_the_queue(qtbot, page: ZombiePage) -> None:  # type: ignore[no-untyped-def]
    total = page.model.rowCount()
    page.rule_filter.setCurrentIndex(page.rule_filter.findData(ZombieRule.UNREACHABLE.value))
    assert 0 < page.model.rowCount() < total
    assert all(ZombieRule.UNREACHABLE in r.flag.rules for r in page.model.rows)
    assert all("联系不上" in text for text in texts(page.model, "命中规则"))
    page.rule_filter.setCurrentIndex(0)
    county = page.model.rows[0].county
    page.county_filter.setCurrentIndex(page.county_filter.findData(county))
    assert 0 < page.model.rowCount() < total and set(texts(page.model, "县区")) == {county}
    page.county_filter.setCurrentIndex(0)
    target = page.model.rows[3]
    page.search.insert(target.name[:5])
    qtbot.waitUntil(lambda: page.model.rowCount() < total, timeout=2000)
    assert target in page.model.rows
    assert page.shown.text().endswith(f"/ {total} 个站点")


def test_the_model_passes_qt_model_checks(qtbot, page: ZombiePage) -> None:  # type: ignore[no-untyped-def]
    ModelTester(qtbot).check(page.model)


def test_a_wrong_date_is_named_and_nothing_is_swept(page: ZombiePage) -> None:
    before = page.model.rows
    page.as_of.setText("2026-13-01")
    page.reload()
    assert "月份应为1到12" in page.as_of_message.text()
    assert page.model.rows == before


def test_a_cancelled_sweep_keeps_the_last_queue(qtbot, page: ZombiePage, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    before = page.model.rows
    monkeypatch.setattr(TaskContext, "cancelled", property(lambda _self: True))
    qtbot.mouseClick(page.sweep_button, Qt.MouseButton.LeftButton)
    assert page.model.rows == before
    assert page.note.text() == "已取消排查，列表仍为上次排查的结果"
    assert page.sweep_button.isEnabled()


def test_decision_buttons_need_a_selection_and_double_click_opens_the_station(qtbot, page: ZombiePage) -> None:  # type: ignore[no-untyped-def]
    assert not any(b.isEnabled() for b in page.decision_buttons.values())
    row = page.model.rows[2]
    select(page, [row])
    assert all(b.isEnabled() for b in page.decision_buttons.values()) and page.open_button.isEnabled()
    with qtbot.waitSignal(page.open_station) as signal:
        page.table.doubleClicked.emit(page.model.index(2, 1))
    assert signal.args == [row.station_id]


def test_the_header_is_remembered(qtbot, demo_db: Database, runner: TaskRunner, qsettings: QSettings) -> None:  # type: ignore[no-untyped-def]
    first = ZombiePage(demo_db, runner, qsettings, TODAY, ACTOR)
    qtbot.addWidget(first)
    first.table.setColumnWidth(1, 321)
    first.save_state()
    assert qsettings.value(HEADER_KEY) is not None
    second = ZombiePage(demo_db, runner, qsettings, TODAY, ACTOR)
    qtbot.addWidget(second)
    assert second.table.columnWidth(1) == 321


# -- deciding ----------------------------------------------------------------------------------
def test_removing_two_selected_stations_closes_them_records_history_and_drops_them(
    qtbot, page: ZombiePage, boxes: Boxes  # type: ignore[no-untyped-def]
) -> None:
    chosen = page.model.rows[1:3]
    select(page, chosen)
    dialog = open_decision(qtbot, page, ZombieAction.REMOVE)
    assert dialog.stations.rows == chosen
    assert "以下 2 个疑似僵尸站点" in dialog.heading.text()
    assert not dialog.ok_button.isEnabled()
    dialog.reason.insertPlainText("两年无调解、无咨询，现场核实站点已不存在")
    assert not dialog.ok_button.isEnabled() and "清除站点须填写批准人" in dialog.pending.text()
    dialog.approver.insert("张科长")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(page.decided):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert boxes.informs == ["已处置 2 个站点"]
    assert page.note.text() == "已处置 2 个站点"
    assert page.dialog is None
    for row in chosen:
        assert stations.get_station(page._db, row.station_id).status == StationStatus.REMOVED.value
        history = stations.station_history(page._db, row.station_id)
        assert history[0].kind == HistoryKind.ZOMBIE.value and HistoryKind(history[0].kind).label == "僵尸站点处置"
        assert "两年无调解" in history[0].reason and history[0].person == ACTOR
    assert not shown_ids(page) & {r.station_id for r in chosen}
    assert page.model.rowCount() == len(zombies.sweep(page._db, TODAY))


def test_rebuilding_creates_the_successor_and_the_summary_names_its_code(
    qtbot, page: ZombiePage, boxes: Boxes  # type: ignore[no-untyped-def]
) -> None:
    old = page.model.rows[0]
    select(page, [old])
    dialog = open_decision(qtbot, page, ZombieAction.REBUILD)
    assert "12315消费维权服务站" in dialog.effect.text()
    dialog.reason.insertPlainText("依托单位仍在经营，站点需保留，按新标准重建")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    links = zombies.lineage(page._db, old.station_id)
    assert links.successor is not None
    new_id, new_code, new_name = links.successor
    assert zombies.lineage(page._db, new_id).predecessor == (old.station_id, old.code, old.name)
    assert new_name.endswith("12315消费维权服务站")
    assert boxes.informs == [f"已处置 1 个站点；新建站点 {new_code}"]
    assert stations.get_station(page._db, old.station_id).status == StationStatus.REMOVED.value
    assert old.station_id not in shown_ids(page)


def test_a_deferred_station_is_hidden_until_its_date(qtbot, page: ZombiePage) -> None:  # type: ignore[no-untyped-def]
    row = page.model.rows[4]
    select(page, [row])
    dialog = open_decision(qtbot, page, ZombieAction.DEFER)
    dialog.reason.insertPlainText("依托单位装修停业，春节后复业再核查")
    dialog.deadline.insert("2027-02-28")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert row.station_id not in shown_ids(page)
    assert stations.get_station(page._db, row.station_id).status == row.status
    page.as_of.setText("2027-02-28")
    qtbot.mouseClick(page.sweep_button, Qt.MouseButton.LeftButton)
    assert row.station_id not in shown_ids(page), "still deferred on its last day"
    page.as_of.setText("2027-03-01")
    qtbot.mouseClick(page.sweep_button, Qt.MouseButton.LeftButton)
    assert row.station_id in shown_ids(page)
    again = next(r for r in page.model.rows if r.station_id == row.station_id)
    assert page.model.columns[[c.header for c in page.model.columns].index("上次处置")].text(again) == "暂缓（2026-11-24）"
    assert "仅供预览" in page.summary.text()


def test_a_station_decided_elsewhere_meanwhile_is_reported_and_the_others_go_on(
    qtbot, page: ZombiePage, boxes: Boxes  # type: ignore[no-untyped-def]
) -> None:
    first, second = page.model.rows[5:7]
    select(page, [first, second])
    dialog = open_decision(qtbot, page, ZombieAction.REMOVE)
    zombies.decide(page._db, [first.station_id], "remove", reason="另一台电脑已处置", decided_on=TODAY,
                   actor="李明", today=TODAY, approver="张科长")  # fmt: skip
    dialog.reason.insertPlainText("长期无活动")
    dialog.approver.insert("张科长")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not boxes.informs
    assert boxes.warnings[0].startswith("已处置 1 个站点；1 个未能处置：") and "已撤销" in boxes.warnings[0]
    assert stations.get_station(page._db, second.station_id).status == StationStatus.REMOVED.value


def test_a_check_recorded_from_the_queue_sweeps_again(qtbot, page: ZombiePage, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in page.model.rows if r.flag.rules == (ZombieRule.UNREACHABLE,))
    select(page, [row])
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, SiteCheckDialog)
    dialog.inspector.insert("李检查")
    dialog.method_buttons["电话抽查"].setChecked(True)
    dialog.reachable_button.setChecked(True)
    with qtbot.waitSignal(page.loaded):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert row.station_id not in shown_ids(page), "reached at the latest check, nothing else fired"


def test_the_sweep_runs_off_the_gui_thread(qtbot, demo_db: Database, qsettings: QSettings, boxes: Boxes) -> None:  # type: ignore[no-untyped-def]
    threaded = TaskRunner()
    widget = ZombiePage(demo_db, threaded, qsettings, TODAY, ACTOR)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.reload()
        widget.reload()  # asked again while running: run once more after, not twice at once
    qtbot.waitUntil(lambda: widget.sweep_button.isEnabled(), timeout=10_000)
    assert threaded.wait_all()
    assert widget.model.rowCount() == len(zombies.sweep(demo_db, TODAY))
