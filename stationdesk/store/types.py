"""Compact column types for SQLite, ordinary ones for PostgreSQL.

A province holds a million cases, each with three dates and two timestamps. As text SQLite
spends 10 bytes on a date and 19–26 on a timestamp; as integers 3–4 and 4–5. So on SQLite a
`Day` is stored as the integer YYYYMMDD (still readable and sortable in raw SQL: 20261124) and
a `Stamp` as whole seconds since 1970 UTC; on PostgreSQL they are DATE and TIMESTAMP. Python
code sees `date` and `datetime` either way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


def day_to_int(value: date) -> int:
    return value.year * 10_000 + value.month * 100 + value.day


def int_to_day(value: int) -> date:
    return date(value // 10_000, value // 100 % 100, value % 100)


def stamp_to_int(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def int_to_stamp(value: int) -> datetime:
    """Naive UTC, as SQLAlchemy's DateTime returns on PostgreSQL without time zone."""
    return datetime.fromtimestamp(value, UTC).replace(tzinfo=None)


class Day(TypeDecorator[date]):
    """A calendar date: INTEGER YYYYMMDD on SQLite, DATE elsewhere."""

    impl = Date
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(Integer() if dialect.name == "sqlite" else Date())

    def process_bind_param(self, value: date | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return day_to_int(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> date | None:
        if value is None or dialect.name != "sqlite":
            return value
        return int_to_day(int(value))


class Stamp(TypeDecorator[datetime]):
    """A moment in UTC: INTEGER seconds since 1970 on SQLite, TIMESTAMP elsewhere."""

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(Integer() if dialect.name == "sqlite" else DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return stamp_to_int(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None or dialect.name != "sqlite":
            return value
        return int_to_stamp(int(value))


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def storage_converters(dialect_name: str) -> tuple[Any, Any]:
    """(day, stamp) functions giving the value a bulk insert must pass to the driver."""
    if dialect_name == "sqlite":
        return day_to_int, stamp_to_int
    return (lambda d: d), (lambda s: s)
