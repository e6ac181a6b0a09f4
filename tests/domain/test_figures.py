"""StationFigures: the counts behind every indicator, and the rates formed from them."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.figures import STATION_RATES, StationFigures
from stationdesk.domain.indicators import Indicator, Rate

# A station's year, counted by hand: 10 received, 8 closed (6 self-mediated, 2 transferred);
# outcomes 4 success, 1 failure, 1 terminated, 1 withdrawn, 1 transferred; 6 closed on time;
# 5 eligible for a first payout, 4 paid; 7 follow-ups, 6 reached: 3 满意, 2 基本满意, 1 不满意.
YEAR = StationFigures(
    station_id=1, received=10, closed=8, self_mediated=6, successful=4, failed=1, terminated=1,
    withdrawn=1, transferred=1, closed_on_time=6, overdue=1, payout_eligible=5, payout_cases=4,
    recovered_fen=123_400, payouts=4, payout_fen=80_000, payout_recovered_fen=30_000, follow_ups=7,
    reached=6, satisfied=3, basic=2, consultations=12, last_case_on=date(2026, 10, 3),
    last_consultation_on=date(2026, 11, 2),
)  # fmt: skip


def test_each_rate_has_its_numerator_and_denominator() -> None:
    assert YEAR.rate(Indicator.SELF_MEDIATION) == Rate(6, 7)  # the case closed as 移交 left out
    assert YEAR.rate(Indicator.MEDIATION_SUCCESS) == Rate(4, 6)  # withdrawn and transferred left out
    assert YEAR.rate(Indicator.CLOSURE) == Rate(8, 10)
    assert YEAR.rate(Indicator.ON_TIME) == Rate(6, 8)
    assert YEAR.rate(Indicator.FIRST_PAYOUT) == Rate(4, 5)


def test_satisfaction_counts_basic_as_satisfied_only_when_the_setting_says_so() -> None:
    assert YEAR.rate(Indicator.SATISFACTION) == Rate(5, 6)
    assert YEAR.rate(Indicator.SATISFACTION, count_basic_as_satisfied=False) == Rate(3, 6)


def test_a_station_with_nothing_has_no_rates_not_zero_percent() -> None:
    empty = StationFigures(station_id=2)
    for indicator in STATION_RATES:
        rate = empty.rate(indicator)
        assert not rate.has_data
        assert rate.percent_text() == "—"
    assert empty.open == 0
    assert empty.last_activity_on is None


def test_a_station_whose_cases_were_all_transferred() -> None:
    handed_over = StationFigures(station_id=3, received=3, closed=3, transferred=3, closed_on_time=3)
    assert handed_over.rate(Indicator.SELF_MEDIATION).percent_text() == "—", "sent on: nothing to mediate"
    assert handed_over.rate(Indicator.MEDIATION_SUCCESS).percent_text() == "—"
    assert handed_over.rate(Indicator.CLOSURE).percent_text() == "100.0%"


def test_open_cases_are_received_less_closed() -> None:
    assert YEAR.open == 2


@pytest.mark.parametrize(
    ("last_case", "last_talk", "last"),
    [
        (date(2026, 10, 3), date(2026, 11, 2), date(2026, 11, 2)),
        (date(2026, 10, 3), None, date(2026, 10, 3)),
        (None, date(2025, 1, 9), date(2025, 1, 9)),
        (date(2026, 12, 31), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_last_activity_is_the_later_of_last_case_and_last_consultation(
    last_case: date | None, last_talk: date | None, last: date
) -> None:
    figures = StationFigures(station_id=1, last_case_on=last_case, last_consultation_on=last_talk)
    assert figures.last_activity_on == last


def test_indicators_that_are_not_per_station_are_refused() -> None:
    with pytest.raises(ValueError, match="硬件设施配备率"):
        YEAR.rate(Indicator.FACILITIES)


def test_as_dict_gives_counts_rates_and_iso_dates() -> None:
    values = YEAR.as_dict()
    assert values["received"] == 10
    assert values["self_mediation_rate"] == "85.7%"
    assert values["self_mediation_counts"] == "6/7"
    assert values["mediation_success_rate"] == "66.7%"
    assert values["satisfaction_rate"] == "83.3%"
    assert values["first_payout_counts"] == "4/5"
    assert values["last_case_on"] == "2026-10-03"
    assert values["last_activity_on"] == "2026-11-02"
    assert YEAR.as_dict(count_basic_as_satisfied=False)["satisfaction_counts"] == "3/6"


def test_as_dict_of_an_empty_station_has_dashes_and_nulls() -> None:
    values = StationFigures(station_id=9).as_dict()
    assert {values[f"{i.value}_rate"] for i in STATION_RATES} == {"—"}
    assert values["last_activity_on"] is None


@st.composite
def consistent_figures(draw: st.DrawFn) -> StationFigures:
    received = draw(st.integers(0, 500))
    closed = draw(st.integers(0, received))
    successful = draw(st.integers(0, closed))
    failed = draw(st.integers(0, closed - successful))
    terminated = draw(st.integers(0, closed - successful - failed))
    reached = draw(st.integers(0, 100))
    satisfied = draw(st.integers(0, reached))
    basic = draw(st.integers(0, reached - satisfied))
    eligible = draw(st.integers(0, received))
    return StationFigures(
        station_id=1, received=received, closed=closed, self_mediated=draw(st.integers(0, closed)),
        successful=successful, failed=failed, terminated=terminated,
        closed_on_time=draw(st.integers(0, closed)), payout_eligible=eligible,
        payout_cases=draw(st.integers(0, eligible)), reached=reached, satisfied=satisfied, basic=basic,
    )  # fmt: skip


@given(consistent_figures())
def test_every_rate_of_consistent_counts_is_a_share_or_no_data(figures: StationFigures) -> None:
    for indicator in STATION_RATES:
        rate = figures.rate(indicator)
        assert rate.value is None or 0 <= rate.value <= 1
        assert (rate.value is None) == (rate.denominator == 0)
