"""年度复核: start a year's round, score, propose, decide, close, reopen; rank; history.

A round keeps, per station, a snapshot of the year's figures, the standard revision it was judged
by (frozen from then on), the inspector's scores, the rules' proposal with its reasons, and the
decision with who made it. A confirmed outcome changes the station's level or status through
`services.stations.change_station_status`, so it appears in the station's history like any change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.reexam_rules import (
    OUTCOME_ACTIONS,
    Proposal,
    check_decision,
    group_by,
    propose,
    rank,
    red_and_black,
)
from stationdesk.domain.scoring import ScoreItem, check_scores, score_sheet
from stationdesk.domain.vocabulary import HistoryKind, ReexamOutcome, StationLevel, StationStatus
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import audit, preferences, stations
from stationdesk.services.standards import draft_of_row, standard_in_force
from stationdesk.store import figures as store_figures
from stationdesk.store.database import Database
from stationdesk.store.models import County, Reexamination, ReexamRound, Standard, Station
from stationdesk.store.types import utc_now

Progress = Callable[[int, int, str], None]
LABELS = {"outcome": "复核结论", "reason": "理由", "scores": "现场评分", "inspector": "检查人", "inspected_on": "检查日期"}
_FIGURE_FIELDS = [f.name for f in fields(StationFigures)]


@dataclass(frozen=True)
class RoundInfo:
    id: int
    year: int
    title: str
    closed: bool
    stations: int
    decided: int
    scored: int
    created_by: str


@dataclass(frozen=True)
class ReexamRow:
    """One station in a round, as the round view, the grid and the CLI show it."""

    id: int
    station_id: int
    code: str
    name: str
    county: str
    level: str
    figures: StationFigures
    scores: dict[str, Any]
    inspector: str
    inspected_on: date | None
    on_site: Decimal | None
    performance: Decimal
    first_payout_points: Decimal
    total: Decimal | None
    proposed: str | None
    reasons: tuple[str, ...]
    decided: str | None
    decision_reason: str
    document_no: str
    decided_by: str
    decided_at: datetime | None
    checklist: tuple[ScoreItem, ...]

    @property
    def outcome_text(self) -> str:
        return ReexamOutcome(self.decided).label if self.decided else "待确认"

    @property
    def proposed_text(self) -> str:
        return ReexamOutcome(self.proposed).label if self.proposed else ""


# -- snapshots ------------------------------------------------------------------------------
def _snapshot(figures: StationFigures, station: Station) -> dict[str, Any]:
    """What a round keeps of a station's year: the figures (counts, dates as text) and the facts
    the rules used, so a proposal can be recomputed and explained years later."""
    values: dict[str, Any] = {}
    for name in _FIGURE_FIELDS:
        value = getattr(figures, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values | {
        "level": station.level,
        "in_scheme": station.first_payout_scheme,
        "host_status": station.host_status,
        "rates": {k: v for k, v in figures.as_dict().items() if k.endswith(("_rate", "_counts"))},
    }


def _figures(snapshot: Mapping[str, Any]) -> StationFigures:
    values = {name: snapshot.get(name) for name in _FIGURE_FIELDS}
    for name in ("last_case_on", "last_consultation_on"):
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    return StationFigures(**{k: (0 if v is None and k not in ("last_case_on", "last_consultation_on") else v)
                             for k, v in values.items()})  # fmt: skip


def _judge(row: Reexamination, standard: Standard, count_basic: bool) -> tuple[Proposal, Decimal | None, Any]:
    draft = draft_of_row(standard)
    snapshot = row.indicators
    figures = _figures(snapshot)
    sheet = score_sheet(
        draft.level_standard(), draft.checklist, figures, bool(snapshot.get("in_scheme")),
        row.checklist_scores or None, count_basic,
    )  # fmt: skip
    proposal = propose(
        StationLevel(snapshot["level"]), draft.level_standard(), figures, bool(snapshot.get("in_scheme")),
        snapshot.get("host_status", "normal"), sheet.total, count_basic,
        Decimal(draft.pass_score), Decimal(draft.upgrade_score),
    )  # fmt: skip
    return proposal, sheet.total, sheet


def _repropose(session: Session, row: Reexamination, count_basic: bool) -> None:
    standard = session.get(Standard, row.standard_id)
    assert standard is not None
    proposal, total, _sheet = _judge(row, standard, count_basic)
    row.proposed_outcome = proposal.outcome.value
    row.proposed_reasons = list(proposal.reasons)
    row.total_score = float(total) if total is not None else None


# -- rounds ---------------------------------------------------------------------------------
def _round_info(session: Session, round_: ReexamRound) -> RoundInfo:
    rows = session.execute(
        select(Reexamination.decided_outcome, Reexamination.inspected_on).where(Reexamination.round_id == round_.id)
    ).all()
    return RoundInfo(
        round_.id, round_.year, round_.title, round_.closed, len(rows),
        sum(1 for r in rows if r.decided_outcome), sum(1 for r in rows if r.inspected_on), round_.created_by,
    )  # fmt: skip


def round_of_year(db: Database, year: int) -> RoundInfo | None:
    with db.reading() as session:
        round_ = session.scalar(select(ReexamRound).where(ReexamRound.year == year))
        return _round_info(session, round_) if round_ else None


def _round(session: Session, round_id: int) -> ReexamRound:
    round_ = session.get(ReexamRound, round_id)
    if round_ is None:
        raise UserError("找不到该复核轮次", hint="请刷新")
    return round_


def _open_round(session: Session, round_id: int) -> ReexamRound:
    round_ = _round(session, round_id)
    if round_.closed:
        raise UserError(f"{round_.year}年度复核已结束，不能再修改", hint="如需修改，请管理员重新开放")
    return round_


def demonstration_station_ids(db: Database) -> list[int]:
    """The stations a round covers by default: every demonstration station not removed."""
    with db.reading() as session:
        return list(
            session.scalars(
                select(Station.id)
                .where(Station.level.in_([lv.value for lv in StationLevel if lv.is_demonstration]))
                .where(Station.status != StationStatus.REMOVED.value)
                .order_by(Station.code)
            )
        )


def start_round(
    db: Database,
    year: int,
    actor: str,
    today: date,
    station_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> RoundInfo:
    """Open the year's round over `station_ids` (default: every demonstration station): snapshot
    each station's figures for the year, freeze the standards used, propose an outcome for each.

    One unit of work: cancelled or failed, nothing of the round remains.
    """
    if not 2000 <= year <= today.year:
        raise UserError(f"复核年度应在 2000 至 {today.year} 年之间")
    ids = list(station_ids) if station_ids is not None else demonstration_station_ids(db)
    if not ids:
        raise UserError("没有需要复核的示范站点", hint="请先在站点台账中设定省级、市级示范站点")
    report = progress or (lambda _d, _t, _s: None)
    with db.writing() as session:
        if session.scalar(select(ReexamRound.id).where(ReexamRound.year == year)) is not None:
            raise UserError(f"{year}年度复核已经开始", hint="请在年度复核页面继续")
        count_basic = bool(preferences.read(session, "satisfaction_counts_basic"))
        round_ = ReexamRound(year=year, title=f"{year}年度示范站点复核", created_by=actor, updated_by=actor)
        session.add(round_)
        session.flush()
        report(0, len(ids), "正在统计全年指标…")
        as_of = today if today.year == year else None
        figures = store_figures.station_figures(session, date(year, 1, 1), date(year, 12, 31), ids, as_of)
        stations_by_id = {s.id: s for s in session.scalars(select(Station).where(Station.id.in_(ids)))}
        standards: dict[str, Standard] = {}
        for number, station_id in enumerate(ids, start=1):
            if should_cancel is not None and should_cancel():
                raise UserError("已取消，复核未开始")
            station = stations_by_id.get(station_id)
            if station is None:
                continue
            standard = standards.get(station.level) or standard_in_force(session, station.level, year, actor)
            standards[station.level] = standard
            row = Reexamination(
                round_id=round_.id, station_id=station.id, standard_id=standard.id,
                indicators=_snapshot(figures.get(station.id) or StationFigures(station.id), station),
                checklist_scores={}, created_by=actor, updated_by=actor,
            )  # fmt: skip
            _repropose(session, row, count_basic)
            session.add(row)
            if number % 200 == 0:
                report(number, len(ids), f"已生成 {number}/{len(ids)} 个站点的复核建议")
        session.flush()
        audit.record(session, actor, "start", "reexam_round", round_.id, new={"year": year, "stations": len(ids)})
        report(len(ids), len(ids), "完成")
        return _round_info(session, round_)


def refresh_proposals(db: Database, round_id: int, actor: str, today: date) -> RoundInfo:
    """Re-read the year's figures for undecided stations (cases entered late) and propose again."""
    with db.writing() as session:
        round_ = _open_round(session, round_id)
        rows = list(session.scalars(select(Reexamination).where(Reexamination.round_id == round_id)))
        pending = [r for r in rows if not r.decided_outcome]
        as_of = today if today.year == round_.year else None
        year = round_.year
        figures = store_figures.station_figures(
            session, date(year, 1, 1), date(year, 12, 31), [r.station_id for r in pending], as_of
        )
        count_basic = bool(preferences.read(session, "satisfaction_counts_basic"))
        stations_by_id = {s.id: s for s in session.scalars(select(Station).where(Station.id.in_([r.station_id for r in pending])))}
        for row in pending:
            row.indicators = _snapshot(figures.get(row.station_id) or StationFigures(row.station_id), stations_by_id[row.station_id])
            _repropose(session, row, count_basic)
        audit.record(session, actor, "refresh", "reexam_round", round_id, new={"stations": len(pending)})
        return _round_info(session, round_)


