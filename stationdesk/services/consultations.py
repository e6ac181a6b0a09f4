"""Consultations and visits (咨询/来访): a light record a station keeps many of, one by one or as a
tally for a day or a period. They count as activity (a station that only answers questions is
not a zombie) and appear in the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from stationdesk.domain.case_rules import EARLIEST_CASE_DATE
from stationdesk.domain.text import bad_char_message, check_length, normalise_text
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import access, audit
from stationdesk.store.database import Database
from stationdesk.store.models import Consultation, Station

LABELS = {"consulted_on": "日期", "topic": "咨询内容", "how_answered": "答复方式", "answered_by": "答复人",
          "count": "次数"}  # fmt: skip
# The usual ways a consultation is answered, offered in the form (free text is allowed too).
ANSWER_CHOICES = ("当场解答", "电话答复", "引导投诉", "告知向相关部门反映", "其他")
MAX_TALLY = 10_000


@dataclass(frozen=True)
class ConsultationEntry:
    id: int
    consulted_on: date
    topic: str
    how_answered: str
    answered_by: str
    count: int
    entered_by: str


def add_consultation(
    db: Database,
    station_id: int,
    consulted_on: date | None,
    topic: str,
    how_answered: str,
    answered_by: str,
    count: int,
    actor: str,
    today: date,
) -> int:
    """One consultation (count 1) or a tally of `count` for that day or period; returns its id."""
    topic, how_answered, answered_by = (normalise_text(v) for v in (topic, how_answered, answered_by))
    problems: dict[str, str] = {}
    if consulted_on is None:
        problems["consulted_on"] = "日期为必填项"
    elif consulted_on > today:
        problems["consulted_on"] = f"日期不能晚于今天（{today.isoformat()}）"
    elif consulted_on < EARLIEST_CASE_DATE:
        problems["consulted_on"] = f"日期早于{EARLIEST_CASE_DATE.year}年，请核对"
    for key, value, limit in (("topic", topic, 40), ("how_answered", how_answered, 20), ("answered_by", answered_by, 40)):
        if message := check_length(LABELS[key], value, limit) or bad_char_message(LABELS[key], value):
            problems[key] = message
    if not 1 <= count <= MAX_TALLY:
        problems["count"] = f"次数应在 1 至 {MAX_TALLY:,} 之间"
    if problems:
        raise ValidationFailed(problems, LABELS)
    with db.writing() as session:
        access.require_station(session, actor, station_id)
        if session.get(Station, station_id) is None:
            raise UserError(f"找不到编号为 {station_id} 的站点", hint="请刷新列表")
        row = Consultation(
            station_id=station_id, consulted_on=consulted_on, topic=topic, how_answered=how_answered,
            answered_by=answered_by, count=count, created_by=actor, updated_by=actor,
        )  # fmt: skip
        session.add(row)
        session.flush()
        audit.record(session, actor, "insert", "consultation", row.id, station_id=station_id,
                     new=audit.row_values(row))  # fmt: skip
        return row.id


def consultations_of_station(db: Database, station_id: int, limit: int = 500) -> list[ConsultationEntry]:
    """The station's most recent consultations and tallies, newest first."""
    with db.reading() as session:
        rows = session.execute(
            select(
                Consultation.id, Consultation.consulted_on, Consultation.topic, Consultation.how_answered,
                Consultation.answered_by, Consultation.count, Consultation.created_by,
            )
            .where(Consultation.station_id == station_id)
            .order_by(Consultation.consulted_on.desc(), Consultation.id.desc())
            .limit(limit)
        ).all()  # fmt: skip
    return [ConsultationEntry(*row) for row in rows]


def consultation_totals(db: Database, station_id: int) -> tuple[int, int]:
    """How many records the station has and the consultations they add up to (for the total line)."""
    with db.reading() as session:
        records, total = session.execute(
            select(func.count(), func.coalesce(func.sum(Consultation.count), 0)).where(
                Consultation.station_id == station_id
            )
        ).one()
    return int(records), int(total)
