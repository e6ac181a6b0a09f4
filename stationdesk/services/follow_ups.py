"""Follow-up visits (回访) on closed cases, and the list of cases to call today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from stationdesk.domain.follow_up_rules import (
    FOLLOW_UP_LABELS,
    FOLLOW_UP_WINDOW_DAYS,
    FollowUpDraft,
    validate_follow_up,
)
from stationdesk.domain.text import normalise_text
from stationdesk.domain.vocabulary import Satisfaction
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import access, audit, preferences
from stationdesk.store import case_queries
from stationdesk.store.case_queries import CaseRow
from stationdesk.store.database import Database
from stationdesk.store.models import FollowUp, MediationCase


@dataclass(frozen=True)
class FollowUpEntry:
    id: int
    visited_on: date
    visitor: str
    reached: bool
    satisfaction: str | None
    remarks: str

    @property
    def result_text(self) -> str:
        if not self.reached:
            return "未联系上"
        return Satisfaction(self.satisfaction).label if self.satisfaction else "已联系"


def add_follow_up(db: Database, draft: FollowUpDraft, actor: str, today: date) -> int:
    """Record a call-back on a closed case; returns its id."""
    with db.writing() as session:
        if draft.case_id is not None:
            access.require_case(session, actor, draft.case_id)
        case = session.get(MediationCase, draft.case_id) if draft.case_id is not None else None
        if case is None:
            raise UserError("找不到要回访的案件", hint="请刷新列表")
        problems = validate_follow_up(draft, case.closed_on if case.outcome else None, today)
        if problems:
            raise ValidationFailed(problems, FOLLOW_UP_LABELS)
        assert draft.visited_on is not None
        visit = FollowUp(
            case_id=case.id,
            station_id=case.station_id,
            visited_on=draft.visited_on,
            visitor=normalise_text(draft.visitor),
            reached=draft.reached,
            satisfaction=draft.satisfaction if draft.reached else None,
            remarks=draft.remarks.strip(),
            created_by=actor,
            updated_by=actor,
        )
        session.add(visit)
        session.flush()
        audit.record(session, actor, "insert", "follow_up", visit.id, station_id=case.station_id,
                     new=audit.row_values(visit))  # fmt: skip
        return visit.id


def follow_ups_of_case(db: Database, case_id: int) -> list[FollowUpEntry]:
    with db.reading() as session:
        rows = session.execute(
            select(
                FollowUp.id, FollowUp.visited_on, FollowUp.visitor, FollowUp.reached, FollowUp.satisfaction,
                FollowUp.remarks,
            )
            .where(FollowUp.case_id == case_id)
            .order_by(FollowUp.visited_on, FollowUp.id)
        ).all()  # fmt: skip
    return [FollowUpEntry(*row) for row in rows]


def todays_follow_ups(db: Database, today: date, limit: int | None = None) -> list[CaseRow]:
    """The recently closed cases to call back today, not yet visited, oldest closing first.

    As many as the "daily_follow_ups" setting says (seeds: the bureau calls 5–10 a day).
    """
    with db.reading() as session:
        count = limit or int(preferences.read(session, "daily_follow_ups"))
        ids = case_queries.follow_up_candidates(session, today, FOLLOW_UP_WINDOW_DAYS, count)
        rows = case_queries.case_rows(session, ids)
    return [rows[i] for i in ids if i in rows]
