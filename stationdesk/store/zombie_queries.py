"""The facts the zombie rules read, for every station not removed, in a few set-based queries.

Last activity is two index seeks per station (the latest case, the latest consultation up to the
sweep's date); the latest check, re-examination and decision per station come from small tables
with ROW_NUMBER (portable to PostgreSQL); overdue cases come from the partial index of open cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
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

_s = Station.__table__.c
_c = MediationCase.__table__.c
_t = Consultation.__table__.c


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
    before = as_of + timedelta(days=1)
    last_case = select(func.max(_c.received_on)).where(_c.station_id == _s.id, _c.received_on < before)
    last_talk = select(func.max(_t.consulted_on)).where(_t.station_id == _s.id, _t.consulted_on < before)
    base = select(
        _s.id, _s.established_on, _s.host_status,
        last_case.scalar_subquery().label("last_case_on"), last_talk.scalar_subquery().label("last_talk_on"),
    ).where(_s.status != StationStatus.REMOVED.value)  # fmt: skip
    if station_ids is not None:
        base = base.where(_s.id.in_(list(station_ids)))
    checks = {
        row.station_id: row
        for row in session.execute(
            _latest(
                select(SiteCheck.station_id, SiteCheck.checked_on, SiteCheck.contact_reachable).where(
                    SiteCheck.checked_on <= as_of
                ),
                SiteCheck.station_id, SiteCheck.checked_on.desc(), SiteCheck.id.desc(),
            )
        )
    }
    rounds = {
        row.station_id: row
        for row in session.execute(
            _latest(
                select(
                    Reexamination.station_id, ReexamRound.year, Reexamination.proposed_outcome,
                    Reexamination.decided_outcome,
                )
                .join(ReexamRound, ReexamRound.id == Reexamination.round_id)
                .where(ReexamRound.year <= as_of.year),
                Reexamination.station_id, ReexamRound.year.desc(),
            )
        )
    }
    overdue = {
        row.station_id: row
        for row in session.execute(
            select(_c.station_id, func.min(_c.due_on).label("oldest"), func.count().label("n"))
            .where(_c.outcome.is_(None), _c.due_on < as_of)
            .group_by(_c.station_id)
        )
    }
    facts = []
    for row in session.execute(base):
        check, round_, late = checks.get(row.id), rounds.get(row.id), overdue.get(row.id)
        facts.append(
            StationFacts(
                station_id=row.id,
                established_on=row.established_on,
                last_case_on=row.last_case_on,
                last_consultation_on=row.last_talk_on,
                host_status=row.host_status,
                last_check_on=check.checked_on if check else None,
                last_check_reachable=check.contact_reachable if check else None,
                last_reexam_year=round_.year if round_ else None,
                last_reexam_outcome=(round_.decided_outcome or round_.proposed_outcome) if round_ else None,
                last_reexam_decided=bool(round_ and round_.decided_outcome),
                oldest_overdue_due_on=late.oldest if late else None,
                overdue_open=late.n if late else 0,
            )
        )
    return facts


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
