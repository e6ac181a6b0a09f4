"""SQL that gives the same answer on SQLite and PostgreSQL where the two differ by default.

- Text search. SQLite's LIKE ignores the case of ASCII letters, so a credit code or a 12315
  work-order number typed in lower case ("91320402ma…", "gd2026…") finds its row; PostgreSQL's LIKE
  is case-sensitive and its ILIKE matches the same way.
- Sorting. SQLite puts NULLs first in ascending order (an open case has no 办结日期 and sorts
  before every closed one), PostgreSQL last; there the order says NULLS FIRST (LAST descending).

Each is chosen when the statement is compiled, so query builders need not know the database, and
SQLite gets exactly the SQL it always had.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Column, ColumnElement, Integer, extract, type_coerce
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal


class _OnSqliteOrElse(ColumnElement[Any]):
    """`sqlite` when compiled for SQLite, `other` for any other database."""

    inherit_cache = True
    _traverse_internals: ClassVar[list[tuple[str, Any]]] = [
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("other", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, sqlite: ColumnElement[Any], other: ColumnElement[Any]) -> None:
        self.sqlite = sqlite
        self.other = other
        self.type = sqlite.type
        # A condition stands as it is (SQLite would otherwise get "… = 1" in a WHERE).
        self._is_implicitly_boolean = sqlite._is_implicitly_boolean


@compiles(_OnSqliteOrElse)
def _compile_other(element: _OnSqliteOrElse, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.other, **kw)  # type: ignore[no-any-return]


@compiles(_OnSqliteOrElse, "sqlite")
def _compile_sqlite(element: _OnSqliteOrElse, compiler: Any, **kw: Any) -> str:
    return compiler.process(element.sqlite, **kw)  # type: ignore[no-any-return]


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """`column` contains `text` (% and _ taken literally), ignoring the case of Latin letters as
    SQLite's LIKE does."""
    sqlite = column.contains(text, autoescape=True).self_group()
    return _OnSqliteOrElse(sqlite, column.icontains(text, autoescape=True).self_group())


def sort_order(column: Any, descending: bool) -> ColumnElement[Any]:
    """`column` ascending or descending in an ORDER BY, with NULLs where SQLite puts them:
    first ascending, last descending.

    A table column declared NOT NULL is sorted plainly everywhere: PostgreSQL would not walk its
    index for an order that names NULLs. Anything else (a nullable column, a column of an
    outer-joined table, an expression) may be NULL and gets the NULLS clause there.
    """
    if isinstance(column, Column) and not column.nullable:
        return column.desc() if descending else column.asc()  # type: ignore[no-any-return]
    if descending:
        return _OnSqliteOrElse(column.desc(), column.desc().nulls_last())
    return _OnSqliteOrElse(column.asc(), column.asc().nulls_first())


def month_key(column: Any) -> ColumnElement[int]:
    """A date column's month as YYYYMM, to group by: on SQLite the day is stored as the integer
    YYYYMMDD (`store.types.Day`), so it is a division; elsewhere year × 100 + month."""
    sqlite = (type_coerce(column, Integer) // 100).self_group()
    other = (extract("year", column) * 100 + extract("month", column)).cast(Integer)
    return _OnSqliteOrElse(sqlite, other)
