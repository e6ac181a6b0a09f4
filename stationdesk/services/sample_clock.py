"""Dates for the sample-data generator, precomputed once: every value is a list lookup.

Why: a million cases touch only a few thousand distinct days, so converting dates, finding
working days and computing due dates per case would waste most of the time budget. Dates are
integer ordinals inside the generator and turn into database values only through these tables,
which hold what the driver must receive (`storage_converters`: on SQLite a `Day` is the integer
YYYYMMDD and a `Stamp` the integer seconds since 1970 UTC; on PostgreSQL date and datetime).

Timestamps are entry times during Beijing office hours (08:30–17:30, UTC+8), stored in UTC like
`utc_now()`; each day has `STAMP_SLOTS` of them in increasing order, so rows entered on the same
day do not all carry the same second.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, timedelta
from typing import Any

from stationdesk.domain.deadlines import DEFAULT_RULE, due_date
from stationdesk.domain.workcalendar import WorkCalendar
from stationdesk.store.types import storage_converters

# Relative complaint volume per calendar month: 3·15 in March, 双11 in November, 618 in June.
MONTH_WEIGHT = (1.0, 0.9, 1.45, 0.95, 1.05, 1.1, 0.95, 0.95, 0.95, 1.1, 1.4, 1.05)
WEEKDAY_WEIGHT = (0.95, 0.95, 0.95, 0.95, 1.0, 1.2, 1.15)
# 春节 (first day of the lunar year): the weeks before it are the busiest shopping of the year.
SPRING_FESTIVAL = {
    2016: (2, 8),
    2017: (1, 28),
    2018: (2, 16),
    2019: (2, 5),
    2020: (1, 25),
    2021: (2, 12),
    2022: (2, 1),
    2023: (1, 22),
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
    2031: (1, 23),
    2032: (2, 11),
}
HISTORY_DAYS = 12 * 366  # the oldest date the generator uses (stations established 10 years ago)
FUTURE_DAYS = 400  # due dates and would-be closing dates run past today
STAMP_SLOTS = 8  # entry times per day (a power of two: drawn with getrandbits)
_SLOT_MINUTES = 540 // STAMP_SLOTS  # 08:30–17:30 local time split into equal slots
BEIJING = timedelta(hours=8)


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def _day_weight(d: date) -> float:
    w = MONTH_WEIGHT[d.month - 1] * WEEKDAY_WEIGHT[d.weekday()]
    if d.month == 3 and 8 <= d.day <= 20:
        w *= 1.5
    elif d.month == 11 and 11 <= d.day <= 20:
        w *= 1.4
    festival = SPRING_FESTIVAL.get(d.year)
    if festival is not None:
        offset = (d - date(d.year, *festival)).days
        if -21 <= offset <= 0:
            w *= 1.45
        elif 1 <= offset <= 6:
            w *= 0.6  # the holiday week itself: stations are quiet
    return w


class Clock:
    """Ordinal-indexed tables of database date values, working days and due dates."""

    def __init__(self, today: date, years: int, *, dialect: str, calendar: WorkCalendar | None = None):
        self.today = today.toordinal()
        self.start = years_before(today, years).toordinal() + 1  # first day of the case period
        self.base = min(self.today - HISTORY_DAYS, self.start - 31)
        top = self.today + FUTURE_DAYS
        self.calendar = calendar or WorkCalendar()
        day_value, stamp_value = storage_converters(dialect)
        days = [date.fromordinal(o) for o in range(self.base, top)]
        self.day: list[Any] = [day_value(d) for d in days]
        # stamp[(o - base) * STAMP_SLOTS + k]: slot k of day o, later slots later in the day.
        self.stamp: list[Any] = []
        for d in days:
            o = d.toordinal()
            midnight = datetime(d.year, d.month, d.day) - BEIJING
            for k in range(STAMP_SLOTS):
                minute = 510 + k * _SLOT_MINUTES + (o * 7 + k * 13) % _SLOT_MINUTES
                second = (o * 13 + k * 29) % 60
                self.stamp.append(stamp_value(midnight + timedelta(minutes=minute, seconds=second)))
        self.year = [d.year for d in days]
        is_work = self.calendar.is_workday
        self.workdays = [d.toordinal() for d in days if is_work(d)]
        # after[o - base]: index in `workdays` of the first working day strictly after o.
        self.after: list[int] = []
        j = 0
        for o in range(self.base, top):
            while j < len(self.workdays) and self.workdays[j] <= o:
                j += 1
            self.after.append(j)
        period = [_day_weight(d) for d in days[self.start - self.base : self.today - self.base + 1]]
        self.cum: list[float] = []
        total = 0.0
        for w in period:
            total += w
            self.cum.append(total)

    def d(self, o: int) -> Any:
        """The database value for the day with ordinal `o`."""
        return self.day[o - self.base]

    def t(self, o: int, slot: int | None = None) -> Any:
        """A created/updated timestamp on the day with ordinal `o` (a slot varied by day unless given)."""
        return self.stamp[(o - self.base) * STAMP_SLOTS + (o * 5 % STAMP_SLOTS if slot is None else slot)]

    def months(self, lo: int, hi: int, length: int) -> list[tuple[int, int, int]]:
        """The calendar periods of `length` months (1, 3 or 6, aligned on January) that overlap
        [lo, hi]: (first, last) day ordinals clipped to [lo, hi], and the period's own last day."""
        first = date.fromordinal(lo)
        year, month = first.year, (first.month - 1) // length * length + 1
        out = []
        while True:
            start = date(year, month, 1).toordinal()
            if start > hi:
                return out
            month += length
            if month > 12:
                year, month = year + 1, month - 12
            end = date(year, month, 1).toordinal() - 1
            out.append((max(start, lo), min(end, hi), end))

    def due_tables(self) -> tuple[list[tuple[Any, str]], list[tuple[Any, str]]]:
        """(due date value, rule code) for every receiving day of the period, indexed by
        `o - start`: one table for ordinary cases, one for difficult ones. A few thousand
        computations instead of one per case."""
        tables: tuple[list[tuple[Any, str]], list[tuple[Any, str]]] = ([], [])
        for o in range(self.start, self.today + 1):
            for difficult, table in enumerate(tables):
                result = due_date(DEFAULT_RULE, date.fromordinal(o), bool(difficult), self.calendar)
                table.append((self.d(result.due_on.toordinal()), result.rule_code))
        return tables

    def sample_days(self, rnd: Any, lo: int, hi: int, n: int) -> list[int]:
        """`n` sorted day ordinals in [lo, hi] following the seasonal weights."""
        cum = self.cum
        first, last = lo - self.start, hi - self.start
        low = cum[first - 1] if first > 0 else 0.0
        span = (cum[last] - low) * (1 - 1e-9)  # never rounds up past `hi`
        start = self.start
        return sorted([start + bisect_right(cum, low + rnd() * span) for _ in range(n)])
