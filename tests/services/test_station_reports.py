"""The station inspection report's data: what each section says, computed through the services
from a database built the way users build it."""

from __future__ import annotations

from datetime import date

import pytest

from stationdesk.errors import UserError
from stationdesk.services import preferences
from stationdesk.services.station_reports import (
    CHUNK,
    ReportScope,
    report_station_ids,
    station_report,
    station_reports,
)
from tests.conftest import CLERK, TODAY, Desk


@pytest.fixture
def busy(desk: Desk) -> tuple[Desk, int]:
    """A municipal station in the first-payout scheme with a year of cases."""
    station = desk.station("红梅超市消费维权服务站", scheme=True, level="municipal")
    desk.fund(station, 5_000)
    for day in range(1, 18):
        desk.case(station, date(2026, 3, day), outcome="success", amount_recovered_fen=10_000)
    desk.case(station, date(2026, 4, 1), outcome="failure")
    paid = desk.case(station, date(2026, 5, 1), payout_eligible=True)
    desk.payout(station, paid, 300, date(2026, 5, 2))
    desk.case(station, date(2025, 12, 31), outcome="success")  # last year's: not in the 2026 report
    return desk, station


def test_report_names_the_station_and_the_bureau(busy: tuple[Desk, int]) -> None:
    desk, station = busy
    preferences.put(desk.db, "bureau_name", "常州市市场监督管理局", CLERK)
    report = station_report(desk.db, station, 2026, TODAY)
    assert report.bureau_name == "常州市市场监督管理局"
    assert report.name == "红梅超市消费维权服务站"
    identity = {line.label: line.value for line in report.identity}
    assert identity["示范级别"] == "市级示范"
    assert identity["所属辖区"] == "天宁区"
    assert report.level_label == "市级示范"
    assert (report.period_start, report.period_end) == (date(2026, 1, 1), date(2026, 12, 31))


def test_indicators_are_judged_against_the_level_standard(busy: tuple[Desk, int]) -> None:
    desk, station = busy
    lines = {line.label: line for line in station_report(desk.db, station, 2026, TODAY).indicators}
    assert lines["受理投诉"].value == "19 件"  # 17 + 1 + 1 in 2026, not the 2025 one
    success = lines["调解成功率"]
    assert (success.value, success.counts, success.standard) == ("94.4%", "17/18", "≥ 85%")
    assert success.met is True
    assert lines["先行赔付"].value == "已实行"
    assert lines["挽回经济损失"].value == "1,700.00 元"
    assert lines["按时办结率"].met is None  # the standard does not judge it


def test_a_miss_is_marked_not_met(desk: Desk) -> None:
    station = desk.station(level="provincial")
    desk.case(station, date(2026, 2, 1), outcome="failure")
    lines = {line.label: line for line in station_report(desk.db, station, 2026, TODAY).indicators}
    assert lines["调解成功率"].met is False
    assert lines["受理投诉"].met is False  # 1 case, the provincial minimum is 10
    assert lines["先行赔付"].met is False  # required of a provincial station, not operating


def test_cases_are_the_latest_masked_with_the_total(busy: tuple[Desk, int]) -> None:
    desk, station = busy
    report = station_report(desk.db, station, 2026, TODAY, case_limit=5)
    assert report.cases_total == 19
    assert len(report.cases) == 5
    assert report.cases[0].received_on == date(2026, 5, 1)  # newest first
    assert all(case.consumer == "张**" for case in report.cases)
    assert report.cases[0].result == "办理中"
    everything = station_report(desk.db, station, 2026, TODAY, case_limit=None)
    assert len(everything.cases) == 19


def test_fund_summary(busy: tuple[Desk, int]) -> None:
    desk, station = busy
    fund = station_report(desk.db, station, 2026, TODAY).fund
    assert fund.in_scheme
    assert (fund.balance_fen, fund.payouts, fund.payout_fen) == (470_000, 1, 30_000)


def test_removed_station_says_so(desk: Desk) -> None:
    from stationdesk.domain.station_lifecycle import StationAction
    from stationdesk.services import stations

    station = desk.station()
    stations.change_station_status(desk.db, station, StationAction.REMOVE, reason="依托单位关闭",
                                   effective_on=date(2026, 6, 1), actor=CLERK, today=TODAY)  # fmt: skip
    assert report_station_ids(desk.db, ReportScope()) == []
    assert report_station_ids(desk.db, ReportScope(include_removed=True)) == [station]
    assert "已撤销" in station_report(desk.db, station, 2026, TODAY).status_note


def test_batch_keeps_order_across_chunks(desk: Desk) -> None:
    ids = [desk.station(f"站点{n}") for n in range(CHUNK + 3)]
    wanted = list(reversed(ids))
    codes = [r.code for r in station_reports(desk.db, wanted, 2026, TODAY)]
    assert len(codes) == len(wanted)
    assert codes[0] > codes[-1]


def test_scope_by_county(desk: Desk) -> None:
    here = desk.station()
    desk.station(county_id=desk.other_county_id)
    assert report_station_ids(desk.db, ReportScope(county_id=desk.county_id)) == [here]


def test_unknown_station_is_a_user_error(desk: Desk) -> None:
    with pytest.raises(UserError, match="找不到"):
        station_report(desk.db, 999_999, 2026, TODAY)
