"""考核标准 editor: live validation, saving, frozen revisions, the score sheet's rows and marks."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemDelegate, QComboBox, QSpinBox

from stationdesk.domain.standards import Threshold
from stationdesk.domain.vocabulary import FirstPayoutDuty, StationLevel
from stationdesk.services import standards
from stationdesk.services.standards import StandardRecord
from stationdesk.store.database import Database
from stationdesk.store.models import Standard
from stationdesk.ui import dialogs
from stationdesk.ui.score_sheet_table import CODE, LABEL, METHOD, POINTS, SECTION
from stationdesk.ui.standards_editor import LEVELS, StandardsEditor

TODAY = date(2026, 11, 24)


def open_editor(qtbot, db: Database) -> StandardsEditor:  # type: ignore[no-untyped-def]
    editor = StandardsEditor(db, TODAY, "王芳")
    qtbot.addWidget(editor)
    editor.resize(1200, 750)
    editor.show()
    return editor


def stored(db: Database, level: StationLevel, year: int = 2026) -> StandardRecord:
    return next(r for r in standards.standards_of_year(db, year) if r.draft.level == level.value)


def freeze(db: Database, level: StationLevel, year: int = 2026) -> int:
    """What starting a re-examination does to the standard it uses."""
    with db.writing() as session:
        return standards.standard_in_force(session, level.value, year, "张科长").id


def click_save(qtbot, editor: StandardsEditor) -> None:  # type: ignore[no-untyped-def]
    assert editor.save_button.isEnabled()
    with qtbot.waitSignal(editor.standard_saved):
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)


def test_it_opens_on_this_years_provincial_defaults(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    assert (editor.year.value(), editor.level, editor.levels.tabText(0)) == (2026, StationLevel.PROVINCIAL, "省级示范")
    assert [editor.levels.tabText(i) for i in range(editor.levels.count())] == ["省级示范", "市级示范", "普通站点"]
    assert editor.note.text() == "尚未保存，显示的是默认标准；保存将生成第1版"
    assert editor.draft() == standards.default_draft(StationLevel.PROVINCIAL, 2026)
    assert editor.thresholds["success"].percent.value() == 90.0
    assert editor.first_payout.currentText() == FirstPayoutDuty.REQUIRED.label
    assert editor.sheet.full_marks.text().endswith("满分 100 分")
    assert editor.sheet.subtotals.text() == "A 硬件设施 20 分　B 人员与制度 15 分　C 台账质量 15 分"
    assert editor.save_button.isEnabled(), "the defaults can be saved as revision 1"
    assert not editor.revert_button.isEnabled()


def test_editing_the_provincial_success_bar_to_92_percent_saves_it(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    editor.thresholds["success"].percent.setValue(92.0)
    assert editor.is_dirty and editor.revert_button.isEnabled()
    click_save(qtbot, editor)

    record = stored(db, StationLevel.PROVINCIAL)
    assert (record.revision, record.frozen, record.updated_by) == (1, False, "王芳")
    assert record.draft.success == Threshold(">=", 0.92)
    assert record.draft.self_mediation == Threshold(">=", 1.0), "the other fields are saved as shown"
    assert editor.note.text() == "第1版（尚未用于年度复核，保存将直接修改本版）"
    assert editor.status.text() == "已保存：2026年省级示范考核标准第1版"
    assert not editor.is_dirty and not editor.save_button.isEnabled()


def test_the_operator_and_a_decimal_percentage_are_kept(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    editor.levels.setCurrentIndex(LEVELS.index(StationLevel.MUNICIPAL))
    satisfaction = editor.thresholds["satisfaction"]
    satisfaction.operator.setCurrentIndex(satisfaction.operator.findData(">"))
    satisfaction.percent.setValue(92.3)
    click_save(qtbot, editor)
    assert stored(db, StationLevel.MUNICIPAL).draft.satisfaction == Threshold(">", 0.923)
    assert stored(db, StationLevel.PROVINCIAL).id is None, "only the level shown was saved"


def test_a_frozen_revision_says_so_and_saving_makes_the_next_one(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    frozen_id = freeze(db, StationLevel.PROVINCIAL)
    editor = open_editor(qtbot, db)
    assert editor.note.text() == "第1版（已用于2026年度复核，已冻结；保存将生成第2版）"
    assert editor.changed_by.text().startswith("最后修改：张科长")
    assert not editor.save_button.isEnabled(), "nothing to save until something changes"

    editor.thresholds["success"].percent.setValue(92.0)
    click_save(qtbot, editor)

    record = stored(db, StationLevel.PROVINCIAL)
    assert (record.revision, record.frozen, record.draft.success) == (2, False, Threshold(">=", 0.92))
    assert record.id != frozen_id
    with db.reading() as session:
        old = session.get(Standard, frozen_id)
        assert old is not None
        assert (old.revision, old.frozen, old.success) == (1, True, {"operator": ">=", "value": 0.9})
    assert standards.revision_count(db, StationLevel.PROVINCIAL.value, 2026) == 2
    assert editor.note.text() == "第2版（尚未用于年度复核，保存将直接修改本版）"


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (lambda e: e.pass_score.setValue(101), "pass_score", "合格线应在 1 至 100 分之间"),
        (lambda e: e.upgrade_score.setValue(50), "upgrade_score", "推荐升级线应不低于合格线、不高于满分 100 分"),
        (lambda e: e.sheet.table.item(1, CODE).setText("signage"), "checklist", "评分表中有重复的项目代码"),
        (lambda e: e.sheet.table.item(0, POINTS).setData(Qt.ItemDataRole.EditRole, 0), "checklist",
         "每项分值应在 1 至 50 分之间"),
        (lambda e: e.sheet.table.item(2, LABEL).setText("  "), "checklist", "评分项目名称不能为空"),
    ],
    ids=["pass-mark-above-full-marks", "upgrade-below-pass", "duplicate-code", "zero-points", "blank-label"],
)  # fmt: skip
def test_an_invalid_value_is_named_under_its_field_and_blocks_saving(qtbot, db: Database, edit, field, message) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    edit(editor)
    shown = editor._fields[field].message
    assert shown.isVisible() and shown.text() == message
    assert not editor.save_button.isEnabled()
    assert editor.save() is False
    assert stored(db, StationLevel.PROVINCIAL).id is None, "nothing was saved"


def test_fixing_the_value_clears_the_message(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    editor.pass_score.setValue(120)
    assert editor._fields["pass_score"].message.isVisible()
    editor.pass_score.setValue(65)
    assert not editor._fields["pass_score"].message.isVisible()
    assert editor.save_button.isEnabled()


def test_adding_and_removing_items_updates_the_subtotals_and_full_marks(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    table = editor.sheet.table
    rows = table.rowCount()
    assert not editor.sheet.remove_button.isEnabled()
    table.selectRow(7)  # first_question, section B, 4 points
    qtbot.mouseClick(editor.sheet.add_button, Qt.MouseButton.LeftButton)
    assert table.rowCount() == rows + 1
    new = editor.sheet.items()[-1]
    assert (new.code, new.section, new.points, new.method) == ("item1", "B", 2, "看现场")
    assert editor.sheet.full_marks.text().endswith("满分 102 分")
    assert "B 人员与制度 17 分" in editor.sheet.subtotals.text()
    assert editor._fields["checklist"].message.text() == "评分项目名称不能为空", "the new item needs a name"
    table.item(rows, LABEL).setText("投诉处理流程公示")
    assert editor.save_button.isEnabled()

    table.selectRow(0)  # signage, section A, 4 points
    qtbot.mouseClick(editor.sheet.remove_button, Qt.MouseButton.LeftButton)
    assert table.rowCount() == rows
    assert editor.sheet.full_marks.text() == (
        "现场评分 48 分 + D 工作实绩 40 分（按全年指标计算） + E 先行赔付 10 分 = 满分 98 分")
    assert "A 硬件设施 16 分" in editor.sheet.subtotals.text()
    click_save(qtbot, editor)
    checklist = stored(db, StationLevel.PROVINCIAL).draft.checklist
    assert [i.code for i in checklist][-1] == "item1" and "signage" not in [i.code for i in checklist]


def test_switching_level_with_unsaved_edits_asks_first(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    answer = [False]
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text, **_k: asked.append(text) or answer[0])
    editor = open_editor(qtbot, db)
    editor.thresholds["success"].percent.setValue(92.0)

    editor.levels.setCurrentIndex(1)
    assert len(asked) == 1 and "未保存的修改" in asked[0]
    assert editor.levels.currentIndex() == 0 and editor.level is StationLevel.PROVINCIAL
    assert editor.thresholds["success"].percent.value() == 92.0, "declined: the edit stays"

    answer[0] = True
    editor.levels.setCurrentIndex(1)
    assert editor.level is StationLevel.MUNICIPAL
    assert editor.thresholds["success"].percent.value() == 85.0
    editor.levels.setCurrentIndex(0)
    assert len(asked) == 2, "nothing was edited, so no question"
    assert editor.thresholds["success"].percent.value() == 90.0, "the discarded edit is gone"


def test_switching_year_with_unsaved_edits_asks_and_can_be_declined(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    editor = open_editor(qtbot, db)
    editor.min_cases.setValue(12)
    editor.year.setValue(2025)
    assert editor.year.value() == 2026 and editor.min_cases.value() == 12


def test_each_year_has_its_own_standard(qtbot, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: pytest.fail("nothing unsaved to ask about"))
    editor = open_editor(qtbot, db)
    editor.thresholds["success"].percent.setValue(92.0)
    click_save(qtbot, editor)
    editor.year.setValue(2027)
    assert editor.thresholds["success"].percent.value() == 90.0
    assert editor.note.text().startswith("尚未保存")
    editor.year.setValue(2026)
    assert editor.thresholds["success"].percent.value() == 92.0


def test_restoring_the_defaults_fills_the_form_without_saving(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    editor.thresholds["success"].percent.setValue(92.0)
    editor.pass_score.setValue(70)
    click_save(qtbot, editor)
    qtbot.mouseClick(editor.defaults_button, Qt.MouseButton.LeftButton)
    assert editor.draft() == standards.default_draft(StationLevel.PROVINCIAL, 2026)
    assert editor.is_dirty and editor.status.text() == "已填入默认值，保存后生效"
    assert stored(db, StationLevel.PROVINCIAL).draft.pass_score == 70, "not saved yet"
    qtbot.mouseClick(editor.revert_button, Qt.MouseButton.LeftButton)
    assert editor.pass_score.value() == 70 and not editor.is_dirty


def test_no_requirement_is_spelled_out(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    editor.levels.setCurrentIndex(LEVELS.index(StationLevel.ORDINARY))
    assert editor.thresholds["self_mediation"].hint.text() == "（≥ 0% 即不作要求）"
    assert editor.thresholds["success"].hint.text() == ""


def test_reload_keeps_unsaved_edits(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    editor.min_cases.setValue(12)
    freeze(db, StationLevel.PROVINCIAL)  # another PC starts the round meanwhile
    editor.reload()
    assert editor.min_cases.value() == 12
    assert editor.note.text() == "第1版（已用于2026年度复核，已冻结；保存将生成第2版）"


def test_cells_are_edited_with_the_sections_methods_and_points_offered(qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    editor = open_editor(qtbot, db)
    table = editor.sheet.table

    def edit_cell(row: int, column: int, kind: type, value: object) -> None:
        table.setCurrentCell(row, column)
        table.editItem(table.item(row, column))
        widget = table.indexWidget(table.model().index(row, column))  # the open editor
        assert isinstance(widget, kind)
        if isinstance(widget, QComboBox):
            assert [widget.itemText(i) for i in range(widget.count())] == value[0]  # type: ignore[index]
            widget.setCurrentIndex(value[1])  # type: ignore[index]
        else:
            assert (widget.minimum(), widget.maximum()) == (0, 99)
            widget.setValue(value)
        table.commitData(widget)
        table.closeEditor(widget, QAbstractItemDelegate.EndEditHint.NoHint)

    edit_cell(0, SECTION, QComboBox, (["A 硬件设施", "B 人员与制度", "C 台账质量"], 2))
    edit_cell(0, METHOD, QComboBox, (["看现场", "查台账", "电话抽查"], 2))
    edit_cell(0, POINTS, QSpinBox, 6)
    first = editor.sheet.items()[0]
    assert (first.code, first.section, first.method, first.points) == ("signage", "C", "电话抽查", 6)
    assert table.item(0, SECTION).text() == "C 台账质量"
    assert editor.sheet.subtotals.text() == "A 硬件设施 16 分　B 人员与制度 15 分　C 台账质量 21 分"
    assert editor.sheet.full_marks.text().endswith("满分 102 分")
