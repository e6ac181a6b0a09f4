"""年度复核 rounds against a town counted by hand (all cases closed the day they came in, on time).

  station    level  fund  2026 cases                           follow-ups  proposal (defaults)
  kept       省级   yes   9 调解成功 + 1 调解不成功, 1 先行赔付      1 满意      保留
  below      省级   yes   8 成功 + 1 不成功 + 1 撤回 (8/9 88.9 %)   1 满意      降级
  municipal  市级   yes   17 成功 + 3 不成功 (17/20 = 85 %)        1 满意      保留
  no_fund    省级   no    10 成功 (钟楼区)                          1 满意      降级: 未实行先行赔付
  silent     市级   no    none (one case in December 2025)                    淘汰除名: 无调解记录
  ordinary   普通   no    1 成功                                              not in the default round
  removed    市级   no    none, station 已撤销                                  not in the default round

Section D (40) and E (10) of each: kept 40 + 10; below 10 + 14.8 + 10 + 5 = 39.8 + 10;
municipal 40 + 10; no_fund 40 + 0; silent 0 + 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.case_rules import CaseDraft
from stationdesk.domain.reexam_rules import NO_CASES
from stationdesk.domain.scoring import DEFAULT_CHECKLIST
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import cases, reexam, standards, stations
from stationdesk.services.reexam import ScoreEntry
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog, Reexamination, ReexamRound
from tests.conftest import ADMIN, Databases, account, copied_database

TODAY = date(2026, 11, 24)
CLERK = "李明"
CHIEF = "张科长"


@dataclass(frozen=True)
class Town:
    db: Database
    kept: int
    below: int
    municipal: int
    no_fund: int
    silent: int
    ordinary: int
    removed: int

    @property
    def demonstration(self) -> set[int]:
        return {self.kept, self.below, self.municipal, self.no_fund, self.silent}


@pytest.fixture(scope="module")
def town_file(module_desk: Any) -> tuple[str, dict[str, int]]:
    desk = module_desk
    days = [date(2026, month, 10) for month in range(1, 12)]

    def year(station: int, outcomes: list[str]) -> list[int]:
        return [desk.case(station, days[n % len(days)], outcome=o) for n, o in enumerate(outcomes)]

    kept = desk.station("红梅百货省级示范站", scheme=True, level="provincial")
    desk.fund(kept, 1_000)
    kept_cases = year(kept, ["success"] * 8 + ["failure"])
    kept_cases.append(desk.case(kept, date(2026, 3, 2), outcome="success", payout_eligible=True))
    desk.payout(kept, kept_cases[-1], 100, date(2026, 3, 3))
    desk.follow_up(kept_cases[0], date(2026, 1, 12))

    below = desk.station("天宁商场省级示范站", scheme=True, level="provincial")
    desk.follow_up(year(below, ["success"] * 8 + ["failure", "withdrawn"])[0], date(2026, 1, 12))

    municipal = desk.station("青果巷市场市级示范站", scheme=True, level="municipal")
    desk.follow_up(year(municipal, ["success"] * 17 + ["failure"] * 3)[0], date(2026, 1, 12))

    no_fund = desk.station("钟楼超市省级示范站", level="provincial", county_id=desk.other_county_id)
    desk.follow_up(year(no_fund, ["success"] * 10)[0], date(2026, 1, 12))

    silent = desk.station("兰陵景区市级示范站", level="municipal")
    desk.case(silent, date(2025, 12, 10), outcome="success")

    ordinary = desk.station("新北便利店服务站")
    desk.case(ordinary, date(2026, 5, 6), outcome="success")

    removed = desk.station("已撤销的市级示范站", level="municipal")
    stations.change_station_status(desk.db, removed, StationAction.REMOVE, reason="依托单位停业", effective_on=TODAY,
                                   actor=CLERK, today=TODAY)  # fmt: skip

    url = desk.db.engine.url.render_as_string(hide_password=False)
    desk.db.dispose()  # checkpoint the WAL, so copying the file copies everything (a template has no users)
    return url, dict(kept=kept, below=below, municipal=municipal, no_fund=no_fund, silent=silent,
                      ordinary=ordinary, removed=removed)  # fmt: skip


@pytest.fixture
def town(town_file: tuple[str, dict[str, int]], databases: Databases, tmp_path: Path) -> Iterator[Town]:
    """The town in a database of its own: every test may write."""
    source, ids = town_file
    with copied_database(databases, source, tmp_path, "town") as db:
        yield Town(db, **ids)


@pytest.fixture
def started(town: Town) -> reexam.RoundInfo:
    return reexam.start_round(town.db, 2026, CLERK, TODAY)


def rows(town: Town, info: reexam.RoundInfo) -> dict[int, reexam.ReexamRow]:
    return {row.station_id: row for row in reexam.round_rows(town.db, info.id)}


def marks(on_site: str | int) -> dict[str, str]:
    """A sheet whose items add up to `on_site` points, filled from the first item on."""
    left, sheet = Decimal(on_site), {}
    for item in DEFAULT_CHECKLIST:
        given = min(Decimal(item.points), left)
        sheet[item.code], left = str(given), left - given
    return sheet


def score(town: Town, info: reexam.RoundInfo, on_site: dict[int, str | int]) -> None:
    by_station = rows(town, info)
    reexam.enter_scores(town.db, [ScoreEntry(by_station[sid].id, marks(points), "王芳", TODAY)
                                  for sid, points in on_site.items()], CLERK, TODAY)  # fmt: skip


def level_and_status(town: Town, station_id: int) -> tuple[str, str]:
    detail = stations.get_station(town.db, station_id)
    return detail.draft.level, detail.status


def audit_actions(town: Town, table: str) -> list[str]:
    """The actions audited on `table` after the rows were added (a round's start audits one insert
    per station, `test_starting_a_round_audits_each_station_with_its_proposal`)."""
    with town.db.reading() as s:
        return list(s.scalars(select(AuditLog.action).where(AuditLog.table_name == table, AuditLog.action != "insert")
                              .order_by(AuditLog.id)))  # fmt: skip


def test_starting_a_round_audits_each_station_with_its_proposal(town: Town, started: reexam.RoundInfo) -> None:
    with town.db.reading() as s:
        inserted = s.scalars(select(AuditLog).where(AuditLog.table_name == "reexamination")).all()
    by_station = {a.station_id: a for a in inserted}
    assert len(inserted) == len(by_station) == started.stations
    assert by_station[town.municipal].new_values["proposed_outcome"] == rows(town, started)[town.municipal].proposed


# -- proposals (the Done-when) -------------------------------------------------------------


def test_provincial_station_at_100_and_90_percent_with_first_payouts_is_kept(town: Town,
                                                                              started: reexam.RoundInfo) -> None:
    row = rows(town, started)[town.kept]
    assert (row.figures.received, row.figures.self_mediated, row.figures.successful, row.figures.failed) == (10, 10, 9, 1)
    assert row.figures.payouts == 1
    assert (row.proposed, row.reasons) == ("keep", ("各项指标均达标（尚未现场评分）",))
    assert row.proposed_text == "保留"


def test_provincial_station_below_90_percent_is_proposed_for_downgrade(town: Town, started: reexam.RoundInfo) -> None:
    row = rows(town, started)[town.below]
    assert row.proposed == "downgrade"
    assert row.reasons == ("调解成功率 88.9%（8/9）< 90%",)


def test_municipal_station_at_85_percent_passes(town: Town, started: reexam.RoundInfo) -> None:
    row = rows(town, started)[town.municipal]
    assert (row.level, row.proposed) == ("municipal", "keep")


def test_provincial_station_without_first_payout_fails(town: Town, started: reexam.RoundInfo) -> None:
    row = rows(town, started)[town.no_fund]
    assert (row.proposed, row.reasons) == ("downgrade", ("未实行先行赔付",))


def test_station_without_cases_in_the_year_gets_the_no_mediation_record_reason(
    town: Town, started: reexam.RoundInfo
) -> None:
    row = rows(town, started)[town.silent]
    assert (row.figures.received, row.figures.last_case_on) == (0, date(2025, 12, 10))
    assert (row.proposed, row.reasons) == ("remove", (NO_CASES,))
    assert row.performance == Decimal(0)


# -- starting a round ------------------------------------------------------------------------------


def test_round_covers_the_demonstration_stations_not_removed_by_default(town: Town,
                                                                          started: reexam.RoundInfo) -> None:
    assert set(rows(town, started)) == town.demonstration
    assert (started.year, started.title, started.stations, started.decided, started.scored) == (
        2026, "2026年度示范站点复核", 5, 0, 0)  # fmt: skip
    assert reexam.round_of_year(town.db, 2026) == started
    assert reexam.round_of_year(town.db, 2025) is None


def test_round_rows_show_the_snapshot_and_the_sheet(town: Town, started: reexam.RoundInfo) -> None:
    listed = reexam.round_rows(town.db, started.id)
    assert [r.code for r in listed] == sorted(r.code for r in listed)
    row = rows(town, started)[town.kept]
    assert (row.name, row.county, row.level) == ("红梅百货省级示范站", "天宁区", "provincial")
    assert (row.on_site, row.performance, row.first_payout_points, row.total) == (None, Decimal(40), Decimal(10), None)
    assert (row.decided, row.outcome_text, row.checklist) == (None, "待确认", DEFAULT_CHECKLIST)
    assert rows(town, started)[town.no_fund].county == "钟楼区"


def test_a_second_round_for_the_same_year_is_refused(town: Town, started: reexam.RoundInfo) -> None:
    with pytest.raises(UserError, match="2026年度复核已经开始"):
        reexam.start_round(town.db, 2026, CLERK, TODAY)


def test_a_round_for_a_future_year_is_refused(town: Town) -> None:
    with pytest.raises(UserError, match="复核年度应在 2000 至 2026 年之间"):
        reexam.start_round(town.db, 2027, CLERK, TODAY)


def test_a_cancelled_start_leaves_no_round_and_freezes_nothing(town: Town) -> None:
    asked = iter(range(100))
    with pytest.raises(UserError, match="已取消"):
        reexam.start_round(town.db, 2026, CLERK, TODAY, should_cancel=lambda: next(asked) >= 2)
    assert reexam.round_of_year(town.db, 2026) is None
    with town.db.reading() as s:
        assert s.scalar(select(Reexamination.id)) is None and s.scalar(select(ReexamRound.id)) is None
    assert all(r.id is None for r in standards.standards_of_year(town.db, 2026))
    assert audit_actions(town, "reexam_round") == []


def test_starting_reports_progress_to_the_end(town: Town) -> None:
    seen: list[tuple[int, int, str]] = []
    reexam.start_round(town.db, 2026, CLERK, TODAY, progress=lambda d, t, s: seen.append((d, t, s)))
    assert seen[0][:2] == (0, 5) and seen[-1] == (5, 5, "完成")


def test_stations_may_be_named_and_one_named_twice_is_examined_once(town: Town) -> None:
    info = reexam.start_round(town.db, 2026, CLERK, TODAY, station_ids=[town.ordinary, town.kept, town.ordinary])
    assert set(rows(town, info)) == {town.ordinary, town.kept}
    ordinary = rows(town, info)[town.ordinary]
    # No follow-up reached: 回访满意率 has no data, and an ordinary station is never downgraded.
    assert (ordinary.proposed, ordinary.reasons) == ("rectify", ("回访满意率 无数据（无回访记录）",))


# -- scores ----------------------------------------------------------------------------------------


def test_one_wrong_cell_refuses_the_whole_batch_naming_station_and_item(town: Town,
                                                                         started: reexam.RoundInfo) -> None:
    by_station = rows(town, started)
    bad = dict(marks(50), signage="5")
    with pytest.raises(ValidationFailed) as refused:
        reexam.enter_scores(town.db, [ScoreEntry(by_station[town.kept].id, marks(50), "王芳", TODAY),
                                      ScoreEntry(by_station[town.below].id, bad, "王芳", TODAY)], CLERK, TODAY)  # fmt: skip
    code = by_station[town.below].code
    assert refused.value.problems == {f"{code} signage": "统一标牌/牌匾：应在 0 至 4 分之间（填写了 5）"}
    assert code in refused.value.message and "统一标牌/牌匾" in refused.value.message
    after = rows(town, started)
    assert all(r.scores == {} and r.inspector == "" and r.total is None for r in after.values())
    assert reexam.round_of_year(town.db, 2026).scored == 0


def test_a_sheet_without_inspector_or_with_a_future_date_is_refused(town: Town, started: reexam.RoundInfo) -> None:
    reexam_id = rows(town, started)[town.kept].id
    with pytest.raises(ValidationFailed) as refused:
        reexam.enter_scores(town.db, [ScoreEntry(reexam_id, {"signage": "abc"}, " ", date(2026, 11, 25))], CLERK, TODAY)
    assert refused.value.problems == {"signage": "统一标牌/牌匾：“abc”不是分数", "inspector": "请填写检查人",
                                      "inspected_on": "检查日期不能晚于今天（2026-11-24）"}  # fmt: skip


def test_scores_change_the_total_and_the_proposal(town: Town, started: reexam.RoundInfo) -> None:
    score(town, started, {town.municipal: 50})
    row = rows(town, started)[town.municipal]
    assert (row.on_site, row.total, row.inspector, row.inspected_on) == (Decimal(50), Decimal(100), "王芳", TODAY)
    assert (row.proposed, row.reasons) == ("upgrade", ("各项指标均达标，总分 100 分，不低于推荐线 90 分",))

    score(town, started, {town.municipal: 0})
    row = rows(town, started)[town.municipal]
    assert row.total == Decimal(50)
    assert (row.proposed, row.reasons) == ("rectify", ("总分 50 分，低于合格线 60 分",))
    assert reexam.round_of_year(town.db, 2026).scored == 1
    assert audit_actions(town, "reexamination") == ["score", "score"]


# -- decisions -------------------------------------------------------------------------------------


def test_overriding_without_a_reason_is_refused_and_nothing_changes(town: Town, started: reexam.RoundInfo) -> None:
    row = rows(town, started)[town.below]
    with pytest.raises(ValidationFailed, match="理由") as refused:
        reexam.decide(town.db, row.id, "keep", "  ", CHIEF, TODAY)
    assert refused.value.problems == {"reason": "结论与系统建议（降级）不同，请填写改判理由"}
    assert level_and_status(town, town.below) == ("provincial", "active")
    assert rows(town, started)[town.below] == row
    assert [h.kind for h in stations.station_history(town.db, town.below)] == ["created"]


def test_confirming_a_downgrade_lowers_the_level_through_the_register_history(
    town: Town, started: reexam.RoundInfo
) -> None:
    row = rows(town, started)[town.below]
    assert reexam.decide(town.db, row.id, "downgrade", "", CHIEF, TODAY, document_no="常市监〔2026〕12号").label == "降级"
    assert level_and_status(town, town.below) == ("municipal", "active")
    latest = stations.station_history(town.db, town.below)[0]
    assert (latest.kind, latest.old_value, latest.new_value, latest.person) == ("reexam", "provincial", "municipal", CHIEF)
    assert latest.reason == "2026年度复核：调解成功率 88.9%（8/9）< 90%"
    assert (latest.document_no, latest.effective_on) == ("常市监〔2026〕12号", TODAY)
    assert stations.station_timeline(town.db, town.below)[0].kind == "年度复核"
    decided = rows(town, started)[town.below]
    assert (decided.decided, decided.outcome_text, decided.decided_by, decided.document_no) == (
        "downgrade", "降级", CHIEF, "常市监〔2026〕12号")  # fmt: skip


def test_removing_makes_the_station_ordinary(town: Town, started: reexam.RoundInfo) -> None:
    reexam.decide(town.db, rows(town, started)[town.silent].id, "remove", "", CHIEF, TODAY)
    assert level_and_status(town, town.silent) == ("ordinary", "active")
    latest = stations.station_history(town.db, town.silent)[0]
    assert (latest.kind, latest.new_value) == ("reexam", "ordinary")
    assert latest.reason == f"2026年度复核：{NO_CASES}"


def test_recommending_an_upgrade_raises_the_level(town: Town, started: reexam.RoundInfo) -> None:
    score(town, started, {town.municipal: 45})
    reexam.decide(town.db, rows(town, started)[town.municipal].id, "upgrade", "", CHIEF, TODAY)
    assert level_and_status(town, town.municipal) == ("provincial", "active")


def test_rectification_sets_the_status_and_an_override_keeps_its_reason(town: Town,
                                                                          started: reexam.RoundInfo) -> None:
    reexam.decide(town.db, rows(town, started)[town.kept].id, "rectify", "台账不全，限期三个月整改", CHIEF, TODAY)
    assert level_and_status(town, town.kept) == ("provincial", "rectifying")
    latest = stations.station_history(town.db, town.kept)[0]
    assert (latest.kind, latest.old_value, latest.new_value) == ("reexam", "active", "rectifying")
    assert latest.reason == "2026年度复核：台账不全，限期三个月整改"
    assert rows(town, started)[town.kept].decision_reason == "台账不全，限期三个月整改"


def test_keeping_changes_nothing_on_the_station(town: Town, started: reexam.RoundInfo) -> None:
    reexam.decide(town.db, rows(town, started)[town.kept].id, "keep", "", CHIEF, TODAY)
    assert level_and_status(town, town.kept) == ("provincial", "active")
    assert [h.kind for h in stations.station_history(town.db, town.kept)] == ["created"]
    assert audit_actions(town, "reexamination") == ["decide"]


def test_a_station_already_under_rectification_can_be_told_to_rectify(town: Town, started: reexam.RoundInfo) -> None:
    stations.change_station_status(town.db, town.kept, StationAction.RECTIFY, reason="专项检查发现台账缺失",
                                   effective_on=TODAY, actor=CLERK, today=TODAY)  # fmt: skip
    reexam.decide(town.db, rows(town, started)[town.kept].id, "rectify", "继续整改", CHIEF, TODAY)
    assert level_and_status(town, town.kept) == ("provincial", "rectifying")
    assert rows(town, started)[town.kept].decided == "rectify"
    assert len(stations.station_history(town.db, town.kept)) == 2  # 建站 and the inspection's 限期整改 only


def test_an_outcome_the_station_cannot_take_is_refused_before_anything_is_recorded(town: Town) -> None:
    info = reexam.start_round(town.db, 2026, CLERK, TODAY, station_ids=[town.ordinary])
    row = rows(town, info)[town.ordinary]
    with pytest.raises(UserError, match="不是示范站点"):
        reexam.decide(town.db, row.id, "remove", "依托单位已关停", CHIEF, TODAY)
    assert rows(town, info)[town.ordinary] == row
    assert audit_actions(town, "reexamination") == []


def test_a_decided_station_cannot_be_decided_or_scored_again(town: Town, started: reexam.RoundInfo) -> None:
    reexam_id = rows(town, started)[town.kept].id
    reexam.decide(town.db, reexam_id, "keep", "", CHIEF, TODAY)
    with pytest.raises(UserError, match="复核结论已确认"):
        reexam.decide(town.db, reexam_id, "keep", "", CHIEF, TODAY)
    with pytest.raises(UserError, match="复核结论已确认，不能再改评分"):
        reexam.enter_scores(town.db, [ScoreEntry(reexam_id, marks(50), "王芳", TODAY)], CLERK, TODAY)


def test_confirm_proposals_applies_each_proposal_as_it_stands(town: Town, started: reexam.RoundInfo) -> None:
    ids = [row.id for row in reexam.round_rows(town.db, started.id)]
    assert reexam.confirm_proposals(town.db, ids, CHIEF, TODAY).count == 5
    assert reexam.confirm_proposals(town.db, ids, CHIEF, TODAY).count == 0
    assert {sid: level_and_status(town, sid)[0] for sid in town.demonstration} == {
        town.kept: "provincial", town.below: "municipal", town.municipal: "municipal", town.no_fund: "municipal",
        town.silent: "ordinary",
    }  # fmt: skip
    assert all(r.decided == r.proposed and r.decision_reason == "" for r in reexam.round_rows(town.db, started.id))


# -- closing, reopening, history -------------------------------------------------------------------


def test_a_round_closes_only_when_every_station_is_decided(town: Town, started: reexam.RoundInfo) -> None:
    with pytest.raises(UserError, match="还有 5 个站点未确认复核结论"):
        reexam.close_round(town.db, started.id, CHIEF)
    reexam.confirm_proposals(town.db, [r.id for r in reexam.round_rows(town.db, started.id)], CHIEF, TODAY)
    closed = reexam.close_round(town.db, started.id, CHIEF)
    assert (closed.closed, closed.decided) == (True, 5)
    any_row = reexam.round_rows(town.db, started.id)[0]
    with pytest.raises(UserError, match="2026年度复核已结束"):
        reexam.refresh_proposals(town.db, started.id, CHIEF, TODAY)
    with pytest.raises(UserError, match="2026年度复核已结束"):
        reexam.enter_scores(town.db, [ScoreEntry(any_row.id, marks(50), "王芳", TODAY)], CLERK, TODAY)


def test_only_an_administrator_may_reopen_and_must_say_why(town: Town, started: reexam.RoundInfo) -> None:
    reexam.confirm_proposals(town.db, [r.id for r in reexam.round_rows(town.db, started.id)], CHIEF, TODAY)
    reexam.close_round(town.db, started.id, CHIEF)
    account(town.db, ADMIN, "admin")
    account(town.db, CHIEF, "city")
    with pytest.raises(UserError, match="没有权限重新开启已结束的复核"):
        reexam.reopen_round(town.db, started.id, CHIEF, reason="补录")
    with pytest.raises(ValidationFailed, match="理由"):
        reexam.reopen_round(town.db, started.id, "管理员", reason=" ")
    assert reexam.round_of_year(town.db, 2026).closed

    reopened = reexam.reopen_round(town.db, started.id, "管理员", reason="兰陵景区站补录12月案件")
    assert not reopened.closed
    with town.db.reading() as s:
        entry = s.scalars(select(AuditLog).where(AuditLog.action == "reopen")).one()
        assert (entry.username, entry.table_name, entry.row_id) == ("管理员", "reexam_round", started.id)
        assert (entry.old_values, entry.new_values) == ({"closed": True}, {"closed": False, "reason": "兰陵景区站补录12月案件"})
    assert audit_actions(town, "reexam_round") == ["start", "close", "reopen"]
    with pytest.raises(UserError, match="尚未结束"):
        reexam.reopen_round(town.db, started.id, "管理员", reason="again")


def test_station_rounds_keep_each_year_with_its_decision(town: Town, started: reexam.RoundInfo) -> None:
    score(town, started, {town.below: 40})
    reexam.decide(town.db, rows(town, started)[town.below].id, "downgrade", "", CHIEF, TODAY)
    [kept] = reexam.station_rounds(town.db, town.below)
    assert (kept.year, kept.level, kept.figures.received, kept.total) == (2026, "provincial", 10, 89.8)
    assert (kept.proposed, kept.decided, kept.decided_by) == ("downgrade", "downgrade", CHIEF)
    assert kept.reasons == ("调解成功率 88.9%（8/9）< 90%",)
    assert reexam.station_rounds(town.db, town.ordinary) == []


# -- refreshing ------------------------------------------------------------------------------------


def test_refresh_picks_up_a_case_entered_after_the_round_started(town: Town, started: reexam.RoundInfo) -> None:
    reexam.decide(town.db, rows(town, started)[town.kept].id, "keep", "", CHIEF, TODAY)
    for station in (town.silent, town.kept):
        cases.add_case(town.db, CaseDraft(station_id=station, received_on=date(2026, 11, 20), consumer_name="赵敏",
                                          consumer_phone="13912345678", operator_name="景区售票处",
                                          outcome="success", closed_on=date(2026, 11, 20)), CLERK, TODAY)  # fmt: skip
    assert rows(town, started)[town.silent].reasons == (NO_CASES,)  # the snapshot, until refreshed

    reexam.refresh_proposals(town.db, started.id, CLERK, TODAY)
    after = rows(town, started)
    assert after[town.silent].figures.received == 1
    assert (after[town.silent].proposed, after[town.silent].reasons) == ("downgrade", ("受理投诉 1 件，少于最低 5 件",))
    assert after[town.kept].figures.received == 10  # decided: its snapshot stays as decided
    assert audit_actions(town, "reexam_round") == ["start", "refresh"]


def test_refresh_judges_a_station_whose_level_changed_by_its_new_level(town: Town, started: reexam.RoundInfo) -> None:
    stations.change_station_status(town.db, town.below, StationAction.DOWNGRADE, reason="市局决定",
                                   effective_on=TODAY, actor=CLERK, today=TODAY)  # fmt: skip
    reexam.refresh_proposals(town.db, started.id, CLERK, TODAY)
    row = rows(town, started)[town.below]
    assert (row.level, row.proposed) == ("municipal", "keep")  # 88.9 % clears the municipal 85 %
    assert row.checklist == DEFAULT_CHECKLIST


# -- ranking ---------------------------------------------------------------------------------------


def test_ranking_orders_by_total_then_the_tie_rule_with_red_and_black_lists_apart(
    town: Town, started: reexam.RoundInfo
) -> None:
    # totals: kept 40 + 50 = 90; below 40.2 + 49.8 = 90 (tie: 90 % beats 88.9 %); no_fund 45 + 40 = 85;
    # municipal 30 + 50 = 80; silent not scored.
    score(town, started, {town.kept: 40, town.below: "40.2", town.no_fund: 45, town.municipal: 30})
    ranked = reexam.ranking(town.db, started.id)
    assert [r.station_id for r in ranked.overall] == [town.kept, town.below, town.no_fund, town.municipal, town.silent]
    assert [r.total for r in ranked.overall] == [Decimal(90), Decimal("90.0"), Decimal(85), Decimal(80), None]
    assert ranked.size == 3
    # 4 stations scored: at most 2 on each list, never the same station on both.
    assert [r.station_id for r in ranked.red] == [town.kept, town.below]
    assert [r.station_id for r in ranked.black] == [town.municipal, town.no_fund]
    assert [r.station_id for r in ranked.by_county["钟楼区"]] == [town.no_fund]
    assert [r.station_id for r in ranked.by_county["天宁区"]] == [town.kept, town.below, town.municipal, town.silent]

    one = reexam.ranking(town.db, started.id, size=1)
    assert ([r.station_id for r in one.red], [r.station_id for r in one.black]) == ([town.kept], [town.municipal])


def test_ranking_size_comes_from_the_setting(town: Town, started: reexam.RoundInfo) -> None:
    from stationdesk.services import preferences

    preferences.put(town.db, "ranking_size", 1, CHIEF)
    score(town, started, {town.kept: 40, town.below: 20, town.no_fund: 45, town.municipal: 30})
    ranked = reexam.ranking(town.db, started.id)
    assert (ranked.size, len(ranked.red), len(ranked.black)) == (1, 1, 1)
    with pytest.raises(UserError, match="红黑榜人数应为 1 至 50 之间的整数"):
        preferences.put(town.db, "ranking_size", 0, CHIEF)


def test_confirming_many_reports_a_refused_station_and_confirms_the_others(desk: Any) -> None:
    def dissatisfied_station(name: str) -> int:
        station = desk.station(name, level="municipal")
        for day in (3, 4, 5, 6, 9):
            case_id = desk.case(station, date(2026, 3, day), outcome="success", closed_on=date(2026, 3, day + 1))
        desk.follow_up(case_id, date(2026, 3, 20), "unsatisfied")
        return station

    suspended, active = dissatisfied_station("暂停的站"), dissatisfied_station("正常的站")
    stations.change_station_status(desk.db, suspended, StationAction.SUSPEND, reason="依托单位装修停业",
                                   effective_on=date(2026, 10, 1), actor=CHIEF, today=TODAY)  # fmt: skip
    started = reexam.start_round(desk.db, 2026, CHIEF, TODAY)
    rows = reexam.round_rows(desk.db, started.id)
    assert {r.proposed for r in rows} == {"rectify"}, "satisfaction alone fails: put it right"
    result = reexam.confirm_proposals(desk.db, [r.id for r in rows], CHIEF, TODAY)
    assert result.count == 1
    assert len(result.refused) == 1 and "暂停" in result.refused[0]
    decided = {r.station_id: r.decided for r in reexam.round_rows(desk.db, started.id)}
    assert decided == {suspended: None, active: "rectify"}


def test_a_host_marked_abnormal_in_the_register_vetoes_the_station(desk: Any) -> None:
    station = desk.station("经营异常的依托单位站", level="municipal")
    for day in (3, 4, 5, 6, 9):
        desk.case(station, date(2026, 3, day), outcome="success", closed_on=date(2026, 3, day + 1))
    detail = stations.get_station(desk.db, station)
    from dataclasses import replace as changed

    stations.update_station(desk.db, station, changed(detail.draft, host_status="abnormal"), detail.version,
                            CHIEF, TODAY)  # fmt: skip
    started = reexam.start_round(desk.db, 2026, CHIEF, TODAY)
    row = reexam.round_rows(desk.db, started.id)[0]
    assert (row.proposed, row.reasons) == ("remove", ("依托单位经营异常（一票否决）",))
