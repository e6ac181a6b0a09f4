"""The audit trail (谁录入谁负责): every business write leaves who, when, which row, old and new.

Written inside the same unit of work as the change it describes, so the two commit or roll
back together. The rows form a hash chain (`domain.audit_trail`): each row's `row_hash` covers
the previous row's hash and its own values, computed as the row is inserted, so the chain's order
is the order of the ids. Two PCs never extend the chain from the same head: on SQLite a writing
transaction holds the database's write lock from its start (BEGIN IMMEDIATE), on PostgreSQL the
first audit row of a transaction takes a transaction-scoped advisory lock before reading the head.
The database refuses UPDATE and DELETE on the table (migration 0003's triggers).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, event, func, select, text
from sqlalchemy.orm import Mapper, Session, SessionTransaction, object_session

from stationdesk.domain.audit_trail import (
    GENESIS,
    canonical_json,
    canonical_row,
    chain_hash,
    row_hash,
    row_prefix,
)
from stationdesk.store.bulk import insert_rows
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog
from stationdesk.store.types import utc_now

CHAIN_LOCK_KEY = 0x5344_4155_4449_54  # "SDAUDIT": the PostgreSQL advisory lock around the chain's head
_HEAD = "stationdesk.audit.head"  # session.info key: the chain's head as this transaction left it
VERIFY_CHUNK = 2000


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


def _now() -> datetime:
    """Whole seconds: what SQLite stores (`store.types.Stamp`), so the hashed moment is the stored one."""
    return utc_now().replace(microsecond=0)


# -- the chain's head ----------------------------------------------------------------------------
def _head(info: dict[str, Any], connection: Connection) -> str:
    """The hash of the last audit row this transaction can build on, locked against other writers."""
    cached = info.get(_HEAD)
    if cached is not None:
        return str(cached)
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    last = connection.execute(select(AuditLog.row_hash).order_by(AuditLog.id.desc()).limit(1)).scalar()
    return last or GENESIS


@event.listens_for(AuditLog, "before_insert")
def _chain_row(_mapper: Mapper[Any], connection: Connection, row: AuditLog) -> None:
    """Every audit row inserted through the ORM is chained, whoever built it."""
    session = object_session(row)
    info: dict[str, Any] = session.info if session is not None else {}
    # Whole seconds whoever set it: SQLite keeps no more, and the hash must cover what is kept.
    row.at = _now() if row.at is None else row.at.replace(microsecond=0)
    row.old_values = row.old_values if row.old_values is not None else {}
    row.new_values = row.new_values if row.new_values is not None else {}
    row.row_hash = row_hash(_head(info, connection), row.at, row.username, row.action, row.table_name, row.row_id,
                            row.station_id, row.old_values, row.new_values)  # fmt: skip
    info[_HEAD] = row.row_hash


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction: SessionTransaction) -> None:
    """The cached head is good for one transaction; a savepoint rolled back may have taken rows."""
    if transaction.parent is None or transaction.nested:
        session.info.pop(_HEAD, None)


# -- writing -------------------------------------------------------------------------------------
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
    """Append one audit row. For an update `old`/`new` hold only the fields that changed; for an
    insert `new` holds the row's values."""
    session.add(
        AuditLog(
            at=_now(),
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
    import of thousands of rows is audited row by row, like any other write).

    One pass: each row's values are serialised once, and that text is both what is hashed and,
    on SQLite, what is stored (no second serialisation by the column type); the chain's head is
    read once. Audit rows the session still holds unflushed are chained when they are inserted,
    after these."""
    if not rows:
        return
    connection = session.connection()
    now = _now()
    prefix = row_prefix(now, actor, action, table)
    empty = canonical_json({})
    previous = _head(session.info, connection)
    sqlite = connection.dialect.name == "sqlite"
    values = []
    for row_id, station_id, new in rows:
        plain = _plain_values(new)
        new_json = canonical_json(plain)
        previous = chain_hash(previous, canonical_row(prefix, row_id, station_id, empty, new_json))
        values.append({"username": actor, "action": action, "table_name": table, "row_id": row_id,
                       "station_id": station_id, "old_values": empty if sqlite else {},
                       "new_values": new_json if sqlite else plain, "at": now, "row_hash": previous})  # fmt: skip
    insert_rows(connection, AuditLog.__table__, values, prepared=("old_values", "new_values") if sqlite else ())
    session.info[_HEAD] = previous


_SYSTEM_COLUMNS = frozenset({"id", "created_at", "created_by", "updated_at", "updated_by", "version",
                             "password_hash"})  # fmt: skip


def row_values(row: Any, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """A flushed ORM row's values as an insert's audit row keeps them: every column but its id,
    the who/when bookkeeping (the audit row says who and when itself) and a password's hash.
    Not for rows holding a consumer's name or phone: a case audits its masked snapshot."""
    return {
        attr.key: getattr(row, attr.key)
        for attr in row.__mapper__.column_attrs
        if attr.key not in _SYSTEM_COLUMNS and attr.key not in leave_out
    }


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (old, new) values of the keys whose value differs."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# -- verifying -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainBreak:
    """The first audit row whose hash does not follow from the row before it and its own values:
    that row, or the one before it, was changed, removed or inserted outside the app."""

    id: int
    position: int
    """Its place in the chain, counting from 1."""
    at: datetime
    username: str
    action: str
    table_name: str
    row_id: int | None
    station_id: int | None


Progress = Callable[[int, int, str], None]


def verify_audit_chain(db: Database, progress: Progress | None = None) -> ChainBreak | None:
    """Recompute the chain from the first row; the first row that does not match, or None.

    Streams the table in chunks of `VERIFY_CHUNK` rows by id, so memory stays flat at any size.
    `progress(done, total, text)` is called after each chunk; to cancel, it raises.
    """
    report = progress or (lambda _d, _t, _s: None)
    columns = (AuditLog.id, AuditLog.at, AuditLog.username, AuditLog.action, AuditLog.table_name, AuditLog.row_id,
               AuditLog.station_id, AuditLog.old_values, AuditLog.new_values, AuditLog.row_hash)  # fmt: skip
    with db.reading() as session:
        total = int(session.scalar(select(func.count()).select_from(AuditLog)) or 0)
        previous, last_id, position = GENESIS, None, 0
        report(0, total, "正在校验操作日志…")
        while True:
            query = select(*columns).order_by(AuditLog.id).limit(VERIFY_CHUNK)
            if last_id is not None:
                query = query.where(AuditLog.id > last_id)
            chunk = session.execute(query).all()
            if not chunk:
                return None
            for id_, at, username, action, table_name, row_id, station_id, old, new, stored in chunk:
                position += 1
                expected = row_hash(previous, at, username, action, table_name, row_id, station_id, old or {}, new or {})
                if stored != expected:
                    return ChainBreak(id_, position, at, username, action, table_name, row_id, station_id)
                previous = stored
            last_id = chunk[-1][0]
            report(position, total, f"已校验 {position:,} ／ {total:,} 条")
