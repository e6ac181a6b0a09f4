"""Which days are working days in mainland China.

Why: complaint deadlines count working days, and a working day is not simply Monday–Friday:
the State Council's yearly notice moves rest days around the holidays (调休), so some Saturdays
and Sundays are working days and some weekdays are holidays. The `chinese_calendar` package
bundles those notices (2004–2026 in version 1.11). Next year's notice is published in November;
until the package is updated an administrator enters it as overrides, which always win.

For a year neither source covers, we fall back to Monday–Friday and callers warn the user
("2027年的法定节假日安排尚未录入，按周末计算") instead of failing: a slightly wrong due date
that is flagged is better than a case that cannot be saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from types import MappingProxyType

import chinese_calendar

# The package's own tables (public: listed in chinese_calendar.__all__). Reading them directly
# avoids the package recomputing its year range on every call, which matters when due dates are
# recomputed for thousands of cases.
_LIBRARY_HOLIDAYS: frozenset[date] = frozenset(chinese_calendar.holidays)
_LIBRARY_WORKDAYS: frozenset[date] = frozenset(chinese_calendar.workdays)
LIBRARY_FIRST_YEAR: int = min(d.year for d in _LIBRARY_HOLIDAYS)
LIBRARY_LAST_YEAR: int = max(d.year for d in _LIBRARY_HOLIDAYS)


def uncovered_year_warning(year: int) -> str:
    """The message shown when a computation used the Monday–Friday fallback for `year`."""
    return f"{year}年的法定节假日安排尚未录入，按周末计算"


def _as_date(d: date) -> date:
    return d.date() if isinstance(d, datetime) else d


class WorkCalendar:
    """Working days from administrator overrides, then the official calendar, then Monday–Friday."""

    def __init__(self, overrides: Mapping[date, bool] | None = None) -> None:
        """`overrides` maps a day to True (working day) or False (rest day)."""
        cleaned = {_as_date(day): bool(is_work) for day, is_work in (overrides or {}).items()}
        self._overrides: Mapping[date, bool] = MappingProxyType(cleaned)
        self._override_years = frozenset(day.year for day in cleaned)

    @property
    def overrides(self) -> Mapping[date, bool]:
        return self._overrides

    def is_workday(self, d: date) -> bool:
        """True if `d` is a working day. Never raises, whatever the year."""
        d = _as_date(d)
        if d in self._overrides:
            return self._overrides[d]
        if LIBRARY_FIRST_YEAR <= d.year <= LIBRARY_LAST_YEAR:
            if d in _LIBRARY_WORKDAYS:
                return True
            if d in _LIBRARY_HOLIDAYS:
                return False
        return d.weekday() < 5

    def covers(self, year: int) -> bool:
        """True if the holiday schedule of `year` is known.

        Known means bundled in `chinese_calendar`, or entered by an administrator: any override
        in a year is taken as "this year's notice has been entered", since overrides are how the
        notice gets into the app.
        """
        return LIBRARY_FIRST_YEAR <= year <= LIBRARY_LAST_YEAR or year in self._override_years

    def uncovered_years_in(self, start: date, end: date) -> list[int]:
        """Years between `start` and `end` (either order, inclusive) whose schedule is unknown."""
        first, last = sorted((_as_date(start).year, _as_date(end).year))
        return [year for year in range(first, last + 1) if not self.covers(year)]

    def warnings_for(self, start: date, end: date) -> tuple[str, ...]:
        """User-facing warnings for every unknown year between `start` and `end`."""
        return tuple(uncovered_year_warning(year) for year in self.uncovered_years_in(start, end))

    def next_workday(self, d: date) -> date:
        """`d` itself if it is a working day, else the first working day after it."""
        d = _as_date(d)
        while not self.is_workday(d):
            d += timedelta(days=1)
        return d
