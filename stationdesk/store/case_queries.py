"""Reads behind the case lists: filtered, sorted id lists and the rows of one page.

Same pattern as the register (`station_queries`): SQL returns the ordered ids of a million cases
in a few hundred milliseconds and the rows are fetched a page at a time. Rows carry the consumer's
name and phone already masked: full personal data never reaches a list, a print or an export.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session

from stationdesk.domain.case_rules import case_id_from_number
from stationdesk.domain.masking import mask_name, mask_phone
from stationdesk.store.models import County, FollowUp, GoodsCategory, MediationCase, Station
from stationdesk.store.planner import not_indexed
from stationdesk.store.portable import contains_text, sort_order
from stationdesk.store.types import MAX_ROW_ID

_c = MediationCase.__table__.c
_s = Station.__table__.c

OPEN, CLOSED = "open", "closed"


@dataclass(frozen=True)
class CaseFilter:
    """What the user narrowed the case list to. Empty values mean "any".

    `state` is "open", "closed" or an outcome code; `overdue_on` keeps only cases still open whose
    due date is before that day (the overdue list); `due_by` keeps open cases due on or before it.
    """

    text: str = ""
    station_id: int | None = None
    county_id: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    channel: str | None = None
    handling: str | None = None
    state: str | None = None
    goods_category_id: int | None = None
    difficult: bool | None = None
    first_payout: bool | None = None
    overdue_on: date | None = None
    due_by: date | None = None
    not_followed_up: bool = False


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One line of a case list; consumer data masked."""

    id: int
    station_id: int
    station_code: str
    station_name: str
    county: str
    received_on: date
    channel: str
    consumer: str
    phone: str
    operator_name: str
    goods_category: str
    amount_disputed_fen: int
    handling: str
    outcome: str | None
    closed_on: date | None
    due_on: date | None
    amount_recovered_fen: int
    difficult: bool
    first_payout: bool
    platform_ref: str | None
    created_by: str


def _text_condition(text: str) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [
        contains_text(_c.operator_name, text),
        contains_text(_c.platform_ref, text),
        _c.consumer_name == text,
        contains_text(_c.consumer_phone, text) if sum(ch.isdigit() for ch in text) >= 7 else _c.id < 0,
        contains_text(_c.notes, text),
        _c.station_id.in_(
            select(_s.id).where(or_(contains_text(_s.name, text), contains_text(_s.code, text)))
        ),
    ]
    case_id = case_id_from_number(text)
    if case_id is not None and case_id <= MAX_ROW_ID:  # a longer number (a phone) names no case
        conditions.append(_c.id == case_id)
    return or_(*conditions)


def _apply_filter(query: Select[Any], flt: CaseFilter) -> Select[Any]:
    if flt.text:
        query = query.where(_text_condition(flt.text))
    for column, value in (
        (_c.station_id, flt.station_id),
        (_c.channel, flt.channel),
        (_c.handling, flt.handling),
        (_c.goods_category_id, flt.goods_category_id),
        (_c.difficult, flt.difficult),
        (_c.first_payout, flt.first_payout),
    ):
        if value is not None:
            query = query.where(column == value)
    if flt.county_id is not None:
        query = query.where(_c.station_id.in_(select(_s.id).where(_s.county_id == flt.county_id)))
    if flt.received_from is not None:
        query = query.where(_c.received_on >= flt.received_from)
    if flt.received_to is not None:
        query = query.where(_c.received_on <= flt.received_to)
    if flt.state == OPEN:
        query = query.where(_c.outcome.is_(None))
    elif flt.state == CLOSED:
        query = query.where(_c.outcome.is_not(None))
    elif flt.state is not None:
        query = query.where(_c.outcome == flt.state)
    if flt.overdue_on is not None:
        query = query.where(_c.outcome.is_(None), _c.due_on < flt.overdue_on)
    if flt.due_by is not None:
        query = query.where(_c.outcome.is_(None), _c.due_on <= flt.due_by)
    if flt.not_followed_up:
        query = query.where(_c.outcome.is_not(None), ~exists().where(FollowUp.case_id == _c.id))
    return query


