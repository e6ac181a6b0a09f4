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

from stationdesk.domain.figures import STATION_RATES, StationFigures
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
from stationdesk.domain.scoring import ScoreItem, ScoreSheet, check_scores, score_sheet
from stationdesk.domain.standards import LevelStandard
from stationdesk.domain.station_lifecycle import ChangeRefused, StationAction, plan_change
from stationdesk.domain.vocabulary import HistoryKind, ReexamOutcome, StationLevel, StationStatus
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import audit, preferences, stations
from stationdesk.services.standards import StandardDraft, draft_of_row, standard_in_force
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
def _snapshot(figures: StationFigures, station: Station, count_basic: bool) -> dict[str, Any]:
    """What a round keeps of a station's year: the figures (counts, dates as text) and the facts
    the rules used, so a proposal can be recomputed and explained years later."""
    values: dict[str, Any] = {}
    for name in _FIGURE_FIELDS:
        value = getattr(figures, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    rates: dict[str, str] = {}
    for indicator in STATION_RATES:  # as StationFigures.as_dict writes them, without its asdict()
        rate = figures.rate(indicator, count_basic)
        rates[f"{indicator.value}_rate"], rates[f"{indicator.value}_counts"] = rate.percent_text(), rate.counts_text()
    return values | {
        "level": station.level,
        "in_scheme": station.first_payout_scheme,
        "host_status": station.host_status,
        "rates": rates,
    }


def _figures(snapshot: Mapping[str, Any]) -> StationFigures:
    values = {name: snapshot.get(name) for name in _FIGURE_FIELDS}
    for name in ("last_case_on", "last_consultation_on"):
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    return StationFigures(**{k: (0 if v is None and k not in ("last_case_on", "last_consultation_on") else v)
                             for k, v in values.items()})  # fmt: skip


@dataclass(frozen=True)
class _Judging:
    """One standard revision, read and parsed once per unit of work (not once per station)."""

    draft: StandardDraft
    level_standard: LevelStandard
    count_basic: bool

    def sheet(self, row: Reexamination, figures: StationFigures) -> ScoreSheet:
        snapshot = row.indicators
        return score_sheet(
            self.level_standard, self.draft.checklist, figures, bool(snapshot.get("in_scheme")),
            row.checklist_scores or None, self.count_basic,
        )  # fmt: skip

    def propose(self, row: Reexamination, figures: StationFigures, total: Decimal | None) -> Proposal:
        snapshot = row.indicators
        return propose(
            StationLevel(snapshot["level"]), self.level_standard, figures, bool(snapshot.get("in_scheme")),
            snapshot.get("host_status", "normal"), total, self.count_basic,
            Decimal(self.draft.pass_score), Decimal(self.draft.upgrade_score),
        )  # fmt: skip


class _Standards:
    """The standard revisions a unit of work judges by, by id (a round uses at most three).

    Why a cache: `session.get` per station reloaded the revision every time (the identity map
    holds it weakly), and parsing its checklist per station cost as much again."""

    def __init__(self, session: Session, count_basic: bool) -> None:
        self._session = session
        self._count_basic = count_basic
        self._by_id: dict[int, _Judging] = {}

    def add(self, standard: Standard) -> _Judging:
        draft = draft_of_row(standard)
        judging = self._by_id[standard.id] = _Judging(draft, draft.level_standard(), self._count_basic)
        return judging

    def __getitem__(self, standard_id: int) -> _Judging:
        judging = self._by_id.get(standard_id)
        if judging is None:
            standard = self._session.get(Standard, standard_id)
            assert standard is not None
            judging = self.add(standard)
        return judging


def _repropose(row: Reexamination, judging: _Judging) -> None:
    figures = _figures(row.indicators)
    total = judging.sheet(row, figures).total
    proposal = judging.propose(row, figures, total)
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
    # A station listed twice is examined once (a second row would break the round's unique key).
    ids = list(dict.fromkeys(station_ids)) if station_ids is not None else demonstration_station_ids(db)
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
        judged = _Standards(session, count_basic)
        by_level: dict[str, int] = {}
        for level in sorted({s.level for s in stations_by_id.values()}):  # frozen from now on
            standard = standard_in_force(session, level, year, actor)
            judged.add(standard)
            by_level[level] = standard.id
        rows = []
        for number, station_id in enumerate(ids, start=1):
            if should_cancel is not None and should_cancel():
                raise UserError("已取消，复核未开始")
            station = stations_by_id.get(station_id)
            if station is None:
                continue
            row = Reexamination(
                round_id=round_.id, station_id=station.id, standard_id=by_level[station.level],
                indicators=_snapshot(figures.get(station.id) or StationFigures(station.id), station, count_basic),
                checklist_scores={}, created_by=actor, updated_by=actor,
            )  # fmt: skip
            _repropose(row, judged[row.standard_id])
            rows.append(row)
            if number % 200 == 0:
                report(number, len(ids), f"已生成 {number}/{len(ids)} 个站点的复核建议")
        session.add_all(rows)
        session.flush()
        audit.record(session, actor, "start", "reexam_round", round_.id, new={"year": year, "stations": len(rows)})
        report(len(ids), len(ids), "完成")
        return _round_info(session, round_)


def refresh_proposals(db: Database, round_id: int, actor: str, today: date) -> RoundInfo:
    """Re-read the year's figures for undecided stations (cases entered late) and propose again.

    A station whose level changed since the round started is judged by its new level's standard
    (frozen from then on), so the snapshot's level and the standard it names always agree."""
    with db.writing() as session:
        round_ = _open_round(session, round_id)
        rows = list(session.scalars(select(Reexamination).where(Reexamination.round_id == round_id)))
        pending = [r for r in rows if not r.decided_outcome]
        as_of = today if today.year == round_.year else None
        year = round_.year
        pending_ids = [r.station_id for r in pending]
        figures = store_figures.station_figures(session, date(year, 1, 1), date(year, 12, 31), pending_ids, as_of)
        count_basic = bool(preferences.read(session, "satisfaction_counts_basic"))
        stations_by_id = {s.id: s for s in session.scalars(select(Station).where(Station.id.in_(pending_ids)))}
        judged = _Standards(session, count_basic)
        standard_of_level: dict[str, int] = {}
        for row in pending:
            station = stations_by_id[row.station_id]
            if judged[row.standard_id].draft.level != station.level:
                if station.level not in standard_of_level:
                    standard_of_level[station.level] = standard_in_force(session, station.level, year, actor).id
                row.standard_id = standard_of_level[station.level]
            row.indicators = _snapshot(figures.get(row.station_id) or StationFigures(row.station_id), station,
                                       count_basic)  # fmt: skip
            _repropose(row, judged[row.standard_id])
        audit.record(session, actor, "refresh", "reexam_round", round_id, new={"stations": len(pending)})
        return _round_info(session, round_)


def round_rows(db: Database, round_id: int) -> list[ReexamRow]:
    """Every station of the round, by station code (a province has a few thousand)."""
    with db.reading() as session:
        judged = _Standards(session, bool(preferences.read(session, "satisfaction_counts_basic")))
        for standard in session.scalars(
            select(Standard).where(Standard.id.in_(
                select(Reexamination.standard_id).where(Reexamination.round_id == round_id).distinct()))
        ):  # fmt: skip
            judged.add(standard)
        result = session.execute(
            select(Reexamination, Station.code, Station.name, County.name)
            .join(Station, Station.id == Reexamination.station_id)
            .join(County, County.id == Station.county_id)
            .where(Reexamination.round_id == round_id)
            .order_by(Station.code)
        ).all()  # fmt: skip
        rows = []
        for row, code, name, county in result:
            judging = judged[row.standard_id]
            figures = _figures(row.indicators)
            sheet = judging.sheet(row, figures)
            rows.append(
                ReexamRow(
                    row.id, row.station_id, code, name, county, row.indicators.get("level", ""),
                    figures, dict(row.checklist_scores or {}), row.inspector, row.inspected_on,
                    None if sheet.on_site is None else sum(sheet.on_site.values(), Decimal(0)),
                    sheet.performance, sheet.first_payout, sheet.total, row.proposed_outcome,
                    tuple(row.proposed_reasons or ()), row.decided_outcome, row.decision_reason, row.document_no,
                    row.decided_by, row.decided_at, judging.draft.checklist,
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
        judged = _Standards(session, bool(preferences.read(session, "satisfaction_counts_basic")))
        found = {
            row.id: (row, code, name)
            for row, code, name in session.execute(
                select(Reexamination, Station.code, Station.name)
                .join(Station, Station.id == Reexamination.station_id)
                .where(Reexamination.id.in_({entry.reexam_id for entry in entries}))
            )
        }  # one query for the grid, not three per sheet
        for round_id in {row.round_id for row, _code, _name in found.values()}:
            _open_round(session, round_id)
        problems: dict[str, str] = {}
        rows: list[tuple[Reexamination, ScoreEntry]] = []
        for entry in entries:
            if entry.reexam_id not in found:
                raise UserError("找不到该站点的复核记录", hint="请刷新")
            row, code, name = found[entry.reexam_id]
            if row.decided_outcome:
                raise UserError(f"站点“{name}”的复核结论已确认，不能再改评分")
            label = f"{code} " if len(entries) > 1 else ""
            problems |= _check_entry(entry, judged[row.standard_id].draft.checklist, today, label)
            rows.append((row, entry))
        if problems:
            raise ValidationFailed(problems, LABELS)
        for row, entry in rows:
            row.checklist_scores = {k: str(Decimal(str(v).strip())) for k, v in entry.scores.items()
                                    if not _blank(v)}  # fmt: skip
            row.inspector, row.inspected_on, row.updated_by = entry.inspector.strip(), entry.inspected_on, actor
            _repropose(row, judged[row.standard_id])
            audit.record(session, actor, "score", "reexamination", row.id, station_id=row.station_id,
                         new={"scores": row.checklist_scores, "inspector": row.inspector,
                              "inspected_on": row.inspected_on})  # fmt: skip
        return len(rows)


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


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
    apply it to the station through the register's history (kind 年度复核).

    An outcome the station cannot take (限期整改 for a suspended station, 淘汰除名 for an ordinary
    one) is refused before anything is recorded; 限期整改 for a station already under
    rectification is recorded without a second status change."""
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
        station = session.get(Station, row.station_id)
        assert station is not None
        action = OUTCOME_ACTIONS[chosen]
        if action is StationAction.RECTIFY and station.status == StationStatus.RECTIFYING.value:
            action = None  # already under rectification: the decision stands, the status needs no change
        if action is not None:
            try:
                plan_change(action, StationStatus(station.status), StationLevel(station.level))
            except ChangeRefused as exc:
                raise UserError(f"站点“{station.name}”：{exc}", hint="请选择其他复核结论并填写理由") from exc
        why = reason.strip() or "；".join(row.proposed_reasons or ()) or chosen.label
        row.decided_outcome, row.decision_reason, row.document_no = chosen.value, reason.strip(), document_no.strip()
        row.decided_by, row.decided_at, row.updated_by = actor, utc_now(), actor
        audit.record(session, actor, "decide", "reexamination", row.id, station_id=row.station_id,
                     new={"outcome": chosen.value, "proposed": row.proposed_outcome, "reason": reason.strip()})  # fmt: skip
        station_id, year = row.station_id, round_.year
    if action is not None:
        # The register's change is its own unit of work (services.stations owns it); it was
        # checked above, so a refusal here means the station changed meanwhile: undo the decision.
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
            row.document_no = ""


@dataclass(frozen=True)
class Confirmed:
    """How many proposals were confirmed, and a line per station the register refused."""

    count: int
    refused: tuple[str, ...] = ()

    def summary(self) -> str:
        text = f"已确认 {self.count} 个站点的复核结论"
        if self.refused:
            text += f"；{len(self.refused)} 个未能确认：" + "；".join(self.refused[:5])
        return text


def confirm_proposals(db: Database, reexam_ids: Iterable[int], actor: str, today: date) -> Confirmed:
    """Confirm the proposals of several stations as they stand (no reason needed). Each is its own
    decision: one the register refuses (a suspended station cannot be put under rectification) is
    reported and the others go on."""
    confirmed, refused = 0, []
    for reexam_id in reexam_ids:
        with db.reading() as session:
            row = session.get(Reexamination, reexam_id)
            proposed = row.proposed_outcome if row is not None and not row.decided_outcome else None
            code = session.scalar(select(Station.code).where(Station.id == row.station_id)) if row else ""
        if not proposed:
            continue
        try:
            decide(db, reexam_id, proposed, "", actor, today)
        except UserError as exc:
            refused.append(f"{code}：{exc}")
            continue
        confirmed += 1
    return Confirmed(confirmed, tuple(refused))


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
