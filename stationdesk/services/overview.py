"""The overview (首页概览): how the stations are doing, on one screen and in one printout.

Why one service: the home page's numbers, its four charts and the printed 统计概览 all come from
`overview()`, so the screen and the paper cannot disagree. Every count is grouped in SQL
(`store.overview_queries`, `store.figures.area_figures`); the rates are formed by the same
`StationFigures.rate` the register, the re-examination and the summaries use, from counts summed
over the area (a county's rate is its successes over its mediations, never an average of rates).

Each number carries a `ListLink`: which list it was counted from, so the page can open it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from stationdesk.domain.figures import StationFigures, sum_figures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.periods import PEAK_MONTHS, Month, months_ending, same_days_last_year, year_period
from stationdesk.domain.vocabulary import StationLevel
from stationdesk.services import (
    indicators,
    jurisdictions,
    reexam,
    reexam_results,
    register,
    standards,
    zombies,
)
from stationdesk.services.report_types import Chart, ReferenceLine, Series
from stationdesk.store import figures as figure_queries
from stationdesk.store import overview_queries
from stationdesk.store.database import Database
from stationdesk.store.station_queries import StationFilter

ListPage = Literal["register", "cases", "payouts", "zombies", "reexam"]
LEVELS = StationLevel.senior_first()
ALL_AREAS = "全辖区"
NO_STREET_NAME = "未填街道"


@dataclass(frozen=True, slots=True)
class OverviewFilter:
    """What the overview is narrowed to: a year (to date, if it is the current one) and a county."""

    year: int
    county_id: int | None = None


@dataclass(frozen=True, slots=True)
class ListLink:
    """The list behind a number: the page (a main-window section) and what to narrow it to."""

    page: ListPage
    county_id: int | None = None
    street_id: int | None = None
    category_id: int | None = None
    level: str | None = None
    removed: bool = False
    period: tuple[date, date] | None = None
    established: tuple[date, date] | None = None
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class Tally:
    """One number on the overview, its caption and the list it opens."""

    label: str
    value: int
    link: ListLink


@dataclass(frozen=True, slots=True)
class AreaFigures:
    """One area's line in the printed overview: its stations not removed and its year's figures."""

    area_id: int
    name: str
    stations: int
    figures: StationFigures


@dataclass(frozen=True)
class Overview:
    """The overview's numbers and charts for one filter."""

    filter: OverviewFilter
    area_name: str
    period: tuple[date, date]
    last_period: tuple[date, date]
    stations: Tally
    by_category: tuple[Tally, ...]
    by_level: tuple[Tally, ...]
    by_area: tuple[Tally, ...]
    new_stations: Tally
    removed_stations: Tally
    figures: StationFigures
    last_figures: StationFigures
    overdue: Tally
    count_basic: bool
    areas: tuple[AreaFigures, ...] = field(default=())
    months: tuple[Month, ...] = field(default=())
    """The monthly chart's months, in its order (a click on one opens its cases)."""
    charts: tuple[Chart, ...] = field(default=())

    def rate_text(self, indicator: Indicator, last: bool = False) -> str:
        """"93.8%（182/194）", or "—" when there is nothing to count."""
        rate = (self.last_figures if last else self.figures).rate(indicator, self.count_basic)
        return f"{rate.percent_text()}（{rate.counts_text()}）" if rate.has_data else rate.percent_text()


@dataclass(frozen=True)
class _Areas:
    """The rows the charts run over: counties, or the chosen county's streets."""

    names: dict[int, str]

    def ordered(self, present: set[int]) -> list[tuple[int, str]]:
        """Every named area, then "未填街道" only when some station has no street."""
        rows = list(self.names.items())
        if overview_queries.NO_STREET in present and overview_queries.NO_STREET not in self.names:
            rows.append((overview_queries.NO_STREET, NO_STREET_NAME))
        return rows


def _areas(db: Database, county_id: int | None) -> _Areas:
    if county_id is None:
        return _Areas({c.id: c.name for c in register.register_lookups(db).counties})
    return _Areas({p.id: p.name for p in jurisdictions.streets_of(db, county_id)})


def _area_link(county_id: int | None, area_id: int, **narrowing: object) -> ListLink:
    if county_id is None:
        return ListLink("register", county_id=area_id, **narrowing)  # type: ignore[arg-type]
    return ListLink("register", county_id=county_id, street_id=area_id or None, **narrowing)  # type: ignore[arg-type]


