"""What the annual re-examination proposes for a station, and why; the ranking and its tie rule.

Every year below is counted by hand as StationFigures; the standards are the brief's defaults
(省级 自行调解率 100 %, 调解成功率 ≥ 90 %, 先行赔付 required, ≥ 10 cases; 市级 ≥ 85 %, ≥ 5 cases;
回访满意率 ≥ 95 % everywhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.reexam_rules import (
    NO_CASES,
    OUTCOME_ACTIONS,
    TIE_RULE,
    check_decision,
    propose,
    rank,
    red_and_black,
)
from stationdesk.domain.standards import default_standard
from stationdesk.domain.station_lifecycle import ChangeRefused, StationAction, plan_change
from stationdesk.domain.vocabulary import ReexamOutcome, StationLevel, StationStatus

PROVINCIAL, MUNICIPAL, ORDINARY = StationLevel.PROVINCIAL, StationLevel.MUNICIPAL, StationLevel.ORDINARY


def year(successful: int, failed: int, *, self_mediated: int | None = None, satisfied: int = 10,
         reached: int = 10) -> StationFigures:  # fmt: skip
    """A year of closed cases: `successful` + `failed` mediations, all on time; 10 follow-ups."""
    closed = successful + failed
    return StationFigures(
        1, received=closed, closed=closed, self_mediated=closed if self_mediated is None else self_mediated,
        successful=successful, failed=failed, closed_on_time=closed, follow_ups=reached, reached=reached,
        satisfied=satisfied,
    )  # fmt: skip


def judge(level: StationLevel, figures: StationFigures, *, first_payout: bool = True, host: str = "normal",
          total: Decimal | None = None) -> tuple[ReexamOutcome, tuple[str, ...]]:  # fmt: skip
    proposal = propose(level, default_standard(level, 2026), figures, first_payout, host, total)
    return proposal.outcome, proposal.reasons


# -- the Done-when cases -------------------------------------------------------------------------


def test_provincial_station_at_100_percent_self_mediation_and_90_percent_success_with_first_payouts_is_kept() -> None:
    outcome, reasons = judge(PROVINCIAL, year(900, 100))
    assert outcome is ReexamOutcome.KEEP
    assert reasons == ("各项指标均达标（尚未现场评分）",)


def test_provincial_station_at_89_9_percent_success_is_proposed_for_downgrade() -> None:
    outcome, reasons = judge(PROVINCIAL, year(899, 101))
    assert outcome is ReexamOutcome.DOWNGRADE
    assert reasons == ("调解成功率 89.9%（899/1000）< 90%",)
    assert "调解成功率 89.9%" in reasons[0] and "< 90%" in reasons[0]


def test_a_miss_just_below_the_bar_is_never_printed_as_the_bar_itself() -> None:
    # 1799/2000 = 89.95 %: rounded to one decimal it would read "90.0% < 90%".
    _outcome, reasons = judge(PROVINCIAL, year(1799, 201))
    assert reasons == ("调解成功率 89.95%（1799/2000）< 90%",)


def test_municipal_station_at_85_percent_success_passes() -> None:
    outcome, reasons = judge(MUNICIPAL, year(17, 3))
    assert outcome is ReexamOutcome.KEEP
    assert reasons == ("各项指标均达标（尚未现场评分）",)


def test_municipal_station_below_85_percent_is_proposed_for_downgrade() -> None:
    outcome, reasons = judge(MUNICIPAL, year(33, 7))
    assert outcome is ReexamOutcome.DOWNGRADE
    assert reasons == ("调解成功率 82.5%（33/40）< 85%",)


def test_provincial_station_without_first_payout_fails() -> None:
    outcome, reasons = judge(PROVINCIAL, year(10, 0), first_payout=False)
    assert outcome is ReexamOutcome.DOWNGRADE
    assert reasons == ("未实行先行赔付",)


def test_municipal_station_without_first_payout_is_not_failed_for_it() -> None:
    outcome, _reasons = judge(MUNICIPAL, year(10, 0), first_payout=False)
    assert outcome is ReexamOutcome.KEEP


def test_station_without_cases_in_the_year_is_removed_for_no_mediation_record() -> None:
    outcome, reasons = judge(PROVINCIAL, StationFigures(1))
    assert outcome is ReexamOutcome.REMOVE
    assert reasons == (NO_CASES,)
    assert reasons[0].startswith("无调解记录")


# -- the rules in order ----------------------------------------------------------------------------


def test_host_listed_as_abnormal_is_vetoed_whatever_the_figures() -> None:
    outcome, reasons = judge(PROVINCIAL, year(10, 0), host="abnormal")
    assert outcome is ReexamOutcome.REMOVE
    assert reasons == ("依托单位经营异常（一票否决）",)
    assert judge(MUNICIPAL, year(10, 0), host="penalised")[1] == ("依托单位受行政处罚（一票否决）",)


def test_every_missed_indicator_is_listed_as_a_reason() -> None:
    # 9 of 10 self-mediated (one handed to the bureau), 6 of 10 successful, no fund, 10 cases.
    outcome, reasons = judge(PROVINCIAL, year(6, 4, self_mediated=9), first_payout=False)
    assert outcome is ReexamOutcome.DOWNGRADE
    assert reasons == ("自行调解率 90.0%（9/10）< 100%", "调解成功率 60.0%（6/10）< 90%", "未实行先行赔付")


def test_too_few_cases_for_the_level_fails() -> None:
    outcome, reasons = judge(PROVINCIAL, year(9, 0))
    assert outcome is ReexamOutcome.DOWNGRADE
    assert reasons == ("受理投诉 9 件，少于最低 10 件",)


def test_cases_received_but_none_closed_count_as_not_met() -> None:
    figures = StationFigures(1, received=12, reached=1, satisfied=1)
    outcome, reasons = judge(PROVINCIAL, figures)
    assert outcome is ReexamOutcome.DOWNGRADE
    assert reasons == ("自行调解率 无数据（无应由本站调解的已办结投诉）", "调解成功率 无数据（无调解结案的投诉）")


def test_low_satisfaction_alone_is_put_right_by_rectification() -> None:
    outcome, reasons = judge(PROVINCIAL, year(10, 0, satisfied=9))
    assert outcome is ReexamOutcome.RECTIFY
    assert reasons == ("回访满意率 90.0%（9/10）< 95%",)


def test_a_total_below_the_pass_mark_is_put_right_by_rectification() -> None:
    outcome, reasons = judge(PROVINCIAL, year(10, 0), total=Decimal("59.5"))
    assert outcome is ReexamOutcome.RECTIFY
    assert reasons == ("总分 59.5 分，低于合格线 60 分",)


def test_a_missed_indicator_outranks_a_low_total() -> None:
    outcome, reasons = judge(PROVINCIAL, year(5, 5), total=Decimal(40))
    assert outcome is ReexamOutcome.DOWNGRADE
    assert reasons == ("调解成功率 50.0%（5/10）< 90%",)


def test_municipal_station_meeting_everything_at_90_points_is_recommended_for_upgrade() -> None:
    outcome, reasons = judge(MUNICIPAL, year(17, 3), total=Decimal(90))
    assert outcome is ReexamOutcome.UPGRADE
    assert reasons == ("各项指标均达标，总分 90 分，不低于推荐线 90 分",)


def test_municipal_station_below_the_upgrade_mark_is_kept() -> None:
    outcome, reasons = judge(MUNICIPAL, year(17, 3), total=Decimal("89.9"))
    assert outcome is ReexamOutcome.KEEP
    assert reasons == ("各项指标均达标",)


def test_provincial_station_cannot_be_recommended_higher() -> None:
    assert judge(PROVINCIAL, year(10, 0), total=Decimal(100))[0] is ReexamOutcome.KEEP


def test_the_marks_are_the_standards_own() -> None:
    proposal = propose(MUNICIPAL, default_standard(MUNICIPAL, 2026), year(17, 3), True, "normal", Decimal(80),
                       pass_score=Decimal(85), upgrade_score=Decimal(95))  # fmt: skip
    assert proposal.outcome is ReexamOutcome.RECTIFY
    assert proposal.reasons == ("总分 80 分，低于合格线 85 分",)


def test_ordinary_level_is_never_downgraded() -> None:
    outcome, reasons = judge(ORDINARY, year(5, 5))
    assert outcome is ReexamOutcome.RECTIFY
    assert reasons == ("调解成功率 50.0%（5/10）< 80%",)


def test_ordinary_station_without_cases_or_vetoed_is_rectified_having_no_title_to_lose() -> None:
    assert judge(ORDINARY, StationFigures(1)) == (ReexamOutcome.RECTIFY, (NO_CASES,))
    assert judge(ORDINARY, year(10, 0), host="closed")[0] is ReexamOutcome.RECTIFY


def test_findings_keep_every_line_met_or_not() -> None:
    proposal = propose(PROVINCIAL, default_standard(PROVINCIAL, 2026), year(9, 1), True, "normal", None)
    assert [(f.code, f.met) for f in proposal.findings] == [
        ("self_mediation", True), ("success", True), ("first_payout", True), ("min_cases", True),
        ("satisfaction", True),
    ]  # fmt: skip


# -- what a decision does --------------------------------------------------------------------------


def test_each_outcome_names_the_station_change_it_makes() -> None:
    assert OUTCOME_ACTIONS == {
        ReexamOutcome.KEEP: None,
        ReexamOutcome.UPGRADE: StationAction.UPGRADE,
        ReexamOutcome.RECTIFY: StationAction.RECTIFY,
        ReexamOutcome.DOWNGRADE: StationAction.DOWNGRADE,
        ReexamOutcome.REMOVE: StationAction.WITHDRAW_TITLE,
    }


def test_withdrawing_the_title_makes_a_demonstration_station_ordinary() -> None:
    for level in (PROVINCIAL, MUNICIPAL):
        change = plan_change(StationAction.WITHDRAW_TITLE, StationStatus.ACTIVE, level)
        assert (change.attribute, change.new_value) == ("level", "ordinary")
    assert plan_change(StationAction.WITHDRAW_TITLE, StationStatus.ACTIVE, PROVINCIAL).describe() == (
        "撤销示范称号：省级示范 → 普通站点"
    )
    with pytest.raises(ChangeRefused, match="不是示范站点"):
        plan_change(StationAction.WITHDRAW_TITLE, StationStatus.ACTIVE, ORDINARY)


def test_confirming_the_proposal_needs_no_reason() -> None:
    assert check_decision("downgrade", "downgrade", "") == {}


def test_overriding_the_proposal_without_a_reason_is_refused() -> None:
    assert check_decision("downgrade", "keep", "  ") == {"reason": "结论与系统建议（降级）不同，请填写改判理由"}
    assert check_decision("downgrade", "keep", "现场复查已整改到位") == {}


def test_an_unknown_outcome_or_an_overlong_reason_is_refused() -> None:
    assert check_decision("keep", "promote", "x") == {"outcome": "未知的复核结论“promote”"}
    assert check_decision("keep", "remove", "理" * 501) == {"reason": "理由不能超过500个字"}


# -- ranking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    code: str
    total: Decimal | None
    success: Fraction | None = Fraction(9, 10)
    received: int = 10


def key(row: Row) -> tuple[Decimal | None, Fraction | None, int, str]:
    return row.total, row.success, row.received, row.code


def codes(rows: list[Row]) -> list[str]:
    return [row.code for row in rows]


def test_ranking_puts_the_higher_total_first_and_unscored_stations_last() -> None:
    rows = [Row("A", Decimal(70)), Row("B", None), Row("C", Decimal("95.5")), Row("D", Decimal(80))]
    assert codes(rank(rows, key)) == ["C", "D", "A", "B"]


def test_equal_totals_rank_the_higher_success_rate_first() -> None:
    rows = [Row("A", Decimal(80), Fraction(8, 10)), Row("B", Decimal(80), Fraction(19, 20))]
    assert codes(rank(rows, key)) == ["B", "A"]


def test_equal_totals_and_rates_rank_more_cases_first_then_the_smaller_code() -> None:
    rows = [Row("C", Decimal(80), received=10), Row("A", Decimal(80), received=10),
            Row("B", Decimal(80), received=30)]  # fmt: skip
    assert codes(rank(rows, key)) == ["B", "A", "C"]


def test_a_station_without_a_success_rate_ranks_after_any_rate_on_equal_totals() -> None:
    rows = [Row("A", Decimal(80), None), Row("B", Decimal(80), Fraction(0))]
    assert codes(rank(rows, key)) == ["B", "A"]


def test_the_tie_rule_is_stated_in_words() -> None:
    assert TIE_RULE == "同分时依次比较：调解成功率高者在前、受理件数多者在前、站点编号小者在前"


def test_red_and_black_lists_are_the_top_and_the_bottom_worst_first() -> None:
    ranked = [Row(code, Decimal(100 - n)) for n, code in enumerate("ABCDEFGH")]
    red, black = red_and_black(ranked, 3)
    assert (codes(red), codes(black)) == (["A", "B", "C"], ["H", "G", "F"])


def test_red_and_black_lists_never_overlap_when_few_stations_are_scored() -> None:
    ranked = [Row(code, Decimal(100 - n)) for n, code in enumerate("ABCDE")]
    assert tuple(map(codes, red_and_black(ranked, 3))) == (["A", "B"], ["E", "D"])
    assert red_and_black(ranked[:1], 3) == ([], [])
    assert red_and_black([], 3) == ([], [])


@given(st.lists(st.tuples(st.integers(0, 100), st.integers(0, 20), st.integers(0, 50)), max_size=30),
       st.integers(0, 20))  # fmt: skip
def test_red_and_black_lists_are_disjoint_and_at_most_half_each(rows: list[tuple[int, int, int]], size: int) -> None:
    table = [Row(f"S{n:03d}", Decimal(total), Fraction(min(ok, 20), 20), received)
             for n, (total, ok, received) in enumerate(rows)]  # fmt: skip
    ranked = rank(table, key)
    red, black = red_and_black(ranked, size)
    assert not set(codes(red)) & set(codes(black))
    assert len(red) == len(black) <= min(size, len(table) // 2)
    assert codes(rank(list(reversed(table)), key)) == codes(ranked)  # the order rows came in does not matter
