"""The periods the overview and the weekly bulletin (每周动态) count over.

Why here: "this year so far against the same days last year", "the last 24 months" and "the week
of a day" are rules a bureau quotes in its reports; the services, the charts and the bulletin
all take them from this one place, so a comparison never means two things.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

PEAK_MONTHS: dict[int, str] = {3: "3·15", 11: "双11"}
"""Months whose complaint peaks the monthly chart marks: 3·15 (World Consumer Rights Day) and
双11 (the November 11 online shopping festival)."""

CHART_MONTHS = 24
"""How many months the cases-per-month chart covers (two years shows each peak twice)."""


@dataclass(frozen=True, slots=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def key(self) -> int:
        """YYYYMM, the form the monthly count query groups by."""
        return self.year * 100 + self.month

    @property
    def label(self) -> str:
        """"2026.03": short enough for 24 labels under a chart."""
        return f"{self.year}.{self.month:02d}"

    @property
    def is_peak(self) -> bool:
        return self.month in PEAK_MONTHS


def months_ending(last: date, count: int = CHART_MONTHS) -> list[Month]:
    """The `count` calendar months up to and including the month of `last`, oldest first."""
    index = last.year * 12 + last.month - 1
    return [Month(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


def year_period(year: int, today: date) -> tuple[date, date]:
    """The part of `year` that has happened: Jan 1 to `today` in the current year, the whole
    year for a past one (a future year is empty: its end lies before its start)."""
    start = date(year, 1, 1)
    return start, min(date(year, 12, 31), today)


def same_days_last_year(start: date, end: date) -> tuple[date, date]:
    """The period a year earlier, day for day (29 February becomes 28 February), for
    "this year against last year" to compare like with like."""
    return _year_earlier(start), _year_earlier(end)


def _year_earlier(day: date) -> date:
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True, slots=True)
class Week:
    """A Monday-to-Sunday week, as the bureau's weekly bulletin counts."""

    monday: date

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def previous(self) -> Week:
        return Week(self.monday - timedelta(days=7))

    @property
    def label(self) -> str:
        """"2026年第48周（11月23日—11月29日）": ISO week numbering, as office calendars print."""
        year, number, _ = self.monday.isocalendar()
        sunday = self.sunday
        return f"{year}年第{number}周（{self.monday.month}月{self.monday.day}日—{sunday.month}月{sunday.day}日）"


def week_of(day: date) -> Week:
    """The week (Monday to Sunday) that contains `day`."""
    return Week(day - timedelta(days=day.weekday()))


def last_full_week(today: date) -> Week:
    """The most recent week that has ended: the bulletin written on a Monday covers last week."""
    return week_of(today).previous
