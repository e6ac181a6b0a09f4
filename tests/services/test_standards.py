"""考核标准 as data with revisions: saved, edited while unused, frozen once a round used them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.scoring import DEFAULT_CHECKLIST, ScoreItem
from stationdesk.domain.standards import Threshold
from stationdesk.domain.vocabulary import StationLevel
from stationdesk.errors import ValidationFailed
from stationdesk.services import reexam, standards
from stationdesk.services.standards import StandardFrozen
from stationdesk.store.models import AuditLog, Standard

TODAY = date(2026, 11, 24)
CLERK = "李明"


def _provincial(year: int = 2026) -> standards.StandardDraft:
    return standards.default_draft(StationLevel.PROVINCIAL, year)


def _stored(db: Any, standard_id: int) -> dict[str, Any]:
    with db.reading() as s:
        row = s.get(Standard, standard_id)
        return {"revision": row.revision, "frozen": row.frozen, "success": row.success, "version": row.version,
                "updated_by": row.updated_by}  # fmt: skip


def test_a_year_without_saved_standards_shows_the_defaults_unsaved(db: Any) -> None:
    records = standards.standards_of_year(db, 2026)
    assert [r.draft.level for r in records] == ["ordinary", "municipal", "provincial"]
    assert all(r.id is None and r.revision == 0 and not r.frozen for r in records)
    provincial = records[2].draft
    assert (provincial.success, provincial.first_payout, provincial.min_cases) == (Threshold(">=", 0.9), "required", 10)
    assert (provincial.pass_score, provincial.upgrade_score, provincial.checklist) == (60, 90, DEFAULT_CHECKLIST)


def test_saving_an_unfrozen_standard_edits_its_revision_in_place(db: Any) -> None:
    first = standards.save_standard(db, replace(_provincial(), success=Threshold(">=", 0.92)), CLERK)
    again = standards.save_standard(db, replace(_provincial(), success=Threshold(">=", 0.93)), "王芳")
    assert (first.revision, again.revision, again.id) == (1, 1, first.id)
    assert again.draft.success == Threshold(">=", 0.93)
    assert standards.revision_count(db, "provincial", 2026) == 1
    assert standards.standards_of_year(db, 2026)[2].draft.success == Threshold(">=", 0.93)
    with db.reading() as s:
        actions = s.scalars(select(AuditLog.action).where(AuditLog.table_name == "standard").order_by(AuditLog.id))
        assert list(actions) == ["insert", "update"]


def test_a_standard_keeps_its_checklist_and_marks(db: Any) -> None:
    items = (ScoreItem("plaque", "A", "牌匾", 30), ScoreItem("ledger", "C", "台账", 20, "查台账"))
    saved = standards.save_standard(db, replace(_provincial(), checklist=items, pass_score=70, upgrade_score=95), CLERK)
    stored = standards.standards_of_year(db, 2026)[2]
    assert (stored.id, stored.draft.checklist, stored.draft.pass_score, stored.draft.upgrade_score) == (
        saved.id, items, 70, 95)  # fmt: skip


def test_a_frozen_standard_cannot_be_edited_and_a_change_becomes_the_next_revision(db: Any) -> None:
    saved = standards.save_standard(db, _provincial(), CLERK)
    with db.writing() as s:
        standards.standard_in_force(s, "provincial", 2026, CLERK)
    before = _stored(db, saved.id)
    assert before["frozen"] is True

    with pytest.raises(StandardFrozen, match="已冻结，不能修改") as refused:
        standards.edit_revision(db, saved.id, replace(_provincial(), success=Threshold(">=", 0.95)), "王芳")
    assert refused.value.hint == "修改请另存为新版本"
    assert "2026年省级示范考核标准（第1版）" in refused.value.message

    newer = standards.save_standard(db, replace(_provincial(), success=Threshold(">=", 0.95)), "王芳")
    assert (newer.revision, newer.frozen) == (2, False)
    assert newer.id != saved.id
    assert _stored(db, saved.id) == before  # the frozen row is exactly as it was
    assert standards.standards_of_year(db, 2026)[2].revision == 2
    assert standards.revision_count(db, "provincial", 2026) == 2


def test_an_unfrozen_revision_can_be_edited(db: Any) -> None:
    saved = standards.save_standard(db, _provincial(), CLERK)
    edited = standards.edit_revision(db, saved.id, replace(_provincial(), min_cases=12), "王芳")
    assert (edited.id, edited.revision, edited.draft.min_cases, edited.updated_by) == (saved.id, 1, 12, "王芳")


def test_starting_a_round_freezes_the_standards_it_uses(desk: Any) -> None:
    standards.save_standard(desk.db, _provincial(), CLERK)
    desk.station("省级示范站", level="provincial")
    desk.station("市级示范站", level="municipal")
    desk.station("普通站点")
    reexam.start_round(desk.db, 2026, CLERK, TODAY)
    records = {r.draft.level: r for r in standards.standards_of_year(desk.db, 2026)}
    assert (records["provincial"].revision, records["provincial"].frozen) == (1, True)  # the saved one
    assert (records["municipal"].revision, records["municipal"].frozen) == (1, True)  # the defaults, saved
    assert records["ordinary"].id is None  # no ordinary station in the round: nothing saved or frozen
    with desk.db.reading() as s:
        frozen = s.scalars(select(AuditLog.row_id).where(AuditLog.table_name == "standard",
                                                         AuditLog.action == "freeze"))  # fmt: skip
        assert sorted(frozen) == sorted([records["provincial"].id, records["municipal"].id])
    with pytest.raises(StandardFrozen):
        standards.edit_revision(desk.db, records["municipal"].id, standards.default_draft(StationLevel.MUNICIPAL, 2026),
                                CLERK)  # fmt: skip


def test_another_year_standard_is_its_own(db: Any) -> None:
    standards.save_standard(db, replace(_provincial(2025), success=Threshold(">=", 0.8)), CLERK)
    assert standards.standards_of_year(db, 2026)[2].id is None
    assert standards.standards_of_year(db, 2025)[2].draft.success == Threshold(">=", 0.8)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"pass_score": 0}, "pass_score", "合格线应在 1 至 100 分之间"),
        ({"upgrade_score": 50}, "upgrade_score", "推荐升级线应不低于合格线、不高于满分 100 分"),
        ({"min_cases": -1}, "min_cases", "最低受理件数应在 0 至 10000 之间"),
        ({"first_payout": "maybe"}, "first_payout", "未知的先行赔付要求“maybe”"),
        ({"checklist": ()}, "checklist", "评分表至少要有一项"),
        ({"checklist": (ScoreItem("a", "A", "甲", 5), ScoreItem("a", "B", "乙", 5))}, "checklist",
         "评分表中有重复的项目代码"),
        ({"checklist": (ScoreItem("a", "D", "甲", 5),)}, "checklist",
         "现场评分项目只能属于 A 硬件设施、B 人员与制度、C 台账质量"),
    ],
)  # fmt: skip
def test_a_standard_that_cannot_work_is_refused_naming_the_field(
    db: Any, change: dict[str, Any], field: str, message: str
) -> None:
    draft = replace(_provincial(), **change)
    assert standards.validate_standard(draft)[field] == message
    with pytest.raises(ValidationFailed):
        standards.save_standard(db, draft, CLERK)
    assert standards.revision_count(db, "provincial", 2026) == 0
