"""The audit trail (谁录入谁负责): every business write leaves who, when, which row, old and new.

Written inside the same unit of work as the change it describes, so the two commit or roll
back together.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from stationdesk.store.bulk import insert_rows
from stationdesk.store.models import AuditLog
from stationdesk.store.types import utc_now


def _plain(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):  # most values: nothing to convert
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def record(
    session: Session,
    actor: str,
    action: str,
    table: str,
    row_id: int | None,
    *,
    station_id: int | None = None,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
) -> None:
    """Append one audit row. `old`/`new` hold only the fields that changed."""
    session.add(
        AuditLog(
            username=actor,
            action=action,
            table_name=table,
            row_id=row_id,
            station_id=station_id,
            old_values=_plain(old or {}),
            new_values=_plain(new or {}),
        )
    )


_SIMPLE = (str, int, float, bool, type(None))


def _plain_values(values: dict[str, Any]) -> dict[str, Any]:
    """`_plain` of a flat dict, calling it only for the values that need converting (an import
    audits 20,000 rows of 25 fields: a call per field cost most of a second)."""
    return {key: value if type(value) in _SIMPLE else _plain(value) for key, value in values.items()}


def record_many(
    session: Session, actor: str, action: str, table: str, rows: list[tuple[int, int | None, dict[str, Any]]]
) -> None:
    """One audit row per (row id, station id, new values), in a single multi-row INSERT (an
    import of thousands of rows is audited row by row, like any other write)."""
    now = utc_now()
    if rows:
        insert_rows(session.connection(), AuditLog.__table__, [
            {"username": actor, "action": action, "table_name": table, "row_id": row_id, "station_id": station_id,
             "old_values": {}, "new_values": _plain_values(new), "at": now}
            for row_id, station_id, new in rows
        ])  # fmt: skip


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (old, new) values of the keys whose value differs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
