"""Reading dates the way people write them in forms and spreadsheets.

2017-09-01, 2017.9.1, 2017/9/1, 2017年9月1日, 20170901 and full-width digits all mean the same
day; Excel serial numbers are handled by the import. A wrong date gets a message that repeats
what was typed, so the user can find it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from stationdesk.domain.text import normalise_text

_SEPARATED = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_user_date(text: str) -> date | None:
    """The date in `text`, None for an empty field; ValueError with a Chinese message otherwise."""
    cleaned = normalise_text(text)
    if not cleaned:
        return None
    match = _SEPARATED.match(cleaned) or _COMPACT.match(cleaned)
    if match is None:
        raise ValueError(f"“{text.strip()}”不是有效日期，请按 2019-03-15 的格式填写")
    year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise ValueError(f"“{text.strip()}”不是有效日期（月份应为1到12）")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"“{text.strip()}”不是有效日期（{year}年{month}月没有{day}日）") from None


def chinese_day(value: date) -> str:
    """2026-12-02 → "2026年12月2日", as dates are written on documents."""
    return f"{value.year}年{value.month}月{value.day}日"


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    year, month_index = divmod(day.year * 12 + day.month - 1 - months, 12)
    month = month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