def overview(db: Database, flt: OverviewFilter, today: date) -> Overview:
    """Everything the home page shows for `flt`, with its four charts."""
    start, end = year_period(flt.year, today)
    last_start, last_end = same_days_last_year(start, end)
    county = flt.county_id
    lookups = register.register_lookups(db)
    areas = _areas(db, county)
    as_of = min(today, date(flt.year, 12, 31))
    with db.reading() as session:
        breakdown = overview_queries.station_breakdown(session, county)
        used = {category for _, category, _, _ in breakdown}
        categories = dict(overview_queries.counted_categories(session, used))
        new, removed = overview_queries.new_and_removed(session, start, end, county)
        overdue = overview_queries.overdue_cases(session, today, county)
        this_year = figure_queries.area_figures(session, start, end, as_of, county)
        last_year = figure_queries.area_figures(session, last_start, last_end, last_end, county)
        months = months_ending(as_of)
        monthly = overview_queries.cases_by_month(session, months[0].first_day, months[-1].last_day, county)
    area_list = areas.ordered({a for a, _, _, _ in breakdown} | set(this_year))
    by_cat = _summed(breakdown, lambda area, category, level: category)
    by_level = _summed(breakdown, lambda area, category, level: level)
    by_area = _summed(breakdown, lambda area, category, level: area)
    period = (start, end)
    charts = (
        _monthly_chart(months, monthly, as_of),
        _levels_chart(area_list, breakdown),
        _success_chart(db, flt.year, area_list, this_year),
        _heat_map(area_list, categories, breakdown),
    )
    return Overview(
        filter=flt,
        area_name=ALL_AREAS if county is None else next((c.name for c in lookups.counties if c.id == county), ""),
        period=period,
        last_period=(last_start, last_end),
        stations=Tally("在册站点", sum(by_area.values()), ListLink("register", county_id=county)),
        by_category=tuple(
            Tally(name, by_cat.get(cid, 0), ListLink("register", county_id=county, category_id=cid))
            for cid, name in categories.items()
        ),
        by_level=tuple(
            Tally(level.label, by_level.get(level.value, 0), ListLink("register", county_id=county, level=level.value))
            for level in LEVELS
        ),
        by_area=tuple(Tally(name, by_area.get(aid, 0), _area_link(county, aid)) for aid, name in area_list),
        new_stations=Tally("新设站点", new, ListLink("register", county_id=county, established=period)),
        removed_stations=Tally("撤销站点", removed, ListLink("register", county_id=county, removed=True, period=period)),
        figures=sum_figures([f for _, f in this_year.values()]),
        last_figures=sum_figures([f for _, f in last_year.values()]),
        overdue=Tally("逾期未办结", overdue, ListLink("cases", county_id=county, overdue=True)),
        count_basic=indicators.counts_basic_as_satisfied(db),
        areas=tuple(
            AreaFigures(aid, name, by_area.get(aid, 0), this_year.get(aid, (0, StationFigures(aid)))[1])
            for aid, name in area_list
        ),
        months=tuple(months),
        charts=charts,
    )


# -- the charts -------------------------------------------------------------------------------
Breakdown = list[tuple[int, int, str, int]]
"""(area id, category id, level, stations) rows, as `overview_queries.station_breakdown` gives."""


def _summed(breakdown: Breakdown, key: Callable[[int, int, str], Hashable]) -> dict[Any, int]:
    """The stations of `breakdown` added up by `key(area, category, level)`."""
    sums: dict[Any, int] = defaultdict(int)
    for area, category, level, n in breakdown:
        sums[key(area, category, level)] += n
    return sums


def _monthly_chart(months: list[Month], monthly: dict[int, int], as_of: date) -> Chart:
    peaks = "、".join(f"{m}月（{name}）" for m, name in PEAK_MONTHS.items())
    partial = f"{as_of.month}月只统计到{as_of.day}日；" if as_of < months[-1].last_day else ""
    return Chart(
        key="cases_by_month",
        title=f"近{len(months)}个月受理投诉数",
        kind="line",
        categories=tuple(m.label for m in months),
        series=(Series("受理投诉", tuple(float(monthly.get(m.key, 0)) for m in months)),),
        unit="件",
        highlights=tuple(i for i, m in enumerate(months) if m.is_peak),
        note=f"按受理日期计入当月；{partial}标出的是{peaks}。",
    )


