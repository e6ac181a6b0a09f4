"""Complaint time limits: named rule sets and how a due date is counted.

Why: bureaus follow different rules (a provincial rule, the national measures, faster
station-level rules), chosen in the settings, and each case records which rule set gave its due
date, so changing the setting never silently moves existing deadlines.

Counting follows the Civil Code (民法典):
  art. 201  the day the period starts (the day the complaint is received) is not counted;
  art. 203  if the last day of a period is a statutory rest day, the period ends on the next
            working day. Rest days follow the State Council's yearly notice, so a make-up
            working Saturday (调休) is a working day and a deadline may end on it.
Hour periods are counted from the moment of receipt; cases record only the date, so "24 hours"
ends the next calendar day, moved to the next working day like any other period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from stationdesk.domain.workcalendar import WorkCalendar

Unit = Literal["working_days", "calendar_days", "hours"]
Urgency = Literal["closed_on_time", "closed_late", "overdue", "due_soon", "open"]

_UNIT_TEXT: dict[str, str] = {"working_days": "个工作日", "calendar_days": "日", "hours": "小时"}


@dataclass(frozen=True, slots=True)
class Period:
    """A time limit: `count` working days, calendar days or hours."""

    count: int
    unit: Unit

    def __post_init__(self) -> None:
        if self.unit not in _UNIT_TEXT:
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.count < 0:
            raise ValueError(f"count must not be negative, got {self.count}")

    def describe(self) -> str:
        """The period as users read it: "7个工作日", "60日", "24小时"."""
        return f"{self.count}{_UNIT_TEXT[self.unit]}"


@dataclass(frozen=True, slots=True)
class DeadlineRule:
    """A named rule set: one period for ordinary complaints, one for difficult (疑难) ones."""

    code: str
    label: str
    ordinary: Period
    difficult: Period
    basis: str = ""


@dataclass(frozen=True, slots=True)
class DueDate:
    """A computed due date, the rule set that produced it, and warnings for the user."""

    due_on: date
    rule_code: str
    warnings: tuple[str, ...] = ()


DEADLINE_RULES: dict[str, DeadlineRule] = {
    "provincial": DeadlineRule(
        code="provincial",
        label="省级规定：一般投诉7个工作日内办结，疑难投诉60日内办结",
        ordinary=Period(7, "working_days"),
        difficult=Period(60, "calendar_days"),
        basis="示范站点建设工作方案（种子材料003）",
    ),
    # 《市场监督管理投诉举报处理暂行办法》: the bureau decides acceptance within 7 working days
    # of receipt (art. 18) and ends mediation within 45 working days of acceptance (art. 33).
    # Taking the latest acceptance, the case is due 7 + 45 = 52 working days after receipt
    # (adding working days is associative). The measures have no separate "difficult" period.
    "national": DeadlineRule(
        code="national",
        label="国家规定：7个工作日内决定受理，受理后45个工作日内终结调解",
        ordinary=Period(7 + 45, "working_days"),
        difficult=Period(7 + 45, "working_days"),
        basis="《市场监督管理投诉举报处理暂行办法》",
    ),
    "station_fast": DeadlineRule(
        code="station_fast",
        label="站点快速处理：一般投诉24小时内处理，疑难投诉5个工作日内办结",
        ordinary=Period(24, "hours"),
        difficult=Period(5, "working_days"),
        basis="部分城市维权站点工作规范",
    ),
}
DEFAULT_RULE = "provincial"


def add_working_days(cal: WorkCalendar, start: date, n: int) -> date:
    """The n-th working day after `start` (`start` itself is not counted; n = 0 gives `start`)."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    day = start
    remaining = n
    while remaining:
        day += timedelta(days=1)
        if cal.is_workday(day):
            remaining -= 1
    return day


def calendar_days_deadline(cal: WorkCalendar, start: date, n: int) -> date:
    """`start` + n days; if that day is a rest day, the next working day (民法典 art. 203)."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    return cal.next_workday(start + timedelta(days=n))


def period_end(cal: WorkCalendar, start: date, period: Period) -> date:
    """The last day of `period` counted from `start` (a date: hours round up to whole days)."""
    if period.unit == "working_days":
        return add_working_days(cal, start, period.count)
    if period.unit == "calendar_days":
        return calendar_days_deadline(cal, start, period.count)
    whole_days = -(-period.count // 24)
    return calendar_days_deadline(cal, start, whole_days)


def due_date(rule_code: str, received_on: date, difficult: bool, cal: WorkCalendar) -> DueDate:
    """Due date of a complaint received on `received_on` under rule set `rule_code`.

    Warnings name every year between receipt and due date whose holiday schedule is unknown
    (counted as Monday–Friday). An unknown `rule_code` is a settings bug and raises ValueError.
    """
    rule = DEADLINE_RULES.get(rule_code)
    if rule is None:
        raise ValueError(f"未知的期限规则“{rule_code}”（可用：{'、'.join(DEADLINE_RULES)}）")
    period = rule.difficult if difficult else rule.ordinary
    due_on = period_end(cal, received_on, period)
    return DueDate(due_on, rule.code, cal.warnings_for(received_on, due_on))


def is_on_time(due_on: date, closed_on: date) -> bool:
    """Closed on or before the due date (closing on the due date itself is on time)."""
    return closed_on <= due_on


def urgency(due_on: date, today: date, closed_on: date | None = None, soon_days: int = 2) -> Urgency:
    """Where a case stands on `today`, for colouring lists and the weekly bulletin.

    Closed cases are "closed_on_time" / "closed_late"; open ones are "overdue" after the due
    date, "due_soon" within `soon_days` calendar days of it (the due date itself included),
    otherwise "open".
    """
    if closed_on is not None:
        return "closed_on_time" if is_on_time(due_on, closed_on) else "closed_late"
    if today > due_on:
        return "overdue"
    if (due_on - today).days <= soon_days:
        return "due_soon"
    return "open"
