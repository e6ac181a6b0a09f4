"""How numbers, money, rates and dates read on paper, in one place for every report."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from stationdesk.domain.dates import chinese_day
from stationdesk.domain.indicators import NO_DATA
from stationdesk.domain.money import format_wan_yuan, format_yuan


def yuan(fen: int) -> str:
    """12345678 → "123,456.78" (元, thousands separators, two decimals)."""
    return format_yuan(fen)


def wan(fen: int) -> str:
    """Amounts in 万元 the way the bureau's reports quote them: 1,080,000 元 → "108.00"."""
    return format_wan_yuan(fen)


def count(value: int) -> str:
    return f"{value:,}"


def change(value: int) -> str:
    """A change on the period before: "+3", "-2", and "持平" for none (the weekly bulletin)."""
    return f"{value:+,}" if value else "持平"


def rate(value: Fraction | None) -> str:
    """A fraction as a percentage with one decimal, rounded half up; "—" when there is no data."""
    if value is None:
        return NO_DATA
    tenths = int(value * 1000 + Fraction(1, 2))
    whole, part = divmod(tenths, 10)
    return f"{whole}.{part}%"


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def moment(value: datetime) -> str:
    """A moment to the second, as people quote it: "2026-12-02 20:10:37"."""
    return value.strftime("%Y-%m-%d %H:%M:%S")


def period(start: date, end: date) -> str:
    return f"{chinese_day(start)}至{chinese_day(end)}"