def round_rows(db: Database, round_id: int) -> list[ReexamRow]:
    """Every station of the round, by station code (a province has a few thousand)."""
    with db.reading() as session:
        count_basic = bool(preferences.read(session, "satisfaction_counts_basic"))
        standards = {s.id: s for s in session.scalars(select(Standard).join(
            Reexamination, Reexamination.standard_id == Standard.id).where(Reexamination.round_id == round_id))}
        result = session.execute(
            select(Reexamination, Station.code, Station.name, County.name)
            .join(Station, Station.id == Reexamination.station_id)
            .join(County, County.id == Station.county_id)
            .where(Reexamination.round_id == round_id)
            .order_by(Station.code)
        ).all()  # fmt: skip
        rows = []
        for row, code, name, county in result:
            standard = standards[row.standard_id]
            _proposal, total, sheet = _judge(row, standard, count_basic)
            rows.append(
                ReexamRow(
                    row.id, row.station_id, code, name, county, row.indicators.get("level", ""),
                    _figures(row.indicators), dict(row.checklist_scores or {}), row.inspector, row.inspected_on,
                    None if sheet.on_site is None else sum(sheet.on_site.values(), Decimal(0)),
                    sheet.performance, sheet.first_payout, total, row.proposed_outcome,
                    tuple(row.proposed_reasons or ()), row.decided_outcome, row.decision_reason, row.document_no,
                    row.decided_by, row.decided_at, draft_of_row(standard).checklist,
                )
            )  # fmt: skip
        return rows


