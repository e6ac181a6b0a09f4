"""The facts the zombie rules read, for every station not removed, in a few set-based queries.

Last activity is two index seeks per station (the latest case, the latest consultation up to the
sweep's date); the latest check, re-examination and decision per station come from small tables
with ROW_NUMBER (portable to PostgreSQL); overdue cases are grouped per station. SQLite plans that
as one pass over the covering index ix_case_station_figures (~35 ms at 1,000,000 cases) rather than
the partial index of open cases, which lacks station_id; for a page of stations it seeks per station.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, func, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from stationdesk.domain.vocabulary import StationStatus
from stationdesk.domain.zombie_rules import StationFacts
from stationdesk.store.models import (
    Consultation,
    MediationCase,
    Reexamination,
    ReexamRound,
    SiteCheck,
    Station,
    ZombieDecision,
)
from stationdesk.store.types import Day, int_to_day

_s = Station.__table__.c
_c = MediationCase.__table__.c
_t = Consultation.__table__.c


class _SweepDay(Day):
    """`Day` read with a memo (SQLite): a province sweep reads ~70,000 dates over a few thousand
    distinct days, and converting each through the type decorator's two calls was the largest
    single Python cost of the sweep in cProfile."""

    cache_ok = True

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], date | None] | None:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        memo: dict[int, date] = {}

        def process(value: Any) -> date | None:
            if value is None:
                return None
            day = memo.get(value)
            if day is None:
                day = memo[value] = int_to_day(int(value))
            return day

        return process


def _day(column: Any) -> Any:
    return type_coerce(column, _SweepDay())


def _latest(query: Any, partition: Any, *order: Any) -> Any:
    """The first row per `partition` in `order`, as a subquery (ROW_NUMBER() OVER …)."""
    ranked = query.add_columns(
        func.row_number().over(partition_by=partition, order_by=list(order)).label("place")
    ).subquery()
    return select(ranked).where(ranked.c.place == 1)


@dataclass(frozen=True)
class LastDecision:
    """A station's latest zombie decision: what, when, and until when it holds (deadline)."""

    id: int
    action: str
    decided_on: date
    deadline: date | None


def station_facts(session: Session, as_of: date, station_ids: Iterable[int] | None = None) -> list[StationFacts]:
    """Facts for every station not removed (or those in `station_ids`), as of `as_of`."""
    return list(iter_station_facts(session, as_of, station_ids))


def iter_station_facts(
    session: Session, as_of: date, station_ids: Iterable[int] | None = None
) -> Iterator[StationFacts]:
    """`station_facts` a few thousand at a time, for a sweep that keeps only the flagged ones.

    Why: at 20,000 stations, row-by-row fetching with attribute access on result rows cost more
    than the SQL itself, and holding every row and every StationFacts at once gave Python's
    garbage collector more to walk; so rows come in chunks and are unpacked as tuples."""
    before = as_of + timedelta(days=1)
    ids = None if station_ids is None else list(station_ids)
    last_case = select(func.max(_c.received_on)).where(_c.station_id == _s.id, _c.received_on < before)
    last_talk = select(func.max(_t.consulted_on)).where(_t.station_id == _s.id, _t.consulted_on < before)
    base = select(
        _s.id, _day(_s.established_on), _s.host_status,
        # Only where the set-up date is blank: reading 20,000 timestamps costs a sweep ~50 ms.
        case((_s.established_on.is_(None), _s.created_at)).label("created_at"),
        _day(last_case.scalar_subquery()), _day(last_talk.scalar_subquery()),
    ).where(_s.status != StationStatus.REMOVED.value)  # fmt: skip
    check_query = select(SiteCheck.station_id, SiteCheck.checked_on, SiteCheck.contact_reachable).where(
        SiteCheck.checked_on <= as_of
    )
    round_query = (
        select(Reexamination.station_id, ReexamRound.year, Reexamination.proposed_outcome,
               Reexamination.decided_outcome)
        .join(ReexamRound, ReexamRound.id == Reexamination.round_id)
        .where(ReexamRound.year <= as_of.year)
    )  # fmt: skip
    overdue_query = (
        select(_c.station_id, _day(func.min(_c.due_on)), func.count())
        .where(_c.outcome.is_(None), _c.due_on < as_of)
        .group_by(_c.station_id)
    )
    if ids is not None:  # a page of the register: read only its stations' rows
        base = base.where(_s.id.in_(ids))
        check_query = check_query.where(SiteCheck.station_id.in_(ids))
        round_query = round_query.where(Reexamination.station_id.in_(ids))
        overdue_query = overdue_query.where(_c.station_id.in_(ids))
    checks = {
        sid: (on, reachable)
        for sid, on, reachable, _place in session.execute(
            _latest(check_query, SiteCheck.station_id, SiteCheck.checked_on.desc(), SiteCheck.id.desc())
        ).all()
    }
    rounds = {
        sid: (year, decided or proposed, bool(decided))
        for sid, year, proposed, decided, _place in session.execute(
            _latest(round_query, Reexamination.station_id, ReexamRound.year.desc())
        ).all()
    }
    overdue = {sid: (oldest, n) for sid, oldest, n in session.execute(overdue_query).all()}
    no_check, no_round, none_late = (None, None), (None, None, False), (None, 0)
    for rows in session.execute(base).partitions(2_000):
        for sid, established, host_status, created, last_case_on, last_talk_on in rows:
            yield StationFacts(  # positional, in StationFacts' field order
                sid, established, last_case_on, last_talk_on, host_status,
                *checks.get(sid, no_check), *rounds.get(sid, no_round), *overdue.get(sid, none_late),
                created.date() if created is not None else None,
            )  # fmt: skip


def last_decisions(session: Session, as_of: date) -> dict[int, LastDecision]:
    """Each station's latest zombie decision taken on or before `as_of`."""
    query = _latest(
        select(ZombieDecision.station_id, ZombieDecision.id, ZombieDecision.action, ZombieDecision.decided_on,
               ZombieDecision.deadline).where(ZombieDecision.decided_on <= as_of),
        ZombieDecision.station_id, ZombieDecision.decided_on.desc(), ZombieDecision.id.desc(),
    )  # fmt: skip
    return {
        row.station_id: LastDecision(row.id, row.action, row.decided_on, row.deadline)
        for row in session.execute(query)
    }
