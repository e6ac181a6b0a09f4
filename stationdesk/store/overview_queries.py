"""Grouped counts for the overview (首页概览), its charts and the weekly bulletin (每周动态).

Every number here is a GROUP BY in the database; the services turn the few rows that come back
(a county, category and level each, never a case) into the figures, rates and charts. "Area" is
a county, or a street (街道) when the overview is narrowed to one county: the same query, grouped
one level down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from stationdesk.domain.vocabulary import StationStatus
from stationdesk.store.models import Category, FirstPayout, FollowUp, MediationCase, Station
from stationdesk.store.planner import not_indexed
from stationdesk.store.portable import month_key

_s = Station.__table__.c
_c = MediationCase.__table__.c
_p = FirstPayout.__table__.c
_f = FollowUp.__table__.c
NO_STREET = 0
"""The area id of a county's stations recorded without a street."""


def area_column(county_id: int | None) -> ColumnElement[int]:
    """What a station's area is: its county, or its street within the chosen county."""
    return _s.county_id if county_id is None else func.coalesce(_s.street_id, NO_STREET)


def _in_county(query: Any, county_id: int | None) -> Any:
    return query if county_id is None else query.where(_s.county_id == county_id)


def station_breakdown(session: Session, county_id: int | None = None) -> list[tuple[int, int, str, int]]:
    """(area id, category id, level, stations) for the stations not removed: the counts by
    category, level and area, the stacked bars and the heat-map all add these rows up."""
    area = area_column(county_id)
    query = (
        select(area, _s.category_id, _s.level, func.count())
        .where(_s.status != StationStatus.REMOVED.value)
        .group_by(area, _s.category_id, _s.level)
    )
    return [(a, c, lv, n) for a, c, lv, n in session.execute(_in_county(query, county_id))]


def counted_categories(session: Session, used: set[int]) -> list[tuple[int, str]]:
    """(id, name) of the categories a count lists, in the register's order: the active ones, and
    an inactive one still holding stations (`used`), which must still be counted."""
    query = select(Category.id, Category.name, Category.active).order_by(Category.sort_order, Category.id)
    return [(cid, name) for cid, name, active in session.execute(query) if active or cid in used]


def new_and_removed(session: Session, start: date, end: date, county_id: int | None = None) -> tuple[int, int]:
    """Stations established in [start, end] (whatever became of them since), and stations
    removed (撤销) in it, by the date of the removal."""
    new = select(func.count()).where(_s.established_on >= start, _s.established_on <= end)
    removed = select(func.count()).where(
        _s.status == StationStatus.REMOVED.value, _s.status_changed_on >= start, _s.status_changed_on <= end
    )
    return (
        int(session.scalar(_in_county(new, county_id)) or 0),
        int(session.scalar(_in_county(removed, county_id)) or 0),
    )


def overdue_cases(session: Session, as_of: date, county_id: int | None = None) -> int:
    """Cases still open whose due date is before `as_of`, whenever received (the cases page's
    只看逾期). Reads the partial index of open cases only."""
    query = select(func.count()).select_from(MediationCase).where(_c.outcome.is_(None), _c.due_on < as_of)
    if county_id is not None:
        query = query.join(Station, Station.id == _c.station_id).where(_s.county_id == county_id)
    return int(session.scalar(query) or 0)


def cases_by_month(session: Session, first: date, last: date, county_id: int | None = None) -> dict[int, int]:
    """Cases received in [first, last] per month, as {YYYYMM: cases}; months without any absent."""
    month = month_key(_c.received_on)
    query = (
        select(month, func.count())
        .select_from(MediationCase)
        .where(_c.received_on >= first, _c.received_on <= last)
        .group_by(month)
    )
    if county_id is not None:
        query = query.join(Station, Station.id == _c.station_id).where(_s.county_id == county_id)
    return {int(key): n for key, n in session.execute(query)}


# -- the weekly bulletin ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class WeekCounts:
    """One county's week: what came in, what was finished, what is late at the week's end."""

    received: int = 0
    closed: int = 0
    overdue: int = 0
    follow_ups: int = 0
    payouts: int = 0
    payout_fen: int = 0


def _by_county(session: Session, query: Any, column: Any) -> dict[int, tuple[Any, ...]]:
    grouped = query.join(Station, Station.id == column).group_by(_s.county_id)
    return {row[0]: tuple(row[1:]) for row in session.execute(grouped)}


def _overdue_at(session: Session, after: date) -> dict[int, tuple[int]]:
    """Per county, the cases overdue at the end of the day before `after`: received and due
    before it, and not closed before it. Counted in two parts, each read from its own index: the
    cases open today (the partial index of open cases) and those closed since (by closing date);
    one OR over both would read every case there is."""
    open_now = _by_county(
        session, select(_s.county_id, func.count()).select_from(MediationCase)
        .where(_c.outcome.is_(None), _c.due_on < after, _c.received_on < after), _c.station_id,
    )  # fmt: skip
    received = not_indexed(session, _c.received_on)  # else SQLite walks nearly every case by receipt
    closed_since = _by_county(
        session, select(_s.county_id, func.count()).select_from(MediationCase)
        .where(_c.closed_on >= after, _c.due_on < after, received < after), _c.station_id,
    )  # fmt: skip
    return {
        county: (open_now.get(county, (0,))[0] + closed_since.get(county, (0,))[0],)
        for county in set(open_now) | set(closed_since)
    }


def week_counts(session: Session, monday: date, sunday: date) -> dict[int, WeekCounts]:
    """Per county (id), the counts of the days [monday, sunday]. A case is overdue at the week's
    end when it was received by then, not closed by then, and its due date had passed."""
    after = sunday + timedelta(days=1)
    received = _by_county(
        session, select(_s.county_id, func.count()).select_from(MediationCase)
        .where(_c.received_on >= monday, _c.received_on <= sunday), _c.station_id,
    )  # fmt: skip
    closed = _by_county(
        session, select(_s.county_id, func.count()).select_from(MediationCase)
        .where(_c.closed_on >= monday, _c.closed_on <= sunday), _c.station_id,
    )  # fmt: skip
    overdue = _overdue_at(session, after)
    follow_ups = _by_county(
        session, select(_s.county_id, func.count()).select_from(FollowUp)
        .where(_f.visited_on >= monday, _f.visited_on <= sunday), _f.station_id,
    )  # fmt: skip
    payouts = _by_county(
        session, select(_s.county_id, func.count(), func.coalesce(func.sum(_p.amount_fen), 0))
        .select_from(FirstPayout).where(_p.paid_on >= monday, _p.paid_on <= sunday), _p.station_id,
    )  # fmt: skip
    counties = set(received) | set(closed) | set(overdue) | set(follow_ups) | set(payouts)
    return {
        county: WeekCounts(
            received.get(county, (0,))[0],
            closed.get(county, (0,))[0],
            overdue.get(county, (0,))[0],
            follow_ups.get(county, (0,))[0],
            *(int(v) for v in payouts.get(county, (0, 0))),
        )
        for county in counties
    }
