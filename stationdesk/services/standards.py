"""考核标准: the thresholds and the score sheet per level and year, as data with versions.

A year's standard starts as the domain brief's defaults (`domain.standards.default_standard`,
`domain.scoring.DEFAULT_CHECKLIST`). Once a re-examination used a revision it is frozen: it can no
longer be edited, and a change is saved as the next revision, so every result can say exactly
which standard judged it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stationdesk.domain.permissions import Permission
from stationdesk.domain.reexam_rules import PASS_SCORE, UPGRADE_SCORE
from stationdesk.domain.scoring import DEFAULT_CHECKLIST, ScoreItem, max_points
from stationdesk.domain.standards import LevelStandard, Threshold, default_standard
from stationdesk.domain.vocabulary import FirstPayoutDuty, StationLevel
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import access, audit
from stationdesk.store.database import Database
from stationdesk.store.models import Standard

LABELS = {
    "self_mediation": "自行调解率",
    "success": "调解成功率",
    "satisfaction": "回访满意率",
    "first_payout": "先行赔付要求",
    "min_cases": "最低受理件数",
    "checklist": "现场检查评分表",
    "pass_score": "合格线",
    "upgrade_score": "推荐升级线",
}


@dataclass(frozen=True)
class StandardDraft:
    """A standard as edited: thresholds, duties, the on-site checklist and the marks."""

    level: str
    year: int
    self_mediation: Threshold
    success: Threshold
    satisfaction: Threshold
    first_payout: str
    min_cases: int
    checklist: tuple[ScoreItem, ...] = field(default=DEFAULT_CHECKLIST)
    pass_score: int = int(PASS_SCORE)
    upgrade_score: int = int(UPGRADE_SCORE)

    def level_standard(self) -> LevelStandard:
        return LevelStandard(
            StationLevel(self.level), self.year, self.self_mediation, self.success,
            FirstPayoutDuty(self.first_payout), self.min_cases, self.satisfaction,
        )  # fmt: skip


@dataclass(frozen=True)
class StandardRecord:
    """A stored revision (id None: the defaults, not saved yet)."""

    id: int | None
    revision: int
    frozen: bool
    draft: StandardDraft
    updated_by: str = ""
    updated_at: datetime | None = None


def default_draft(level: StationLevel, year: int) -> StandardDraft:
    base = default_standard(level, year)
    return StandardDraft(
        level.value, year, base.self_mediation, base.success, base.satisfaction, base.first_payout.value,
        base.min_cases,
    )  # fmt: skip


def _draft_of(row: Standard) -> StandardDraft:
    return StandardDraft(
        level=row.level,
        year=row.year,
        self_mediation=Threshold.from_dict(row.self_mediation),
        success=Threshold.from_dict(row.success),
        satisfaction=Threshold.from_dict(row.satisfaction),
        first_payout=row.first_payout,
        min_cases=row.min_cases,
        checklist=tuple(ScoreItem.from_dict(item) for item in row.checklist) or DEFAULT_CHECKLIST,
        pass_score=row.pass_score,
        upgrade_score=row.upgrade_score,
    )


def _record(row: Standard) -> StandardRecord:
    return StandardRecord(row.id, row.revision, row.frozen, _draft_of(row), row.updated_by, row.updated_at)


def _latest(session: Session, level: str, year: int) -> Standard | None:
    return session.scalar(
        select(Standard).where(Standard.level == level, Standard.year == year).order_by(Standard.revision.desc())
    )


def validate_standard(draft: StandardDraft) -> dict[str, str]:
    """Field → message for a standard that cannot be saved."""
    problems: dict[str, str] = {}
    if draft.level not in {level.value for level in StationLevel}:
        problems["level"] = f"未知的级别“{draft.level}”"
    if draft.first_payout not in {duty.value for duty in FirstPayoutDuty}:
        problems["first_payout"] = f"未知的先行赔付要求“{draft.first_payout}”"
    if not 0 <= draft.min_cases <= 10_000:
        problems["min_cases"] = "最低受理件数应在 0 至 10000 之间"
    codes = [item.code for item in draft.checklist]
    if not draft.checklist:
        problems["checklist"] = "评分表至少要有一项"
    elif len(set(codes)) != len(codes):
        problems["checklist"] = "评分表中有重复的项目代码"
    elif any(item.points <= 0 or item.points > 50 for item in draft.checklist):
        problems["checklist"] = "每项分值应在 1 至 50 分之间"
    elif any(not item.label.strip() for item in draft.checklist):
        problems["checklist"] = "评分项目名称不能为空"
    elif any(item.section not in ("A", "B", "C") for item in draft.checklist):
        problems["checklist"] = "现场评分项目只能属于 A 硬件设施、B 人员与制度、C 台账质量"
    full = max_points(draft.checklist)
    if not 0 < draft.pass_score <= full:
        problems["pass_score"] = f"合格线应在 1 至 {full} 分之间"
    if not draft.pass_score <= draft.upgrade_score <= full:
        problems["upgrade_score"] = f"推荐升级线应不低于合格线、不高于满分 {full} 分"
    return problems


def _apply(row: Standard, draft: StandardDraft) -> None:
    row.self_mediation = draft.self_mediation.as_dict()
    row.success = draft.success.as_dict()
    row.satisfaction = draft.satisfaction.as_dict()
    row.first_payout = draft.first_payout
    row.min_cases = draft.min_cases
    row.checklist = [item.as_dict() for item in draft.checklist]
    row.pass_score = draft.pass_score
    row.upgrade_score = draft.upgrade_score


def standards_of_year(db: Database, year: int) -> list[StandardRecord]:
    """The latest revision per level for `year` (the defaults where none was saved), by level."""
    with db.reading() as session:
        records = []
        for level in StationLevel:
            row = _latest(session, level.value, year)
            records.append(_record(row) if row else StandardRecord(None, 0, False, default_draft(level, year)))
    return records


class StandardFrozen(UserError):
    """The revision was used by a re-examination and can no longer change."""


def save_standard(db: Database, draft: StandardDraft, actor: str) -> StandardRecord:
    """Save the level's standard for the year: edits the latest revision while it is not frozen,
    otherwise (or when none exists) adds the next revision. Every save is audited."""
    problems = validate_standard(draft)
    if problems:
        raise ValidationFailed(problems, LABELS)
    with db.writing() as session:
        access.require(session, actor, Permission.MANAGE_STANDARDS)
        latest = _latest(session, draft.level, draft.year)
        is_new = latest is None or latest.frozen
        if latest is None or latest.frozen:
            revision = 1 if latest is None else latest.revision + 1
            row = Standard(level=draft.level, year=draft.year, revision=revision, created_by=actor, updated_by=actor)
            session.add(row)
        else:
            row = latest
            row.updated_by = actor
        before = _values(row)
        _apply(row, draft)
        session.flush()
        if is_new:
            audit.record(session, actor, "insert", "standard", row.id, new=audit.row_values(row))
        else:
            _record_edit(session, actor, row, before)
        return _record(row)


def edit_revision(db: Database, standard_id: int, draft: StandardDraft, actor: str) -> StandardRecord:
    """Change one stored revision in place; refused once it is frozen (use `save_standard`)."""
    problems = validate_standard(draft)
    if problems:
        raise ValidationFailed(problems, LABELS)
    with db.writing() as session:
        access.require(session, actor, Permission.MANAGE_STANDARDS)
        row = session.get(Standard, standard_id)
        if row is None:
            raise UserError("找不到该考核标准", hint="请刷新")
        if row.frozen:
            raise StandardFrozen(
                f"{row.year}年{StationLevel(row.level).label}考核标准（第{row.revision}版）已用于年度复核，已冻结，不能修改",
                hint="修改请另存为新版本",
            )
        before = _values(row)
        _apply(row, draft)
        row.updated_by = actor
        session.flush()
        _record_edit(session, actor, row, before)
        return _record(row)


def _values(row: Standard) -> dict[str, Any]:
    return audit.row_values(row, leave_out=("frozen",))


def _record_edit(session: Session, actor: str, row: Standard, before: dict[str, Any]) -> None:
    """An edit of a revision: the thresholds, marks or checklist lines it changed, old and new."""
    old, new = audit.changed_fields(before, _values(row))
    identity = {"year": row.year, "level": row.level, "revision": row.revision}
    audit.record(session, actor, "update", "standard", row.id, old=old, new=identity | new)


def standard_in_force(session: Session, level: str, year: int, actor: str) -> Standard:
    """The revision a re-examination uses (saving the defaults first if none exists); frozen here,
    inside the caller's unit of work, because from now on a result depends on it."""
    row = _latest(session, level, year)
    if row is None:
        row = Standard(level=level, year=year, revision=1, created_by=actor, updated_by=actor)
        _apply(row, default_draft(StationLevel(level), year))
        session.add(row)
        session.flush()
        audit.record(session, actor, "insert", "standard", row.id, new=audit.row_values(row))
    if not row.frozen:
        row.frozen = True
        session.flush()
        audit.record(session, actor, "freeze", "standard", row.id, old={"frozen": False},
                     new={"year": row.year, "level": row.level, "revision": row.revision, "frozen": True})  # fmt: skip
    return row


def draft_of_row(row: Standard) -> StandardDraft:
    return _draft_of(row)


def revision_count(db: Database, level: str, year: int) -> int:
    with db.reading() as session:
        return int(
            session.scalar(select(func.count()).where(Standard.level == level, Standard.year == year)) or 0
        )