# -- scores ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ScoreEntry:
    """The inspector's sheet for one station: item code → points, who inspected, when."""

    reexam_id: int
    scores: Mapping[str, Any]
    inspector: str
    inspected_on: date | None


def _check_entry(entry: ScoreEntry, items: Iterable[ScoreItem], today: date, label: str = "") -> dict[str, str]:
    problems = {f"{label}{k}": v for k, v in check_scores(items, entry.scores).items()}
    if not entry.inspector.strip():
        problems[f"{label}inspector"] = "请填写检查人"
    if entry.inspected_on is None:
        problems[f"{label}inspected_on"] = "请填写检查日期"
    elif entry.inspected_on > today:
        problems[f"{label}inspected_on"] = f"检查日期不能晚于今天（{today.isoformat()}）"
    return problems


def enter_scores(db: Database, entries: Iterable[ScoreEntry], actor: str, today: date) -> int:
    """Record inspectors' sheets (one or a whole grid) in one unit of work; each changes the
    station's total and proposal. Any wrong cell refuses the lot, naming station and item."""
    entries = list(entries)
    with db.writing() as session:
        count_basic = bool(preferences.read(session, "satisfaction_counts_basic"))
        problems: dict[str, str] = {}
        rows: list[tuple[Reexamination, ScoreEntry]] = []
        for entry in entries:
            row = session.get(Reexamination, entry.reexam_id)
            if row is None:
                raise UserError("找不到该站点的复核记录", hint="请刷新")
            _open_round(session, row.round_id)
            if row.decided_outcome:
                station = session.get(Station, row.station_id)
                raise UserError(f"站点“{station.name if station else row.station_id}”的复核结论已确认，不能再改评分")
            standard = session.get(Standard, row.standard_id)
            assert standard is not None
            station_code = session.scalar(select(Station.code).where(Station.id == row.station_id))
            label = f"{station_code} " if len(entries) > 1 else ""
            problems |= _check_entry(entry, draft_of_row(standard).checklist, today, label)
            rows.append((row, entry))
        if problems:
            raise ValidationFailed(problems, LABELS)
        for row, entry in rows:
            row.checklist_scores = {k: str(Decimal(str(v).strip())) for k, v in entry.scores.items() if str(v).strip() != ""}
            row.inspector, row.inspected_on, row.updated_by = entry.inspector.strip(), entry.inspected_on, actor
            _repropose(session, row, count_basic)
            audit.record(session, actor, "score", "reexamination", row.id, station_id=row.station_id,
                         new={"scores": row.checklist_scores, "inspector": row.inspector,
                              "inspected_on": row.inspected_on})  # fmt: skip
        return len(rows)


