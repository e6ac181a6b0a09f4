import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.indicators import (
    Indicator,
    Rate,
    closure_rate,
    effectiveness_rate,
    facilities_rate,
    first_payout_adoption_rate,
    first_payout_rate,
    mediation_success_rate,
    on_time_rate,
    satisfaction_rate,
    self_mediation_rate,
)
from stationdesk.domain.standards import Threshold


@st.composite
def rates(draw: st.DrawFn) -> Rate:
    denominator = draw(st.integers(min_value=0, max_value=10_000))
    numerator = draw(st.integers(min_value=0, max_value=denominator))
    return Rate(numerator, denominator)


@given(rates())
def test_rate_value_lies_between_0_and_1_or_is_none(rate: Rate) -> None:
    if rate.value is not None:
        assert 0.0 <= rate.value <= 1.0


@given(rates())
def test_rate_has_no_value_exactly_when_the_denominator_is_zero(rate: Rate) -> None:
    assert (rate.value is None) == (rate.denominator == 0)
    assert rate.has_data == (rate.denominator > 0)


@given(rates())
def test_percent_text_has_one_decimal_or_a_dash_for_no_data(rate: Rate) -> None:
    text = rate.percent_text()
    if rate.denominator == 0:
        assert text == "—"
    else:
        assert re.fullmatch(r"\d{1,3}\.\d%", text)
        assert abs(float(text[:-1]) - rate.numerator * 100 / rate.denominator) <= 0.05 + 1e-9


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=1000))
def test_numerator_above_denominator_is_a_bug_and_raises(denominator: int, excess: int) -> None:
    with pytest.raises(ValueError):
        Rate(denominator + excess, denominator)


@pytest.mark.parametrize(("numerator", "denominator"), [(-1, 5), (0, -1), (-3, -1)])
def test_negative_counts_raise(numerator: int, denominator: int) -> None:
    with pytest.raises(ValueError):
        Rate(numerator, denominator)


def test_zero_denominator_is_no_data_not_an_error() -> None:
    rate = Rate(0, 0)
    assert rate.value is None
    assert rate.percent_text() == "—"
    assert rate.meets(0.9) is None


def test_percent_text_rounds_half_up() -> None:
    assert Rate(14, 17).percent_text() == "82.4%"
    assert Rate(1, 8).percent_text() == "12.5%"
    assert Rate(1, 16).percent_text() == "6.3%"  # 6.25 → 6.3, not banker's 6.2
    assert Rate(2, 3).percent_text() == "66.7%"
    assert Rate(5, 5).percent_text() == "100.0%"
    assert Rate(0, 5).percent_text() == "0.0%"
    assert Rate(1, 3).percent_text(decimals=0) == "33%"


def test_meets_compares_exactly_with_the_written_decimal() -> None:
    assert Rate(63, 70).meets(0.9) is True
    assert Rate(7, 100).meets(0.07) is True  # 0.07 * 100 is 7.000000000000001 in floats
    assert Rate(899, 1000).meets(0.9) is False


def test_meets_applies_a_thresholds_operator() -> None:
    assert Rate(9, 10).meets(Threshold(">", 0.9)) is False
    assert Rate(9, 10).meets(Threshold(">=", 0.9)) is True


def test_self_mediation_rate_is_self_mediated_over_accepted() -> None:
    assert self_mediation_rate(12, 15) == Rate(12, 15)


def test_mediation_success_rate_counts_failed_and_terminated_but_not_withdrawn() -> None:
    rate = mediation_success_rate(successful=14, failed=2, terminated=1)
    assert rate == Rate(14, 17)
    assert rate.percent_text() == "82.4%"


def test_mediation_success_rate_without_any_mediation_is_no_data() -> None:
    assert mediation_success_rate(0, 0, 0).value is None


def test_mediation_success_rate_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        mediation_success_rate(3, -1, 1)


def test_closure_and_on_time_rates() -> None:
    assert closure_rate(9, 10) == Rate(9, 10)
    assert on_time_rate(8, 9) == Rate(8, 9)


def test_satisfaction_counts_basically_satisfied_by_default() -> None:
    assert satisfaction_rate(satisfied=80, basic=10, reached=100) == Rate(90, 100)


def test_satisfaction_can_count_only_fully_satisfied() -> None:
    assert satisfaction_rate(80, 10, 100, count_basic_as_satisfied=False) == Rate(80, 100)


def test_satisfaction_answers_cannot_exceed_calls_that_reached_the_consumer() -> None:
    with pytest.raises(ValueError):
        satisfaction_rate(satisfied=80, basic=30, reached=100, count_basic_as_satisfied=False)


def test_first_payout_is_read_two_ways() -> None:
    assert first_payout_rate(95, 95) == Rate(95, 95)
    assert first_payout_adoption_rate(27, 27).percent_text() == "100.0%"


def test_facilities_and_effectiveness_rates() -> None:
    assert facilities_rate(7, 8) == Rate(7, 8)
    assert effectiveness_rate(20, 25).percent_text() == "80.0%"


def test_numerator_above_denominator_raises_in_indicator_functions() -> None:
    with pytest.raises(ValueError):
        closure_rate(11, 10)
    with pytest.raises(ValueError):
        facilities_rate(9, 8)


def test_indicators_have_chinese_labels() -> None:
    assert Indicator.MEDIATION_SUCCESS.label == "调解成功率"
    assert Indicator.from_label("效能发挥达标率") is Indicator.EFFECTIVENESS
