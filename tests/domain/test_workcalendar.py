from datetime import date, datetime, timedelta

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.workcalendar import (
    LIBRARY_FIRST_YEAR,
    LIBRARY_LAST_YEAR,
    WorkCalendar,
    uncovered_year_warning,
)

CAL = WorkCalendar()


def test_2026_national_day_holiday_runs_from_1_to_7_october() -> None:
    for day in range(1, 8):
        assert not CAL.is_workday(date(2026, 10, day)), day
    assert CAL.is_workday(date(2026, 10, 8))


def test_2026_national_day_make_up_working_days_are_sunday_20_september_and_saturday_10_october() -> None:
    assert date(2026, 9, 20).weekday() == 6
    assert date(2026, 10, 10).weekday() == 5
    assert CAL.is_workday(date(2026, 9, 20))
    assert CAL.is_workday(date(2026, 10, 10))
    assert not CAL.is_workday(date(2026, 10, 11))


def test_2026_mid_autumn_friday_25_september_is_a_holiday() -> None:
    assert not CAL.is_workday(date(2026, 9, 25))


def test_2025_make_up_sunday_before_national_day_was_a_working_day() -> None:
    assert date(2025, 9, 28).weekday() == 6
    assert CAL.is_workday(date(2025, 9, 28))
    assert CAL.is_workday(date(2025, 10, 11))
    assert not CAL.is_workday(date(2025, 10, 8))


def test_2026_spring_festival_runs_from_15_to_23_february_with_two_make_up_saturdays() -> None:
    for offset in range(9):
        assert not CAL.is_workday(date(2026, 2, 15) + timedelta(days=offset))
    assert CAL.is_workday(date(2026, 2, 24))
    assert CAL.is_workday(date(2026, 2, 14))  # Saturday
    assert CAL.is_workday(date(2026, 2, 28))  # Saturday


def test_ordinary_weekdays_and_weekends() -> None:
    assert CAL.is_workday(date(2026, 3, 10))  # Tuesday
    assert not CAL.is_workday(date(2026, 3, 14))  # Saturday


def test_agrees_with_the_library_on_every_day_it_covers() -> None:
    day = date(LIBRARY_FIRST_YEAR, 1, 1)
    while day.year <= LIBRARY_LAST_YEAR:
        assert CAL.is_workday(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


def test_library_covers_2004_to_at_least_2026() -> None:
    assert LIBRARY_FIRST_YEAR == 2004
    assert LIBRARY_LAST_YEAR >= 2026
    assert CAL.covers(2026)
    assert CAL.covers(2004)


def test_2027_falls_back_to_monday_to_friday() -> None:
    assert not CAL.covers(2027)
    assert CAL.is_workday(date(2027, 1, 1))  # a Friday: unknown until the notice is entered
    assert not CAL.is_workday(date(2027, 1, 2))  # Saturday
    assert CAL.uncovered_years_in(date(2026, 12, 1), date(2028, 1, 5)) == [2027, 2028]


def test_uncovered_years_are_found_in_either_order_and_for_old_years() -> None:
    assert CAL.uncovered_years_in(date(2028, 1, 5), date(2027, 1, 1)) == [2027, 2028]
    assert CAL.uncovered_years_in(date(2003, 6, 1), date(2004, 6, 1)) == [2003]
    assert CAL.uncovered_years_in(date(2026, 1, 1), date(2026, 12, 31)) == []


def test_warning_text_for_an_uncovered_year() -> None:
    assert uncovered_year_warning(2027) == "2027年的法定节假日安排尚未录入，按周末计算"
    assert CAL.warnings_for(date(2026, 12, 20), date(2027, 1, 20)) == (uncovered_year_warning(2027),)


def test_overrides_win_over_library_data() -> None:
    cal = WorkCalendar({date(2026, 10, 1): True, date(2026, 3, 10): False})
    assert cal.is_workday(date(2026, 10, 1))
    assert not cal.is_workday(date(2026, 3, 10))
    assert not CAL.is_workday(date(2026, 10, 1))


def test_overrides_for_a_new_year_make_it_covered() -> None:
    cal = WorkCalendar({date(2027, 1, 1): False, date(2027, 2, 6): True})
    assert cal.covers(2027)
    assert not cal.is_workday(date(2027, 1, 1))
    assert cal.is_workday(date(2027, 2, 6))  # Saturday entered as make-up working day
    assert cal.uncovered_years_in(date(2027, 1, 1), date(2027, 12, 31)) == []


def test_overrides_are_a_snapshot() -> None:
    overrides = {date(2027, 1, 1): False}
    cal = WorkCalendar(overrides)
    overrides[date(2027, 1, 4)] = False
    assert cal.is_workday(date(2027, 1, 4))
    with pytest.raises(TypeError):
        cal.overrides[date(2027, 1, 5)] = False  # type: ignore[index]


def test_datetimes_are_read_as_their_date() -> None:
    cal = WorkCalendar({date(2026, 3, 10): False})
    assert not cal.is_workday(datetime(2026, 3, 10, 9, 30))


def test_next_workday_skips_the_holiday() -> None:
    assert CAL.next_workday(date(2026, 10, 1)) == date(2026, 10, 8)
    assert CAL.next_workday(date(2026, 10, 8)) == date(2026, 10, 8)
    assert CAL.next_workday(date(2026, 9, 20)) == date(2026, 9, 20)  # make-up Sunday


@given(st.dates())
def test_never_crashes_for_any_date(day: date) -> None:
    assert isinstance(CAL.is_workday(day), bool)
    assert isinstance(CAL.covers(day.year), bool)


def test_extreme_dates_do_not_crash() -> None:
    assert CAL.is_workday(date.max)  # 9999-12-31 is a Friday
    assert CAL.is_workday(date.min)  # 0001-01-01 is a Monday
    assert CAL.uncovered_years_in(date.min, date(3, 1, 1)) == [1, 2, 3]
