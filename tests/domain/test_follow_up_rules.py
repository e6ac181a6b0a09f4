"""Follow-up visits: only on closed cases, after closing, with a satisfaction when reached."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from stationdesk.domain.follow_up_rules import FOLLOW_UP_LABELS, FollowUpDraft, validate_follow_up

TODAY = date(2026, 11, 24)
CLOSED_ON = date(2026, 11, 10)
VISIT = FollowUpDraft(case_id=5, visited_on=date(2026, 11, 20), visitor="王芳", reached=True, satisfaction="satisfied")


@pytest.mark.parametrize("satisfaction", ["satisfied", "basic", "unsatisfied"])
def test_a_reached_call_with_a_satisfaction_is_valid(satisfaction: str) -> None:
    assert validate_follow_up(replace(VISIT, satisfaction=satisfaction), CLOSED_ON, TODAY) == {}


def test_an_unreached_call_without_satisfaction_is_valid() -> None:
    assert validate_follow_up(replace(VISIT, reached=False, satisfaction=None), CLOSED_ON, TODAY) == {}


def test_a_call_on_the_closing_day_and_today_are_valid() -> None:
    assert validate_follow_up(replace(VISIT, visited_on=CLOSED_ON), CLOSED_ON, TODAY) == {}
    assert validate_follow_up(replace(VISIT, visited_on=TODAY), CLOSED_ON, TODAY) == {}


def test_a_follow_up_on_an_open_case_is_refused() -> None:
    assert validate_follow_up(VISIT, None, TODAY) == {"case_id": "案件尚未办结，办结后才能回访"}


def test_a_follow_up_before_the_closing_date_is_refused() -> None:
    problems = validate_follow_up(replace(VISIT, visited_on=CLOSED_ON - timedelta(days=1)), CLOSED_ON, TODAY)
    assert problems == {"visited_on": "回访日期不能早于办结日期（2026-11-10）"}


def test_a_follow_up_in_the_future_is_refused() -> None:
    problems = validate_follow_up(replace(VISIT, visited_on=TODAY + timedelta(days=1)), CLOSED_ON, TODAY)
    assert problems == {"visited_on": "回访日期不能晚于今天（2026-11-24）"}


def test_a_reached_call_without_satisfaction_is_refused() -> None:
    problems = validate_follow_up(replace(VISIT, satisfaction=None), CLOSED_ON, TODAY)
    assert problems == {"satisfaction": "联系上消费者时请选择满意度"}


def test_an_unknown_satisfaction_is_refused() -> None:
    assert "satisfaction" in validate_follow_up(replace(VISIT, satisfaction="happy"), CLOSED_ON, TODAY)


def test_an_unreached_call_cannot_carry_a_satisfaction() -> None:
    problems = validate_follow_up(replace(VISIT, reached=False), CLOSED_ON, TODAY)
    assert problems == {"satisfaction": "未联系上消费者，不能填写满意度"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"visited_on": None}, "visited_on", "回访日期为必填项"),
        ({"visitor": "  "}, "visitor", "回访人为必填项"),
        ({"visitor": "王" * 65}, "visitor", "回访人不能超过64个字"),
        ({"visitor": "王芳😀"}, "visitor", "表情符号"),
        ({"remarks": "好" * 501}, "remarks", "备注不能超过500个字"),
    ],
)
def test_bad_input_names_the_field(changes: dict[str, object], field: str, words: str) -> None:
    problems = validate_follow_up(replace(VISIT, **changes), CLOSED_ON, TODAY)  # type: ignore[arg-type]
    assert list(problems) == [field]
    assert words in problems[field]


def test_full_width_visitor_names_are_tidied_before_checking() -> None:
    assert validate_follow_up(replace(VISIT, visitor="\u3000王芳\u3000"), CLOSED_ON, TODAY) == {}


def test_every_field_has_a_chinese_label() -> None:
    assert set(FOLLOW_UP_LABELS) == {"case_id", "visited_on", "visitor", "reached", "satisfaction", "remarks"}
