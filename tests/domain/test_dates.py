from datetime import date

import pytest

from stationdesk.domain.dates import parse_user_date


@pytest.mark.parametrize(
    "text",
    ["2017-09-01", "2017.9.1", "2017/9/1", "2017年9月1日", "20170901", "２０１７－０９－０１", " 2017-9-1 "],
)
def test_the_ways_people_write_a_date_all_read_as_that_date(text: str) -> None:
    assert parse_user_date(text) == date(2017, 9, 1)


def test_an_empty_field_is_no_date() -> None:
    assert parse_user_date("  ") is None


@pytest.mark.parametrize(("text", "words"), [("2017-02-30", "没有30日"), ("去年", "不是有效日期"), ("2017-13-01", "月份应为1到12")])
def test_a_wrong_date_repeats_what_was_typed(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words) as caught:
        parse_user_date(text)
    assert text in str(caught.value)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [(date(2026, 11, 24), 12, date(2025, 11, 24)), (date(2026, 3, 31), 1, date(2026, 2, 28)),
     (date(2026, 1, 15), 3, date(2025, 10, 15)), (date(2024, 5, 31), 3, date(2024, 2, 29))],
)
def test_months_before_clamps_to_the_end_of_a_shorter_month(day: date, months: int, expected: date) -> None:
    from stationdesk.domain.dates import months_before

    assert months_before(day, months) == expected
