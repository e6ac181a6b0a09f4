"""Mediation case use cases: add, edit (with conflict detection), read, list, reveal personal data.

Each write is one unit of work: validated with the same domain rules as the form, the due date
computed with the shared deadline rule and work calendar, the case and its audit row written
together or not at all. Lists carry masked consumer data; the full name and phone leave this
module only through `get_case` (the case form) and `reveal_consumer`, which is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from stationdesk.domain.case_rules import (
    DRAFT_FIELDS,
    FIELD_LABELS,
    CaseDraft,
    case_number,
    normalise_case,
    validate_case,
)
from stationdesk.domain.deadlines import DEADLINE_RULES, DueDate, Urgency, due_date, urgency
from stationdesk.domain.masking import mask_name, mask_phone
from stationdesk.domain.vocabulary import CaseOutcome, StationStatus
from stationdesk.errors import ConflictError, UserError, ValidationFailed
from stationdesk.services import access, audit, preferences
from stationdesk.store import case_queries
from stationdesk.store.case_queries import CaseFilter, CaseRow
from stationdesk.store.database import Database
from stationdesk.store.models import FirstPayout, FollowUp, GoodsCategory, MediationCase, Station

__all__ = [
    "CaseConflict",
    "CaseDetail",
    "CaseFilter",
    "CaseRow",
    "SavedCase",
    "add_case",
    "count_cases",
    "get_case",
    "goods_categories",
    "list_case_ids",
    "load_case_rows",
    "reveal_consumer",
    "update_case",
]
PERSONAL_FIELDS = ("consumer_name", "consumer_phone")


@dataclass(frozen=True)
class CaseDetail:
    """One case as its form shows it (full consumer data), with the version it was read at."""

    id: int
    number: str
    version: int
    draft: CaseDraft
    station_code: str
    station_name: str
    station_in_scheme: bool
    due_on: date | None
    deadline_rule: str
    has_payout: bool
    follow_up_count: int
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime

    @property
    def rule_label(self) -> str:
        rule = DEADLINE_RULES.get(self.deadline_rule)
        return rule.label if rule else self.deadline_rule

    def urgency(self, today: date) -> Urgency | None:
        return urgency(self.due_on, today, self.draft.closed_on) if self.due_on else None


@dataclass(frozen=True)
class SavedCase:
    id: int
    number: str
    version: int
    due_on: date
    warnings: tuple[str, ...] = ()


class CaseConflict(ConflictError):
    """Someone saved the case after this form was opened; `theirs` is the saved version."""

    def __init__(self, theirs: CaseDetail) -> None:
        super().__init__(
            f"案件 {theirs.number} 在您打开后已被 {theirs.updated_by or '他人'} 修改并保存",
            hint="请关闭后重新打开该案件，核对后再修改",
        )
        self.theirs = theirs


def _draft_of(case: MediationCase) -> CaseDraft:
    values = {name: getattr(case, name) for name in DRAFT_FIELDS}
    values["platform_ref"] = values["platform_ref"] or ""
    return CaseDraft(**values)


def _get(session: Session, case_id: int) -> MediationCase:
    case = session.get(MediationCase, case_id)
    if case is None:
        raise UserError(f"找不到案件 {case_id}", hint="请刷新列表")
    return case


def _detail(session: Session, case: MediationCase) -> CaseDetail:
    station = session.get(Station, case.station_id)
    assert station is not None
    has_payout = session.scalar(select(func.count()).where(FirstPayout.case_id == case.id)) or 0
    return CaseDetail(
        id=case.id,
        number=case_number(case.id, case.received_on),
        version=case.version,
        draft=_draft_of(case),
        station_code=station.code,
        station_name=station.name,
        station_in_scheme=station.first_payout_scheme,
        due_on=case.due_on,
        deadline_rule=case.deadline_rule,
        has_payout=has_payout > 0,
        follow_up_count=len(case.follow_ups),
        created_by=case.created_by,
        created_at=case.created_at,
        updated_by=case.updated_by,
        updated_at=case.updated_at,
    )


def get_case(db: Database, case_id: int) -> CaseDetail:
    with db.reading() as session:
        return _detail(session, _get(session, case_id))


def _check_references(session: Session, draft: CaseDraft) -> dict[str, str]:
    problems: dict[str, str] = {}
    if draft.station_id is not None:
        station = session.get(Station, draft.station_id)
        if station is None:
            problems["station_id"] = "所选站点不存在"
        elif (
            station.status == StationStatus.REMOVED.value
            and draft.received_on is not None
            and station.status_changed_on is not None
            and draft.received_on >= station.status_changed_on
        ):
            problems["station_id"] = (
                f"站点“{station.name}”已于 {station.status_changed_on.isoformat()} 撤销，不能登记撤销之后受理的案件"
            )
    if draft.goods_category_id is not None and session.get(GoodsCategory, draft.goods_category_id) is None:
        problems["goods_category_id"] = "所选商品/服务类别不存在"
    return problems


def _validated(session: Session, draft: CaseDraft, today: date) -> CaseDraft:
    draft = normalise_case(draft)
    problems = validate_case(draft, today)
    for key, message in _check_references(session, draft).items():
        problems.setdefault(key, message)
    if problems:
        raise ValidationFailed(problems, FIELD_LABELS)
    return draft


def _values(case: MediationCase) -> dict[str, Any]:
    """Every field of a case as stored, personal data in full (never written to the audit trail)."""
    return {name: getattr(case, name) for name in DRAFT_FIELDS} | {"due_on": case.due_on}


def _masked(values: dict[str, Any]) -> dict[str, Any]:
    """`values` as the audit trail keeps them: the consumer's name and phone masked."""
    masked = dict(values)
    if "consumer_name" in masked:
        masked["consumer_name"] = mask_name(masked["consumer_name"] or "")
    if "consumer_phone" in masked:
        masked["consumer_phone"] = mask_phone(masked["consumer_phone"] or "")
    return masked


