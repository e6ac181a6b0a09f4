"""The overview on paper (统计概览): the home page's figures per area, the sentences a leader
quotes, and the four charts, as one `TableReport` that prints and exports like every summary.

Built from `overview.overview()` itself, so what is printed is what the screen showed for the
same year and county.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from stationdesk.domain.dates import chinese_day
from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.money import format_wan_yuan
from stationdesk.services.letterhead import bureau_logo, bureau_name
from stationdesk.services.overview import ALL_AREAS, Overview, OverviewFilter, overview
from stationdesk.services.report_types import Cell, Column, TableReport
from stationdesk.store.database import Database


def change_words(now: int, before: int, unit: str) -> str:
    """"较去年同期增加 12 件（+8.5%）", "与去年同期持平", "去年同期为 0"."""
    if now == before:
        return "与去年同期持平"
    if before == 0:
        return f"去年同期为 0 {unit}"
    direction = "增加" if now > before else "减少"
    percent = Fraction(abs(now - before) * 100, before)
    return f"较去年同期{direction} {abs(now - before)} {unit}（{'+' if now > before else '-'}{float(percent):.1f}%）"


def headline(seen: Overview) -> list[str]:
    """The sentences the report opens with."""
    start, end = seen.period
    place = seen.area_name
    levels = "、".join(f"{t.label} {t.value} 个" for t in seen.by_level)
    f, last = seen.figures, seen.last_figures
    success = f.rate(Indicator.MEDIATION_SUCCESS).percent_text()
    return [
        f"截至{chinese_day(end)}，{place}在册消费维权服务站 {seen.stations.value} 个（{levels}）；"
        f"{start.year}年新设 {seen.new_stations.value} 个，撤销 {seen.removed_stations.value} 个。",
        f"{chinese_day(start)}至{chinese_day(end)}，受理投诉 {f.received} 件，{change_words(f.received, last.received, '件')}；"
        f"自行调解 {f.self_mediated} 件，调解成功率 {success}；挽回经济损失 {format_wan_yuan(f.recovered_fen)} 万元；"
        f"先行赔付 {f.payouts} 起 {format_wan_yuan(f.payout_fen)} 万元，{change_words(f.payouts, last.payouts, '起')}。",
        f"目前逾期未办结的投诉 {seen.overdue.value} 件。",
    ]


def _line(name: str, stations: int, f: StationFigures) -> tuple[Cell, ...]:
    return (
        name,
        stations,
        f.received,
        f.closed,
        f.self_mediated,
        f.rate(Indicator.MEDIATION_SUCCESS).fraction,
        f.recovered_fen,
        f.payouts,
        f.payout_fen,
    )


def overview_report(db: Database, flt: OverviewFilter, today: date) -> TableReport:
    """统计概览 for `flt`: one row per area (county, or street of the chosen county), totals,
    the headline sentences and the charts."""
    seen = overview(db, flt, today)
    start, end = seen.period
    area_title = "县（市、区）" if flt.county_id is None else "街道（乡镇）"
    columns = (
        Column(area_title, "text", 1.8),
        Column("在册站点", "int"),
        Column("受理投诉", "int"),
        Column("办结", "int"),
        Column("自行调解", "int"),
        Column("调解成功率", "rate"),
        Column("挽回经济损失（万元）", "wan", 1.3),
        Column("先行赔付（起）", "int"),
        Column("先行赔付金额（万元）", "wan", 1.3),
    )
    scope = "" if seen.area_name == ALL_AREAS else f"（{seen.area_name}）"
    return TableReport(
        title=f"{flt.year}年消费维权服务站统计概览{scope}",
        subtitle=f"统计期间：{chinese_day(start)}至{chinese_day(end)}",
        bureau_name=bureau_name(db),
        bureau_logo=bureau_logo(db),
        printed_on=today,
        columns=columns,
        rows=[_line(a.name, a.stations, a.figures) for a in seen.areas],
        total=_line("合计", seen.stations.value, seen.figures),
        paragraphs=tuple(headline(seen)),
        landscape=True,
        sheet_name=f"{flt.year}统计概览",
        notes=(
            "在册站点不含已撤销站点；受理、办结、自行调解按受理日期计入，先行赔付按赔付日期计入。",
            "去年同期指上一年的同一段日期。",
        ),
        charts=seen.charts,
    )
