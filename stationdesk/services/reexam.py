"""年度复核: start a year's round, score, propose, decide, close, reopen; rank; history.

A round keeps, per station, a snapshot of the year's figures, the standard revision it was judged
by (frozen from then on), the inspector's scores, the rules' proposal with its reasons, and the
decision with who made it. A confirmed outcome changes the station's level or status through
`services.stations.change_station_status`, so it appears in the station's history like any change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.permissions import Permission
from stationdesk.domain.reexam_rules import (
    OUTCOME_ACTIONS,
    check_decision,
)
from stationdesk.domain.scoring import ScoreItem, check_scores
from stationdesk.domain.station_lifecycle import ChangeRefused, StationAction, plan_change
from stationdesk.domain.vocabulary import HistoryKind, ReexamOutcome, StationLevel, StationStatus
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import access, audit, preferences, stations
from stationdesk.services.reexam_judging import Standards, repropose, snapshot
from stationdesk.services.reexam_results import (  # the reads, re-exported: one module to call
    Ranking,
    ReexamRow,
    StationRound,
    ranking,
    round_rows,
    station_rounds,
)
from stationdesk.services.standards import standard_in_force
from stationdesk.store import figures as store_figures
from stationdesk.store.database import Database
from stationdesk.store.models import Reexamination, ReexamRound, Station
from stationdesk.store.types import utc_now

Progress = Callable[[int, int, str], None]
LABELS = {"outcome": "复核结论", "reason": "理由", "scores": "现场评分", "inspector": "检查人", "inspected_on": "检查日期"}
FIGURE_FIELDS = [f.name for f in fields(StationFigures)]


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


def latest_round(db: Database, up_to_year: int) -> RoundInfo | None:
    """The most recent round of `up_to_year` or before (the overview's 最近一次复核)."""
    with db.reading() as session:
        round_ = session.scalar(
            select(ReexamRound).where(ReexamRound.year <= up_to_year).order_by(ReexamRound.year.desc()).limit(1)
        )
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
        access.require(session, actor, Permission.RUN_REEXAM)
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
        judged = Standards(session, count_basic)
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
                indicators=snapshot(figures.get(station.id) or StationFigures(station.id), station, count_basic),
                checklist_scores={}, created_by=actor, updated_by=actor,
            )  # fmt: skip
            repropose(row, judged[row.standard_id])
            rows.append(row)
            if number % 200 == 0:
                report(number, len(ids), f"已生成 {number}/{len(ids)} 个站点的复核建议")
        session.add_all(rows)
        session.flush()
        audit.record(session, actor, "start", "reexam_round", round_.id,
                     new={"year": year, "title": round_.title, "stations": len(rows)})  # fmt: skip
        audit.record_many(session, actor, "insert", "reexamination",
                          [(row.id, row.station_id, _proposal(row)) for row in rows])  # fmt: skip
        report(len(ids), len(ids), "完成")
        return _round_info(session, round_)


def refresh_proposals(db: Database, round_id: int, actor: str, today: date) -> RoundInfo:
    """Re-read the year's figures for undecided stations (cases entered late) and propose again.

    A station whose level changed since the round started is judged by its new level's standard
    (frozen from then on), so the snapshot's level and the standard it names always agree."""
    with db.writing() as session:
        access.require(session, actor, Permission.RUN_REEXAM)
        round_ = _open_round(session, round_id)
        rows = list(session.scalars(select(Reexamination).where(Reexamination.round_id == round_id)))
        pending = [r for r in rows if not r.decided_outcome]
        as_of = today if today.year == round_.year else None
        year = round_.year
        pending_ids = [r.station_id for r in pending]
        figures = store_figures.station_figures(session, date(year, 1, 1), date(year, 12, 31), pending_ids, as_of)
        count_basic = bool(preferences.read(session, "satisfaction_counts_basic"))
        stations_by_id = {s.id: s for s in session.scalars(select(Station).where(Station.id.in_(pending_ids)))}
        judged = Standards(session, count_basic)
        standard_of_level: dict[str, int] = {}
        for row in pending:
            before = _proposal(row)
            station = stations_by_id[row.station_id]
            if judged[row.standard_id].draft.level != station.level:
                if station.level not in standard_of_level:
                    standard_of_level[station.level] = standard_in_force(session, station.level, year, actor).id
                row.standard_id = standard_of_level[station.level]
            row.indicators = snapshot(figures.get(row.station_id) or StationFigures(row.station_id), station,
                                       count_basic)  # fmt: skip
            repropose(row, judged[row.standard_id])
            old, new = audit.changed_fields(before, _proposal(row))
            if new:
                audit.record(session, actor, "refresh", "reexamination", row.id, station_id=row.station_id, old=old,
                             new=new)  # fmt: skip
        audit.record(session, actor, "refresh", "reexam_round", round_id, new={"stations": len(pending)})
        return _round_info(session, round_)


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
        access.require(session, actor, Permission.RUN_REEXAM)
        judged = Standards(session, bool(preferences.read(session, "satisfaction_counts_basic")))
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
            before = _sheet(row)
            row.checklist_scores = {k: str(Decimal(str(v).strip())) for k, v in entry.scores.items()
                                    if not _blank(v)}  # fmt: skip
            row.inspector, row.inspected_on, row.updated_by = entry.inspector.strip(), entry.inspected_on, actor
            repropose(row, judged[row.standard_id])
            old, new = audit.changed_fields(before, _sheet(row))
            audit.record(session, actor, "score", "reexamination", row.id, station_id=row.station_id, old=old,
                         new=new)  # fmt: skip
        return len(rows)


