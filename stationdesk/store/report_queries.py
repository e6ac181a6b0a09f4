"""Reads for printed reports that the lists do not need: a batch of stations' latest cases, fund
balances and last re-examinations, each one statement for the whole batch (never per station)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from stationdesk.domain.payout_rules import FUND_SIGNS
from stationdesk.store.models import (
    FundEntry,
    MediationCase,
    Reexamination,
    ReexamRound,
    Station,
)
from stationdesk.store.types import Fen

_c = MediationCase


def stations_with_places(session: Session, station_ids: Sequence[int]) -> dict[int, Station]:
    """The stations with category, county, street and office loaded in the same statement."""
    rows = session.scalars(
        select(Station)
        .where(Station.id.in_(list(station_ids)))
        .options(
            joinedload(Station.category),
            joinedload(Station.county),
            joinedload(Station.street),
            joinedload(Station.office),
        )
    ).unique()
    return {station.id: station for station in rows}


def latest_case_ids(
    session: Session, station_ids: Sequence[int], start: date, end: date, limit: int | None
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Per station, the ids of its cases received in [start, end], newest first (at most `limit`),
    and how many there were in all: ROW_NUMBER and COUNT over a window, one statement."""
    order = (_c.received_on.desc(), _c.id.desc())
    numbered = (
        select(
            _c.station_id,
            _c.id,
            func.row_number().over(partition_by=_c.station_id, order_by=order).label("n"),
            func.count().over(partition_by=_c.station_id).label("total"),
        )
        .where(_c.station_id.in_(list(station_ids)), _c.received_on >= start, _c.received_on <= end)
        .subquery()
    )
    query = select(numbered.c.station_id, numbered.c.id, numbered.c.total)
    if limit is not None:
        query = query.where(numbered.c.n <= limit)
    ids: dict[int, list[int]] = defaultdict(list)
    totals: dict[int, int] = {}
    for station_id, case_id, total in session.execute(query.order_by(numbered.c.station_id, numbered.c.n)):
        ids[station_id].append(case_id)
        totals[station_id] = total
    return dict(ids), totals


SIGNED_FUND_AMOUNT = sql_case(
    *((FundEntry.kind == kind, FundEntry.amount_fen * sign) for kind, sign in FUND_SIGNS.items()),
    else_=0,
)
"""A fund movement's amount with its sign (存入/补充/追偿收回 +, 赔付/退出 −): the ledger's one rule."""


def fund_balances(session: Session, station_ids: Sequence[int], upto: date) -> dict[int, int]:
    """Each station's first-payout fund balance at the end of `upto` (stations with no ledger absent)."""
    rows = session.execute(
        select(FundEntry.station_id, func.sum(SIGNED_FUND_AMOUNT).cast(Fen))
        .where(FundEntry.station_id.in_(list(station_ids)), FundEntry.entry_on <= upto)
        .group_by(FundEntry.station_id)
    )
    return {station_id: int(total or 0) for station_id, total in rows}


@dataclass(frozen=True, slots=True)
class LastReexam:
    year: int
    total_score: float | None
    proposed: str | None
    decided: str | None
    decision_reason: str
    decided_by: str
    decided_on: date | None


def last_reexams(session: Session, station_ids: Sequence[int], up_to_year: int) -> dict[int, LastReexam]:
    """Each station's most recent re-examination in a round of `up_to_year` or before."""
    numbered = (
        select(
            Reexamination.station_id,
            ReexamRound.year,
            Reexamination.total_score,
            Reexamination.proposed_outcome,
            Reexamination.decided_outcome,
            Reexamination.decision_reason,
            Reexamination.decided_by,
            Reexamination.decided_at,
            func.row_number()
            .over(partition_by=Reexamination.station_id, order_by=ReexamRound.year.desc())
            .label("n"),
        )
        .join(ReexamRound, ReexamRound.id == Reexamination.round_id)
        .where(Reexamination.station_id.in_(list(station_ids)), ReexamRound.year <= up_to_year)
        .subquery()
    )
    result: dict[int, LastReexam] = {}
    for row in session.execute(select(numbered).where(numbered.c.n == 1)):
        decided_at = row.decided_at
        result[row.station_id] = LastReexam(
            row.year, row.total_score, row.proposed_outcome, row.decided_outcome, row.decision_reason or "",
            row.decided_by or "", decided_at.date() if decided_at else None,
        )  # fmt: skip
    return result
