import pytest

from stationdesk.domain.indicators import Rate
from stationdesk.domain.standards import (
    DEFAULT_FACILITIES,
    Finding,
    Threshold,
    default_standard,
    evaluate_against_standard,
    facilities_check,
    meets_all,
    required_items,
)
from stationdesk.domain.vocabulary import FirstPayoutDuty, StationLevel


def _by_code(findings: list[Finding]) -> dict[str, Finding]:
    return {finding.code: finding for finding in findings}


def test_threshold_describes_itself_with_its_operator() -> None:
    assert Threshold(">=", 0.9).describe() == "≥ 90%"
    assert Threshold(">", 0.85).describe() == "> 85%"
    assert Threshold("<=", 0.05).describe() == "≤ 5%"
    assert Threshold("==", 1.0).describe() == "= 100%"
    assert Threshold(">=", 0.955).describe() == "≥ 95.5%"


def test_threshold_operators() -> None:
    rate = Rate(9, 10)
    assert Threshold(">=", 0.9).met(rate) is True
    assert Threshold(">", 0.9).met(rate) is False
    assert Threshold("<=", 0.9).met(rate) is True
    assert Threshold("==", 0.9).met(rate) is True
    assert Threshold("==", 1.0).met(rate) is False


def test_threshold_cannot_judge_a_rate_without_data() -> None:
    assert Threshold(">=", 0.9).met(Rate(0, 0)) is None


def test_threshold_value_is_a_fraction_not_a_percentage() -> None:
    with pytest.raises(ValueError):
        Threshold(">=", 90)


def test_threshold_rejects_unknown_operators() -> None:
    with pytest.raises(ValueError):
        Threshold("≥", 0.9)  # type: ignore[arg-type]


def test_threshold_round_trips_through_a_dict() -> None:
    threshold = Threshold(">", 0.85)
    assert Threshold.from_dict(threshold.as_dict()) == threshold


def test_provincial_default_standard() -> None:
    standard = default_standard(StationLevel.PROVINCIAL, 2025)
    assert standard.year == 2025
    assert standard.self_mediation == Threshold(">=", 1.0)
    assert standard.success == Threshold(">=", 0.90)
    assert standard.first_payout is FirstPayoutDuty.REQUIRED
    assert standard.satisfaction == Threshold(">=", 0.95)


def test_municipal_default_standard() -> None:
    standard = default_standard(StationLevel.MUNICIPAL, 2025)
    assert standard.self_mediation == Threshold(">=", 1.0)
    assert standard.success == Threshold(">=", 0.85)
    assert standard.first_payout is FirstPayoutDuty.ENCOURAGED


def test_ordinary_default_standard_uses_the_platform_target_and_asks_no_self_mediation() -> None:
    standard = default_standard(StationLevel.ORDINARY, 2025)
    assert standard.success == Threshold(">=", 0.80)
    assert standard.self_mediation == Threshold(">=", 0.0)
    assert not standard.self_mediation.is_requirement
    assert standard.first_payout is FirstPayoutDuty.NONE
    assert standard.satisfaction == Threshold(">=", 0.95)


def test_municipal_station_below_the_success_bar_is_reported_with_figures() -> None:
    standard = default_standard(StationLevel.MUNICIPAL, 2025)
    findings = _by_code(evaluate_against_standard(standard, Rate(17, 17), Rate(14, 17), True, 17))
    assert findings["success"] == Finding("success", False, "调解成功率 82.4%（14/17）< 85%")
    assert findings["self_mediation"] == Finding("self_mediation", True, "自行调解率 100.0%（17/17）≥ 100%")


def test_provincial_station_without_first_payout_fails() -> None:
    standard = default_standard(StationLevel.PROVINCIAL, 2025)
    findings = _by_code(evaluate_against_standard(standard, Rate(20, 20), Rate(19, 20), False, 20))
    assert findings["first_payout"] == Finding("first_payout", False, "未实行先行赔付")
    assert meets_all(findings.values()) is False


def test_municipal_station_without_first_payout_is_not_failed_for_it() -> None:
    standard = default_standard(StationLevel.MUNICIPAL, 2025)
    finding = _by_code(evaluate_against_standard(standard, Rate(8, 8), Rate(8, 8), False, 8))["first_payout"]
    assert finding.met is True
    assert finding.text.startswith("未实行先行赔付")


def test_too_few_cases_names_the_count_and_the_minimum() -> None:
    standard = default_standard(StationLevel.MUNICIPAL, 2025)
    finding = _by_code(evaluate_against_standard(standard, Rate(2, 2), Rate(2, 2), True, 2))["min_cases"]
    assert finding == Finding("min_cases", False, f"受理投诉 2 件，少于最低 {standard.min_cases} 件")


def test_no_mediated_case_is_no_data_rather_than_failure() -> None:
    standard = default_standard(StationLevel.PROVINCIAL, 2025)
    findings = _by_code(evaluate_against_standard(standard, Rate(0, 0), Rate(0, 0), True, 10))
    assert findings["success"].met is None
    assert "无数据" in findings["success"].text
    assert meets_all(findings.values()) is None


def test_ordinary_station_self_mediation_is_shown_but_not_judged() -> None:
    standard = default_standard(StationLevel.ORDINARY, 2025)
    findings = _by_code(evaluate_against_standard(standard, Rate(3, 12), Rate(9, 10), False, 12))
    finding = findings["self_mediation"]
    assert finding == Finding("self_mediation", True, "自行调解率 25.0%（3/12），不作要求")


def test_satisfaction_is_judged_when_given() -> None:
    standard = default_standard(StationLevel.ORDINARY, 2025)
    findings = evaluate_against_standard(standard, Rate(1, 1), Rate(9, 10), False, 1, Rate(90, 100))
    expected = Finding("satisfaction", False, "回访满意率 90.0%（90/100）< 95%")
    assert _by_code(findings)["satisfaction"] == expected


def test_station_meeting_every_line_meets_its_standard() -> None:
    standard = default_standard(StationLevel.PROVINCIAL, 2025)
    findings = evaluate_against_standard(standard, Rate(30, 30), Rate(28, 30), True, 30, Rate(96, 100))
    assert meets_all(findings) is True


def test_default_facilities_checklist_has_the_briefs_items() -> None:
    labels = [item.label for item in DEFAULT_FACILITIES]
    assert labels[0] == "统一标牌/牌匾"
    assert "电脑/网络" in labels and "先行赔付资金到位" in labels
    assert len({item.code for item in DEFAULT_FACILITIES}) == len(DEFAULT_FACILITIES)


def test_computer_is_optional_and_the_payout_fund_only_for_demonstration_levels() -> None:
    ordinary = {item.code for item in required_items(StationLevel.ORDINARY)}
    provincial = {item.code for item in required_items(StationLevel.PROVINCIAL)}
    municipal = {item.code for item in required_items(StationLevel.MUNICIPAL)}
    assert "computer" not in ordinary | provincial | municipal
    assert "payout_fund" not in ordinary
    assert "payout_fund" in provincial and "payout_fund" in municipal
    assert sum(item.points for item in required_items(StationLevel.PROVINCIAL)) == 20


def test_facilities_rate_counts_required_items_present_over_required_items() -> None:
    present = ["signage", "mediation_area", "public_phone", "computer"]
    assert facilities_check(StationLevel.ORDINARY, present) == Rate(3, 7)
    assert facilities_check(StationLevel.PROVINCIAL, present) == Rate(3, 8)


def test_checklist_items_round_trip_through_a_dict() -> None:
    for item in DEFAULT_FACILITIES:
        assert type(item).from_dict(item.as_dict()) == item
