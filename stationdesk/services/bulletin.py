"""The weekly bulletin (每周动态): a week's new cases, closings, overdue cases, follow-ups and
first payouts per county, each beside the week before.

Why a `TableReport`: the bulletin is printed for the Monday meeting and sent on as Excel, the
same two ways as every summary, so it takes the summaries' renderers unchanged. The counts are
grouped per county in SQL (`store.overview_queries.week_counts`).
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date

from stationdesk.domain.money import format_yuan
from stationdesk.domain.periods import Week
from stationdesk.services import register
from stationdesk.services.letterhead import bureau_logo, bureau_name
from stationdesk.services.report_types import Cell, Column, HeaderGroup, TableReport
from stationdesk.store import overview_queries
from stationdesk.store.database import Database
from stationdesk.store.overview_queries import WeekCounts

_COMPARED = (
    ("received", "新收投诉（件）"),
    ("closed", "办结（件）"),
    ("overdue", "周末逾期未办结（件）"),
    ("follow_ups", "回访（次）"),
    ("payouts", "先行赔付（笔）"),
)


def _add(counts: list[WeekCounts]) -> WeekCounts:
    return WeekCounts(*(sum(getattr(c, f.name) for c in counts) for f in fields(WeekCounts)))


def _row(name: str, now: WeekCounts, before: WeekCounts) -> tuple[Cell, ...]:
    cells: list[Cell] = [name]
    for key, _title in _COMPARED:
        this, last = getattr(now, key), getattr(before, key)
        cells += [this, last, this - last]
    cells.append(now.payout_fen)
    return tuple(cells)


def _sentence(place: str, now: WeekCounts, before: WeekCounts) -> str:
    def versus(key: str) -> str:
        this, last = getattr(now, key), getattr(before, key)
        if this == last:
            return "与上周持平"
        return f"较上周{'增加' if this > last else '减少'} {abs(this - last)}"

    return (
        f"{place}本周新收投诉 {now.received} 件，{versus('received')}；办结 {now.closed} 件；"
        f"周末逾期未办结 {now.overdue} 件，{versus('overdue')}；回访 {now.follow_ups} 次；"
        f"先行赔付 {now.payouts} 笔 {format_yuan(now.payout_fen)} 元。"
    )


def weekly_bulletin(db: Database, week: Week, today: date) -> TableReport:
    """每周动态 for `week` (Monday to Sunday), every county a row, the week before beside it."""
    before = week.previous
    with db.reading() as session:
        this_week = overview_queries.week_counts(session, week.monday, week.sunday)
        last_week = overview_queries.week_counts(session, before.monday, before.sunday)
    counties = [(c.id, c.name) for c in register.register_lookups(db).counties]
    rows, late = [], []
    for county_id, name in counties:
        now, then = this_week.get(county_id, WeekCounts()), last_week.get(county_id, WeekCounts())
        rows.append(_row(name, now, then))
        if now.overdue:
            late.append(f"{name} {now.overdue} 件")
    total_now, total_then = _add(list(this_week.values())), _add(list(last_week.values()))
    columns = [Column("县（市、区）", "text", 1.6)]
    groups = [HeaderGroup("", 1)]
    for _key, title in _COMPARED:
        columns += [Column("本周", "int", 0.8), Column("上周", "int", 0.8), Column("增减", "change", 0.8)]
        groups.append(HeaderGroup(title, 3))
    columns.append(Column("本周赔付金额（元）", "money", 1.3))
    groups.append(HeaderGroup("", 1))
    paragraphs = [_sentence("全辖区", total_now, total_then)]
    if late:
        paragraphs.append("周末仍有逾期未办结案件的县区：" + "、".join(late) + "。请督促相关站点尽快办结。")
    return TableReport(
        title="消费维权服务站每周动态",
        subtitle=week.label,
        bureau_name=bureau_name(db),
        bureau_logo=bureau_logo(db),
        printed_on=today,
        columns=tuple(columns),
        rows=rows,
        total=_row("合计", total_now, total_then),
        header_groups=tuple(groups),
        paragraphs=tuple(paragraphs),
        landscape=True,
        sheet_name="每周动态",
        notes=(
            "新收按受理日期、办结按办结日期、回访和先行赔付按发生日期计入当周（周一至周日）。",
            "周末逾期未办结：截至周日已受理、尚未办结且已超过应办结日期的案件。",
        ),
    )
