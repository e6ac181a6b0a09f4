"""Which stations the zombie rules flag (僵尸站点), the evidence each rule gives, the score that
orders the review queue, the settings' bounds and what a decision needs.

Every station below is plain StationFacts as of AS_OF (tests/conftest.py TODAY, 2026-11-24) with
the default settings (silent 12 months, never active 6 months, stale overdue 90 days), unless a
test says otherwise.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.dates import months_before
from stationdesk.domain.vocabulary import ZombieAction
from stationdesk.domain.zombie_rules import (
    DEFAULT_SETTINGS,
    WEIGHTS,
    RuleSetting,
    StationFacts,
    ZombieRule,
    check_decision,
    check_settings,
    evaluate,
    holds_until,
    settings_from,
    settings_to_dict,
    whole_months,
    with_parameter,
)

AS_OF = date(2026, 11, 24)
BUSY = date(2026, 11, 2)  # a case three weeks ago: a station in use


def facts(**changes: Any) -> StationFacts:
    """A busy station set up in 2019, host normal, no checks, no re-examination, nothing overdue."""
    values: dict[str, Any] = {"station_id": 1, "established_on": date(2019, 3, 15), "last_case_on": BUSY,
                              "last_consultation_on": None, "host_status": "normal"}  # fmt: skip
    values.update(changes)
    return StationFacts(**values)


def fired(station: StationFacts, settings: Any = None, as_of: date = AS_OF) -> dict[ZombieRule, str]:
    """Rule → evidence text of every rule that fires."""
    flag = evaluate(station, as_of, DEFAULT_SETTINGS if settings is None else settings)
    return {} if flag is None else {e.rule: e.text for e in flag.evidence}


def silent_after(months: int) -> dict[ZombieRule, RuleSetting]:
    return with_parameter(DEFAULT_SETTINGS, ZombieRule.SILENT, months)


# -- silent: no case and no consultation for N months ----------------------------------------------


def test_a_station_whose_last_case_was_13_months_ago_is_silent_at_12_months_but_not_at_14() -> None:
    station = facts(last_case_on=date(2025, 10, 24))
    assert fired(station, silent_after(12)) == {ZombieRule.SILENT: "最近一次活动 2025-10-24，已 13 个月无调解、无咨询"}
    assert fired(station, silent_after(14)) == {}


def test_a_recent_consultation_keeps_a_station_without_recent_cases_from_being_silent() -> None:
    station = facts(last_case_on=date(2024, 5, 6), last_consultation_on=date(2026, 8, 1))
    assert fired(station) == {}
    assert station.last_activity_on == date(2026, 8, 1)


def test_a_station_silent_exactly_12_months_is_not_yet_flagged_and_a_day_more_is() -> None:
    assert fired(facts(last_case_on=date(2025, 11, 24))) == {}
    assert fired(facts(last_case_on=date(2025, 11, 23)))[ZombieRule.SILENT] == (
        "最近一次活动 2025-11-23，已 12 个月无调解、无咨询"
    )


def test_whole_months_counts_complete_calendar_months() -> None:
    assert whole_months(date(2025, 10, 3), date(2026, 11, 2)) == 12
    assert whole_months(date(2025, 10, 3), date(2026, 11, 3)) == 13
    assert whole_months(date(2026, 1, 31), date(2026, 2, 28)) == 0
    assert whole_months(date(2026, 11, 24), date(2026, 11, 24)) == 0


@given(
    st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 11, 24)),
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    st.integers(min_value=1, max_value=120),
)
def test_the_months_a_silent_station_reports_are_never_fewer_than_the_setting(
    last: date, as_of: date, months: int
) -> None:
    flag = evaluate(facts(last_case_on=last), as_of, silent_after(months))
    silent = flag is not None and ZombieRule.SILENT in flag.rules
    assert silent == (last < months_before(as_of, months))
    if silent:
        assert flag is not None and flag.months_silent is not None and flag.months_silent >= months
    elif last <= as_of:
        assert whole_months(last, as_of) <= months


def test_a_station_set_up_two_months_ago_without_any_case_is_neither_silent_nor_never_active() -> None:
    assert fired(facts(established_on=date(2026, 9, 24), last_case_on=None)) == {}


def test_a_station_without_any_activity_since_it_was_set_up_long_ago_is_silent_since_then_and_never_active() -> None:
    assert fired(facts(last_case_on=None)) == {
        ZombieRule.SILENT: "建站 92 个月来无任何调解、咨询记录",
        ZombieRule.NEVER_ACTIVE: "2019-03-15 建站，至今未受理过投诉",
    }


def test_a_station_without_a_setup_date_is_judged_from_the_day_it_was_entered_in_the_register() -> None:
    blank = facts(established_on=None, last_case_on=None, entered_on=date(2025, 9, 1))
    assert fired(blank) == {
        ZombieRule.SILENT: "建站日期未填，2025-09-01 录入台账，14 个月来无任何调解、咨询记录",
        ZombieRule.NEVER_ACTIVE: "建站日期未填，2025-09-01 录入台账，至今未受理过投诉",
    }
    assert fired(replace(blank, entered_on=date(2026, 9, 1))) == {}
    assert fired(replace(blank, entered_on=None)) == {}


def test_the_setup_date_not_the_day_of_entry_counts_when_both_are_known() -> None:
    station = facts(established_on=date(2026, 9, 24), last_case_on=None, entered_on=date(2020, 1, 1))
    assert fired(station) == {}


# -- never active: set up more than 6 months ago, never a case ------------------------------------


def test_a_station_set_up_seven_months_ago_that_only_answered_consultations_was_never_active() -> None:
    station = facts(established_on=date(2026, 4, 20), last_case_on=None, last_consultation_on=date(2026, 11, 1))
    assert fired(station) == {ZombieRule.NEVER_ACTIVE: "2026-04-20 建站，至今未受理过投诉"}


def test_a_station_set_up_five_months_ago_without_a_case_is_not_yet_never_active() -> None:
    assert fired(facts(established_on=date(2026, 6, 20), last_case_on=None, last_consultation_on=BUSY)) == {}


# -- unreachable at the latest check ------------------------------------------------------------------


def test_a_station_nobody_could_reach_at_its_latest_check_is_flagged_with_the_check_date() -> None:
    station = facts(last_check_on=date(2026, 10, 15), last_check_reachable=False)
    assert fired(station) == {ZombieRule.UNREACHABLE: "2026-10-15 检查时联系不上"}


def test_a_station_reached_at_its_latest_check_or_never_checked_is_not_unreachable() -> None:
    assert fired(facts(last_check_on=date(2026, 10, 15), last_check_reachable=True)) == {}
    assert fired(facts()) == {}


# -- host closed or abnormal ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host_status", "text"),
    [("closed", "依托单位注销/吊销/停业"), ("abnormal", "依托单位经营异常"), ("penalised", "依托单位受行政处罚")],
)
def test_a_station_whose_host_is_closed_or_abnormal_is_flagged_however_busy_it_is(host_status: str, text: str) -> None:
    assert fired(facts(host_status=host_status, last_case_on=AS_OF)) == {ZombieRule.HOST_CLOSED: text}


# -- failed re-examination ----------------------------------------------------------------------------


def test_a_station_downgraded_at_its_last_reexamination_is_flagged_with_the_year_and_outcome() -> None:
    station = facts(last_reexam_year=2025, last_reexam_outcome="downgrade", last_reexam_decided=True)
    assert fired(station) == {ZombieRule.FAILED_REEXAM: "2025年度复核结论：降级"}


def test_an_undecided_proposal_to_remove_is_flagged_as_a_proposal() -> None:
    station = facts(last_reexam_year=2026, last_reexam_outcome="remove", last_reexam_decided=False)
    assert fired(station) == {ZombieRule.FAILED_REEXAM: "2026年度复核建议：淘汰除名"}


@pytest.mark.parametrize("outcome", ["keep", "upgrade", "rectify"])
def test_a_station_kept_upgraded_or_told_to_rectify_has_not_failed_its_reexamination(outcome: str) -> None:
    assert fired(facts(last_reexam_year=2025, last_reexam_outcome=outcome, last_reexam_decided=True)) == {}


# -- stale overdue cases ------------------------------------------------------------------------------


def test_open_cases_more_than_90_days_overdue_are_flagged_with_their_count_and_the_longest_delay() -> None:
    station = facts(oldest_overdue_due_on=AS_OF - timedelta(days=100), overdue_open=3)
    assert fired(station) == {ZombieRule.STALE_OVERDUE: "3 件案件超期未结，最久已超期 100 天"}


def test_cases_overdue_for_exactly_90_days_are_not_yet_stale() -> None:
    assert fired(facts(oldest_overdue_due_on=AS_OF - timedelta(days=90), overdue_open=1)) == {}


# -- switches, parameters, score ----------------------------------------------------------------------

EVERYTHING = facts(
    last_case_on=None, host_status="closed", last_check_on=date(2026, 10, 15), last_check_reachable=False,
    last_reexam_year=2025, last_reexam_outcome="downgrade", last_reexam_decided=True,
    oldest_overdue_due_on=date(2026, 1, 5), overdue_open=1,
)  # fmt: skip


def test_a_station_failing_every_test_is_flagged_by_all_six_rules() -> None:
    assert set(fired(EVERYTHING)) == set(ZombieRule)


@pytest.mark.parametrize("rule", list(ZombieRule))
def test_a_rule_switched_off_never_fires(rule: ZombieRule) -> None:
    settings = dict(DEFAULT_SETTINGS) | {rule: replace(DEFAULT_SETTINGS[rule], enabled=False)}
    assert set(fired(EVERYTHING, settings)) == set(ZombieRule) - {rule}


def test_with_every_rule_switched_off_nothing_is_flagged() -> None:
    assert evaluate(EVERYTHING, AS_OF, {rule: RuleSetting(False) for rule in ZombieRule}) is None


def test_with_parameter_switches_the_rule_on_and_leaves_the_given_settings_alone() -> None:
    off = dict(DEFAULT_SETTINGS) | {ZombieRule.SILENT: RuleSetting(False, 12)}
    changed = with_parameter(off, ZombieRule.SILENT, 24)
    assert changed[ZombieRule.SILENT] == RuleSetting(True, 24)
    assert off[ZombieRule.SILENT] == RuleSetting(False, 12)


@pytest.mark.parametrize(
    ("rule", "parameter", "refused"),
    [
        (ZombieRule.SILENT, 0, True), (ZombieRule.SILENT, 1, False), (ZombieRule.SILENT, 120, False),
        (ZombieRule.SILENT, 121, True), (ZombieRule.NEVER_ACTIVE, 0, True), (ZombieRule.NEVER_ACTIVE, 120, False),
        (ZombieRule.STALE_OVERDUE, 0, True), (ZombieRule.STALE_OVERDUE, 3650, False),
        (ZombieRule.STALE_OVERDUE, 3651, True),
    ],
)  # fmt: skip
def test_a_rules_parameter_must_lie_within_its_bounds(rule: ZombieRule, parameter: int, refused: bool) -> None:
    problems = check_settings(dict(DEFAULT_SETTINGS) | {rule: RuleSetting(True, parameter)})
    assert (rule.value in problems) is refused
    assert set(problems) <= {rule.value}


def test_an_out_of_bounds_parameter_says_its_range_and_unit() -> None:
    problems = check_settings(dict(DEFAULT_SETTINGS) | {ZombieRule.SILENT: RuleSetting(True, 0)})
    assert problems == {"silent": "长期无活动：应为 1 至 120（个月无调解、无咨询）"}


def test_a_rule_switched_off_is_not_checked_for_its_parameter() -> None:
    assert check_settings(dict(DEFAULT_SETTINGS) | {ZombieRule.SILENT: RuleSetting(False, 0)}) == {}


def test_stored_settings_read_back_and_fill_what_is_missing_or_unreadable_with_the_defaults() -> None:
    changed = dict(DEFAULT_SETTINGS) | {ZombieRule.SILENT: RuleSetting(True, 18), ZombieRule.HOST_CLOSED: RuleSetting(False)}
    assert settings_from(settings_to_dict(changed)) == changed
    assert settings_from(None) == DEFAULT_SETTINGS
    assert settings_from({"silent": {"parameter": "十二"}, "unreachable": "off", "stray": 1}) == DEFAULT_SETTINGS


def test_the_score_adds_each_rules_weight_and_the_months_of_silence_up_to_60() -> None:
    short = evaluate(facts(last_case_on=date(2025, 9, 1)), AS_OF, DEFAULT_SETTINGS)
    assert short is not None and (short.score, short.months_silent) == (WEIGHTS[ZombieRule.SILENT] + 14, 14)
    long = evaluate(facts(last_case_on=date(2015, 1, 1)), AS_OF, DEFAULT_SETTINGS)
    assert long is not None and long.score == WEIGHTS[ZombieRule.SILENT] + 60
    host = evaluate(facts(host_status="closed"), AS_OF, DEFAULT_SETTINGS)
    assert host is not None and (host.score, host.months_silent) == (WEIGHTS[ZombieRule.HOST_CLOSED], None)


def test_more_rules_firing_score_higher_than_fewer() -> None:
    one = evaluate(facts(last_check_on=date(2026, 10, 1), last_check_reachable=False), AS_OF, DEFAULT_SETTINGS)
    two = evaluate(facts(last_check_on=date(2026, 10, 1), last_check_reachable=False, host_status="abnormal"), AS_OF,
                   DEFAULT_SETTINGS)  # fmt: skip
    every = evaluate(EVERYTHING, AS_OF, DEFAULT_SETTINGS)
    assert one is not None and two is not None and every is not None
    assert one.score < two.score < every.score


def test_the_summary_joins_the_evidence_in_rule_order() -> None:
    flag = evaluate(facts(host_status="closed", last_check_on=date(2026, 10, 15), last_check_reachable=False), AS_OF,
                    DEFAULT_SETTINGS)  # fmt: skip
    assert flag is not None
    assert flag.rules == (ZombieRule.UNREACHABLE, ZombieRule.HOST_CLOSED)
    assert flag.summary() == "2026-10-15 检查时联系不上；依托单位注销/吊销/停业"


# -- decisions ----------------------------------------------------------------------------------------


def decision(action: str, **changes: Any) -> dict[str, str]:
    values: dict[str, Any] = {"action": action, "reason": "连续两年无调解记录", "decided_on": AS_OF,
                              "approver": "张科长", "deadline": date(2027, 2, 28), "rectification": "补挂标牌",
                              "today": AS_OF}  # fmt: skip
    values.update(changes)
    return check_decision(**values)


@pytest.mark.parametrize("action", [a.value for a in ZombieAction])
def test_a_complete_decision_is_accepted(action: str) -> None:
    assert decision(action) == {}


@pytest.mark.parametrize("action", [a.value for a in ZombieAction])
def test_every_decision_needs_a_reason(action: str) -> None:
    assert decision(action, reason="  ") == {"reason": "请填写处置理由"}
    assert decision(action, reason="无" * 501) == {"reason": "理由不能超过500个字"}


def test_a_decision_cannot_be_dated_in_the_future_or_left_undated() -> None:
    assert decision("defer", decided_on=AS_OF + timedelta(days=1)) == {"decided_on": "决定日期不能晚于今天（2026-11-24）"}
    assert decision("remove", decided_on=None) == {"decided_on": "请填写决定日期"}


def test_removing_a_station_needs_an_approver() -> None:
    assert decision("remove", approver="") == {"approver": "清除站点须填写批准人"}
    assert decision("rebuild", approver="") == {}


def test_reviving_a_station_needs_the_items_to_put_right_and_a_deadline_after_the_decision() -> None:
    assert decision("revive", rectification=" ") == {"rectification": "请列出整改事项"}
    assert decision("revive", deadline=None) == {"deadline": "请填写整改期限"}
    assert decision("revive", deadline=AS_OF) == {"deadline": "整改期限应晚于决定日期（2026-11-24）"}


def test_deferring_a_station_needs_the_date_it_waits_until() -> None:
    assert decision("defer", deadline=None) == {"deadline": "请填写暂缓至"}
    assert decision("defer", deadline=AS_OF - timedelta(days=1)) == {"deadline": "暂缓至应晚于决定日期（2026-11-24）"}


def test_an_unknown_action_is_refused_by_name() -> None:
    assert decision("delete") == {"action": "未知的处置方式“delete”"}


def test_revive_and_defer_hold_a_station_until_their_date_and_remove_and_rebuild_hold_nothing() -> None:
    until = date(2027, 2, 28)
    assert holds_until("revive", until) == until
    assert holds_until("defer", until) == until
    assert holds_until("remove", until) is None
    assert holds_until("rebuild", None) is None
