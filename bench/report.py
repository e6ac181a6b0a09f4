"""The one table format every benchmark prints: measure, median, target."""

from __future__ import annotations

from collections.abc import Sequence


def print_table(rows: Sequence[tuple[str, str, str]]) -> None:
    width = max(len(name) for name, _value, _target in rows)
    print(f"\n{'measure'.ljust(width)}  {'median':>10}  target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:>10}  {target}")
