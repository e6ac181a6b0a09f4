"""僵尸站点 through the services: the sweep with fixed dates, decisions (清除 / 激活 / 重建升级 / 暂缓)
and what they write, the rebuild's link, site checks and the saved rule settings.

Each test builds its stations through the services (tests/conftest.py `desk`; stations set up on
2019-03-15 unless a test gives a date) and sweeps only those stations, as of TODAY (2026-11-24).
A busy station has a case closed on 2026-11-02.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.station_rules import StationDraft
from stationdesk.domain.zombie_rules import DEFAULT_SETTINGS, RuleSetting, ZombieRule, with_parameter
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import jurisdictions, reexam, stations, zombies
from stationdesk.store.models import Station, StatusHistory, ZombieDecision

TODAY = date(2026, 11, 24)
CLERK, CHIEF = "李明", "张科长"
CREDIT_CODE = "91350100M000100Y43"


def new_station(desk: Any, name: str, established_on: date | None, **changes: Any) -> int:
    """A station set up on `established_on`, made as the station form makes it."""
    desk._sequence += 1  # the same numbering as desk.station
    changes.setdefault("host_name", f"{name}依托单位")
    draft = StationDraft(
        code=f"320402{desk._sequence:04d}", name=name, category_id=desk.category_id, county_id=desk.county_id,
        established_on=established_on, **changes,
    )  # fmt: skip
    return stations.create_station(desk.db, draft, CLERK, TODAY).id


def busy(desk: Any, name: str = "红梅超市消费维权服务站", **kwargs: Any) -> int:
    station = desk.station(name, **kwargs)
    desk.case(station, date(2026, 11, 2), outcome="success")
    return station


def silent(desk: Any, name: str = "青果巷市场消费维权服务站", last: date = date(2025, 10, 24), **kwargs: Any) -> int:
    """A station whose last case (closed the same day) was on `last`: 13 months before TODAY by default."""
    station = desk.station(name, **kwargs)
    desk.case(station, last, outcome="success")
    return station


def flagged(desk: Any, ids: list[int], as_of: date = TODAY, settings: Any = None) -> dict[int, zombies.FlaggedStation]:
    return {f.station_id: f for f in zombies.sweep(desk.db, as_of, settings, station_ids=ids)}


def rules_of(desk: Any, station: int, as_of: date = TODAY, settings: Any = None) -> dict[ZombieRule, str]:
    found = flagged(desk, [station], as_of, settings).get(station)
    return {} if found is None else {e.rule: e.text for e in found.flag.evidence}


def decide(desk: Any, ids: list[int], action: str, **kwargs: Any) -> zombies.Decided:
    values: dict[str, Any] = {"reason": "连续一年以上无调解、无咨询", "decided_on": TODAY, "actor": CHIEF,
                              "today": TODAY, "approver": "王局长"}  # fmt: skip
    if action in ("revive", "defer"):
        values["deadline"] = date(2027, 2, 28)
    if action == "revive":
        values["rectification"] = "补挂标牌；每月报送调解台账"
    values.update(kwargs)
    return zombies.decide(desk.db, ids, action, **values)


# -- the Done-when cases --------------------------------------------------------------------------------


def test_a_station_whose_last_case_was_13_months_ago_is_flagged_at_12_months_and_not_at_14(desk: Any) -> None:
    station = silent(desk)
    at_12 = flagged(desk, [station], settings=with_parameter(DEFAULT_SETTINGS, ZombieRule.SILENT, 12))
    assert at_12[station].flag.rules == (ZombieRule.SILENT,)
    assert at_12[station].flag.summary() == "最近一次活动 2025-10-24，已 13 个月无调解、无咨询"
    assert at_12[station].last_activity_on == date(2025, 10, 24)
    assert flagged(desk, [station], settings=with_parameter(DEFAULT_SETTINGS, ZombieRule.SILENT, 14)) == {}


def test_a_station_set_up_two_months_ago_without_cases_is_not_flagged(desk: Any) -> None:
    station = new_station(desk, "新开超市消费维权服务站", date(2026, 9, 24))
    assert flagged(desk, [station]) == {}


def test_a_station_whose_host_is_marked_closed_on_its_form_is_flagged_however_busy_it_is(desk: Any) -> None:
    station = busy(desk)
    assert flagged(desk, [station]) == {}
    detail = stations.get_station(desk.db, station)
    stations.update_station(desk.db, station, replace(detail.draft, host_status="closed"), detail.version, CLERK, TODAY)
    assert rules_of(desk, station) == {ZombieRule.HOST_CLOSED: "依托单位注销/吊销/停业"}


def test_a_removed_station_is_not_swept_again_nor_decided_on_twice(desk: Any) -> None:
    station = silent(desk)
    assert decide(desk, [station], "remove").count == 1
    assert flagged(desk, [station]) == {}
    assert station not in {f.station_id for f in zombies.sweep(desk.db, TODAY + timedelta(days=400))}
    again = decide(desk, [station], "remove")
    assert (again.count, len(again.refused)) == (0, 1)
    assert "已撤销" in again.refused[0]


def test_a_rebuild_opens_a_service_station_at_the_same_place_and_host_linked_both_ways(desk: Any) -> None:
    street = jurisdictions.add_street(desk.db, desk.county_id, "红梅街道", CLERK)
    office = jurisdictions.add_office(desk.db, desk.county_id, "天宁区市场监督管理局红梅市场监管所", CLERK, "红梅所")
    old = new_station(desk, "红梅农贸市场12315联络站", date(2018, 5, 1), form="liaison", level="municipal",
                      street_id=street, office_id=office, host_credit_code=CREDIT_CODE, host_name="常州红梅农贸市场有限公司",
                      address="天宁区红梅路8号")  # fmt: skip
    decided = decide(desk, [old], "rebuild", reason="原联络站名存实亡，市场仍需维权站点")
    assert decided.count == 1 and len(decided.successors) == 1
    assert decided.summary() == f"已处置 1 个站点；新建站点 {decided.successors[0]}"

    old_detail = stations.get_station(desk.db, old)
    new_id = stations.find_station_id(desk.db, decided.successors[0])
    new = stations.get_station(desk.db, new_id).draft
    assert old_detail.status == "removed"
    assert (new.form, new.level, new.name) == ("service", "ordinary", "常州红梅农贸市场有限公司12315消费维权服务站")
    assert (new.county_id, new.street_id, new.office_id) == (desk.county_id, street, office)
    assert (new.host_name, new.host_credit_code, new.address) == ("常州红梅农贸市场有限公司", CREDIT_CODE, "天宁区红梅路8号")
    assert new.code != old_detail.code and new.code.startswith("320402")
    assert new.established_on == TODAY and stations.get_station(desk.db, new_id).status == "active"

    from_old, from_new = zombies.lineage(desk.db, old), zombies.lineage(desk.db, new_id)
    assert from_old == zombies.Lineage(None, (new_id, new.code, new.name))
    assert from_new == zombies.Lineage((old, old_detail.code, old_detail.draft.name), None)
    with desk.db.reading() as s:
        assert s.scalar(select(Station.predecessor_id).where(Station.id == new_id)) == old
    assert flagged(desk, [old, new_id]) == {}  # the old one is removed, the new one has just opened


def test_a_revived_station_stays_out_of_the_queue_until_its_deadline_and_returns_after_it(desk: Any) -> None:
    station = silent(desk)
    deadline = date(2027, 2, 28)
    decide(desk, [station], "revive", deadline=deadline)
    assert stations.get_station(desk.db, station).status == "rectifying"
    assert flagged(desk, [station]) == {}
    assert flagged(desk, [station], deadline) == {}
    back = flagged(desk, [station], deadline + timedelta(days=1))[station]
    assert back.flag.rules == (ZombieRule.SILENT,)
    assert (back.last_action, back.last_decided_on, back.status) == ("revive", TODAY, "rectifying")


def test_a_revived_station_that_became_active_again_is_not_back_in_the_queue_after_its_deadline(desk: Any) -> None:
    station = silent(desk)
    deadline = date(2027, 2, 28)
    decide(desk, [station], "revive", deadline=deadline)
    desk.case(station, TODAY, outcome="success")
    assert flagged(desk, [station], deadline + timedelta(days=1)) == {}


# -- each rule's evidence, through the services ------------------------------------------------------


def test_a_station_never_active_since_it_was_set_up_is_flagged_as_silent_since_then_and_never_active(desk: Any) -> None:
    station = desk.station("未运行商场消费维权服务站")
    assert rules_of(desk, station) == {
        ZombieRule.SILENT: "建站 92 个月来无任何调解、咨询记录",
        ZombieRule.NEVER_ACTIVE: "2019-03-15 建站，至今未受理过投诉",
    }


def test_a_station_entered_without_a_setup_date_is_flagged_once_it_has_been_idle_long_enough_since_entry(
    desk: Any,
) -> None:
    station = new_station(desk, "台账导入服务站", None)
    with desk.db.reading() as s:
        created = s.scalar(select(Station.created_at).where(Station.id == station))
    assert created is not None
    entered = created.date()
    assert flagged(desk, [station], entered + timedelta(days=150)) == {}
    later = rules_of(desk, station, entered + timedelta(days=400))
    assert later[ZombieRule.SILENT].startswith(f"建站日期未填，{entered.isoformat()} 录入台账，13 个月来")
    assert later[ZombieRule.NEVER_ACTIVE] == f"建站日期未填，{entered.isoformat()} 录入台账，至今未受理过投诉"


def test_a_station_set_up_seven_months_ago_with_consultations_only_was_never_active(desk: Any) -> None:
    station = new_station(desk, "新开商场消费维权服务站", date(2026, 4, 20))
    desk.consultation(station, date(2026, 11, 1))
    assert rules_of(desk, station) == {ZombieRule.NEVER_ACTIVE: "2026-04-20 建站，至今未受理过投诉"}


def test_a_station_that_failed_its_last_reexamination_is_flagged_with_the_year_and_outcome(desk: Any) -> None:
    station = busy(desk, "天宁商场市级示范站", level="municipal")
    round_ = reexam.start_round(desk.db, 2025, CHIEF, TODAY, [station])
    row = reexam.round_rows(desk.db, round_.id)[0]
    reexam.decide(desk.db, row.id, "downgrade", "2025年全年调解不足5件", CHIEF, TODAY)
    assert rules_of(desk, station) == {ZombieRule.FAILED_REEXAM: "2025年度复核结论：降级"}


def test_open_cases_overdue_for_more_than_90_days_are_flagged_with_their_count_and_longest_delay(desk: Any) -> None:
    station = busy(desk)
    first = desk.case(station, date(2026, 3, 2))
    desk.case(station, date(2026, 4, 1))
    with desk.db.reading() as s:
        from stationdesk.store.models import MediationCase

        due = s.scalar(select(MediationCase.due_on).where(MediationCase.id == first))
    assert due is not None
    days = (TODAY - due).days
    assert rules_of(desk, station) == {ZombieRule.STALE_OVERDUE: f"2 件案件超期未结，最久已超期 {days} 天"}
    assert rules_of(desk, station, due + timedelta(days=90)) == {}


def test_rules_switched_off_are_not_applied(desk: Any) -> None:
    station = desk.station("未运行商场消费维权服务站")
    off = dict(DEFAULT_SETTINGS) | {ZombieRule.SILENT: RuleSetting(False, 12)}
    assert set(rules_of(desk, station, settings=off)) == {ZombieRule.NEVER_ACTIVE}
    off[ZombieRule.NEVER_ACTIVE] = RuleSetting(False, 6)
    assert rules_of(desk, station, settings=off) == {}


def test_the_queue_lists_the_highest_score_first_then_by_station_code(desk: Any) -> None:
    closed_host = new_station(desk, "关门商场消费维权服务站", date(2019, 3, 15), host_status="closed")
    desk.case(closed_host, date(2026, 11, 2), outcome="success")
    long_silent = silent(desk, "长期无活动服务站", last=date(2023, 1, 10))
    short_silent_a = silent(desk, "短期无活动服务站甲")
    short_silent_b = silent(desk, "短期无活动服务站乙")
    quiet_and_closed = new_station(desk, "无活动且关门服务站", date(2019, 3, 15), host_status="abnormal")
    fine = busy(desk)
    queue = zombies.sweep(desk.db, TODAY, station_ids=[fine, short_silent_b, closed_host, short_silent_a, long_silent,
                                                       quiet_and_closed])  # fmt: skip
    assert [f.station_id for f in queue] == [quiet_and_closed, long_silent, short_silent_a, short_silent_b, closed_host]
    assert [f.flag.score for f in queue] == [30 + 30 + 40 + 60, 30 + 46, 30 + 13, 30 + 13, 40]
    assert queue[2].code < queue[3].code  # a tie goes by station code


def test_the_register_page_gets_the_flags_of_its_stations_only(desk: Any) -> None:
    quiet, fine, other = silent(desk), busy(desk), desk.station("未运行商场消费维权服务站")
    marks = zombies.flags_for(desk.db, [quiet, fine], TODAY)
    assert set(marks) == {quiet} and marks[quiet].rules == (ZombieRule.SILENT,)
    assert other not in marks


def test_a_sweep_can_be_cancelled(desk: Any) -> None:
    station = silent(desk)
    with pytest.raises(UserError, match="已取消"):
        zombies.sweep(desk.db, TODAY, station_ids=[station], should_cancel=lambda: True)


# -- 暂缓 ---------------------------------------------------------------------------------------------


def test_a_deferred_station_is_hidden_until_its_date_and_back_the_day_after(desk: Any) -> None:
    station = silent(desk)
    until = date(2027, 1, 15)
    decide(desk, [station], "defer", deadline=until, reason="等待街道核实是否仍在经营")
    assert stations.get_station(desk.db, station).status == "active"
    assert flagged(desk, [station]) == {} and flagged(desk, [station], until) == {}
    assert flagged(desk, [station], until + timedelta(days=1))[station].last_action == "defer"


def test_a_decision_taken_after_the_sweeps_date_does_not_hide_the_station_then(desk: Any) -> None:
    station = silent(desk, last=date(2025, 1, 6))
    decide(desk, [station], "defer", decided_on=date(2026, 11, 1), deadline=date(2027, 1, 15))
    assert station in flagged(desk, [station], date(2026, 10, 31))
    assert station not in flagged(desk, [station], date(2026, 11, 1))


# -- decisions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "changes", "field"),
    [
        ("remove", {"reason": " "}, "reason"),
        ("remove", {"approver": ""}, "approver"),
        ("revive", {"rectification": ""}, "rectification"),
        ("revive", {"deadline": TODAY}, "deadline"),
        ("defer", {"deadline": None}, "deadline"),
        ("defer", {"decided_on": TODAY + timedelta(days=1)}, "decided_on"),
    ],
)
def test_an_incomplete_decision_is_refused_and_nothing_is_written(
    desk: Any, action: str, changes: dict[str, Any], field: str
) -> None:
    station = silent(desk)
    with pytest.raises(ValidationFailed) as refused:
        decide(desk, [station], action, **changes)
    assert field in refused.value.problems
    assert desk.count(ZombieDecision) == 0
    assert stations.get_station(desk.db, station).status == "active"


@pytest.mark.parametrize(
    ("action", "status", "wording"),
    [("remove", "removed", "僵尸站点清除："), ("revive", "rectifying", "整改期限 2027-02-28"),
     ("rebuild", "removed", "（重建为 "), ("defer", "active", "暂缓至 2027-02-28")],
)  # fmt: skip
def test_every_decision_writes_a_zombie_history_row_and_a_decision_row_with_the_evidence(
    desk: Any, action: str, status: str, wording: str
) -> None:
    station = silent(desk)
    decide(desk, [station], action)
    assert stations.get_station(desk.db, station).status == status
    with desk.db.reading() as s:
        history = s.scalars(select(StatusHistory).where(StatusHistory.station_id == station, StatusHistory.kind == "zombie")).all()
        row = s.scalars(select(ZombieDecision).where(ZombieDecision.station_id == station)).one()
        assert len(history) == 1 and wording in history[0].reason
        assert (history[0].new_value, history[0].effective_on, history[0].person) == (status, TODAY, CHIEF)
        assert (row.action, row.decided_on, row.reason, row.created_by) == (action, TODAY, "连续一年以上无调解、无咨询", CHIEF)
        assert row.evidence == ["最近一次活动 2025-10-24，已 13 个月无调解、无咨询"]
    assert stations.station_timeline(desk.db, station)[0].kind == "僵尸站点处置"


def test_the_evidence_a_caller_passes_is_the_evidence_recorded(desk: Any) -> None:
    station = silent(desk)
    decide(desk, [station], "defer", evidence={station: ["2026-11-20 电话抽查：无人接听"]})
    with desk.db.reading() as s:
        assert s.scalar(select(ZombieDecision.evidence)) == ["2026-11-20 电话抽查：无人接听"]


def test_a_batch_of_decisions_goes_on_past_a_station_already_removed_and_says_which(desk: Any) -> None:
    first, gone, last = silent(desk, "甲服务站"), silent(desk, "已撤销服务站"), silent(desk, "乙服务站")
    decide(desk, [gone], "remove")
    result = decide(desk, [first, gone, last], "remove")
    assert (result.count, len(result.refused)) == (2, 1)
    assert "已撤销服务站" in result.refused[0]
    assert result.summary().startswith("已处置 2 个站点；1 个未能处置：站点“已撤销服务站”已撤销")
    assert {stations.get_station(desk.db, s).status for s in (first, last)} == {"removed"}


def test_a_batch_goes_on_past_a_station_set_up_after_the_decision_date(desk: Any) -> None:
    old = silent(desk)
    young = new_station(desk, "新开超市消费维权服务站", date(2026, 11, 10))
    result = decide(desk, [young, old], "remove", decided_on=date(2026, 11, 1))
    assert (result.count, len(result.refused)) == (1, 1)
    assert "新开超市消费维权服务站" in result.refused[0] and "建站日期" in result.refused[0]
    assert stations.get_station(desk.db, young).status == "active"


def test_reviving_a_station_already_under_rectification_records_the_decision_without_a_second_change(desk: Any) -> None:
    station = silent(desk)
    decide(desk, [station], "revive", deadline=date(2027, 1, 31))
    decide(desk, [station], "revive", deadline=date(2027, 3, 31), reason="整改未完成，延长期限")
    assert stations.get_station(desk.db, station).status == "rectifying"
    assert flagged(desk, [station], date(2027, 2, 1)) == {}  # the latest decision's deadline holds


# -- site checks -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"checked_on": None}, "checked_on"), ({"checked_on": TODAY + timedelta(days=1)}, "checked_on"),
     ({"inspector": " "}, "inspector"), ({"method": "上门"}, "method")],
)  # fmt: skip
def test_a_site_check_needs_a_date_not_in_the_future_an_inspector_and_a_known_method(
    desk: Any, changes: dict[str, Any], field: str
) -> None:
    station = busy(desk)
    values: dict[str, Any] = {"checked_on": TODAY, "method": "现场检查", "inspector": "王芳", "reachable": True,
                              "findings": "", "actor": CLERK, "today": TODAY}  # fmt: skip
    with pytest.raises(ValidationFailed) as refused:
        zombies.record_site_check(desk.db, station, **(values | changes))
    assert set(refused.value.problems) == {field}


def test_a_site_check_of_an_unknown_station_is_refused(desk: Any) -> None:
    with pytest.raises(UserError, match="找不到"):
        zombies.record_site_check(desk.db, 9999, TODAY, "电话抽查", "王芳", True, "", CLERK, TODAY)


def test_a_station_unreachable_at_its_latest_check_is_flagged_until_a_later_check_reaches_it(desk: Any) -> None:
    station = busy(desk)
    zombies.record_site_check(desk.db, station, date(2026, 11, 10), "电话抽查", "王芳", False, "三次无人接听", CLERK, TODAY)
    assert rules_of(desk, station) == {ZombieRule.UNREACHABLE: "2026-11-10 检查时联系不上"}
    zombies.record_site_check(desk.db, station, date(2026, 11, 20), "现场检查", "王芳", True, "站长在岗", CLERK, TODAY)
    assert rules_of(desk, station) == {}


# -- settings ----------------------------------------------------------------------------------------


def test_rule_settings_saved_for_the_database_are_the_ones_the_sweep_uses(desk: Any) -> None:
    station = silent(desk)
    assert zombies.rule_settings(desk.db) == DEFAULT_SETTINGS
    assert station in flagged(desk, [station])
    zombies.save_rule_settings(desk.db, with_parameter(DEFAULT_SETTINGS, ZombieRule.SILENT, 14), CHIEF)
    assert zombies.rule_settings(desk.db)[ZombieRule.SILENT] == RuleSetting(True, 14)
    assert flagged(desk, [station]) == {}


def test_rule_settings_out_of_bounds_are_refused_and_not_saved(desk: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        zombies.save_rule_settings(desk.db, with_parameter(DEFAULT_SETTINGS, ZombieRule.SILENT, 0), CHIEF)
    assert refused.value.problems == {"silent": "长期无活动：应为 1 至 120（个月无调解、无咨询）"}
    assert zombies.rule_settings(desk.db) == DEFAULT_SETTINGS


def test_rules_all_switched_off_are_saved_and_then_flag_nothing(desk: Any) -> None:
    station = desk.station("未运行商场消费维权服务站")
    zombies.save_rule_settings(desk.db, {rule: RuleSetting(False, s.parameter) for rule, s in DEFAULT_SETTINGS.items()}, CHIEF)
    assert flagged(desk, [station]) == {}


def test_a_rebuild_recorded_only_in_the_register_is_read_as_lineage_too(demo_db: Any) -> None:
    with demo_db.reading() as s:
        new_id, old_id = s.execute(
            select(Station.id, Station.predecessor_id).where(Station.predecessor_id.is_not(None)).limit(1)
        ).one()
        old_code, old_name = s.execute(select(Station.code, Station.name).where(Station.id == old_id)).one()
        new_code, new_name = s.execute(select(Station.code, Station.name).where(Station.id == new_id)).one()
    assert zombies.lineage(demo_db, new_id).predecessor == (old_id, old_code, old_name)
    assert zombies.lineage(demo_db, old_id).successor == (new_id, new_code, new_name)
