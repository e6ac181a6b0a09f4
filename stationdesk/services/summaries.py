"""The summaries (汇总表) the bureau hands to its leadership and sends to the province, as
`TableReport`s that print and export alike.

Every count comes grouped from SQL; the rates are formed from the summed counts (a county's
调解成功率 is its successes over its mediations, never an average of its stations' rates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from fractions import Fraction

from sqlalchemy import select

from stationdesk.domain.dates import chinese_day
from stationdesk.domain.figures import StationFigures, sum_figures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.money import format_wan_yuan
from stationdesk.domain.vocabulary import ReexamOutcome, StationLevel, ZombieAction
from stationdesk.errors import UserError
from stationdesk.services import preferences, reexam, reexam_results, register, zombies
from stationdesk.services.letterhead import bureau_logo, bureau_name
from stationdesk.services.overview import OverviewFilter
from stationdesk.services.overview_report import overview_report
from stationdesk.services.report_types import SUMMARY_KINDS, Cell, Column, HeaderGroup, TableReport
from stationdesk.store import figures as figure_queries
from stationdesk.store import overview_queries
from stationdesk.store.database import Database
from stationdesk.store.models import County, Station, ZombieDecision
from stationdesk.store.overview_queries import station_breakdown

# Most senior first, as the bureau's tables read.
_LEVELS = StationLevel.senior_first()
_LEVEL_SHORT = {
    StationLevel.PROVINCIAL: "省级",
    StationLevel.MUNICIPAL: "市级",
    StationLevel.ORDINARY: "普通",
}


def _year_span(year: int) -> str:
    return f"统计期间：{year}年1月1日至{year}年12月31日"


def _counties(db: Database) -> list[tuple[int, str]]:
    """The counties in the register's order (the summaries' rows)."""
    return [(c.id, c.name) for c in register.register_lookups(db).counties]


# -- (1) stations by county × category × level ----------------------------------------------
def counties_summary(db: Database, today: date) -> TableReport:
    """Stations not removed, by county (rows) and category × level (columns), with totals.

    It is the register as it stands on `today`: station counts have no period.
    """
    with db.reading() as session:
        counts = {(county, category, level): n for county, category, level, n in station_breakdown(session)}
        categories = overview_queries.counted_categories(session, {category for _, category, _ in counts})
    columns = [Column("县（市、区）", "text", 3.0)]
    groups = [HeaderGroup("", 1)]
    for _, name in categories:
        columns += [Column(_LEVEL_SHORT[level], "int") for level in _LEVELS]
        groups.append(HeaderGroup(name, len(_LEVELS)))
    columns += [Column(_LEVEL_SHORT[level], "int") for level in _LEVELS] + [Column("小计", "int")]
    groups.append(HeaderGroup("合计", len(_LEVELS) + 1))

    def line(county_ids: set[int]) -> list[int]:
        cells = [
            sum(
                n
                for (c, cat, lv), n in counts.items()
                if c in county_ids and cat == category_id and lv == level.value
            )
            for category_id, _ in categories
            for level in _LEVELS
        ]
        by_level = [
            sum(n for (c, _cat, lv), n in counts.items() if c in county_ids and lv == level.value)
            for level in _LEVELS
        ]
        return cells + by_level + [sum(by_level)]

    counties = _counties(db)
    rows: list[tuple[Cell, ...]] = [(name, *line({county_id})) for county_id, name in counties]
    total: tuple[Cell, ...] = ("合计", *line({county_id for county_id, _ in counties}))
    return TableReport(
        title="消费维权服务站分布情况汇总表",
        subtitle=f"截至{chinese_day(today)}（不含已撤销站点）",
        bureau_name=bureau_name(db),
        bureau_logo=bureau_logo(db),
        printed_on=today,
        columns=tuple(columns),
        rows=rows,
        total=total,
        header_groups=tuple(groups),
        landscape=True,
        sheet_name="站点分布",
        notes=("单位：个。省级、市级指省级、市级示范站点；普通指非示范站点。",),
    )


# -- (2) the year's work per county ---------------------------------------------------------
def _fraction(figures: StationFigures, indicator: Indicator, count_basic: bool) -> Fraction | None:
    return figures.rate(indicator, count_basic).fraction


def _sentence(place: str, stations: int, figures: StationFigures, count_basic: bool) -> str:
    """The figures the way the bureau's reports quote them."""
    success = figures.rate(Indicator.MEDIATION_SUCCESS).percent_text()
    return (
        f"{place}：有站点 {stations} 个，受理投诉 {figures.received} 件，自行调解 {figures.self_mediated} 件，"
        f"调解成功率 {success}，挽回经济损失 {format_wan_yuan(figures.recovered_fen)} 万元，"
        f"先行赔付 {figures.payouts} 起 {format_wan_yuan(figures.payout_fen)} 万元。"
    )


