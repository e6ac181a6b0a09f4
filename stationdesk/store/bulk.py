"""Many rows into one table at once, for imports: the statement compiled once, each column's
conversion looked up once, and the rows handed to the driver's executemany.

Why not `connection.execute(table.insert(), rows)`: SQLAlchemy then prepares the parameters of
every row on its own (type processing, parameter names), which for 20,000 stations of 28 columns
cost more than SQLite's writing them. The values stored are the same: each column's own bind
processor converts them, exactly as SQLAlchemy would. Other databases take the ordinary path.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def insert_rows(
    connection: Connection, table: Table, rows: Sequence[Mapping[str, Any]], prepared: Collection[str] = ()
) -> None:
    """INSERT `rows` (dicts by column name; every row the same keys) into `table`.

    `prepared` names columns whose values the caller already converted to what the driver takes
    (a JSON column's text, serialised once by the audit trail to hash it): their conversion is
    skipped. SQLite only; elsewhere pass values the column type converts itself."""
    if not rows:
        return
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(table.insert(), list(rows))
        return
    names = list(rows[0])
    defaults = _defaults(table, names)
    names += list(defaults)
    columns = [table.c[name] for name in names]
    processors: list[Callable[[Any], Any] | None] = [
        None if column.name in prepared else column.type.bind_processor(dialect) for column in columns
    ]
    sql = f'INSERT INTO {table.name} ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
    values = [
        tuple(value if process is None or value is None else process(value)
              for value, process in zip((row.get(name, defaults.get(name)) for name in names), processors, strict=True))
        for row in rows
    ]  # fmt: skip
    connection.exec_driver_sql(sql, values)


def _defaults(table: Table, given: Sequence[str]) -> dict[str, Any]:
    """The Python-side defaults of the columns `given` leaves out (`status_reason=""` …), which
    SQLAlchemy would have filled in; one value for the whole batch."""
    found: dict[str, Any] = {}
    for column in table.columns:
        default = column.default
        if column.name in given or column.primary_key or default is None:
            continue
        if default.is_scalar:
            found[column.name] = default.arg  # type: ignore[attr-defined]
        elif default.is_callable:
            found[column.name] = default.arg(None)  # type: ignore[attr-defined]
    return found
