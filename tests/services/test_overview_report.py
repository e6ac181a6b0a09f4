"""统计概览 on paper: the overview's own figures per area, the headline sentences, the charts."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from stationdesk.services import summaries
from stationdesk.services.overview import OverviewFilter
from stationdesk.services.overview_report import change_words, overview_report
from tests.conftest import TODAY, Desk


def test_rows_per_county_totals_headline_and_charts(desk: Desk) -> None:
    a = desk.station(level="provincial")
    b = desk.station(county_id=desk.other_county_id)
    for day in (2, 3, 4):
        desk.case(a, date(2026, 3, day), outcome="success", amount_recovered_fen=100_000)
    desk.case(b, date(2026, 4, 1), outcome="failure")
    desk.case(b, date(2025, 4, 1), outcome="success")
    report = overview_report(desk.db, OverviewFilter(2026), TODAY)
    assert report.title == "2026年消费维权服务站统计概览"
    assert report.subtitle == "统计期间：2026年1月1日至2026年11月24日"
    rows = {row[0]: row for row in report.rows}
    assert rows["天宁区"][1:6] == (1, 3, 3, 3, Fraction(1))
    assert rows["钟楼区"][1:6] == (1, 1, 1, 1, Fraction(0))  # mediated by the station, without success
    assert report.total is not None and report.total[:3] == ("合计", 2, 4)
    assert report.total[6] == 300_000
    assert "在册消费维权服务站 2 个（省级示范 1 个、市级示范 0 个、普通站点 1 个）" in report.paragraphs[0]
    assert "受理投诉 4 件，较去年同期增加 3 件（+300.0%）" in report.paragraphs[1]
    assert [c.key for c in report.charts] == ["cases_by_month", "stations_by_level", "success_by_area", "coverage"]


def test_narrowed_to_a_county_says_so(desk: Desk) -> None:
    desk.station()
    report = overview_report(desk.db, OverviewFilter(2026, desk.county_id), TODAY)
    assert report.title.endswith("（天宁区）")
    assert report.columns[0].title == "街道（乡镇）"


def test_is_one_of_the_summaries(desk: Desk) -> None:
    report = summaries.summary(desk.db, "overview", 2025, TODAY)
    assert report.subtitle == "统计期间：2025年1月1日至2025年12月31日"
    assert len(report.charts) == 4


def test_change_words() -> None:
    assert change_words(5, 5, "件") == "与去年同期持平"
    assert change_words(3, 0, "件") == "去年同期为 0 件"
    assert change_words(9, 12, "起") == "较去年同期减少 3 起（-25.0%）"
