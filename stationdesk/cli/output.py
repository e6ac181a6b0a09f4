"""How commands print: tables aligned for Chinese (two columns per character), CSV with Chinese
headings for Excel, or JSON; streamed, so a million rows never sit in memory; and the lines of a
refused input, one field per line."""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any

from stationdesk.errors import ValidationFailed

Columns = tuple[tuple[str, str, int], ...]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(text: str, width: int) -> str:
    """`text` padded (or cut with "…") to `width` terminal columns; negative width aligns right."""
    size = abs(width)
    if _width(text) > size:
        while _width(text) > size - 1:
            text = text[:-1]
        text += "…"
    pad = " " * (size - _width(text))
    return pad + text if width < 0 else text + pad


def _write_table(columns: Iterable[tuple[str, str, int]], records: Iterable[dict[str, Any]]) -> int:
    cols = list(columns)
    print("  ".join(_cell(heading, width) for heading, _key, width in cols).rstrip())
    count = 0
    for rec in records:
        count += 1
        print("  ".join(_cell(str(rec[key]), width) for _heading, key, width in cols).rstrip())
    return count


def write_records(fmt: str, columns: Columns, records: Iterable[dict[str, Any]]) -> int:
    """Stream `records` as a table, CSV (Chinese headings) or a JSON list; returns how many."""
    count = 0
    if fmt == "json":
        sys.stdout.write("[")
        for rec in records:
            count += 1
            sys.stdout.write(("\n  " if count == 1 else ",\n  ") + json.dumps(rec, ensure_ascii=False))
        sys.stdout.write("\n]\n")
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow([heading for heading, _key, _w in columns])
        for rec in records:
            count += 1
            writer.writerow([rec[key] for _heading, key, _w in columns])
    else:
        count = _write_table(columns, records)
    return count


def print_problems(exc: ValidationFailed) -> None:
    """A refused input: how many problems, then "字段：消息" per field on stderr."""
    sys.stderr.write(f"错误：未保存，有 {len(exc.problems)} 处需要修改\n")
    for key, message in exc.problems.items():
        label = exc.labels.get(key)
        named = label is None or message.startswith(f"{label}：")
        sys.stderr.write((message if named else f"{label}：{message}") + "\n")


def lookup_id(choices: Iterable[Any], text: str | None, what: str) -> int | None:
    """The id of the choice (county, category …) a command names by name or code; None for "any",
    a UserError listing the choices for a name that is none of them."""
    from stationdesk.errors import UserError

    if not text:
        return None
    choices = list(choices)
    for choice in choices:
        if text.strip() in (choice.name, getattr(choice, "code", None)):
            return int(choice.id)
    raise UserError(f"没有名为“{text}”的{what}", hint="可选：" + "、".join(c.name for c in choices))


def county_id(db: Any, text: str) -> int | None:
    """The county a command names, by name or division code; None for all."""
    from stationdesk.services import register

    return lookup_id(register.register_lookups(db).counties, text, "县区") if text else None
