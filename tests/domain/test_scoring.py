"""The re-examination score sheet: A–C scored on site, D graded from the year, E first payout.

Figures below are counted by hand; the default sheet is A 20 + B 15 + C 15 + D 40 + E 10 = 100.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Rate
from stationdesk.domain.scoring import (
    DEFAULT_CHECKLIST,
    FIRST_PAYOUT_POINTS,
    PERFORMANCE_POINTS,
    ScoreItem,
    check_scores,
    graded_points,
    max_points,
    score_sheet,
)
from stationdesk.domain.standards import NO_REQUIREMENT, Threshold, default_standard
from stationdesk.domain.vocabulary import StationLevel

PROVINCIAL = default_standard(StationLevel.PROVINCIAL, 2026)
MUNICIPAL = default_standard(StationLevel.MUNICIPAL, 2026)
ORDINARY = default_standard(StationLevel.ORDINARY, 2026)

# 20 cases, all closed on time and self-mediated, 18 of 20 successful (90 %), 20 of 20 satisfied.
GOOD_YEAR = StationFigures(1, received=20, closed=20, self_mediated=20, successful=18, failed=2,
                           closed_on_time=20, follow_ups=20, reached=20, satisfied=20)  # fmt: skip
FULL_MARKS = {item.code: item.points for item in DEFAULT_CHECKLIST}


def _section_points(section: str) -> int:
    return sum(item.points for item in DEFAULT_CHECKLIST if item.section == section)


def test_default_sheet_has_100_points_in_the_five_sections_of_the_brief() -> None:
    assert (_section_points("A"), _section_points("B"), _section_points("C")) == (20, 15, 15)
    assert sum(PERFORMANCE_POINTS.values()) == 40
    assert FIRST_PAYOUT_POINTS == 10
    assert max_points(DEFAULT_CHECKLIST) == 100


def test_a_rate_that_clears_the_bar_earns_full_points() -> None:
    assert graded_points(Rate(9, 10), Threshold(">=", 0.9), 15) == Decimal(15)
    assert graded_points(Rate(10, 10), Threshold(">=", 0.9), 15) == Decimal(15)


def test_a_rate_below_the_bar_earns_points_in_proportion_to_the_bar_reached() -> None:
    # 82 % of a 90 % bar: 82/90 × 15 = 13.67 → 13.7
    assert graded_points(Rate(82, 100), Threshold(">=", 0.9), 15) == Decimal("13.7")
    # 17 of 20 on time against 100 %: 0.85 × 10
    assert graded_points(Rate(17, 20), Threshold(">=", 1.0), 10) == Decimal("8.5")
    assert graded_points(Rate(0, 4), Threshold(">=", 0.9), 15) == Decimal(0)


def test_a_rate_without_data_earns_nothing() -> None:
    assert graded_points(Rate(0, 0), Threshold(">=", 0.9), 15) == Decimal(0)


def test_a_bar_that_asks_nothing_gives_full_points_even_without_data() -> None:
    assert graded_points(Rate(0, 0), NO_REQUIREMENT, 10) == Decimal(10)
    assert graded_points(Rate(1, 10), NO_REQUIREMENT, 10) == Decimal(10)


@given(st.integers(0, 500), st.integers(1, 500), st.sampled_from([0.8, 0.85, 0.9, 0.95, 1.0]),
       st.integers(1, 20))  # fmt: skip
def test_graded_points_stay_between_zero_and_the_item_and_grow_with_the_rate(
    numerator: int, denominator: int, bar: float, points: int
) -> None:
    numerator = min(numerator, denominator)
    earned = graded_points(Rate(numerator, denominator), Threshold(">=", bar), points)
    assert Decimal(0) <= earned <= points
    if numerator < denominator:
        assert graded_points(Rate(numerator + 1, denominator), Threshold(">=", bar), points) >= earned


def test_on_site_scores_add_up_by_section_and_a_missing_item_scores_zero() -> None:
    scores = {"signage": 4, "mediation_area": "3.5", "staff": 4, "register": 6, "computer": ""}
    sheet = score_sheet(PROVINCIAL, DEFAULT_CHECKLIST, GOOD_YEAR, True, scores)
    assert sheet.scored
    assert sheet.on_site == {"A": Decimal("7.5"), "B": Decimal(4), "C": Decimal(6)}
    assert (sheet.section("A"), sheet.section("B"), sheet.section("C")) == (Decimal("7.5"), 4, 6)


def test_a_station_meeting_every_bar_with_full_on_site_marks_scores_100() -> None:
    sheet = score_sheet(PROVINCIAL, DEFAULT_CHECKLIST, GOOD_YEAR, True, FULL_MARKS)
    assert sheet.performance == Decimal(40)
    assert sheet.first_payout == Decimal(10)
    assert sheet.total == Decimal(100)
    assert [(label, earned, points) for label, earned, points in sheet.performance_lines] == [
        ("自行调解率", 10, 10), ("调解成功率", 15, 15), ("按时办结率", 10, 10), ("回访满意率", 5, 5),
    ]  # fmt: skip


def test_section_d_is_graded_from_the_year_against_the_level() -> None:
    # 19 of 20 self-mediated (95 % of 100 %): 9.5; 14 of 20 successful (70 % of 90 %): 11.7;
    # 15 of 20 on time: 7.5; no follow-up reached: 0.
    year = StationFigures(1, received=20, closed=20, self_mediated=19, successful=14, failed=6,
                          closed_on_time=15)  # fmt: skip
    sheet = score_sheet(PROVINCIAL, DEFAULT_CHECKLIST, year, True, None)
    assert [earned for _label, earned, _points in sheet.performance_lines] == [
        Decimal("9.5"), Decimal("11.7"), Decimal("7.5"), Decimal(0),
    ]  # fmt: skip
    assert sheet.section("D") == Decimal("28.7")


def test_an_ordinary_station_is_not_graded_on_self_mediation() -> None:
    year = StationFigures(1, received=10, closed=10, self_mediated=0, successful=10, closed_on_time=10,
                          reached=1, satisfied=1)  # fmt: skip
    sheet = score_sheet(ORDINARY, DEFAULT_CHECKLIST, year, False, None)
    assert sheet.performance_lines[0][1] == Decimal(10)


def test_first_payout_points_go_to_a_station_operating_the_scheme() -> None:
    assert score_sheet(PROVINCIAL, DEFAULT_CHECKLIST, GOOD_YEAR, True, None).section("E") == Decimal(10)
    assert score_sheet(PROVINCIAL, DEFAULT_CHECKLIST, GOOD_YEAR, False, None).section("E") == Decimal(0)
    assert score_sheet(MUNICIPAL, DEFAULT_CHECKLIST, GOOD_YEAR, False, None).section("E") == Decimal(0)


def test_first_payout_points_are_given_where_the_level_asks_nothing() -> None:
    assert score_sheet(ORDINARY, DEFAULT_CHECKLIST, GOOD_YEAR, False, None).section("E") == Decimal(10)


def test_a_sheet_not_yet_scored_on_site_has_no_total() -> None:
    sheet = score_sheet(PROVINCIAL, DEFAULT_CHECKLIST, GOOD_YEAR, True, None)
    assert not sheet.scored
    assert sheet.total is None
    assert sheet.section("A") is None
    assert sheet.section("D") == Decimal(40)


def test_a_year_without_cases_earns_no_performance_points() -> None:
    sheet = score_sheet(PROVINCIAL, DEFAULT_CHECKLIST, StationFigures(1), True, FULL_MARKS)
    assert sheet.performance == Decimal(0)
    assert sheet.total == Decimal(60)


def test_check_scores_accepts_numbers_within_each_item() -> None:
    assert check_scores(DEFAULT_CHECKLIST, {"signage": 4, "staff": "0", "register": " 5.5 ", "computer": 2}) == {}


def test_a_blank_cell_is_no_score_not_a_mistake() -> None:
    assert check_scores(DEFAULT_CHECKLIST, {"signage": "", "staff": "  ", "register": None}) == {}


def test_a_score_above_the_item_points_names_the_item_and_its_range() -> None:
    assert check_scores(DEFAULT_CHECKLIST, {"signage": 5}) == {"signage": "统一标牌/牌匾：应在 0 至 4 分之间（填写了 5）"}


def test_a_negative_score_is_refused() -> None:
    assert check_scores(DEFAULT_CHECKLIST, {"staff": "-1"}) == {"staff": "站长与联络员明确：应在 0 至 4 分之间（填写了 -1）"}


def test_a_score_that_is_not_a_number_is_refused() -> None:
    assert check_scores(DEFAULT_CHECKLIST, {"register": "abc"}) == {"register": "投诉登记簿/台账：“abc”不是分数"}
    assert "register" in check_scores(DEFAULT_CHECKLIST, {"register": "NaN"})


def test_a_score_for_an_item_not_on_the_sheet_is_refused() -> None:
    assert check_scores(DEFAULT_CHECKLIST, {"lighting": 1}) == {"lighting": "评分表中没有“lighting”这一项"}


def test_a_year_edited_checklist_is_scored_by_its_own_items() -> None:
    items = (ScoreItem("plaque", "A", "牌匾", 30), ScoreItem("ledger", "C", "台账", 20, "查台账"))
    assert max_points(items) == 100
    assert check_scores(items, {"signage": 1}) == {"signage": "评分表中没有“signage”这一项"}
    sheet = score_sheet(PROVINCIAL, items, GOOD_YEAR, True, {"plaque": 30, "ledger": 10})
    assert sheet.on_site == {"A": Decimal(30), "B": Decimal(0), "C": Decimal(10)}
    assert sheet.total == Decimal(90)


def test_score_items_round_trip_through_a_dict() -> None:
    item = ScoreItem("paired_counsel", "B", "结对律师/法官", 3, "查台账")
    assert ScoreItem.from_dict(item.as_dict()) == item
    assert ScoreItem.from_dict({"code": "x", "section": "A", "label": "X", "points": "2"}).method == "看现场"