# -- decisions ------------------------------------------------------------------------------
def decide(
    db: Database,
    reexam_id: int,
    outcome: str,
    reason: str,
    actor: str,
    today: date,
    document_no: str = "",
) -> ReexamOutcome:
    """Confirm (same as the proposal) or override (needs a reason) one station's outcome, and
    apply it to the station through the register's history (kind 年度复核)."""
    with db.writing() as session:
        row = session.get(Reexamination, reexam_id)
        if row is None:
            raise UserError("找不到该站点的复核记录", hint="请刷新")
        round_ = _open_round(session, row.round_id)
        if row.decided_outcome:
            raise UserError("该站点的复核结论已确认", hint="如需更改，请管理员重新开放本轮复核后处理")
        problems = check_decision(row.proposed_outcome, outcome, reason)
        if problems:
            raise ValidationFailed(problems, LABELS)
        chosen = ReexamOutcome(outcome)
        why = reason.strip() or "；".join(row.proposed_reasons or ()) or chosen.label
        row.decided_outcome, row.decision_reason, row.document_no = chosen.value, reason.strip(), document_no.strip()
        row.decided_by, row.decided_at, row.updated_by = actor, utc_now(), actor
        audit.record(session, actor, "decide", "reexamination", row.id, station_id=row.station_id,
                     new={"outcome": chosen.value, "proposed": row.proposed_outcome, "reason": reason.strip()})  # fmt: skip
        station_id, year = row.station_id, round_.year
    action = OUTCOME_ACTIONS[chosen]
    if action is not None:
        try:
            stations.change_station_status(
                db, station_id, action, reason=f"{year}年度复核：{why}"[:500], effective_on=today, actor=actor,
                today=today, document_no=document_no, kind=HistoryKind.REEXAM,
            )  # fmt: skip
        except UserError:
            _undo_decision(db, reexam_id)
            raise
    return chosen


def _undo_decision(db: Database, reexam_id: int) -> None:
    """The station change was refused (e.g. it was removed meanwhile): the decision is not kept."""
    with db.writing() as session:
        row = session.get(Reexamination, reexam_id)
        if row is not None:
            row.decided_outcome, row.decision_reason, row.decided_by, row.decided_at = None, "", "", None


