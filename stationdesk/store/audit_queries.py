"""Reads behind the 操作日志 and a station's 变更记录: filtered, time-ordered id lists of the audit
trail and the rows of one page (the register's and the case list's pattern)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session

from stationdesk.store.models import AuditLog, Station

_a = AuditLog.__table__.c


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer narrowed the trail to; empty values mean "any".

    `since`/`before` are moments in UTC (`before` excluded); `station_text` matches part of a
    station's code or name; `actions`/`tables` come from the 操作 and 对象 choices.
    """

    username: str | None = None
    since: datetime | None = None
    before: datetime | None = None
    station_id: int | None = None
    station_text: str = ""
    tables: tuple[str, ...] | None = None
    actions: tuple[str, ...] | None = None
    table: str | None = None


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One audit row as stored, with the code and name of its station."""

    id: int
    at: datetime
    username: str
    action: str
    table_name: str
    row_id: int | None
    station_id: int | None
    station_code: str
    station_name: str
    old_values: dict[str, Any]
    new_values: dict[str, Any]
    row_hash: str


def _conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if flt.username:
        found.append(_a.username == flt.username)
    if flt.since is not None:
        found.append(_a.at >= flt.since)
    if flt.before is not None:
        found.append(_a.at < flt.before)
    if flt.station_id is not None:
        found.append(_a.station_id == flt.station_id)
    text = flt.station_text.strip()
    if text:
        matching = select(Station.id).where(
            or_(Station.code.contains(text.upper(), autoescape=True), Station.name.contains(text, autoescape=True))
        )
        found.append(_a.station_id.in_(matching))
    if flt.tables is not None:
        found.append(_a.table_name.in_(flt.tables))
    if flt.actions is not None:
        found.append(_a.action.in_(flt.actions))
    if flt.table:
        found.append(_a.table_name == flt.table)
    return found


def _ordered(query: Select[Any], descending: bool) -> Select[Any]:
    # The time, then the id: rows of one moment (an import) stay in the order they were written.
    if descending:
        return query.order_by(_a.at.desc(), _a.id.desc())
    return query.order_by(_a.at, _a.id)


def audit_ids(session: Session, flt: AuditFilter, descending: bool = True) -> list[int]:
    query = _ordered(select(_a.id).where(*_conditions(flt)), descending)
    return list(session.scalars(query))


def audit_records(session: Session, ids: Sequence[int]) -> dict[int, AuditRecord]:
    """The rows of `ids` (a page), by id."""
    if not ids:
        return {}
    query = (
        select(_a.id, _a.at, _a.username, _a.action, _a.table_name, _a.row_id, _a.station_id, Station.code,
               Station.name, _a.old_values, _a.new_values, _a.row_hash)
        .outerjoin(Station, Station.id == _a.station_id)
        .where(_a.id.in_(list(ids)))
    )  # fmt: skip
    found: dict[int, AuditRecord] = {}
    for row in session.execute(query):
        values = list(row)
        values[7], values[8] = values[7] or "", values[8] or ""
        values[9], values[10] = values[9] or {}, values[10] or {}
        found[row[0]] = AuditRecord(*values)
    return found


def usernames(session: Session) -> list[str]:
    """Everyone who appears in the trail, by name (read from the username index)."""
    return list(session.scalars(select(_a.username).distinct().order_by(_a.username)))