def _proposal(row: Reexamination) -> dict[str, Any]:
    """What the audit trail keeps of a station's proposal (the figures behind it are in the row)."""
    return {"standard_id": row.standard_id, "total_score": row.total_score, "proposed_outcome": row.proposed_outcome,
            "proposed_reasons": list(row.proposed_reasons or ())}  # fmt: skip


def _sheet(row: Reexamination) -> dict[str, Any]:
    """An inspector's sheet and what it changed, as the audit trail keeps them."""
    return {"scores": dict(row.checklist_scores or {}), "inspector": row.inspector, "inspected_on": row.inspected_on,
            "total_score": row.total_score, "proposed_outcome": row.proposed_outcome}  # fmt: skip


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
        access.require(session, actor, Permission.RUN_REEXAM)
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
                     old={"outcome": None},
                     new={"outcome": chosen.value, "proposed": row.proposed_outcome, "reason": reason.strip()}
                     | ({"document_no": row.document_no} if row.document_no else {}))  # fmt: skip
        if action is not None:  # in the same unit of work: the decision and the station change, or neither
            stations.apply_status_change(
                session, row.station_id, action, reason=f"{round_.year}年度复核：{why}"[:500], effective_on=today,
                actor=actor, today=today, document_no=document_no, kind=HistoryKind.REEXAM,
            )  # fmt: skip
    return chosen


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
    with db.reading() as session:
        access.require(session, actor, Permission.RUN_REEXAM)
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
        access.require(session, actor, Permission.RUN_REEXAM)
        round_ = _open_round(session, round_id)
        info = _round_info(session, round_)
        if info.decided < info.stations:
            raise UserError(f"还有 {info.stations - info.decided} 个站点未确认复核结论，不能结束本轮复核")
        round_.closed, round_.closed_at, round_.updated_by = True, utc_now(), actor
        audit.record(session, actor, "close", "reexam_round", round_id, old={"closed": False}, new={"closed": True})
        return _round_info(session, round_)


def reopen_round(db: Database, round_id: int, actor: str, reason: str) -> RoundInfo:
    """Reopen a closed round: administrators only, with a reason, recorded in the audit trail."""
    if not reason.strip():
        raise ValidationFailed({"reason": "请填写重新开放的理由"}, LABELS)
    with db.writing() as session:
        access.require(session, actor, Permission.REOPEN_ROUND)
        round_ = _round(session, round_id)
        if not round_.closed:
            raise UserError(f"{round_.year}年度复核尚未结束")
        round_.closed, round_.closed_at, round_.updated_by = False, None, actor
        audit.record(session, actor, "reopen", "reexam_round", round_id, old={"closed": True},
                     new={"closed": False, "reason": reason.strip()})  # fmt: skip
        return _round_info(session, round_)


__all__ = [
    "Confirmed", "Ranking", "ReexamRow", "RoundInfo", "ScoreEntry", "StationRound", "close_round",
    "confirm_proposals", "decide", "demonstration_station_ids", "enter_scores", "ranking", "refresh_proposals",
    "reopen_round", "round_of_year", "round_rows", "start_round", "station_rounds",
]  # fmt: skip
