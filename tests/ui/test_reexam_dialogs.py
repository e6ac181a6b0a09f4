"""The re-examination forms on their own: 改判 (the reason rule checked as typed, the station
changed on confirmation), one station's score sheet, and the reason asked before reopening."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt

from stationdesk.domain.vocabulary import ReexamOutcome, StationLevel
from stationdesk.services import reexam, stations
from stationdesk.services.reexam import ReexamRow
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.reexam_dialogs import DecisionDialog, ReasonDialog, ScoreDialog
from stationdesk.ui.score_grid import points_text

TODAY = date(2026, 11, 24)
ACTOR = "王芳"


@pytest.fixture
def rows(demo_db: Database) -> list[ReexamRow]:
    info = reexam.start_round(demo_db, 2026, ACTOR, TODAY)
    return reexam.round_rows(demo_db, info.id)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    shown: list[str] = []

    def warn(_parent: Any, _title: str, text: str) -> None:
        shown.append(text)

    monkeypatch.setattr(dialogs, "warn", warn)
    yield shown


def proposed(rows: list[ReexamRow], outcome: ReexamOutcome, level: StationLevel | None = None) -> ReexamRow:
    return next(r for r in rows if r.proposed == outcome.value and (level is None or r.level == level.value))


def fresh(db: Database, row: ReexamRow) -> ReexamRow:
    info = reexam.round_of_year(db, 2026)
    assert info is not None
    return next(r for r in reexam.round_rows(db, info.id) if r.id == row.id)


# -- 改判 ----------------------------------------------------------------------------------------
def test_the_decision_form_offers_the_proposal_and_confirms_it_without_a_reason(
    qtbot, demo_db: Database, rows: list[ReexamRow]  # type: ignore[no-untyped-def]
) -> None:
    row = proposed(rows, ReexamOutcome.DOWNGRADE, StationLevel.PROVINCIAL)
    dialog = DecisionDialog(demo_db, row, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    assert dialog.outcome.currentData() == ReexamOutcome.DOWNGRADE.value
    assert dialog.reason_caption.text() == "理由"
    assert "降级" in dialog.effect.text()
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(dialog.saved):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert fresh(demo_db, row).decided == ReexamOutcome.DOWNGRADE.value
    assert stations.get_station(demo_db, row.station_id).draft.level == StationLevel.MUNICIPAL.value


def test_an_override_is_refused_until_a_reason_is_typed(qtbot, demo_db: Database, rows: list[ReexamRow]) -> None:  # type: ignore[no-untyped-def]
    row = proposed(rows, ReexamOutcome.REMOVE)
    dialog = DecisionDialog(demo_db, row, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(ReexamOutcome.RECTIFY.value))
    assert not dialog.ok_button.isEnabled()
    assert dialog.reason_message.isVisible()
    assert dialog.reason_message.text() == "结论与系统建议（淘汰除名）不同，请填写改判理由"
    assert dialog.ok_button.toolTip() == dialog.reason_message.text()
    assert "不变" not in dialog.effect.text()
    assert not dialog.save()
    assert fresh(demo_db, row).decided is None
    dialog.reason.insertPlainText("新开业的网络平台站点，给予整改期")
    assert dialog.ok_button.isEnabled() and not dialog.reason_message.isVisible()
    assert dialog.save()
    saved = fresh(demo_db, row)
    assert saved.decided == ReexamOutcome.RECTIFY.value
    assert saved.decision_reason == "新开业的网络平台站点，给予整改期" and saved.decided_by == ACTOR


def test_a_reason_over_500_characters_is_refused_as_typed(qtbot, demo_db: Database, rows: list[ReexamRow]) -> None:  # type: ignore[no-untyped-def]
    dialog = DecisionDialog(demo_db, rows[0], ACTOR, TODAY)
    qtbot.addWidget(dialog)
    dialog.reason.insertPlainText("理" * 501)
    assert not dialog.ok_button.isEnabled()
    assert "500" in dialog.reason_message.text()


def test_a_station_decided_meanwhile_is_reported_and_the_form_stays_open(
    qtbot, demo_db: Database, rows: list[ReexamRow], warnings: list[str]  # type: ignore[no-untyped-def]
) -> None:
    row = rows[0]
    dialog = DecisionDialog(demo_db, row, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    reexam.confirm_proposals(demo_db, [row.id], "李明", TODAY)
    assert not dialog.save()
    assert warnings and "已确认" in warnings[0]
    assert fresh(demo_db, row).decided_by == "李明"


# -- one station's score sheet ---------------------------------------------------------------------
def test_the_score_sheet_checks_each_item_as_typed_and_saves_the_whole_sheet(
    qtbot, demo_db: Database, rows: list[ReexamRow]  # type: ignore[no-untyped-def]
) -> None:
    row = proposed(rows, ReexamOutcome.KEEP, StationLevel.MUNICIPAL)
    dialog = ScoreDialog(demo_db, row, ACTOR, TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isEnabled()  # no inspector or date yet
    assert not dialog._messages["inspector"].isVisible()  # a fresh form is not covered in red
    dialog.fields["signage"].insert("7")
    assert dialog._messages["signage"].text() == "统一标牌/牌匾：应在 0 至 4 分之间（填写了 7）"
    dialog.fields["signage"].clear()
    dialog.fields["signage"].insert("abc")
    assert "不是分数" in dialog._messages["signage"].text()
    qtbot.mouseClick(dialog.full_button, Qt.MouseButton.LeftButton)
    assert not dialog._messages["signage"].isVisible()
    dialog.fields["register"].setText("3.5")
    dialog.inspector.insert("李检查")
    dialog.inspected_on.insert("2026-12-01")
    assert "晚于今天" in dialog._messages["inspected_on"].text() and not dialog.ok_button.isEnabled()
    dialog.inspected_on.clear()
    dialog.inspected_on.insert("2026-11-20")
    assert dialog.ok_button.isEnabled()
    expected_total = Decimal("47.5") + row.performance + row.first_payout_points
    assert dialog.totals.text().endswith(f"总分 {points_text(expected_total)}")
    assert "现场评分小计 47.5 / 50" in dialog.totals.text()
    assert dialog.save()
    saved = fresh(demo_db, row)
    assert saved.on_site == 47.5 and saved.inspector == "李检查" and saved.inspected_on == date(2026, 11, 20)
    assert saved.scores["register"] == "3.5"


def test_the_sheet_of_a_decided_station_can_only_be_read(qtbot, demo_db: Database, rows: list[ReexamRow]) -> None:  # type: ignore[no-untyped-def]
    reexam.confirm_proposals(demo_db, [rows[0].id], ACTOR, TODAY)
    dialog = ScoreDialog(demo_db, fresh(demo_db, rows[0]), ACTOR, TODAY, read_only=True)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ok_button.isVisible() and not dialog.full_button.isVisible()
    assert all(edit.isReadOnly() for edit in dialog.fields.values())
    assert dialog.cancel_button.text() == "关闭"


# -- reason before reopening ------------------------------------------------------------------------
def test_the_reason_form_needs_a_reason(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = ReasonDialog("重新开放2026年度复核", "将记入操作记录", "重新开放")
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    assert not dialog.save()
    dialog.reason.insertPlainText("  ")
    assert not dialog.ok_button.isEnabled()
    dialog.reason.insertPlainText("补录两个站点的评分")
    assert dialog.ok_button.isEnabled()
    assert dialog.save() and dialog.text() == "补录两个站点的评分"
