"""Compact column types for SQLite, ordinary ones for PostgreSQL.

A province holds a million cases, each with three dates and two timestamps. As text SQLite
spends 10 bytes on a date and 19–26 on a timestamp; as integers 3–4 and 4–5. So on SQLite a
`Day` is stored as the integer YYYYMMDD (still readable and sortable in raw SQL: 20261124) and
a `Stamp` as whole seconds since 1970 UTC; on PostgreSQL they are DATE and TIMESTAMP. Python
code sees `date` and `datetime` either way.

Short codes from a fixed vocabulary (a case's channel, handling, outcome …) are a `Code`: on
SQLite the code's position in its vocabulary (0, 1, 2 … : 0 and 1 take no bytes at all, the
others one), on PostgreSQL the code itself as VARCHAR. Python code sees the string code either
way, and SQL expressions built from the column (`MediationCase.outcome == "success"`) convert
their literals too. Raw SQL on SQLite must use the positions (`code_converter`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Integer, String
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


class Code(TypeDecorator[str]):
    """A code from a fixed, ordered vocabulary: INTEGER position on SQLite, VARCHAR(length) elsewhere.

    `Code(CaseOutcome)` takes the members' values in definition order; `Code(("a", "b"))` a tuple.

    !!! THE VOCABULARY IS APPEND-ONLY !!!
    On SQLite the database holds each code's *position* in the vocabulary, not the code. Reordering,
    inserting in the middle or removing a code silently changes the meaning of every row already
    stored (yesterday's 0 = "success" would read as whatever is first now). New codes go at the end;
    a retired code stays in place. tests/store/test_types.py pins every position in use, so a
    reordering fails the tests instead of the data.

    Binding a value that is not in the vocabulary raises ValueError on every backend (garbage is
    never stored); reading a position that is not in it (a newer program version's code, or a
    corrupt row) raises ValueError too. On SQLite, ORDER BY sorts by position, not alphabetically.
    """

    impl = String
    cache_ok = True

    def __init__(self, codes: Iterable[str] | type[Enum], length: int = 16) -> None:
        if isinstance(codes, type) and issubclass(codes, Enum):
            values = tuple(str(member.value) for member in codes)
        else:
            values = tuple(str(code) for code in codes)
        if not values or len(set(values)) != len(values):
            raise ValueError(f"a Code vocabulary needs distinct codes, got {values!r}")
        if any(not code or len(code) > length for code in values):
            raise ValueError(f"every code must be 1 to {length} characters long, got {values!r}")
        super().__init__(length=length)
        self.codes = values
        self.length = length
        self._positions = {code: position for position, code in enumerate(values)}

    def __repr__(self) -> str:  # how Alembic writes the type into a migration
        return f"{type(self).__name__}({self.codes!r}, length={self.length})"

    @property
    def python_type(self) -> type[str]:
        return str

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        return dialect.type_descriptor(Integer() if dialect.name == "sqlite" else String(self.length))

    def position(self, code: str) -> int:
        """The position of `code`; ValueError for a code not in the vocabulary."""
        position = self._positions.get(code)
        if position is None:
            raise ValueError(f"unknown code {code!r} (allowed: {', '.join(self.codes)})")
        return position

    def storage_value(self, code: str | None, dialect_name: str) -> Any:
        """What the database holds for `code` on `dialect_name` (None stays None)."""
        if code is None:
            return None
        position = self.position(code)
        return position if dialect_name == "sqlite" else self.codes[position]

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        return self.storage_value(value, dialect.name)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or dialect.name != "sqlite":
            return value
        position = int(value)
        if not 0 <= position < len(self.codes):
            raise ValueError(f"stored code position {position} is not in {self.codes!r}")
        return self.codes[position]


# The largest id a row can have: ids are INTEGER, 32 bits on PostgreSQL. A larger number compared
# with an id is an error there ("integer out of range"), where SQLite just finds no row.
MAX_ROW_ID = 2**31 - 1

# Money in fen. PostgreSQL's INTEGER stops at 21 million yuan, short of the 8-digit amounts the
# rules allow, so it gets BIGINT there; SQLite's INTEGER already holds 64 bits.
Fen = BigInteger().with_variant(Integer(), "sqlite")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def storage_converters(dialect_name: str) -> tuple[Any, Any]:
    """(day, stamp) functions giving the value a bulk insert must pass to the driver.

    For `Code` columns see `code_converter`."""
    if dialect_name == "sqlite":
        return day_to_int, stamp_to_int
    return (lambda d: d), (lambda s: s)


def code_converter(column: Any, dialect_name: str) -> Callable[[str | None], Any]:
    """The function giving the value a bulk insert must pass for a `Code` column.

    `column` is a mapped attribute (`MediationCase.outcome`), a table column or the `Code` type
    itself. The function maps a code to its position on SQLite and to itself elsewhere, keeps
    None, and raises ValueError for a code not in the column's vocabulary.
    """
    type_ = column if isinstance(column, Code) else getattr(column, "type", None)
    if not isinstance(type_, Code):
        raise TypeError(f"{column!r} is not a Code column")

    def convert(code: str | None) -> Any:
        return type_.storage_value(code, dialect_name)

    return convert
