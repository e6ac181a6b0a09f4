from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.deadlines import (
    DEADLINE_RULES,
    DEFAULT_RULE,
    DueDate,
    Period,
    add_working_days,
    calendar_days_deadline,
    due_date,
    is_on_time,
    urgency,
)
from stationdesk.domain.workcalendar import WorkCalendar, uncovered_year_warning

CAL = WorkCalendar()
DAYS = st.dates(min_value=date(2004, 1, 1), max_value=date(2030, 12, 31))


def test_the_day_of_receipt_is_not_counted() -> None:
    # Tuesday 10 March 2026: the 1st working day is Wednesday, the 7th the next Thursday.
    assert add_working_days(CAL, date(2026, 3, 10), 1) == date(2026, 3, 11)
    assert add_working_days(CAL, date(2026, 3, 10), 7) == date(2026, 3, 19)


def test_zero_working_days_is_the_start_day_and_negative_is_refused() -> None:
    assert add_working_days(CAL, date(2026, 3, 10), 0) == date(2026, 3, 10)
    with pytest.raises(ValueError):
        add_working_days(CAL, date(2026, 3, 10), -1)


def test_seven_working_days_received_just_before_national_day_2026() -> None:
    # Mon 28 Sep: 29, 30 Sep; holiday 1–7 Oct; 8, 9, 10 (make-up Saturday), 12, 13 Oct.
    result = due_date("provincial", date(2026, 9, 28), difficult=False, cal=CAL)
    assert result == DueDate(date(2026, 10, 13), "provincial", ())


def test_seven_working_days_received_before_mid_autumn_and_national_day_2026() -> None:
    # Thu 24 Sep: 25 Sep is Mid-Autumn; 28, 29, 30 Sep; 8, 9, 10, 12 Oct.
    assert due_date("provincial", date(2026, 9, 24), False, CAL).due_on == date(2026, 10, 12)


def test_seven_working_days_received_just_before_spring_festival_2026() -> None:
    # Fri 13 Feb: 14 Feb (make-up Saturday); holiday 15–23 Feb; 24, 25, 26, 27, 28 (make-up), 2 Mar.
    assert due_date("provincial", date(2026, 2, 13), False, CAL).due_on == date(2026, 3, 2)


def test_sixty_days_ending_on_a_holiday_move_to_the_next_working_day() -> None:
    received = date(2026, 8, 2)
    assert received + timedelta(days=60) == date(2026, 10, 1)
    assert due_date("provincial", received, difficult=True, cal=CAL).due_on == date(2026, 10, 8)


def test_sixty_days_ending_on_a_make_up_working_saturday_stay_there() -> None:
    received = date(2026, 10, 10) - timedelta(days=60)
    assert calendar_days_deadline(CAL, received, 60) == date(2026, 10, 10)


def test_sixty_days_ending_on_an_ordinary_weekend_move_to_monday() -> None:
    assert calendar_days_deadline(CAL, date(2026, 1, 17), 60) == date(2026, 3, 18)  # Wednesday: no move
    assert calendar_days_deadline(CAL, date(2026, 1, 14), 60) == date(2026, 3, 16)  # Sun 15 Mar → Mon


def test_national_rule_is_7_plus_45_working_days_from_receipt() -> None:
    received = date(2026, 3, 10)
    accepted_by = add_working_days(CAL, received, 7)
    expected = add_working_days(CAL, accepted_by, 45)
    assert due_date("national", received, False, CAL).due_on == expected
    assert due_date("national", received, True, CAL).due_on == expected


def test_station_fast_rule_gives_the_next_day_rolled_to_a_working_day() -> None:
    assert due_date("station_fast", date(2026, 3, 11), False, CAL).due_on == date(2026, 3, 12)
    assert due_date("station_fast", date(2026, 3, 13), False, CAL).due_on == date(2026, 3, 16)  # Fri → Mon
    assert due_date("station_fast", date(2026, 9, 19), False, CAL).due_on == date(2026, 9, 20)  # make-up Sun


def test_station_fast_rule_gives_difficult_complaints_5_working_days() -> None:
    # Wed 30 Sep: holiday 1–7 Oct; 8, 9, 10 (make-up Saturday), 12, 13 Oct.
    assert due_date("station_fast", date(2026, 9, 30), True, CAL).due_on == date(2026, 10, 13)


def test_year_without_holiday_data_falls_back_to_weekends_with_a_warning() -> None:
    # 2026-12-29, 30, 31, then 2027 counted Monday–Friday: 1 Jan (Fri), 4, 5, 6 Jan.
    result = due_date("provincial", date(2026, 12, 28), False, CAL)
    assert result.due_on == date(2027, 1, 6)
    assert result.warnings == (uncovered_year_warning(2027),)
    assert result.warnings == ("2027年的法定节假日安排尚未录入，按周末计算",)