def _snapshot(case: MediationCase) -> dict[str, Any]:
    """What the audit trail keeps of a case: every field, personal data masked."""
    return _masked(_values(case))


def _apply(case: MediationCase, draft: CaseDraft) -> None:
    for name in DRAFT_FIELDS:
        value = getattr(draft, name)
        setattr(case, name, (value or None) if name == "platform_ref" else value)
    if case.first_payout:
        case.payout_eligible = True


def add_case(db: Database, draft: CaseDraft, actor: str, today: date) -> SavedCase:
    """Record a case; its due date comes from the deadline rule chosen in the settings."""
    with db.writing() as session:
        if draft.station_id is not None:
            access.require_station(session, actor, draft.station_id)
        return add_case_in(session, draft, actor, today)


def add_case_in(session: Session, draft: CaseDraft, actor: str, today: date) -> SavedCase:
    """`add_case` inside the caller's unit of work (a ledger import adds hundreds together)."""
    draft = _validated(session, draft, today)
    assert draft.received_on is not None
    rule = preferences.read(session, "deadline_rule")
    due = due_date(rule, draft.received_on, draft.difficult, preferences.work_calendar(session))
    case = MediationCase(due_on=due.due_on, deadline_rule=due.rule_code, created_by=actor, updated_by=actor)
    _apply(case, draft)
    session.add(case)
    session.flush()
    audit.record(session, actor, "insert", "mediation_case", case.id, station_id=case.station_id, new=_snapshot(case))
    return SavedCase(case.id, case_number(case.id, case.received_on), case.version, due.due_on, due.warnings)


def update_case(
    db: Database, case_id: int, draft: CaseDraft, expected_version: int, actor: str, today: date
) -> SavedCase:
    """Save edits made on a form opened at `expected_version`; CaseConflict if someone saved since.

    The due date is recomputed under the case's own rule set when the receipt date or the
    difficult flag changed; changing the setting later never moves existing deadlines.
    """
    with db.writing() as session:
        access.require_case(session, actor, case_id)
        if draft.station_id is not None:
            access.require_station(session, actor, draft.station_id)
        case = _get(session, case_id)
        if case.version != expected_version:
            raise CaseConflict(_detail(session, case))
        draft = _validated(session, draft, today)
        assert draft.received_on is not None
        problems = _record_constraints(session, case, draft)
        if problems:
            raise ValidationFailed(problems, FIELD_LABELS)
        before = _values(case)
        warnings: tuple[str, ...] = ()
        if draft.received_on != case.received_on or draft.difficult != case.difficult:
            due = due_date(case.deadline_rule, draft.received_on, draft.difficult, preferences.work_calendar(session))
            case.due_on, warnings = due.due_on, due.warnings
        if draft.station_id != case.station_id:  # entered at the wrong station: its calls move too
            moved = session.scalars(select(FollowUp.id).where(FollowUp.case_id == case.id)).all()
            session.execute(
                update(FollowUp).where(FollowUp.case_id == case.id).values(station_id=draft.station_id)
            )
            for visit_id in moved:
                audit.record(session, actor, "update", "follow_up", visit_id, station_id=draft.station_id,
                             old={"station_id": case.station_id}, new={"station_id": draft.station_id})  # fmt: skip
        _apply(case, draft)
        # Compare the full values, mask only what is written: "张三" → "张四" masks to "张*" both
        # times, and must still be saved with the editor's name and an audit row.
        old, new = audit.changed_fields(before, _values(case))
        if new:
            case.updated_by = actor
            session.flush()
            audit.record(
                session, actor, "update", "mediation_case", case.id, station_id=case.station_id,
                old=_masked(old), new=_masked(new),
            )  # fmt: skip
        assert case.due_on is not None
        return SavedCase(case.id, case_number(case.id, case.received_on), case.version, case.due_on, warnings)


