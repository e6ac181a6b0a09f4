"""The station inspection report (站点检查报告) as data: one station or a batch of thousands.

Why batches read in chunks: a county's 1,000 reports printed into one PDF must not load a
million rows at once nor ask the database 1,000 × 6 times. Each chunk of stations is read with a
handful of statements (figures, latest cases, fund balances, last re-examinations, zombie flags),
then its reports are yielded one by one for the layout to consume lazily.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.case_rules import case_number
from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.logo import decode_logo
from stationdesk.domain.money import format_yuan
from stationdesk.domain.standards import (
    DEFAULT_FACILITIES,
    LevelStandard,
    Threshold,
    evaluate_against_standard,
    facilities_check,
)
from stationdesk.domain.vocabulary import (
    CaseOutcome,
    FirstPayoutDuty,
    HostStatus,
    ReexamOutcome,
    StationForm,
    StationLevel,
    StationStatus,
)
from stationdesk.errors import UserError
from stationdesk.services import preferences, zombies
from stationdesk.services.report_types import (
    CaseLine,
    FacilityLine,
    FundSummary,
    IndicatorLine,
    LabelledValue,
    StationReport,
)
from stationdesk.services.standards import default_draft, draft_of_row
from stationdesk.store import figures as figure_queries
from stationdesk.store import report_queries
from stationdesk.store.case_queries import CaseRow, case_rows
from stationdesk.store.database import Database
from stationdesk.store.models import County, Standard, Station

DEFAULT_CASE_LIMIT = 15
"""Cases a report lists by default: the latest 15 keep a typical station on one A4 page."""

CHUNK = 200
"""Stations read per round trip in a batch: big enough to amortise the statements, small enough
that memory stays flat however many stations the batch has."""


@dataclass(frozen=True)
class ReportScope:
    """Which stations a batch prints: a county (or all), whether removed ones too."""

    county_id: int | None = None
    include_removed: bool = False


def report_station_ids(db: Database, scope: ReportScope) -> list[int]:
    """The stations of `scope` in print order: county as the register sorts it, then code."""
    query = select(Station.id).join(County, County.id == Station.county_id)
    if scope.county_id is not None:
        query = query.where(Station.county_id == scope.county_id)
    if not scope.include_removed:
        query = query.where(Station.status != StationStatus.REMOVED.value)
    with db.reading() as session:
        return list(session.scalars(query.order_by(County.sort_order, County.code, Station.code)))


def _identity(station: Station) -> tuple[LabelledValue, ...]:
    place = station.county.name + (f" {station.street.name}" if station.street else "")
    return (
        LabelledValue("站点名称", station.name),
        LabelledValue("站点编号", station.code),
        LabelledValue("五进类别", station.category.name),
        LabelledValue("站点形式", StationForm.label_for(station.form)),
        LabelledValue("示范级别", StationLevel.label_for(station.level)),
        LabelledValue("运行状态", StationStatus.label_for(station.status)),
        LabelledValue("依托单位", station.host_name),
        LabelledValue("统一社会信用代码", station.host_credit_code),
        LabelledValue("依托单位状态", HostStatus.label_for(station.host_status)),
        LabelledValue("所属辖区", place),
        LabelledValue("地址", station.address),
        LabelledValue("监管所", station.office.name if station.office else ""),
        LabelledValue("联系人", station.contact_person),
        LabelledValue("联系电话", station.contact_phone),
        LabelledValue("建站日期", station.established_on.isoformat() if station.established_on else ""),
        LabelledValue("挂牌日期", station.plaque_on.isoformat() if station.plaque_on else ""),
    )


def _status_note(station: Station) -> str:
    if station.status == StationStatus.ACTIVE.value:
        return ""
    when = f"于 {station.status_changed_on.isoformat()} " if station.status_changed_on else ""
    reason = f"（{station.status_reason}）" if station.status_reason else ""
    return f"该站点{when}{StationStatus.label_for(station.status)}{reason}"


def _facilities(station: Station) -> tuple[tuple[FacilityLine, ...], str]:
    level = StationLevel(station.level)
    present = {code for code, has in (station.facilities or {}).items() if has}
    lines = tuple(
        FacilityLine(item.label, item.required_for(level), item.code in present)
        for item in DEFAULT_FACILITIES
    )
    rate = facilities_check(level, present)
    shown = f"{rate.percent_text()}（{rate.counts_text()}）" if rate.has_data else "本级别无必备项目"
    return lines, shown


def _bar(threshold: Threshold) -> str:
    return threshold.describe() if threshold.is_requirement else "不作要求"


def indicator_lines(
    standard: LevelStandard, figures: StationFigures, in_scheme: bool, count_basic: bool
) -> tuple[IndicatorLine, ...]:
    """The period's indicators beside the standard for the station's level.

    达标 / 未达标 come from `evaluate_against_standard`, the very judgement the re-examination
    makes, so the paper never disagrees with the screen. Lines the standard does not judge
    (按时办结率, 挽回经济损失) print with "—".
    """
    operates = in_scheme or figures.payouts > 0
    met = {
        f.code: f.met
        for f in evaluate_against_standard(
            standard,
            figures.rate(Indicator.SELF_MEDIATION),
            figures.rate(Indicator.MEDIATION_SUCCESS),
            operates,
            figures.received,
            figures.rate(Indicator.SATISFACTION, count_basic),
        )
    }

    def rate_line(label: str, indicator: Indicator, threshold: Threshold, code: str) -> IndicatorLine:
        rate = figures.rate(indicator, count_basic)
        judged = met.get(code) if threshold.is_requirement else None
        return IndicatorLine(
            label,
            rate.percent_text(),
            rate.counts_text() if rate.has_data else "无数据",
            _bar(threshold),
            judged,
        )

    on_time = figures.rate(Indicator.ON_TIME)
    duty = standard.first_payout
    return (
        IndicatorLine(
            "受理投诉",
            f"{figures.received} 件",
            f"办结 {figures.closed}",
            f"≥ {standard.min_cases} 件" if standard.min_cases else "不作要求",
            met["min_cases"] if standard.min_cases else None,
        ),
        rate_line("自行调解率", Indicator.SELF_MEDIATION, standard.self_mediation, "self_mediation"),
        rate_line("调解成功率", Indicator.MEDIATION_SUCCESS, standard.success, "success"),
        rate_line("回访满意率", Indicator.SATISFACTION, standard.satisfaction, "satisfaction"),
        IndicatorLine(
            "按时办结率",
            on_time.percent_text(),
            on_time.counts_text() if on_time.has_data else "无数据",
            "不作要求",
            None,
        ),
        IndicatorLine(
            "先行赔付",
            "已实行" if operates else "未实行",
            f"赔付 {figures.payouts} 起",
            duty.label,
            met["first_payout"] if duty is not FirstPayoutDuty.NONE else None,
        ),
        IndicatorLine("挽回经济损失", f"{format_yuan(figures.recovered_fen)} 元", "", "—", None),
        IndicatorLine("超期未办结", f"{figures.overdue} 件", "", "—", None),
        IndicatorLine("接待咨询", f"{figures.consultations} 次", "", "—", None),
    )


def _case_line(row: CaseRow) -> CaseLine:
    result = "办理中" if row.outcome is None else CaseOutcome.label_for(row.outcome)
    subject = " · ".join(part for part in (row.goods_category, row.operator_name) if part)
    return CaseLine(
        case_number(row.id, row.received_on),
        row.received_on,
        row.consumer,
        subject,
        result,
        row.closed_on,
        row.amount_recovered_fen,
    )


def _reexam_lines(last: report_queries.LastReexam | None) -> tuple[LabelledValue, ...]:
    if last is None:
        return ()
    lines = [LabelledValue("复核年度", f"{last.year} 年")]
    if last.total_score is not None:
        lines.append(LabelledValue("综合得分", f"{last.total_score:g} 分"))
    if last.proposed:
        lines.append(LabelledValue("系统建议", ReexamOutcome.label_for(last.proposed)))
    if last.decided:
        who = "，".join(
            p for p in (last.decided_by, last.decided_on.isoformat() if last.decided_on else "") if p
        )
        reason = f"（{last.decision_reason}）" if last.decision_reason else ""
        lines.append(
            LabelledValue(
                "复核结论", f"{ReexamOutcome.label_for(last.decided)}{reason}" + (f"，{who}" if who else "")
            )
        )
    else:
        lines.append(LabelledValue("复核结论", "尚未决定"))
    return tuple(lines)


class _Standards:
    """The standard of each level for the report year: the latest saved revision, else the
    built-in defaults (read once per batch; printing never freezes or saves a standard)."""

    def __init__(self, session: Session, year: int) -> None:
        self._session, self._year = session, year
        self._by_level: dict[str, LevelStandard] = {}

    def __getitem__(self, level: str) -> LevelStandard:
        found = self._by_level.get(level)
        if found is None:
            row = self._session.scalar(
                select(Standard)
                .where(Standard.level == level, Standard.year == self._year)
                .order_by(Standard.revision.desc())
            )
            draft = draft_of_row(row) if row is not None else default_draft(StationLevel(level), self._year)
            found = self._by_level[level] = draft.level_standard()
        return found


def station_reports(
    db: Database,
    station_ids: Sequence[int],
    year: int,
    today: date,
    case_limit: int | None = DEFAULT_CASE_LIMIT,
) -> Iterator[StationReport]:
    """The reports of `station_ids` for `year`, in the order given, read `CHUNK` at a time.

    `case_limit` None lists every case of the year. Figures are for the whole year (overdue as of
    `today` when the year is the current one); zombie flags are as of `today`.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    as_of = today if start <= today <= end else None
    with db.reading() as session:
        bureau = str(preferences.read(session, "bureau_name") or "")
        logo = decode_logo(str(preferences.read(session, "bureau_logo") or ""))
        count_basic = bool(preferences.read(session, "satisfaction_counts_basic"))
    for offset in range(0, len(station_ids), CHUNK):
        chunk = list(station_ids[offset : offset + CHUNK])
        flags = zombies.flags_for(db, chunk, today)
        with db.reading() as session:
            standards = _Standards(session, year)
            stations = report_queries.stations_with_places(session, chunk)
            found = figure_queries.station_figures(session, start, end, chunk, as_of)
            case_ids, totals = report_queries.latest_case_ids(session, chunk, start, end, case_limit)
            rows = case_rows(session, [cid for ids in case_ids.values() for cid in ids])
            balances = report_queries.fund_balances(session, chunk, min(today, end))
            reexams = report_queries.last_reexams(session, chunk, year)
            reports = []
            for station_id in chunk:
                station = stations.get(station_id)
                if station is None:
                    continue
                facilities, facilities_rate = _facilities(station)
                figures = found.get(station_id) or StationFigures(station_id)
                flag = flags.get(station_id)
                reports.append(
                    StationReport(
                        bureau_name=bureau,
                        bureau_logo=logo,
                        year=year,
                        period_start=start,
                        period_end=end,
                        printed_on=today,
                        code=station.code,
                        name=station.name,
                        identity=_identity(station),
                        level_label=StationLevel.label_for(station.level),
                        facilities=facilities,
                        facilities_rate=facilities_rate,
                        indicators=indicator_lines(
                            standards[station.level], figures, station.first_payout_scheme, count_basic
                        ),
                        fund=FundSummary(
                            station.first_payout_scheme,
                            station.fund_committed_fen,
                            balances.get(station_id, 0),
                            figures.payouts,
                            figures.payout_fen,
                            figures.payout_recovered_fen,
                        ),
                        cases=tuple(
                            _case_line(rows[cid]) for cid in case_ids.get(station_id, ()) if cid in rows
                        ),
                        cases_total=totals.get(station_id, 0),
                        reexam=_reexam_lines(reexams.get(station_id)),
                        zombie_flags=tuple(zombies.evidence_lines(flag)) if flag else (),
                        status_note=_status_note(station),
                    )
                )
        yield from reports


def station_report(
    db: Database, station_id: int, year: int, today: date, case_limit: int | None = DEFAULT_CASE_LIMIT
) -> StationReport:
    """One station's report (the station page's 打印 and `report station`)."""
    found = list(station_reports(db, [station_id], year, today, case_limit))
    if not found:
        raise UserError(f"找不到编号为 {station_id} 的站点", hint="它可能已被他人合并，请刷新列表")
    return found[0]
