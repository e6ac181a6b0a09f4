"""Per-station figures for a period, computed in SQL.

One grouped query over the covering index `ix_case_station_figures`; never by loading case rows
into Python (measured 15× slower through ORM objects, ~1,000× through lazy relationships).
The rates themselves are formed by `domain.indicators` from the counts returned here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, and_, case, func, select
from sqlalchemy.orm import Session

from stationdesk.domain.vocabulary import CaseHandling, CaseOutcome
from stationdesk.store.models import MediationCase

_c = MediationCase.__table__.c


@dataclass(frozen=True, slots=True)
class CaseCounts:
    """Counts behind the indicators, for one station and period."""

    station_id: int
    received: int = 0
    closed: int = 0
    self_mediated: int = 0
    successful: int = 0
    failed: int = 0
    terminated: int = 0
    first_payouts: int = 0
    recovered_fen: int = 0
    last_received: date | None = None


def _count_if(condition) -> object:  # type: ignore[no-untyped-def]
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


FIGURE_COLUMNS = (
    func.count().label("received"),
    _count_if(_c.outcome.is_not(None)).label("closed"),
    _count_if(and_(_c.outcome.is_not(None), _c.handling == CaseHandling.SELF.value)).label("self_mediated"),
    _count_if(_c.outcome == CaseOutcome.SUCCESS.value).label("successful"),
    _count_if(_c.outcome == CaseOutcome.FAILURE.value).label("failed"),
    _count_if(_c.outcome == CaseOutcome.TERMINATED.value).label("terminated"),
    _count_if(_c.first_payout.is_(True)).label("first_payouts"),
    func.coalesce(func.sum(_c.amount_recovered_fen), 0).cast(Integer).label("recovered_fen"),
    func.max(_c.received_on).label("last_received"),
)


def station_case_counts(
    session: Session, start: date, end: date, station_ids: Iterable[int] | None = None
) -> dict[int, CaseCounts]:
    """Case counts per station for cases received in [start, end] (both inclusive).

    Stations without a case in the period are absent from the result; callers use
    `CaseCounts(station_id)` as the zero.
    """
    query = (
        select(_c.station_id, *FIGURE_COLUMNS)
        .where(_c.received_on >= start, _c.received_on <= end)
        .group_by(_c.station_id)
    )
    if station_ids is not None:
        query = query.where(_c.station_id.in_(list(station_ids)))
    return {row.station_id: CaseCounts(**row._asdict()) for row in session.execute(query)}


def last_case_dates(session: Session, station_ids: Iterable[int]) -> dict[int, date]:
    """The most recent case received at each station, ever (for "last activity")."""
    query = (
        select(_c.station_id, func.max(_c.received_on))
        .where(_c.station_id.in_(list(station_ids)))
        .group_by(_c.station_id)
    )
    return {sid: day for sid, day in session.execute(query) if day is not None}