def work_summary(db: Database, year: int, today: date) -> TableReport:
    """受理 / 自行调解 / 调解成功率 / 挽回经济损失 / 先行赔付 per county for `year`, with totals and
    the sentences the year-end report quotes."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    count_basic = bool(preferences.get(db, "satisfaction_counts_basic"))
    with db.reading() as session:
        found = figure_queries.county_figures(session, start, end, today if start <= today <= end else None)
    columns = (
        Column("县（市、区）", "text", 1.8),
        Column("站点数", "int"),
        Column("受理投诉", "int"),
        Column("办结", "int"),
        Column("自行调解", "int"),
        Column("调解成功率", "rate"),
        Column("挽回经济损失（万元）", "wan", 1.3),
        Column("先行赔付（起）", "int"),
        Column("先行赔付金额（万元）", "wan", 1.3),
        Column("回访满意率", "rate"),
        Column("接待咨询（次）", "int"),
    )

    def row(name: str, stations: int, f: StationFigures) -> tuple[Cell, ...]:
        return (
            name,
            stations,
            f.received,
            f.closed,
            f.self_mediated,
            _fraction(f, Indicator.MEDIATION_SUCCESS, count_basic),
            f.recovered_fen,
            f.payouts,
            f.payout_fen,
            _fraction(f, Indicator.SATISFACTION, count_basic),
            f.consultations,
        )

    rows, paragraphs, all_figures, all_stations = [], [], [], 0
    for county_id, name in _counties(db):
        stations, figures = found.get(county_id, (0, StationFigures(county_id)))
        rows.append(row(name, stations, figures))
        paragraphs.append(_sentence(name, stations, figures, count_basic))
        all_figures.append(figures)
        all_stations += stations
    total = sum_figures(all_figures)
    bureau = bureau_name(db)
    lead = _sentence(f"{year}年全辖区", all_stations, total, count_basic)
    return TableReport(
        title=f"{year}年度消费维权服务站工作情况汇总表",
        subtitle=_year_span(year),
        bureau_name=bureau,
        bureau_logo=bureau_logo(db),
        printed_on=today,
        columns=columns,
        rows=rows,
        total=row("合计", all_stations, total),
        paragraphs=(lead, *paragraphs),
        landscape=True,
        sheet_name=f"{year}工作情况",
        notes=(
            "受理、办结、自行调解按受理日期计入当年；先行赔付、回访、咨询按发生日期计入当年。",
            "调解成功率 = 调解成功 ÷（调解成功 + 调解不成功 + 终止）；回访满意率按回访联系上的消费者计算。",
        ),
    )


# -- (3) the red and black list of a round ---------------------------------------------------
def ranking_summary(db: Database, year: int, today: date) -> TableReport:
    """The 红榜 and 黑榜 of the year's re-examination round, each station with its score."""
    round_ = reexam.round_of_year(db, year)
    if round_ is None:
        raise UserError(f"{year} 年没有复核轮次，无法打印红黑榜", hint="请先在“年度复核”中发起该年度的复核")
    ranked = reexam_results.ranking(db, round_.id)
    place = {row.id: index for index, row in enumerate(ranked.overall, start=1)}
    columns = (
        Column("榜单", "text", 0.8),
        Column("名次", "int", 0.7),
        Column("站点编号", "text", 1.4),
        Column("站点名称", "text", 3.0),
        Column("县（市、区）", "text", 1.4),
        Column("级别", "text", 1.0),
        Column("综合得分", "text", 0.9),
        Column("调解成功率", "rate"),
        Column("复核结论", "text", 1.2),
    )

    def line(board: str, row: reexam_results.ReexamRow) -> tuple[Cell, ...]:
        return (
            board,
            place[row.id],
            row.code,
            row.name,
            row.county,
            StationLevel.label_for(row.level),
            f"{row.total:.1f}" if row.total is not None else "—",
            row.figures.rate(Indicator.MEDIATION_SUCCESS).fraction,
            ReexamOutcome.label_for(row.decided) if row.decided else "待确认",
        )

    rows = [line("红榜", r) for r in ranked.red] + [line("黑榜", r) for r in ranked.black]
    return TableReport(
        title=f"{year}年度示范站点复核红黑榜",
        subtitle=f"{round_.title}（参加复核 {round_.stations} 个站点，前后各 {ranked.size} 名）",
        bureau_name=bureau_name(db),
        bureau_logo=bureau_logo(db),
        printed_on=today,
        columns=columns,
        rows=rows,
        landscape=False,
        sheet_name=f"{year}红黑榜",
        notes=("名次按综合得分从高到低排列；得分相同的，依次比较调解成功率、受理投诉数、站点编号。",),
    )