SORT_KEYS: dict[str, Any] = {
    "number": _c.id,
    "received_on": _c.received_on,
    "station": _s.code,
    "county": County.sort_order,
    "channel": _c.channel,
    "consumer": _c.consumer_name,
    "operator_name": _c.operator_name,
    "goods_category": GoodsCategory.sort_order,
    "amount_disputed": _c.amount_disputed_fen,
    "handling": _c.handling,
    "outcome": _c.outcome,
    "closed_on": _c.closed_on,
    "due_on": _c.due_on,
    "amount_recovered": _c.amount_recovered_fen,
    "difficult": _c.difficult,
    "first_payout": _c.first_payout,
    "created_by": _c.created_by,
}


def case_ids(session: Session, flt: CaseFilter, sort_key: str = "received_on", descending: bool = True) -> list[int]:
    """Ids of the cases matching `flt`, in display order (ties broken by case id)."""
    order = SORT_KEYS.get(sort_key, _c.received_on)
    query = select(_c.id).select_from(MediationCase)
    if sort_key in ("station", "county"):
        query = query.join(Station, _s.id == _c.station_id)
    if sort_key == "county":
        query = query.join(County, County.id == _s.county_id)
    if sort_key == "goods_category":
        query = query.outerjoin(GoodsCategory, GoodsCategory.id == _c.goods_category_id)
    query = _apply_filter(query, flt)
    if flt.text and flt.received_from is None and flt.received_to is None and sort_key == "received_on":
        # A text search reads every case anyway: scan the table and sort the matches (0.2-0.3 s at a
        # million cases) instead of walking ix_case_received with a table read per case (1.4-3 s).
        order = not_indexed(session, order)
    query = query.order_by(sort_order(order, descending), _c.id.desc() if descending else _c.id.asc())
    return list(session.scalars(query))


def count_cases(session: Session, flt: CaseFilter) -> int:
    query = _apply_filter(select(func.count()).select_from(MediationCase), flt)
    return session.scalar(query) or 0


def case_rows(session: Session, ids: Sequence[int]) -> dict[int, CaseRow]:
    """The rows for one page of ids, consumer data masked."""
    if not ids:
        return {}
    query = (
        select(
            _c.id,
            _c.station_id,
            _s.code.label("station_code"),
            _s.name.label("station_name"),
            County.name.label("county"),
            _c.received_on,
            _c.channel,
            _c.consumer_name,
            _c.consumer_phone,
            _c.operator_name,
            GoodsCategory.name.label("goods_category"),
            _c.amount_disputed_fen,
            _c.handling,
            _c.outcome,
            _c.closed_on,
            _c.due_on,
            _c.amount_recovered_fen,
            _c.difficult,
            _c.first_payout,
            _c.platform_ref,
            _c.created_by,
        )
        .select_from(MediationCase)
        .join(Station, _s.id == _c.station_id)
        .join(County, County.id == _s.county_id)
        .outerjoin(GoodsCategory, GoodsCategory.id == _c.goods_category_id)
        .where(_c.id.in_(list(ids)))
    )
    rows: dict[int, CaseRow] = {}
    for row in session.execute(query):
        values = row._asdict()
        name, phone = values.pop("consumer_name"), values.pop("consumer_phone")
        values["goods_category"] = values["goods_category"] or ""
        rows[row.id] = CaseRow(**values, consumer=mask_name(name), phone=mask_phone(phone))
    return rows


def follow_up_candidates(session: Session, today: date, window_days: int, limit: int) -> list[int]:
    """Cases closed in the last `window_days` whose consumer has not been reached yet, oldest first,
    so none ages out of the window unvisited. A call that did not get through is tried again on a
    later day, not twice the same day; withdrawn and transferred cases are included."""
    since = today - timedelta(days=window_days)
    query = (
        select(_c.id)
        .where(_c.closed_on >= since, _c.closed_on <= today, _c.outcome.is_not(None))
        .where(~exists().where(FollowUp.case_id == _c.id, or_(FollowUp.reached.is_(True), FollowUp.visited_on >= today)))
        .order_by(_c.closed_on.asc(), _c.id.asc())
        .limit(limit)
    )
    return list(session.scalars(query))
