"""The one table format every benchmark prints: measure, median, target."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def print_table(rows: Sequence[tuple[str, str, str]]) -> None:
    width = max(len(name) for name, _value, _target in rows)
    print(f"\n{'measure'.ljust(width)}  {'median':>10}  target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:>10}  {target}")


class Timer:
    """Collects (measure, median, target and spread) rows; `ms` is a target in milliseconds.

    `run` is the number of the run in progress, for a measure whose runs must differ (each run
    deciding on stations not yet decided)."""

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.run = 0
        self.rows: list[tuple[str, str, str]] = []

    def measure(
        self,
        name: str,
        fn: Callable[[], Any],
        ms: float | None = None,
        *,
        runs: int | None = None,
        before: Callable[[], Any] | None = None,
    ) -> Any:
        """Run `fn()` `runs` times (`before()` untimed ahead of each); the last result is returned."""
        times, result = [], None
        for run in range(runs or self.runs):
            self.run = run
            if before is not None:
                before()
            start = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - start) * 1000)
        self.record(name, times, ms)
        return result

    def record(self, name: str, times: Sequence[float], ms: float | None = None) -> None:
        """A row for times (in milliseconds) measured elsewhere, e.g. in other processes."""
        median = statistics.median(times)
        spread = f"min {min(times):.0f} / max {max(times):.0f} ms"
        target = "" if ms is None else f"< {ms:.0f} ms {'ok' if median < ms else 'MISSED'}   "
        self.rows.append((name, f"{median:.0f} ms", target + spread))
