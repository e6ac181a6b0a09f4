"""Reads behind the station register: filtered, sorted id lists and the rows of one page.

The list shows 20,000 stations without a pause by asking SQL for the ordered ids only (a few
milliseconds) and fetching full rows a page at a time as the user scrolls.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.vocabulary import StationStatus
from stationdesk.store.figures import last_case_dates, station_case_counts
from stationdesk.store.models import Category, Consultation, County, MediationCase, Station, Street
from stationdesk.store.planner import not_indexed
from stationdesk.store.portable import contains_text, sort_order

_s = Station.__table__.c
_case = MediationCase.__table__.c


@dataclass(frozen=True)
class StationFilter:
    """What the user narrowed the register to. Empty values mean "any"."""

    text: str = ""
    county_id: int | None = None
    street_id: int | None = None
    category_id: int | None = None
    form: str | None = None
    level: str | None = None
    status: str | None = None
    include_removed: bool = False
    # Only stations with a case or consultation on or after this day ("activity in the last N months").
    active_since: date | None = None
    # Only stations with no case or consultation since this day (the opposite: gone quiet).
    quiet_since: date | None = None
    # Only stations established in these days (the overview's 新设站点).
    established_between: tuple[date, date] | None = None
    # Only stations removed (撤销) in these days (the overview's 撤销站点).
    removed_between: tuple[date, date] | None = None


@dataclass(frozen=True, slots=True)
class StationRow:
    """One line of the register, with the station's figures for the chosen year."""

    id: int
    code: str
    name: str
    category: str
    form: str
    level: str
    status: str
    county: str
    street: str
    host_name: str
    host_credit_code: str
    host_status: str
    contact_person: str
    contact_phone: str
    address: str
    established_on: date | None
    updated_by: str
    figures: StationFigures
    last_case_on: date | None


def _year_counts_subquery(session: Session, year: int):  # type: ignore[no-untyped-def]
    # Every station's count: scan the covering index in station order (see store.planner).
    received = not_indexed(session, _case.received_on)
    return (
        select(_case.station_id, func.count().label("received"))
        .where(received >= date(year, 1, 1), received <= date(year, 12, 31))
        .group_by(_case.station_id)
        .subquery()
    )


def _active_station_ids(since: date):  # type: ignore[no-untyped-def]
    """Stations with a case received or a consultation recorded on or after `since`."""
    cases = select(_case.station_id).where(_case.received_on >= since)
    talks = select(Consultation.station_id).where(Consultation.consulted_on >= since)
    return cases.union(talks)


def _apply_filter(query: Select, flt: StationFilter) -> Select:  # type: ignore[type-arg]
    if flt.text:
        columns = (_s.name, _s.code, _s.host_name, _s.host_credit_code, _s.address, _s.contact_person, _s.contact_phone)
        query = query.where(or_(*(contains_text(column, flt.text) for column in columns)))
    for column, value in (
        (_s.county_id, flt.county_id),
        (_s.street_id, flt.street_id),
        (_s.category_id, flt.category_id),
        (_s.form, flt.form),
        (_s.level, flt.level),
        (_s.status, flt.status),
    ):
        if value is not None:
            query = query.where(column == value)
    if flt.active_since is not None:
        query = query.where(_s.id.in_(_active_station_ids(flt.active_since)))
    if flt.quiet_since is not None:
        query = query.where(_s.id.not_in(_active_station_ids(flt.quiet_since)))
    if flt.established_between is not None:
        first, last = flt.established_between
        query = query.where(_s.established_on >= first, _s.established_on <= last)
    if flt.removed_between is not None:
        first, last = flt.removed_between
        query = query.where(_s.status == StationStatus.REMOVED.value, _s.status_changed_on >= first,
                            _s.status_changed_on <= last)  # fmt: skip
    elif not flt.include_removed and flt.status is None:
        query = query.where(_s.status != StationStatus.REMOVED.value)
    return query


SORT_KEYS: dict[str, ColumnElement] = {  # type: ignore[type-arg]
    "code": _s.code,
    "name": _s.name,
    "category": Category.sort_order,
    "form": _s.form,
    "level": _s.level,
    "status": _s.status,
    "county": County.sort_order,
    "street": Street.name,
    "host_name": _s.host_name,
    "host_credit_code": _s.host_credit_code,
    "host_status": _s.host_status,
    "contact_person": _s.contact_person,
    "contact_phone": _s.contact_phone,
    "address": _s.address,
    "established_on": _s.established_on,
    "updated_by": _s.updated_by,
}
FIGURE_SORT_KEYS = frozenset({"received"})


def station_ids(
    session: Session,
    flt: StationFilter,
    sort_key: str = "code",
    descending: bool = False,
    year: int | None = None,
) -> list[int]:
    """Ids of the stations matching `flt`, in display order (ties broken by station code)."""
    query = select(_s.id).select_from(Station)
    if sort_key in FIGURE_SORT_KEYS and year is not None:
        counts = _year_counts_subquery(session, year)
        query = query.outerjoin(counts, counts.c.station_id == _s.id)
        order: ColumnElement = func.coalesce(counts.c.received, 0)  # type: ignore[type-arg]
    else:
        order = SORT_KEYS.get(sort_key, _s.code)
        if sort_key == "category":
            query = query.join(Category, Category.id == _s.category_id)
        elif sort_key == "county":
            query = query.join(County, County.id == _s.county_id)
        elif sort_key == "street":
            query = query.outerjoin(Street, Street.id == _s.street_id)
    query = _apply_filter(query, flt).order_by(sort_order(order, descending), _s.code)
    return list(session.scalars(query))


def station_rows(session: Session, ids: Sequence[int], year: int) -> dict[int, StationRow]:
    """Full rows for `ids` (one page), each with its case figures for `year`."""
    if not ids:
        return {}
    query = (
        select(
            _s.id,
            _s.code,
            _s.name,
            Category.name.label("category"),
            _s.form,
            _s.level,
            _s.status,
            County.name.label("county"),
            func.coalesce(Street.name, "").label("street"),
            _s.host_name,
            _s.host_credit_code,
            _s.host_status,
            _s.contact_person,
            _s.contact_phone,
            _s.address,
            _s.established_on,
            _s.updated_by,
        )
        .join(Category, Category.id == _s.category_id)
        .join(County, County.id == _s.county_id)
        .outerjoin(Street, Street.id == _s.street_id)
        .where(_s.id.in_(list(ids)))
    )
    counts = station_case_counts(session, date(year, 1, 1), date(year, 12, 31), ids)
    last = last_case_dates(session, ids)
    return {
        row.id: StationRow(
            **row._asdict(), figures=counts.get(row.id) or StationFigures(row.id), last_case_on=last.get(row.id)
        )
        for row in session.execute(query)
    }


def count_stations(session: Session, flt: StationFilter) -> int:
    return session.scalar(_apply_filter(select(func.count()).select_from(Station), flt)) or 0


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


@dataclass(frozen=True)
class RegisterLookups:
    """The values the register's filter boxes offer."""

    counties: list[Choice]
    categories: list[Choice]


def register_lookups(session: Session) -> RegisterLookups:
    counties = [
        Choice(i, n)
        for i, n in session.execute(select(County.id, County.name).order_by(County.sort_order, County.code))
    ]
    categories = [
        Choice(i, n)
        for i, n in session.execute(
            select(Category.id, Category.name).where(Category.active.is_(True)).order_by(Category.sort_order)
        )
    ]
    return RegisterLookups(counties, categories)
