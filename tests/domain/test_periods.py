"""The periods the overview and the weekly bulletin count over."""

from __future__ import annotations

from datetime import date

from stationdesk.domain.periods import (
    Month,
    Week,
    last_full_week,
    months_ending,
    same_days_last_year,
    week_of,
    year_period,
)


def test_months_ending_runs_over_the_turn_of_the_year() -> None:
    months = months_ending(date(2026, 2, 10), 3)
    assert months == [Month(2025, 12), Month(2026, 1), Month(2026, 2)]
    assert [m.label for m in months] == ["2025.12", "2026.01", "2026.02"]
    assert months[-1].last_day == date(2026, 2, 28) and months[0].key == 202512


def test_twenty_four_months_mark_each_peak_twice() -> None:
    months = months_ending(date(2026, 11, 24))
    assert len(months) == 24 and months[0] == Month(2024, 12)
    assert [m.label for m in months if m.is_peak] == ["2025.03", "2025.11", "2026.03", "2026.11"]


def test_the_current_year_is_counted_to_today_a_past_one_whole() -> None:
    assert year_period(2026, date(2026, 11, 24)) == (date(2026, 1, 1), date(2026, 11, 24))
    assert year_period(2025, date(2026, 11, 24)) == (date(2025, 1, 1), date(2025, 12, 31))
    start, end = year_period(2027, date(2026, 11, 24))
    assert end < start  # a year to come has nothing in it


def test_same_days_last_year_moves_29_february_to_the_28th() -> None:
    assert same_days_last_year(date(2028, 1, 1), date(2028, 2, 29)) == (date(2027, 1, 1), date(2027, 2, 28))


def test_weeks_run_monday_to_sunday() -> None:
    week = week_of(date(2026, 12, 2))  # a Wednesday
    assert week == Week(date(2026, 11, 30)) and week.sunday == date(2026, 12, 6)
    assert week.previous == Week(date(2026, 11, 23))
    assert week_of(date(2026, 12, 6)) == week  # Sunday still belongs to it
    assert last_full_week(date(2026, 11, 30)) == Week(date(2026, 11, 23))
    assert Week(date(2026, 11, 23)).label == "2026年第48周（11月23日—11月29日）"