def confirm_proposals(db: Database, reexam_ids: Iterable[int], actor: str, today: date) -> int:
    """Confirm the proposals of several stations as they stand (no reason needed); returns how many."""
    confirmed = 0
    for reexam_id in reexam_ids:
        with db.reading() as session:
            row = session.get(Reexamination, reexam_id)
            proposed = row.proposed_outcome if row is not None and not row.decided_outcome else None
        if proposed:
            decide(db, reexam_id, proposed, "", actor, today)
            confirmed += 1
    return confirmed


def close_round(db: Database, round_id: int, actor: str) -> RoundInfo:
    """End the round: no more scores or decisions. Every station must have a confirmed outcome."""
    with db.writing() as session:
        round_ = _open_round(session, round_id)
        info = _round_info(session, round_)
        if info.decided < info.stations:
            raise UserError(f"还有 {info.stations - info.decided} 个站点未确认复核结论，不能结束本轮复核")
        round_.closed, round_.closed_at, round_.updated_by = True, utc_now(), actor
        audit.record(session, actor, "close", "reexam_round", round_id)
        return _round_info(session, round_)


def reopen_round(db: Database, round_id: int, actor: str, is_admin: bool, reason: str) -> RoundInfo:
    """Reopen a closed round: administrators only, with a reason, recorded in the audit trail."""
    if not is_admin:
        raise UserError("只有管理员可以重新开放已结束的复核")
    if not reason.strip():
        raise ValidationFailed({"reason": "请填写重新开放的理由"}, LABELS)
    with db.writing() as session:
        round_ = _round(session, round_id)
        if not round_.closed:
            raise UserError(f"{round_.year}年度复核尚未结束")
        round_.closed, round_.closed_at, round_.updated_by = False, None, actor
        audit.record(session, actor, "reopen", "reexam_round", round_id, new={"reason": reason.strip()})
        return _round_info(session, round_)


# -- ranking --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ranking:
    """A round's ranking: overall and per county, with the red and black lists."""

    overall: list[ReexamRow]
    by_county: dict[str, list[ReexamRow]]
    red: list[ReexamRow]
    black: list[ReexamRow]
    size: int


def _rank_key(row: ReexamRow) -> tuple[Decimal, Fraction | None, int, str]:
    return (row.total, row.figures.rate(Indicator.MEDIATION_SUCCESS).fraction, row.figures.received,  # type: ignore[return-value]
            row.code)  # fmt: skip


def ranking(db: Database, round_id: int, size: int | None = None) -> Ranking:
    """Rank the round's stations by total score (ties: `reexam_rules.TIE_RULE`); the top and
    bottom `size` (default: the setting, 3) are the red and black lists."""
    rows = round_rows(db, round_id)
    if size is None:
        size = int(preferences.get(db, "ranking_size"))
    overall = rank(rows, _rank_key)
    scored = [r for r in overall if r.total is not None]
    red, black = red_and_black(scored, size)
    by_county = {county: rank(group, _rank_key) for county, group in group_by(rows, lambda r: r.county).items()}
    return Ranking(overall, by_county, red, black, size)


# -- a station's history --------------------------------------------------------------------
@dataclass(frozen=True)
class StationRound:
    year: int
    level: str
    figures: StationFigures
    total: float | None
    proposed: str | None
    reasons: tuple[str, ...]
    decided: str | None
    decision_reason: str
    decided_by: str
    decided_at: datetime | None


def station_rounds(db: Database, station_id: int) -> list[StationRound]:
    """Every round the station was in, newest first: figures, score, proposal, decision, who."""
    with db.reading() as session:
        rows = session.execute(
            select(ReexamRound.year, Reexamination)
            .join(Reexamination, Reexamination.round_id == ReexamRound.id)
            .where(Reexamination.station_id == station_id)
            .order_by(ReexamRound.year.desc())
        ).all()
        return [
            StationRound(
                year, r.indicators.get("level", ""), _figures(r.indicators), r.total_score, r.proposed_outcome,
                tuple(r.proposed_reasons or ()), r.decided_outcome, r.decision_reason, r.decided_by, r.decided_at,
            )
            for year, r in rows
        ]
