"""The 年度复核 page driven as a user would: start a round, filter, confirm and override
proposals, score in the grid (typed, pasted, refused), rank, close and reopen."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester

from stationdesk.domain.vocabulary import ReexamOutcome, StationLevel
from stationdesk.services import reexam, stations
from stationdesk.services.reexam import ReexamRow, ScoreEntry
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.list_model import ListModel
from stationdesk.ui.reexam_dialogs import DecisionDialog, ReasonDialog, ScoreDialog
from stationdesk.ui.reexam_page import ReexamPage
from stationdesk.ui.score_grid import BAD_BACKGROUND, INSPECTED_ON, INSPECTOR, NOT_APPLICABLE, SUBTOTAL
from stationdesk.ui.tasks import TaskContext, TaskRunner

TODAY = date(2026, 11, 24)
ACTOR = "王芳"


class Boxes:
    """Stands in for `ui.dialogs`: records every message and answers confirmations."""

    def __init__(self) -> None:
        self.answer = True
        self.confirms: list[str] = []
        self.warnings: list[str] = []

    def confirm(self, _parent: Any, _title: str, text: str, yes: str = "", no: str = "") -> bool:
        self.confirms.append(text)
        return self.answer

    def warn(self, _parent: Any, _title: str, text: str) -> None:
        self.warnings.append(text)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    fake = Boxes()
    monkeypatch.setattr(dialogs, "confirm", fake.confirm)
    monkeypatch.setattr(dialogs, "warn", fake.warn)
    monkeypatch.setattr(dialogs, "inform", fake.warn)
    return fake


@pytest.fixture
def page(qtbot, demo_db: Database, runner: TaskRunner, qsettings: QSettings, boxes: Boxes) -> ReexamPage:  # type: ignore[no-untyped-def]
    widget = ReexamPage(demo_db, runner, qsettings, TODAY, ACTOR)
    qtbot.addWidget(widget)
    widget.resize(1300, 750)
    widget.show()
    widget.reload()
    return widget


@pytest.fixture
def started(qtbot, page: ReexamPage) -> ReexamPage:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert page.round_info is not None
    return page


def texts(model: ListModel, header: str) -> list[str]:  # type: ignore[type-arg]
    column = next(i for i, c in enumerate(model.columns) if c.header == header)
    return [model.data(model.index(r, column)) for r in range(model.rowCount())]


def select(page: ReexamPage, rows: list[ReexamRow]) -> None:
    page.table.clearSelection()
    selection = page.table.selectionModel()
    wanted = {r.id for r in rows}
    for number, row in enumerate(page.model.rows):
        if row.id in wanted:
            selection.select(page.model.index(number, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)


def row_of(page: ReexamPage, reexam_id: int) -> ReexamRow:
    return next(r for r in page.model.rows if r.id == reexam_id)


def first_proposed(page: ReexamPage, outcome: ReexamOutcome, level: StationLevel | None = None) -> ReexamRow:
    return next(r for r in page.model.rows if r.proposed == outcome.value and (level is None or r.level == level.value))


# -- starting ----------------------------------------------------------------------------------
def test_before_a_round_the_page_says_none_started_and_how_many_stations_it_would_cover(page: ReexamPage) -> None:
    count = len(reexam.demonstration_station_ids(page._db))
    assert page.status.text() == f"未开始（现有示范站点 {count} 个）"
    assert page.stack.currentWidget() is page.empty
    assert f"现有示范站点 {count} 个" in page.empty.text()
    assert page.start_button.isEnabled()
    assert not page.close_button.isEnabled() and not page.refresh_button.isEnabled()


def test_declining_the_confirmation_starts_nothing(qtbot, page: ReexamPage, boxes: Boxes) -> None:  # type: ignore[no-untyped-def]
    boxes.answer = False
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert reexam.round_of_year(page._db, 2026) is None
    assert page.round_info is None


def test_starting_a_round_lists_every_demonstration_station_with_a_proposal_and_its_reasons(
    started: ReexamPage, boxes: Boxes
) -> None:
    ids = reexam.demonstration_station_ids(started._db)
    assert f"{len(ids)} 个示范站点" in boxes.confirms[0]
    assert {r.station_id for r in started.model.rows} == set(ids)
    assert started.stack.currentWidget() is started.tabs
    assert all(texts(started.model, "系统建议")) and all(texts(started.model, "建议理由"))
    assert set(texts(started.model, "复核结论")) == {"待确认"}
    assert started.status.text() == f"进行中：{len(ids)} 个站点，已评分 0，已确认 0"
    assert not started.start_button.isEnabled() and started.close_button.isEnabled()
    assert started.grid.model.rowCount() == len(ids)
    rate = texts(started.model, "调解成功率")
    assert any("%（" in text and "/" in text for text in rate)


def test_proposals_are_coloured_by_how_serious_they_are(started: ReexamPage) -> None:
    column = next(i for i, c in enumerate(started.model.columns) if c.header == "系统建议")
    for number, row in enumerate(started.model.rows):
        colour = started.model.data(started.model.index(number, column), Qt.ItemDataRole.ForegroundRole)
        expected = {"keep": "#1b7f3b", "upgrade": "#1f5fbf", "rectify": "#a86400"}.get(row.proposed or "", "#b3261e")
        assert colour.name() == expected


def test_the_filter_and_the_search_narrow_the_list(qtbot, started: ReexamPage) -> None:  # type: ignore[no-untyped-def]
    total = started.model.rowCount()
    started.filter.setCurrentIndex(started.filter.findText("建议降级或淘汰"))
    assert 0 < started.model.rowCount() < total
    assert set(texts(started.model, "系统建议")) <= {"降级", "淘汰除名"}
    started.filter.setCurrentIndex(started.filter.findText("建议保留或升级"))
    assert set(texts(started.model, "系统建议")) <= {"保留", "推荐升级"}
    started.filter.setCurrentIndex(0)
    target = started.model.rows[5]
    started.search.insert(target.name[:6])
    qtbot.waitUntil(lambda: started.model.rowCount() < total, timeout=2000)
    assert target in started.model.rows
    assert all(target.name[:6] in r.name or target.name[:6] in r.code for r in started.model.rows)
    assert f"/ {total} 个站点" in started.shown.text()


def test_the_models_pass_qt_model_checks(qtbot, started: ReexamPage) -> None:  # type: ignore[no-untyped-def]
    ModelTester(qtbot).check(started.model)
    ModelTester(qtbot).check(started.grid.model)
    ModelTester(qtbot).check(started.ranking.overall_model)


# -- deciding ----------------------------------------------------------------------------------
def test_confirming_selected_proposals_changes_the_stations_level_in_the_register(
    qtbot, started: ReexamPage, boxes: Boxes  # type: ignore[no-untyped-def]
) -> None:
    downgraded = [r for r in started.model.rows if r.proposed == "downgrade" and r.level == "municipal"][:2]
    assert len(downgraded) == 2
    select(started, downgraded)
    assert started.confirm_button.isEnabled()
    qtbot.mouseClick(started.confirm_button, Qt.MouseButton.LeftButton)
    assert "所选 2 个站点" in boxes.confirms[-1] and "降级 2 个" in boxes.confirms[-1]
    for row in downgraded:
        assert stations.get_station(started._db, row.station_id).draft.level == StationLevel.ORDINARY.value
        shown = row_of(started, row.id)
        assert shown.outcome_text == "降级" and shown.decided_by == ACTOR
    assert texts(started.model, "复核结论").count("降级") == 2
    assert "已确认 2" in started.status.text()
    assert "已确认 2 个站点" in started.note.text()
    assert {r.id for r in started.selected_rows()} == {r.id for r in downgraded}
    assert not started.confirm_button.isEnabled()


def test_an_override_needs_a_reason_and_is_saved_with_it(qtbot, started: ReexamPage) -> None:  # type: ignore[no-untyped-def]
    row = first_proposed(started, ReexamOutcome.DOWNGRADE)
    select(started, [row])
    qtbot.mouseClick(started.decide_button, Qt.MouseButton.LeftButton)
    dialog = started.dialog
    assert isinstance(dialog, DecisionDialog)
    assert dialog.ok_button.isEnabled()  # the proposal itself needs no reason
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(ReexamOutcome.KEEP.value))
    assert not dialog.ok_button.isEnabled()
    assert dialog.reason_message.isVisible()
    assert "改判理由" in dialog.reason_message.text() and "降级" in dialog.reason_message.text()
    assert dialog.reason_caption.text() == "改判理由 *"
    assert not dialog.save()
    assert not reexam.round_of_year(started._db, 2026).decided  # type: ignore[union-attr]
    dialog.reason.insertPlainText("现场核查：自行调解台账已补齐，整改到位")
    dialog.document_no.insert("常市监〔2026〕15号")
    assert dialog.ok_button.isEnabled() and not dialog.reason_message.isVisible()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    shown = row_of(started, row.id)
    assert shown.decided == ReexamOutcome.KEEP.value
    assert shown.decision_reason == "现场核查：自行调解台账已补齐，整改到位"
    assert shown.document_no == "常市监〔2026〕15号"
    assert stations.get_station(started._db, row.station_id).draft.level == row.level
    assert started.dialog is None


# -- scoring -----------------------------------------------------------------------------------
def fill_row(page: ReexamPage, row: ReexamRow, scores: dict[str, str] | None = None) -> None:
    model = page.grid.model
    number = next(i for i, r in enumerate(model.rows) if r.id == row.id)
    for item in row.checklist:
        value = (scores or {}).get(item.code, str(item.points))
        assert model.setData(model.index(number, model.column_of(item.code)), value)
    assert model.setData(model.index(number, model.column_of(INSPECTOR)), "李检查")
    assert model.setData(model.index(number, model.column_of(INSPECTED_ON)), "2026-11-20")


def test_scores_entered_in_the_grid_are_saved_together_and_update_total_and_proposal(
    qtbot, started: ReexamPage  # type: ignore[no-untyped-def]
) -> None:
    keep = first_proposed(started, ReexamOutcome.KEEP, StationLevel.MUNICIPAL)
    other = first_proposed(started, ReexamOutcome.DOWNGRADE)
    fill_row(started, keep)
    fill_row(started, other, {"signage": "2", "register": "3.5"})
    grid = started.grid
    number = next(i for i, r in enumerate(grid.model.rows) if r.id == keep.id)
    subtotal = grid.model.data(grid.model.index(number, grid.model.column_of(SUBTOTAL)))
    assert subtotal == "50"
    font = grid.model.data(grid.model.index(number, 0), Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()
    assert grid.save_button.text() == "保存评分（2 个站点）"
    qtbot.mouseClick(grid.save_button, Qt.MouseButton.LeftButton)
    assert not grid.model.dirty
    assert "已保存 2 个站点" in grid.message.text()
    upgraded = row_of(started, keep.id)
    assert upgraded.total == 50 + keep.performance + keep.first_payout_points >= 90
    assert upgraded.proposed == ReexamOutcome.UPGRADE.value and keep.proposed == ReexamOutcome.KEEP.value
    assert upgraded.inspector == "李检查" and upgraded.inspected_on == date(2026, 11, 20)
    assert row_of(started, other.id).on_site == 50 - 2 - 2.5
    assert "已评分 2" in started.status.text()


@pytest.mark.parametrize("typed", ["abc", "5", "-1"])
def test_a_wrong_score_is_refused_in_red_with_a_message_and_nothing_is_saved(
    qtbot, started: ReexamPage, typed: str  # type: ignore[no-untyped-def]
) -> None:
    grid = started.grid
    column = grid.model.column_of("signage")  # 4 points
    index = grid.model.index(0, column)
    assert not grid.model.setData(index, typed)
    assert grid.model.data(index) == typed
    assert grid.model.data(index, Qt.ItemDataRole.BackgroundRole).color() == BAD_BACKGROUND
    tooltip = grid.model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert "统一标牌/牌匾" in tooltip
    assert tooltip in grid.message.text()
    assert grid.model.entries() == []
    qtbot.mouseClick(grid.save_button, Qt.MouseButton.LeftButton)
    assert "1 处评分有误" in grid.message.text()
    assert all(not r.scores for r in reexam.round_rows(started._db, started.round_info.id))  # type: ignore[union-attr]
    assert grid.model.setData(index, "3.5")
    assert grid.model.data(index, Qt.ItemDataRole.BackgroundRole) is None


def test_a_block_copied_from_excel_is_pasted_from_the_current_cell(qtbot, started: ReexamPage) -> None:  # type: ignore[no-untyped-def]
    grid = started.grid
    QGuiApplication.clipboard().setText("4\t3\t2\r\n3.5\t4\t1\r\n")
    grid.view.setCurrentIndex(grid.model.index(1, 0))
    grid.view.setFocus()
    qtbot.keyClick(grid.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    values = [[grid.model.data(grid.model.index(r, c)) for c in range(3)] for r in (1, 2)]
    assert values == [["4", "3", "2"], ["3.5", "4", "1"]]
    assert grid.model.edited_ids() == [grid.model.rows[1].id, grid.model.rows[2].id]
    assert "已粘贴 6 个单元格" in grid.message.text()
    assert grid.model.data(grid.model.index(0, 0)) == ""


def test_a_pasted_block_keeps_the_good_cells_and_names_the_wrong_ones(started: ReexamPage) -> None:
    grid = started.grid
    taken, refused = grid.model.paste(0, 0, "4\t9\n")
    assert taken == 1 and len(refused) == 1 and "固定调解场所" in refused[0]


def test_saving_without_inspector_lists_the_services_problems_by_station(qtbot, started: ReexamPage) -> None:  # type: ignore[no-untyped-def]
    grid = started.grid
    started.tabs.setCurrentWidget(grid)
    first, second = grid.model.rows[0], grid.model.rows[1]
    grid.model.fill_full_marks([0, 1])
    qtbot.mouseClick(grid.save_button, Qt.MouseButton.LeftButton)
    lines = [grid.problems.item(i).text() for i in range(grid.problems.count())]
    assert grid.problems.isVisible()
    assert any(line.startswith(first.code) and "检查人" in line for line in lines)
    assert any(line.startswith(second.code) and "检查日期" in line for line in lines)
    assert grid.model.dirty
    cell = grid.model.index(0, grid.model.column_of(INSPECTOR))
    assert grid.model.data(cell, Qt.ItemDataRole.BackgroundRole).color() == BAD_BACKGROUND
    assert all(not r.scores for r in reexam.round_rows(started._db, started.round_info.id))  # type: ignore[union-attr]


def test_changing_year_with_unsaved_scores_asks_first(started: ReexamPage, boxes: Boxes) -> None:
    started.grid.model.fill_full_marks([0])
    boxes.answer = False
    started.year.setValue(2025)
    assert started.year.value() == 2026 and started.grid.model.dirty
    assert "未保存" in boxes.confirms[-1]
    boxes.answer = True
    started.year.setValue(2025)
    assert started.round_info is None and not started.grid.model.dirty


def test_double_click_opens_the_stations_score_sheet(qtbot, started: ReexamPage) -> None:  # type: ignore[no-untyped-def]
    row = started.model.rows[3]
    select(started, [row])
    started.table.doubleClicked.emit(started.model.index(3, 1))
    assert isinstance(started.dialog, ScoreDialog)
    assert started.dialog.windowTitle().endswith(row.name)


def test_open_station_is_emitted_for_the_selected_row(qtbot, started: ReexamPage) -> None:  # type: ignore[no-untyped-def]
    row = started.model.rows[2]
    select(started, [row])
    with qtbot.waitSignal(started.open_station) as signal:
        qtbot.mouseClick(started.open_button, Qt.MouseButton.LeftButton)
    assert signal.args == [row.station_id]


# -- ranking -----------------------------------------------------------------------------------
def test_the_ranking_shows_n_red_and_n_black_stations_that_never_overlap(started: ReexamPage) -> None:
    rows = reexam.round_rows(started._db, started.round_info.id)  # type: ignore[union-attr]
    entries = [ScoreEntry(r.id, {i.code: str(max(0, i.points - n % 4)) for i in r.checklist}, "李检查", TODAY)
               for n, r in enumerate(rows[:10])]  # fmt: skip
    reexam.enter_scores(started._db, entries, ACTOR, TODAY)
    started.reload()
    tab = started.ranking
    assert tab.red_model.rowCount() == 3 and tab.black_model.rowCount() == 3
    red = {p.row.id for p in tab.red_model.rows}
    black = {p.row.id for p in tab.black_model.rows}
    assert not red & black
    assert texts(tab.red_model, "名次") == ["1", "2", "3"]
    assert texts(tab.black_model, "名次") == ["10", "9", "8"]
    assert "3 名" in tab.rule.text() and "同分时" in tab.rule.text()
    assert tab.overall_model.rowCount() == len(rows)
    assert texts(tab.overall_model, "名次")[:10] == [str(n) for n in range(1, 11)]
    assert set(texts(tab.overall_model, "名次")[10:]) == {"—"}
    county = tab.red_model.rows[0].row.county
    tab.county.setCurrentIndex(tab.county.findData(county))
    assert set(texts(tab.overall_model, "县区")) == {county}
    assert texts(tab.overall_model, "名次")[0] == "1"


def test_before_scores_the_ranking_says_why_it_is_empty(started: ReexamPage) -> None:
    assert started.ranking.red_model.rowCount() == 0
    assert "已现场评分的站点只有 0 个" in started.ranking.rule.text()


# -- closing and reopening ---------------------------------------------------------------------
def test_closing_a_round_with_undecided_stations_shows_the_services_message(
    qtbot, started: ReexamPage, boxes: Boxes  # type: ignore[no-untyped-def]
) -> None:
    qtbot.mouseClick(started.close_button, Qt.MouseButton.LeftButton)
    stations_count = started.round_info.stations  # type: ignore[union-attr]
    assert boxes.warnings == [f"还有 {stations_count} 个站点未确认复核结论，不能结束本轮复核"]
    assert not reexam.round_of_year(started._db, 2026).closed  # type: ignore[union-attr]


def test_a_closed_round_is_reopened_only_with_a_reason(qtbot, started: ReexamPage, boxes: Boxes) -> None:  # type: ignore[no-untyped-def]
    started.table.selectAll()
    qtbot.mouseClick(started.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(started.close_button, Qt.MouseButton.LeftButton)
    assert "结束后不能再修改" in boxes.confirms[-1]
    assert started.status.text().startswith("已结束：")
    assert started.reopen_button.isEnabled() and not started.confirm_button.isEnabled()
    assert not started.grid.model.flags(started.grid.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    qtbot.mouseClick(started.reopen_button, Qt.MouseButton.LeftButton)
    assert "记入操作记录" in boxes.confirms[-1]
    dialog = started.dialog
    assert isinstance(dialog, ReasonDialog)
    assert not dialog.ok_button.isEnabled()
    dialog.reason.insertPlainText("市局通知补充复核两个站点")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not reexam.round_of_year(started._db, 2026).closed  # type: ignore[union-attr]
    assert "进行中" in started.status.text()


def test_the_chosen_tab_and_header_are_remembered(qtbot, demo_db, runner, qsettings, boxes) -> None:  # type: ignore[no-untyped-def]
    first = ReexamPage(demo_db, runner, qsettings, TODAY, ACTOR)
    qtbot.addWidget(first)
    first.tabs.setCurrentIndex(2)
    first.table.setColumnWidth(1, 333)
    second = ReexamPage(demo_db, runner, qsettings, TODAY, ACTOR)
    qtbot.addWidget(second)
    assert second.tabs.currentIndex() == 2
    assert second.table.columnWidth(1) == 333
    QApplication.processEvents()


def test_cancelling_the_start_leaves_no_round(qtbot, page: ReexamPage, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(TaskContext, "cancelled", property(lambda _self: True))
    qtbot.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert reexam.round_of_year(page._db, 2026) is None
    assert page.note.text() == "已取消，复核未开始"
    assert page.start_button.isEnabled()


def test_items_missing_from_a_stations_sheet_are_grey_and_cannot_be_typed_or_pasted(started: ReexamPage) -> None:
    model = started.grid.model
    rows = model.rows
    shorter = replace(rows[1], checklist=rows[1].checklist[1:])  # a level whose sheet has no signage
    model.set_rows([rows[0], shorter, rows[2]], closed=False)
    assert [c.key for c in model.columns][:2] == [rows[0].checklist[0].code, rows[0].checklist[1].code]
    cell = model.index(1, 0)
    assert not model.flags(cell) & Qt.ItemFlag.ItemIsEditable
    assert model.data(cell) == "" and model.data(cell, Qt.ItemDataRole.BackgroundRole).color() == NOT_APPLICABLE
    assert "没有此项" in model.data(cell, Qt.ItemDataRole.ToolTipRole)
    taken, refused = model.paste(0, 0, "4\t4\n4\t4\n")
    assert (taken, refused) == (3, [])
    assert model.data(model.index(1, 1)) == "4" and model.data(cell) == ""


def test_the_round_starts_and_loads_on_worker_threads(qtbot, demo_db: Database, qsettings: QSettings,  # type: ignore[no-untyped-def]
                                                      boxes: Boxes) -> None:
    runner = TaskRunner()
    widget = ReexamPage(demo_db, runner, qsettings, TODAY, ACTOR)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=10_000):
        widget.reload()
    with qtbot.waitSignal(widget.loaded, timeout=20_000):
        qtbot.mouseClick(widget.start_button, Qt.MouseButton.LeftButton)
    assert widget.model.rowCount() == len(reexam.demonstration_station_ids(demo_db))
    assert runner.wait_all()
