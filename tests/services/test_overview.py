"""The overview: its numbers on a hand-built register, each number's link, and the charts' series
against the counts they are drawn from."""

from __future__ import annotations

from datetime import date

import pytest

from stationdesk.domain.indicators import Indicator
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.services import overview as ov
from stationdesk.services import stations
from stationdesk.store import overview_queries
from tests.conftest import CLERK, TODAY, Desk

YEAR = TODAY.year


@pytest.fixture
def built(desk: Desk) -> dict[str, int]:
    """天宁区: a provincial station with a year's cases, a station new this year, one removed this
    year; 钟楼区: a municipal station with one successful case."""
    provincial = desk.station("红梅超市消费维权服务站", level="provincial")
    new = desk.station("青果巷市场消费维权服务站", established_on=date(YEAR, 5, 1))
    removed = desk.station("化龙巷商店消费维权服务站")
    stations.change_station_status(desk.db, removed, StationAction.REMOVE, reason="依托单位注销",
                                   effective_on=date(YEAR, 6, 1), actor=CLERK, today=TODAY)  # fmt: skip
    municipal = desk.station("南大街商场消费维权服务站", county_id=desk.other_county_id, level="municipal")
    for day in (2, 9, 16):
        desk.case(provincial, date(YEAR, 3, day), outcome="success", amount_recovered_fen=20_000)
    desk.case(provincial, date(YEAR, 3, 23), outcome="failure")
    desk.case(provincial, date(YEAR, 1, 5))  # still open, long past its due date
    desk.case(provincial, date(YEAR - 1, 3, 10), outcome="success")  # last year, same days
    desk.case(provincial, date(YEAR - 1, 12, 10), outcome="success")  # last year, after TODAY's day
    desk.case(municipal, date(YEAR, 11, 2), outcome="success")
    return {"provincial": provincial, "new": new, "removed": removed, "municipal": municipal}


def test_counts_stations_by_level_area_and_category(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR), TODAY)
    assert seen.stations.value == 3  # the removed one is no longer in the register
    assert [(t.label, t.value) for t in seen.by_level] == [("省级示范", 1), ("市级示范", 1), ("普通站点", 1)]
    assert [(t.label, t.value) for t in seen.by_area] == [("天宁区", 2), ("钟楼区", 1)]
    assert {t.label: t.value for t in seen.by_category}["进超市"] == 3
    assert seen.new_stations.value == 1
    assert seen.removed_stations.value == 1
    assert seen.area_name == "全辖区"


def test_sums_the_years_cases_against_the_same_days_last_year(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR), TODAY)
    assert seen.period == (date(YEAR, 1, 1), TODAY)
    assert seen.last_period == (date(YEAR - 1, 1, 1), date(YEAR - 1, 11, 24))
    assert seen.figures.received == 6
    assert seen.figures.recovered_fen == 60_000
    assert seen.last_figures.received == 1  # the December case lies after the compared days
    assert seen.rate_text(Indicator.MEDIATION_SUCCESS) == "80.0%（4/5）"
    assert seen.overdue.value == 1


def test_a_past_year_is_counted_whole(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR - 1), TODAY)
    assert seen.period == (date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31))
    assert seen.figures.received == 2
    assert seen.new_stations.value == 0


def test_each_number_links_to_the_list_it_counts(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR), TODAY)
    provincial = next(t for t in seen.by_level if t.value and t.link.level == "provincial")
    assert provincial.link == ov.ListLink("register", level="provincial")
    assert seen.by_area[1].link == ov.ListLink("register", county_id=desk.other_county_id)
    assert seen.new_stations.link.established == (date(YEAR, 1, 1), TODAY)
    assert seen.removed_stations.link.removed and seen.removed_stations.link.period == (date(YEAR, 1, 1), TODAY)
    assert seen.overdue.link == ov.ListLink("cases", overdue=True)


def test_narrowed_to_a_county_counts_its_streets(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR, desk.county_id), TODAY)
    assert seen.area_name == "天宁区"
    assert seen.stations.value == 2
    assert seen.figures.received == 5
    assert [(t.label, t.value) for t in seen.by_area] == [("未填街道", 2)]
    assert seen.by_area[0].link == ov.ListLink("register", county_id=desk.county_id, street_id=None)
    assert seen.overdue.link.county_id == desk.county_id


def _chart(seen: ov.Overview, key: str) -> ov.Chart:
    return next(c for c in seen.charts if c.key == key)


def test_the_monthly_chart_is_the_monthly_count(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR), TODAY)
    chart = _chart(seen, "cases_by_month")
    assert len(chart.categories) == 24 and chart.categories[-1] == f"{YEAR}.11"
    with desk.db.reading() as session:
        counted = overview_queries.cases_by_month(session, date(YEAR - 2, 12, 1), date(YEAR, 11, 30))
    drawn = dict(zip(chart.categories, chart.series[0].values, strict=True))
    assert {k: v for k, v in drawn.items() if v} == {f"{k // 100}.{k % 100:02d}": float(n) for k, n in counted.items()}
    assert drawn[f"{YEAR}.03"] == 4.0 and drawn[f"{YEAR - 1}.12"] == 1.0
    assert [chart.categories[i] for i in chart.highlights] == [f"{YEAR - 1}.03", f"{YEAR - 1}.11", f"{YEAR}.03", f"{YEAR}.11"]


def test_the_level_bars_and_heat_map_add_up_to_the_register(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR), TODAY)
    levels = _chart(seen, "stations_by_level")
    assert levels.categories == ("天宁区", "钟楼区")
    assert [(s.name, s.values) for s in levels.series] == [
        ("省级示范", (1.0, 0.0)), ("市级示范", (0.0, 1.0)), ("普通站点", (1.0, 0.0))
    ]
    heat = _chart(seen, "coverage")
    assert heat.kind == "heatmap" and heat.categories == ("天宁区", "钟楼区")
    assert dict((s.name, s.values) for s in heat.series)["进超市"] == (2.0, 1.0)
    assert sum(v or 0 for s in heat.series for v in s.values) == seen.stations.value


def test_the_success_bars_stand_against_the_standards(desk: Desk, built: dict[str, int]) -> None:
    seen = ov.overview(desk.db, ov.OverviewFilter(YEAR), TODAY)
    chart = _chart(seen, "success_by_area")
    assert chart.unit == "%"
    assert chart.series[0].values == (75.0, 100.0)  # 3 of 4 mediations; 1 of 1
    assert sorted(r.value for r in chart.references) == [85.0, 90.0]
    assert any("市级" in r.label and "85%" in r.label for r in chart.references)


def test_an_area_without_mediations_gets_no_bar(desk: Desk) -> None:
    desk.station()
    chart = _chart(ov.overview(desk.db, ov.OverviewFilter(YEAR), TODAY), "success_by_area")
    assert chart.series[0].values == (None, None)


def test_the_watch_list_without_a_round(desk: Desk, built: dict[str, int]) -> None:
    watch = ov.watch_list(desk.db, ov.OverviewFilter(YEAR), TODAY)
    assert watch.round_title == "" and watch.red == () and watch.black == ()
    assert watch.zombies.link == ov.ListLink("zombies")
    assert watch.zombies.value >= 0
