"""Text search that finds the same rows on SQLite and PostgreSQL.

SQLite's LIKE ignores the case of ASCII letters, so a credit code or a 12315 work-order number typed
in lower case ("91320402ma…", "gd2026…") finds the row; PostgreSQL's LIKE is case-sensitive and its
ILIKE is what matches the same way. `contains_text` is the LIKE SQLite always had, ILIKE elsewhere:
chosen when the statement is compiled, so query builders need not know the database.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Boolean, ColumnElement
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal


class _OnSqliteOrElse(ColumnElement[bool]):
    """`sqlite` when compiled for SQLite, `other` for any other database."""

    inherit_cache = True
    type = Boolean()
    _is_implicitly_boolean = True  # a condition as it stands (SQLite would otherwise get "… = 1")
    _traverse_internals: ClassVar[list[tuple[str, Any]]] = [
        ("sqlite", InternalTraversal.dp_clauseelement),
        ("other", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, sqlite: ColumnElement[bool], other: ColumnElement[bool]) -> None:
        self.sqlite = sqlite
        self.other = other


@compiles(_OnSqliteOrElse)
def _compile_other(element: _OnSqliteOrElse, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.other, **kw)})"


@compiles(_OnSqliteOrElse, "sqlite")
def _compile_sqlite(element: _OnSqliteOrElse, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.sqlite, **kw)})"


def contains_text(column: Any, text: str) -> ColumnElement[bool]:
    """`column` contains `text` (% and _ taken literally), ignoring the case of ASCII letters as
    SQLite's LIKE does."""
    return _OnSqliteOrElse(column.contains(text, autoescape=True), column.icontains(text, autoescape=True))