def _levels_chart(areas: list[tuple[int, str]], breakdown: Breakdown) -> Chart:
    counts = _summed(breakdown, lambda area, category, level: (area, level))
    return Chart(
        key="stations_by_level",
        title="各地在册站点数（按级别）",
        kind="stacked_bar",
        categories=tuple(name for _, name in areas),
        series=tuple(
            Series(level.label, tuple(float(counts.get((aid, level.value), 0)) for aid, _ in areas)) for level in LEVELS
        ),
        unit="个",
        note="不含已撤销站点。",
    )


def success_references(db: Database, year: int) -> tuple[ReferenceLine, ...]:
    """The demonstration standards' 调解成功率 bars in force for `year`, as chart lines."""
    lines = []
    for record in standards.standards_of_year(db, year):
        level = StationLevel(record.draft.level)
        threshold = record.draft.success
        if level is not StationLevel.ORDINARY and threshold.is_requirement:
            lines.append(ReferenceLine(f"{level.label}标准 {threshold.describe()}", threshold.value * 100))
    return tuple(lines)


def _success_chart(
    db: Database, year: int, areas: list[tuple[int, str]], found: dict[int, tuple[int, StationFigures]]
) -> Chart:
    def percent(area_id: int) -> float | None:
        figures = found.get(area_id, (0, StationFigures(area_id)))[1]
        value = figures.rate(Indicator.MEDIATION_SUCCESS).value
        return None if value is None else round(value * 100, 1)

    return Chart(
        key="success_by_area",
        title=f"{year}年各地调解成功率",
        kind="bar",
        categories=tuple(name for _, name in areas),
        series=(Series("调解成功率", tuple(percent(aid) for aid, _ in areas)),),
        unit="%",
        references=success_references(db, year),
        note="调解成功率 = 调解成功 ÷（调解成功 + 调解不成功 + 终止）；无调解结果的地区不画柱。",
    )


def _heat_map(areas: list[tuple[int, str]], categories: dict[int, str], breakdown: Breakdown) -> Chart:
    counts = _summed(breakdown, lambda area, category, level: (area, category))
    return Chart(
        key="coverage",
        title="站点覆盖情况（地区 × 类别）",
        kind="heatmap",
        categories=tuple(name for _, name in areas),
        series=tuple(
            Series(name, tuple(float(counts.get((aid, cid), 0)) for aid, _ in areas)) for cid, name in categories.items()
        ),
        unit="个",
        note="颜色越深站点越多；0 表示该地区尚无此类站点。",
    )


# -- what needs attention: zombies and the latest red and black lists -------------------------
@dataclass(frozen=True, slots=True)
class RankedStation:
    station_id: int
    code: str
    name: str
    county: str
    total: float | None


@dataclass(frozen=True)
class WatchList:
    """The overview's second half, computed after the numbers (the zombie sweep runs every rule
    over every station): stations flagged as zombies, and the latest round's red and black lists."""

    zombies: Tally
    round_title: str
    red: tuple[RankedStation, ...]
    black: tuple[RankedStation, ...]
    flagged: frozenset[int] = frozenset()
    """The flagged stations' ids (the register marks them: one sweep for both)."""


def _ranked(rows: list[reexam_results.ReexamRow]) -> tuple[RankedStation, ...]:
    return tuple(
        RankedStation(r.station_id, r.code, r.name, r.county, float(r.total) if r.total is not None else None)
        for r in rows
    )


def watch_list(db: Database, flt: OverviewFilter, today: date) -> WatchList:
    """Zombie candidates as of today (in the county, when narrowed), and the red and black lists
    of the latest re-examination up to the filter's year (the whole jurisdiction's: the lists are
    drawn over every station of the round)."""
    ids = None
    if flt.county_id is not None:
        ids = register.list_station_ids(db, StationFilter(county_id=flt.county_id))
    flagged = zombies.sweep(db, today, station_ids=ids)
    round_ = reexam.latest_round(db, flt.year)
    red: tuple[RankedStation, ...] = ()
    black: tuple[RankedStation, ...] = ()
    title = ""
    if round_ is not None:
        ranking = reexam_results.ranking(db, round_.id)
        red, black, title = _ranked(ranking.red), _ranked(ranking.black), round_.title
    return WatchList(
        zombies=Tally("疑似僵尸站点", len(flagged), ListLink("zombies", county_id=flt.county_id)),
        round_title=title,
        red=red,
        black=black,
        flagged=frozenset(f.station_id for f in flagged),
    )