def test_far_future_and_old_dates_do_not_crash() -> None:
    assert due_date("national", date(2035, 6, 1), False, CAL).warnings == (uncovered_year_warning(2035),)
    assert due_date("provincial", date(2001, 6, 1), True, CAL).warnings == (uncovered_year_warning(2001),)


def test_overrides_for_next_year_are_used_and_silence_the_warning() -> None:
    cal = WorkCalendar({date(2027, 1, 1): False})
    result = due_date("provincial", date(2026, 12, 28), False, cal)
    assert result.due_on == date(2027, 1, 7)
    assert result.warnings == ()


def test_every_rule_records_its_code() -> None:
    for code in DEADLINE_RULES:
        assert DEADLINE_RULES[code].code == code
        assert due_date(code, date(2026, 5, 6), False, CAL).rule_code == code


def test_default_rule_is_the_provincial_one() -> None:
    assert DEFAULT_RULE == "provincial"
    rule = DEADLINE_RULES[DEFAULT_RULE]
    assert rule.ordinary == Period(7, "working_days")
    assert rule.difficult == Period(60, "calendar_days")


def test_periods_describe_themselves_in_chinese() -> None:
    assert Period(7, "working_days").describe() == "7个工作日"
    assert Period(60, "calendar_days").describe() == "60日"
    assert Period(24, "hours").describe() == "24小时"


def test_unknown_rule_is_refused_with_its_name() -> None:
    with pytest.raises(ValueError, match="未知的期限规则“weekly”"):
        due_date("weekly", date(2026, 5, 6), False, CAL)


def test_closing_on_the_due_date_is_on_time() -> None:
    assert is_on_time(date(2026, 3, 19), date(2026, 3, 19))
    assert not is_on_time(date(2026, 3, 19), date(2026, 3, 20))


def test_urgency_of_closed_cases() -> None:
    due = date(2026, 3, 19)
    assert urgency(due, date(2026, 4, 1), closed_on=date(2026, 3, 19)) == "closed_on_time"
    assert urgency(due, date(2026, 4, 1), closed_on=date(2026, 3, 20)) == "closed_late"


def test_urgency_of_open_cases() -> None:
    due = date(2026, 3, 19)
    assert urgency(due, date(2026, 3, 20)) == "overdue"
    assert urgency(due, date(2026, 3, 19)) == "due_soon"
    assert urgency(due, date(2026, 3, 17)) == "due_soon"
    assert urgency(due, date(2026, 3, 16)) == "open"
    assert urgency(due, date(2026, 3, 16), soon_days=3) == "due_soon"


@given(DAYS, st.integers(min_value=1, max_value=60))
def test_n_working_days_later_is_a_working_day_after_exactly_n_working_days(start: date, n: int) -> None:
    end = add_working_days(CAL, start, n)
    assert CAL.is_workday(end)
    days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(CAL.is_workday(day) for day in days) == n


@given(DAYS, st.integers(min_value=0, max_value=90))
def test_calendar_deadline_only_moves_past_rest_days(start: date, n: int) -> None:
    end = calendar_days_deadline(CAL, start, n)
    assert CAL.is_workday(end)
    nominal = start + timedelta(days=n)
    assert end >= nominal
    assert not any(CAL.is_workday(nominal + timedelta(days=i)) for i in range((end - nominal).days))


def test_seven_working_days_received_on_the_eve_of_national_day_2026() -> None:
    # Wed 30 Sep: holiday 1–7 Oct; 8, 9, 10 (make-up Saturday), 12, 13, 14, 15 Oct.
    assert due_date("provincial", date(2026, 9, 30), False, CAL).due_on == date(2026, 10, 15)


@pytest.mark.parametrize("received", [date(2026, 2, 15), date(2026, 2, 17), date(2026, 2, 23)])
def test_a_complaint_received_during_the_spring_festival_holiday_counts_from_the_first_working_day(
    received: date,
) -> None:
    # 24, 25, 26, 27, 28 Feb (make-up Saturday), 2, 3 Mar.
    assert due_date("provincial", received, False, CAL).due_on == date(2026, 3, 3)


def test_sixty_days_ending_in_the_spring_festival_holiday_move_past_it() -> None:
    received = date(2025, 12, 17)
    assert received + timedelta(days=60) == date(2026, 2, 15)
    assert due_date("provincial", received, difficult=True, cal=CAL).due_on == date(2026, 2, 24)


def test_a_rest_day_override_moves_a_due_date_that_fell_on_it() -> None:
    plain = due_date("provincial", date(2026, 3, 10), False, CAL).due_on
    assert plain == date(2026, 3, 19)
    closed_that_day = WorkCalendar({date(2026, 3, 19): False})
    assert due_date("provincial", date(2026, 3, 10), False, closed_that_day).due_on == date(2026, 3, 20)
