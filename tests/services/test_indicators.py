"""Every indicator of a station, against a year counted by hand.

Station A (in the first-payout scheme, 1,000 元 fund from 5 Jan 2026):

  #   received    handling     outcome      closed      due (7 working days)  recovered  payout
  1   2025-12-31  自行调解     调解成功     2026-01-05  2026-01-05 on time    50 元      -
  2   2026-01-01  自行调解     调解成功     2026-01-06  2026-01-12 on time    80 元      -
  3   2026-03-02  自行调解     调解成功     2026-03-06  2026-03-11 on time    200 元     300 元 (eligible), 100 元 recovered
  4   2026-03-10  自行调解     调解成功     2026-03-19  2026-03-19 on the day 100 元     eligible, not paid
  5   2026-04-01  自行调解     调解不成功   2026-05-20  2026-04-13 late       -          -
  6   2026-05-11  自行调解     终止         2026-05-12  on time               -          -
  7   2026-06-01  自行调解     撤回         2026-06-02  on time               -          -
  8   2026-06-15  移交监管部门 移交         2026-06-16  on time               -          -
  9   2026-07-01  自行调解     (open)       -           2026-07-10 overdue    -          -
  10  2026-11-23  自行调解     (open)       -           2026-12-02 not yet    -          -
  11  2026-08-03  自行调解     (open)       -           2026-08-12 overdue    -          200 元 (eligible)

Follow-ups in 2026: #1 满意, #3 满意, #4 基本满意, #5 不满意, #7 not reached then 满意, #8 基本满意.
Consultations: 3 on 2025-12-31, a tally of 25 on 2026-01-01, 1 on 2026-11-20.
Station B has nothing; station C had two cases, both handed to the bureau (移交监管部门).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator, Rate
from stationdesk.services import cases, indicators, payouts, preferences

TODAY = date(2026, 11, 24)
Y2025 = indicators.year_bounds(2025)
Y2026 = indicators.year_bounds(2026)


@dataclass(frozen=True)
class Year:
    db: Any
    a: int
    b: int
    c: int


@pytest.fixture(scope="module")
def year(module_desk: Any) -> Year:
    desk = module_desk
    a = desk.station("红梅超市消费维权服务站", scheme=True)
    b = desk.station("天宁商场维权服务站")
    c = desk.station("钟楼市场维权联络站")
    desk.fund(a, 1_000, on=date(2026, 1, 5))

    def closed(received: date, closed_on: date, outcome: str = "success", **kw: Any) -> int:
        return desk.case(a, received, outcome=outcome, closed_on=closed_on, **kw)

    c1 = closed(date(2025, 12, 31), date(2026, 1, 5), amount_recovered_fen=5_000)
    closed(date(2026, 1, 1), date(2026, 1, 6), amount_recovered_fen=8_000)
    c3 = closed(date(2026, 3, 2), date(2026, 3, 6), amount_recovered_fen=20_000, payout_eligible=True)
    c4 = closed(date(2026, 3, 10), date(2026, 3, 19), amount_recovered_fen=10_000, payout_eligible=True)
    c5 = closed(date(2026, 4, 1), date(2026, 5, 20), "failure")
    closed(date(2026, 5, 11), date(2026, 5, 12), "terminated")
    c7 = closed(date(2026, 6, 1), date(2026, 6, 2), "withdrawn")
    c8 = closed(date(2026, 6, 15), date(2026, 6, 16), "transferred", handling="transferred")
    desk.case(a, date(2026, 7, 1))
    desk.case(a, date(2026, 11, 23))
    c11 = desk.case(a, date(2026, 8, 3), payout_eligible=True)

    paid = desk.payout(a, c3, 300, date(2026, 3, 3))
    payouts.record_recovery(desk.db, paid, date(2026, 4, 1), 10_000, "李明", TODAY)
    desk.payout(a, c11, 200, date(2026, 8, 4))

    desk.follow_up(c1, date(2026, 1, 6), "satisfied")
    desk.follow_up(c3, date(2026, 3, 10), "satisfied")
    desk.follow_up(c4, date(2026, 3, 20), "basic")
    desk.follow_up(c5, date(2026, 5, 21), "unsatisfied")
    desk.follow_up(c7, date(2026, 6, 3), None, reached=False)
    desk.follow_up(c7, date(2026, 6, 5), "satisfied")
    desk.follow_up(c8, date(2026, 6, 20), "basic")

    desk.consultation(a, date(2025, 12, 31), 3)
    desk.consultation(a, date(2026, 1, 1), 25)
    desk.consultation(a, date(2026, 11, 20))

    for received in (date(2026, 2, 2), date(2026, 2, 3)):
        desk.case(c, received, handling="transferred", outcome="transferred", closed_on=date(2026, 2, 4))
    return Year(desk.db, a, b, c)


def _a(year: Year, period: tuple[date, date] = Y2026) -> StationFigures:
    return indicators.indicators_of(year.db, year.a, *period, TODAY)


def test_the_fixture_due_dates_are_the_ones_counted_by_hand(year: Year) -> None:
    due = {cases.get_case(year.db, i).draft.received_on: cases.get_case(year.db, i).due_on
           for i in cases.list_case_ids(year.db, cases.CaseFilter(station_id=year.a))}  # fmt: skip
    assert due[date(2026, 1, 1)] == date(2026, 1, 12)  # 元旦 holiday, Sunday 4 Jan a make-up working day
    assert due[date(2026, 3, 10)] == date(2026, 3, 19)
    assert due[date(2026, 4, 1)] == date(2026, 4, 13)  # 清明 4–6 Apr
    assert due[date(2026, 7, 1)] == date(2026, 7, 10)
    assert due[date(2026, 11, 23)] == date(2026, 12, 2)


def test_cases_received_are_the_cases_received_in_the_period(year: Year) -> None:
    figures = _a(year)
    assert (figures.received, figures.closed, figures.open) == (10, 7, 3)


def test_a_case_received_on_31_december_counts_in_that_year_and_1_january_in_the_next(year: Year) -> None:
    assert _a(year, Y2025).received == 1
    assert _a(year, (date(2025, 12, 31), date(2025, 12, 31))).received == 1
    assert _a(year, (date(2026, 1, 1), date(2026, 1, 1))).received == 1
    assert _a(year, (date(2025, 1, 1), date(2025, 12, 30))).received == 0


def test_self_mediation_rate_is_self_mediated_over_closed_cases(year: Year) -> None:
    figures = _a(year)
    assert figures.self_mediated == 6  # case 8 was handed to the bureau and closed as 移交
    assert figures.rate(Indicator.SELF_MEDIATION) == Rate(6, 6), "a case sent on is not counted against it"
    assert figures.rate(Indicator.SELF_MEDIATION).percent_text() == "100.0%"


def test_mediation_success_rate_leaves_out_withdrawals_and_transfers(year: Year) -> None:
    figures = _a(year)
    assert (figures.successful, figures.failed, figures.terminated) == (3, 1, 1)
    assert (figures.withdrawn, figures.transferred) == (1, 1)
    assert figures.rate(Indicator.MEDIATION_SUCCESS) == Rate(3, 5)
    assert figures.rate(Indicator.MEDIATION_SUCCESS).percent_text() == "60.0%"


def test_closure_rate_is_closed_over_received(year: Year) -> None:
    assert _a(year).rate(Indicator.CLOSURE).percent_text() == "70.0%"


def test_on_time_rate_counts_closing_on_the_due_date_as_on_time(year: Year) -> None:
    figures = _a(year)
    assert figures.closed_on_time == 6  # only case 5 was late
    assert figures.rate(Indicator.ON_TIME) == Rate(6, 7)


def test_first_payouts_are_counted_with_their_amount_and_recovery(year: Year) -> None:
    figures = _a(year)
    assert (figures.payouts, figures.payout_fen, figures.payout_recovered_fen) == (2, 50_000, 10_000)


def test_first_payout_rate_is_cases_paid_over_eligible_cases(year: Year) -> None:
    figures = _a(year)
    assert (figures.payout_cases, figures.payout_eligible) == (2, 3)
    assert figures.rate(Indicator.FIRST_PAYOUT).percent_text() == "66.7%"


def test_money_recovered_is_summed_over_the_cases_received(year: Year) -> None:
    assert _a(year).recovered_fen == 38_000
    assert _a(year, Y2025).recovered_fen == 5_000


def test_follow_ups_made_in_the_period_count_whatever_year_the_case(year: Year) -> None:
    figures = _a(year)
    assert (figures.follow_ups, figures.reached, figures.satisfied, figures.basic) == (7, 6, 3, 2)
    assert _a(year, Y2025).follow_ups == 0


def test_satisfaction_rate_excludes_unreached_calls_and_counts_basic_per_setting(year: Year) -> None:
    figures = _a(year)
    assert indicators.counts_basic_as_satisfied(year.db) is True
    assert figures.rate(Indicator.SATISFACTION) == Rate(5, 6)
    preferences.put(year.db, "satisfaction_counts_basic", False, "管理员")
    try:
        counts_basic = indicators.counts_basic_as_satisfied(year.db)
        assert counts_basic is False
        assert figures.rate(Indicator.SATISFACTION, counts_basic).percent_text() == "50.0%"
    finally:
        preferences.put(year.db, "satisfaction_counts_basic", True, "管理员")


def test_overdue_counts_open_cases_past_their_due_date_as_of_today(year: Year) -> None:
    assert _a(year).overdue == 2  # cases 9 and 11; case 10 is not due yet


def test_overdue_of_a_past_period_is_as_of_the_day_after_it(year: Year) -> None:
    # Case 9 is due on 10 July: still within its time on the 10th, overdue from the 11th.
    assert _a(year, (date(2026, 1, 1), date(2026, 7, 9))).overdue == 0
    assert _a(year, (date(2026, 1, 1), date(2026, 7, 10))).overdue == 1


def test_consultations_add_up_tallies_by_their_count(year: Year) -> None:
    assert _a(year).consultations == 26
    assert _a(year, Y2025).consultations == 3


def test_last_activity_is_the_later_of_the_last_case_and_the_last_consultation(year: Year) -> None:
    figures = _a(year)
    assert (figures.last_case_on, figures.last_consultation_on) == (date(2026, 11, 23), date(2026, 11, 20))
    assert figures.last_activity_on == date(2026, 11, 23)
    until_21_nov = _a(year, (date(2026, 11, 1), date(2026, 11, 21)))
    assert until_21_nov.received == 0
    assert until_21_nov.last_case_on == date(2026, 8, 3)  # before the period: still the last activity
    assert until_21_nov.last_activity_on == date(2026, 11, 20)
    assert _a(year, Y2025).last_activity_on == date(2025, 12, 31)


def test_a_station_with_no_cases_has_dashes_not_zero_percent(year: Year) -> None:
    figures = indicators.indicators_of(year.db, year.b, *Y2026, TODAY)
    assert figures == StationFigures(year.b)
    values = figures.as_dict()
    for indicator in ("self_mediation", "mediation_success", "closure", "on_time", "satisfaction", "first_payout"):
        assert values[f"{indicator}_rate"] == "—"
    assert values["last_activity_on"] is None


def test_a_station_whose_cases_were_all_transferred(year: Year) -> None:
    figures = indicators.indicators_of(year.db, year.c, *Y2026, TODAY)
    assert (figures.received, figures.closed, figures.self_mediated, figures.transferred) == (2, 2, 0, 2)
    assert figures.rate(Indicator.SELF_MEDIATION).percent_text() == "—", "all sent on: nothing to mediate"
    assert figures.rate(Indicator.MEDIATION_SUCCESS).percent_text() == "—"
    assert figures.rate(Indicator.CLOSURE).percent_text() == "100.0%"


def test_every_station_asked_for_is_in_the_result_even_when_asked_with_a_generator(year: Year) -> None:
    asked = (station for station in (year.a, year.b, year.c))
    found = indicators.station_indicators(year.db, *Y2026, TODAY, asked)
    assert sorted(found) == sorted([year.a, year.b, year.c])
    assert found[year.b] == StationFigures(year.b)
    assert found[year.a] == _a(year)


def test_without_a_station_list_only_stations_with_activity_are_returned(year: Year) -> None:
    found = indicators.station_indicators(year.db, *Y2026, TODAY)
    assert sorted(found) == sorted([year.a, year.c])
    assert found[year.a] == _a(year)


def test_the_figures_as_plain_values_for_json(year: Year) -> None:
    values = _a(year).as_dict()
    assert values["received"] == 10
    assert values["self_mediation_counts"] == "6/6"
    assert values["mediation_success_rate"] == "60.0%"
    assert values["first_payout_counts"] == "2/3"
    assert values["satisfaction_counts"] == "5/6"
    assert values["last_activity_on"] == "2026-11-23"