# -- (4) zombie stations and what was decided -------------------------------------------------
def zombie_summary(db: Database, year: int, today: date) -> TableReport:
    """The year's zombie decisions (清除 / 激活 / 重建 / 暂缓), then the stations the rules flag on
    `today` that wait for one (only when the year is the current one)."""
    with db.reading() as session:
        decided = session.execute(
            select(ZombieDecision, Station.code, Station.name, County.name, Station.level)
            .join(Station, Station.id == ZombieDecision.station_id)
            .join(County, County.id == Station.county_id)
            .where(
                ZombieDecision.decided_on >= date(year, 1, 1), ZombieDecision.decided_on <= date(year, 12, 31)
            )
            .order_by(ZombieDecision.decided_on, Station.code)
        ).all()
        rows: list[tuple[Cell, ...]] = [
            (
                code,
                name,
                county,
                StationLevel.label_for(level),
                "；".join(str(e) for e in d.evidence or ()),
                ZombieAction.label_for(d.action),
                d.decided_on,
                d.approver or d.created_by,
                d.deadline,
                d.reason,
            )
            for d, code, name, county, level in decided
        ]
    pending = 0
    if year == today.year:
        for flagged in zombies.sweep(db, today):
            if flagged.last_action is None:
                rows.append(
                    (
                        flagged.code,
                        flagged.name,
                        flagged.county,
                        StationLevel.label_for(flagged.level),
                        "；".join(zombies.evidence_lines(flagged.flag)),
                        "待处置",
                        None,
                        "",
                        None,
                        "",
                    )
                )
                pending += 1
    columns = (
        Column("站点编号", "text", 1.3),
        Column("站点名称", "text", 2.6),
        Column("县区", "text", 0.9),
        Column("级别", "text", 1.0),
        Column("疑似依据", "text", 3.6),
        Column("处置", "text", 0.8),
        Column("决定日期", "date", 1.1),
        Column("批准人", "text", 0.8),
        Column("期限", "date", 1.1),
        Column("说明", "text", 1.8),
    )
    return TableReport(
        title=f"{year}年度僵尸站点清单及处置情况",
        subtitle=_year_span(year)
        + (f"；截至{today.isoformat()}尚待处置 {pending} 个" if year == today.year else ""),
        bureau_name=bureau_name(db),
        bureau_logo=bureau_logo(db),
        printed_on=today,
        columns=columns,
        rows=rows,
        landscape=True,
        sheet_name=f"{year}僵尸站点",
        notes=("“待处置”为按现行规则疑似名存实亡、尚未作出处置决定的站点。",),
    )


_BUILDERS: dict[str, Callable[[Database, int, date], TableReport]] = {
    "counties": lambda db, _year, today: counties_summary(db, today),
    "work": work_summary,
    "ranking": ranking_summary,
    "zombies": zombie_summary,
    "overview": lambda db, year, today: overview_report(db, OverviewFilter(year), today),
}


def summary(db: Database, kind: str, year: int, today: date) -> TableReport:
    """The summary `kind` (a key of SUMMARY_KINDS) for `year`, signed by 设置 → 单位信息's 填报人."""
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise UserError(f"未知的汇总表“{kind}”", hint="可选：" + "、".join(SUMMARY_KINDS))
    report = builder(db, year, today)
    contact = str(preferences.get(db, "report_contact") or "").strip()
    return replace(report, notes=(*report.notes, f"填报人：{contact}")) if contact else report
