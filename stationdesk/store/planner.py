"""A hint to SQLite's query planner, for the few queries where its choice is measurably wrong.

Without statistics (nothing runs ANALYZE) SQLite prefers the narrowest index matching a range or an
ORDER BY. For a count grouped over every station, or a text search that reads every case anyway,
that index (`ix_case_received`) costs one random table read per case: 4-15x slower at a million
cases (bench/bench_cases.py). SQLite's documented remedy is the unary "+": the same value, but no
index is considered for that term. Other databases get the plain column (PostgreSQL has statistics,
and no unary + for dates).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op


def not_indexed(session: Session, column: Any) -> ColumnElement[Any]:
    """`column` as "+column" on SQLite, so the planner will not use an index on it; as is elsewhere."""
    if session.get_bind().dialect.name != "sqlite":
        return column  # type: ignore[no-any-return]
    return type_coerce(UnaryExpression(column, operator=custom_op("+")), column.type)