def _record_constraints(session: Session, case: MediationCase, draft: CaseDraft) -> dict[str, str]:
    """An edit must not leave a payout or a follow-up that the rules for adding them refuse.

    A case with a first payout stays at its station, can only end in success and was received
    no later than it was paid; a case that was called back stays closed, on or before the call.
    """
    problems: dict[str, str] = {}
    first_paid = session.scalar(select(func.min(FirstPayout.paid_on)).where(FirstPayout.case_id == case.id))
    if first_paid is not None:
        if draft.station_id != case.station_id:
            problems["station_id"] = "该案件已有先行赔付记录，不能改到其他站点"
        if draft.outcome is not None and draft.outcome != CaseOutcome.SUCCESS.value:
            problems["outcome"] = "该案件已有先行赔付记录，处理结果只能是“调解成功”或暂不填写"
        if draft.received_on is not None and draft.received_on > first_paid:
            problems["received_on"] = f"该案件已于 {first_paid.isoformat()} 先行赔付，受理日期不能晚于赔付日期"
    first_visit = session.scalar(select(func.min(FollowUp.visited_on)).where(FollowUp.case_id == case.id))
    if first_visit is not None:
        if draft.outcome is None:
            problems.setdefault("outcome", f"该案件已于 {first_visit.isoformat()} 回访，不能改回未办结")
        elif draft.closed_on is not None and draft.closed_on > first_visit:
            problems.setdefault(
                "closed_on", f"该案件已于 {first_visit.isoformat()} 回访，办结日期不能晚于回访日期"
            )
    return problems


def reveal_consumer(db: Database, case_id: int, actor: str) -> tuple[str, str]:
    """The consumer's full name and phone for one case, on the user's explicit request.

    Recorded in the audit trail (who looked at whose data, when), as the disclosure rule expects.
    """
    with db.writing() as session:
        access.require_case(session, actor, case_id)
        case = _get(session, case_id)
        audit.record(session, actor, "reveal", "mediation_case", case.id, station_id=case.station_id)
        return case.consumer_name, case.consumer_phone


def list_case_ids(db: Database, flt: CaseFilter, sort_key: str = "received_on", descending: bool = True) -> list[int]:
    with db.reading() as session:
        return case_queries.case_ids(session, flt, sort_key, descending)


def load_case_rows(db: Database, ids: Sequence[int]) -> dict[int, CaseRow]:
    with db.reading() as session:
        return case_queries.case_rows(session, ids)


def count_cases(db: Database, flt: CaseFilter) -> int:
    with db.reading() as session:
        return case_queries.count_cases(session, flt)


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


def goods_categories(db: Database) -> list[Choice]:
    """The active goods/service categories, in their display order, for the form's list."""
    with db.reading() as session:
        rows = session.execute(
            select(GoodsCategory.id, GoodsCategory.name)
            .where(GoodsCategory.active.is_(True))
            .order_by(GoodsCategory.sort_order, GoodsCategory.id)
        ).all()
    return [Choice(*row) for row in rows]


def preview_due_date(db: Database, received_on: date, difficult: bool, rule_code: str | None = None) -> DueDate:
    """The due date the form shows while typing: the case's own rule, or the current setting for a
    new case, with the shared work calendar."""
    with db.reading() as session:
        rule = rule_code or preferences.read(session, "deadline_rule")
        return due_date(rule, received_on, difficult, preferences.work_calendar(session))


@dataclass(frozen=True)
class StationChoice:
    id: int
    code: str
    name: str
    in_scheme: bool

    @property
    def text(self) -> str:
        return f"{self.code} {self.name}"


def station_choices(db: Database) -> list[StationChoice]:
    """Stations a new case can be entered for (all but removed ones), by code."""
    with db.reading() as session:
        rows = session.execute(
            select(Station.id, Station.code, Station.name, Station.first_payout_scheme)
            .where(Station.status != StationStatus.REMOVED.value)
            .order_by(Station.code)
        ).all()
    return [StationChoice(*row) for row in rows]


def station_choice(db: Database, station_id: int) -> StationChoice:
    """One station as the case form names it."""
    with db.reading() as session:
        row = session.execute(
            select(Station.id, Station.code, Station.name, Station.first_payout_scheme).where(Station.id == station_id)
        ).one_or_none()
    if row is None:
        raise UserError(f"找不到编号为 {station_id} 的站点", hint="请刷新列表")
    return StationChoice(*row)
