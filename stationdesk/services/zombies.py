"""僵尸站点: sweep the stations with the switchable rules, and decide — 清除, 激活, 重建升级, 暂缓.

Each decision is one unit of work: the decision row (with the evidence that flagged the station),
the station's status change and its history row (kind 僵尸站点处置), and for a rebuild the new
12315 消费维权服务站 linked to the old one — all or nothing. A decision keeps a station out of the
sweep until its deadline (激活) or date (暂缓); removed stations are never swept.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from stationdesk.domain.permissions import Permission
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.domain.station_rules import station_code
from stationdesk.domain.vocabulary import (
    HistoryKind,
    StationForm,
    StationLevel,
    StationStatus,
    ZombieAction,
)
from stationdesk.domain.zombie_rules import (
    DECISION_LABELS,
    Flag,
    RuleSetting,
    ZombieRule,
    check_decision,
    check_settings,
    evaluator,
    holds_until,
    settings_from,
    settings_to_dict,
)
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import access, audit, preferences, stations
from stationdesk.services.nogc import collector_paused
from stationdesk.store import zombie_queries
from stationdesk.store.database import Database
from stationdesk.store.models import County, SiteCheck, Station, StatusHistory, ZombieDecision

SETTING_KEY = "zombie_rules"


# -- rules ----------------------------------------------------------------------------------
def rule_settings(db: Database) -> dict[ZombieRule, RuleSetting]:
    """The rules as set for this database (设置 → 僵尸站点规则), defaults where unset."""
    return settings_from(preferences.get(db, SETTING_KEY))


def save_rule_settings(db: Database, settings: dict[ZombieRule, RuleSetting], actor: str) -> None:
    problems = check_settings(settings)
    if problems:
        raise ValidationFailed(problems, {rule.value: rule.label for rule in ZombieRule})
    preferences.put(db, SETTING_KEY, settings_to_dict(settings), actor)


# -- the sweep ------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlaggedStation:
    """A station the sweep flagged, with what the queue shows beside the evidence."""

    station_id: int
    code: str
    name: str
    county: str
    level: str
    status: str
    established_on: date | None
    last_activity_on: date | None
    flag: Flag
    last_action: str | None = None
    last_decided_on: date | None = None


def sweep(
    db: Database,
    as_of: date,
    settings: dict[ZombieRule, RuleSetting] | None = None,
    station_ids: Iterable[int] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> list[FlaggedStation]:
    """Run the rules as of `as_of` over every station not removed; the flagged ones, highest score
    first (then station code). Stations within a decision's deadline are left out."""
    rules = settings or rule_settings(db)
    with collector_paused():
        return _sweep(db, as_of, rules, station_ids, should_cancel)


def _sweep(
    db: Database,
    as_of: date,
    rules: dict[ZombieRule, RuleSetting],
    station_ids: Iterable[int] | None,
    should_cancel: Callable[[], bool] | None,
) -> list[FlaggedStation]:
    with db.reading() as session:
        decisions = zombie_queries.last_decisions(session, as_of)
        facts = zombie_queries.iter_station_facts(session, as_of, station_ids)
        judge = evaluator(as_of, rules)
        flags: dict[int, tuple[Flag, object]] = {}
        for number, fact in enumerate(facts):
            if should_cancel is not None and number % 256 == 0 and should_cancel():
                raise UserError("已取消排查")
            decision = decisions.get(fact.station_id)
            until = holds_until(decision.action, decision.deadline) if decision else None
            if until is not None and as_of <= until:
                continue
            flag = judge(fact)
            if flag is not None:
                flags[fact.station_id] = (flag, fact)
        if not flags:
            return []
        info = session.execute(
            select(Station.id, Station.code, Station.name, County.name, Station.level, Station.status,
                   Station.established_on)
            .join(County, County.id == Station.county_id)
            .where(Station.id.in_(list(flags)))
        ).all()  # fmt: skip
    result = []
    for sid, code, name, county, level, status, established in info:
        flag, fact = flags[sid]
        decision = decisions.get(sid)
        result.append(
            FlaggedStation(
                sid, code, name, county, level, status, established, fact.last_activity_on, flag,  # type: ignore[attr-defined]
                decision.action if decision else None, decision.decided_on if decision else None,
            )
        )  # fmt: skip
    result.sort(key=lambda f: (-f.flag.score, f.code))
    return result


def evidence_lines(flag: Flag) -> list[str]:
    """The evidence as a decision records it: each fired rule's text, as the 僵尸站点 page passes it."""
    return [e.text for e in flag.evidence]


def current_evidence(
    db: Database, station_ids: Iterable[int], as_of: date, settings: dict[ZombieRule, RuleSetting] | None = None
) -> dict[int, list[str]]:
    """What the rules say of these stations on `as_of`, ignoring any decision's deadline (a deferred
    station decided on early still records why it was flagged); stations no rule flags get []."""
    rules = settings or rule_settings(db)
    with db.reading() as session:
        facts = zombie_queries.station_facts(session, as_of, list(station_ids))
    judge = evaluator(as_of, rules)
    found = {f.station_id: judge(f) for f in facts}
    return {sid: evidence_lines(flag) if flag else [] for sid, flag in found.items()}


def flags_for(db: Database, station_ids: Iterable[int], as_of: date) -> dict[int, Flag]:
    """The flags of a few stations (a page of the register), for its marker column."""
    return {f.station_id: f.flag for f in sweep(db, as_of, station_ids=list(station_ids))}


# -- decisions ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Decided:
    """What a batch of decisions did: how many, the refusals by station, and new stations made."""

    count: int
    refused: tuple[str, ...] = ()
    successors: tuple[str, ...] = ()

    def summary(self) -> str:
        text = f"已处置 {self.count} 个站点"
        if self.successors:
            text += "；新建站点 " + "、".join(self.successors)
        if self.refused:
            text += f"；{len(self.refused)} 个未能处置：" + "；".join(self.refused[:5])
        return text


def _successor_name(old: Station) -> str:
    base = old.host_name.strip() or re.sub(r"(消费维权服务站|12315联络站|投诉站|服务点|分会|联络站|服务站)$", "", old.name)
    return f"{base}12315消费维权服务站"[:100]


def _rebuild(session: Session, old: Station, decided_on: date, actor: str, today: date) -> Station:
    """The new 12315 消费维权服务站: the old one's jurisdiction, host and facilities, a new code."""
    county = session.get(County, old.county_id)
    assert county is not None
    codes = session.scalars(select(Station.code).where(Station.code.like(f"{county.code}____"))).all()
    used = [int(c[len(county.code):]) for c in codes if c[len(county.code):].isdigit()]
    draft = replace(
        stations.draft_of(old),
        code=station_code(county.code, max(used, default=0) + 1),
        name=_successor_name(old),
        form=StationForm.SERVICE.value,
        level=StationLevel.ORDINARY.value,
        established_on=decided_on,
        plaque_on=None,
        notes=f"由 {old.code} {old.name} 重建升级（{decided_on.isoformat()}）",
    )
    saved = stations.add_station(session, draft, actor, today, reason=f"由 {old.code} {old.name} 重建升级")
    new = session.get(Station, saved.id)
    assert new is not None
    new.predecessor_id = old.id  # the register's link, as for a rebuild imported or made by the sample
    session.flush()
    audit.record(session, actor, "update", "station", new.id, station_id=new.id, old={"predecessor_id": None},
                 new={"predecessor_id": old.id})  # fmt: skip
    return new


def _decide_one(
    session: Session, station_id: int, action: ZombieAction, reason: str, decided_on: date, approver: str,
    deadline: date | None, rectification: str, evidence: list[str], actor: str, today: date,
) -> str | None:  # fmt: skip
    """One station's decision inside the caller's unit of work; returns a new station's code."""
    station = session.get(Station, station_id)
    if station is None:
        raise UserError(f"找不到编号为 {station_id} 的站点", hint="请刷新")
    if station.status == StationStatus.REMOVED.value:
        raise UserError(f"站点“{station.name}”已撤销，无需再处置")
    try:
        return _decide_station(session, station, action, reason, decided_on, approver, deadline, rectification,
                               evidence, actor, today)  # fmt: skip
    except ValidationFailed as exc:
        # The decision itself was checked before the batch; what is refused here is this station's
        # (a decision dated before it was set up, its data failing today's rules for the successor).
        raise UserError(f"站点“{station.name}”：" + "；".join(exc.problems.values())) from exc


def _decide_station(
    session: Session, station: Station, action: ZombieAction, reason: str, decided_on: date, approver: str,
    deadline: date | None, rectification: str, evidence: list[str], actor: str, today: date,
) -> str | None:  # fmt: skip
    why = f"僵尸站点{action.label}：{reason.strip()}"
    successor: Station | None = None
    if action in (ZombieAction.REMOVE, ZombieAction.REBUILD):
        if action is ZombieAction.REBUILD:
            successor = _rebuild(session, station, decided_on, actor, today)
            why += f"（重建为 {successor.code} {successor.name}）"
        stations.apply_status_change(session, station.id, StationAction.REMOVE, reason=why[:500], effective_on=decided_on,
                                     actor=actor, today=today, kind=HistoryKind.ZOMBIE)  # fmt: skip
    elif action is ZombieAction.REVIVE and station.status == StationStatus.ACTIVE.value:
        why += f"；整改期限 {deadline.isoformat() if deadline else ''}"
        stations.apply_status_change(session, station.id, StationAction.RECTIFY, reason=why[:500],
                                     effective_on=decided_on, actor=actor, today=today, kind=HistoryKind.ZOMBIE)  # fmt: skip
    else:  # 暂缓, or 激活 of a station already rectifying or suspended: no status change, still a history row
        until = f"；{'暂缓至' if action is ZombieAction.DEFER else '整改期限'} {deadline.isoformat() if deadline else ''}"
        session.add(StatusHistory(station_id=station.id, kind=HistoryKind.ZOMBIE.value, old_value=station.status,
                                  new_value=station.status, effective_on=decided_on, reason=(why + until)[:500],
                                  person=actor))  # fmt: skip
    decision = ZombieDecision(
        station_id=station.id, decided_on=decided_on, action=action.value, reason=reason.strip(),
        approver=approver.strip(), deadline=deadline, rectification=rectification.strip(), evidence=evidence,
        successor_id=successor.id if successor else None, created_by=actor, updated_by=actor,
    )  # fmt: skip
    session.add(decision)
    session.flush()
    audit.record(session, actor, action.value, "zombie_decision", decision.id, station_id=station.id,
                 new=audit.row_values(decision))  # fmt: skip
    return successor.code if successor else None


def decide(
    db: Database,
    station_ids: Iterable[int],
    action: str,
    *,
    reason: str,
    decided_on: date | None,
    actor: str,
    today: date,
    approver: str = "",
    deadline: date | None = None,
    rectification: str = "",
    evidence: dict[int, list[str]] | None = None,
) -> Decided:
    """Decide on one or several flagged stations with the same action and reason. Each station is
    its own unit of work: one the register refuses is reported and the others go on."""
    problems = check_decision(action, reason, decided_on, approver, deadline, rectification, today)
    if problems:
        raise ValidationFailed(problems, DECISION_LABELS)
    assert decided_on is not None
    chosen = ZombieAction(action)
    ids = list(station_ids)
    if evidence is None:
        evidence = current_evidence(db, ids, decided_on)
    with db.reading() as session:
        access.require(session, actor, Permission.DECIDE_ZOMBIES)
    count, refused, successors = 0, [], []
    for station_id in ids:
        try:
            with db.writing() as session:
                new_code = _decide_one(session, station_id, chosen, reason, decided_on, approver, deadline,
                                       rectification, evidence.get(station_id, []), actor, today)  # fmt: skip
        except UserError as exc:
            refused.append(str(exc))
            continue
        count += 1
        if new_code:
            successors.append(new_code)
    return Decided(count, tuple(refused), tuple(successors))


@dataclass(frozen=True)
class Lineage:
    """A rebuild's link, read from either end: what this station replaced and what replaced it."""

    predecessor: tuple[int, str, str] | None
    successor: tuple[int, str, str] | None


def lineage(db: Database, station_id: int) -> Lineage:
    # The decision's link, or the register's (stations.predecessor_id: rebuilds from before the
    # zombie decisions, imported or made by the sample data).
    decided_from = select(ZombieDecision.station_id).where(ZombieDecision.successor_id == station_id)
    decided_into = select(ZombieDecision.successor_id).where(ZombieDecision.station_id == station_id)
    registered_from = select(Station.predecessor_id).where(Station.id == station_id)
    with db.reading() as session:
        before = session.execute(
            select(Station.id, Station.code, Station.name)
            .where(or_(Station.id.in_(decided_from), Station.id.in_(registered_from)))
            .order_by(Station.id.desc())
        ).first()
        after = session.execute(
            select(Station.id, Station.code, Station.name)
            .where(or_(Station.id.in_(decided_into), Station.predecessor_id == station_id))
            .order_by(Station.id.desc())
        ).first()
    return Lineage(tuple(before) if before else None, tuple(after) if after else None)  # type: ignore[arg-type]


# -- checks ---------------------------------------------------------------------------------
CHECK_LABELS = {"checked_on": "检查日期", "inspector": "检查人", "method": "检查方式"}
CHECK_METHODS = ("现场检查", "电话抽查")


def record_site_check(
    db: Database, station_id: int, checked_on: date | None, method: str, inspector: str, reachable: bool,
    findings: str, actor: str, today: date,
) -> int:  # fmt: skip
    """A visit or phone spot-check; "联系不上" at the latest check is a zombie signal."""
    problems: dict[str, str] = {}
    if checked_on is None:
        problems["checked_on"] = "请填写检查日期"
    elif checked_on > today:
        problems["checked_on"] = f"检查日期不能晚于今天（{today.isoformat()}）"
    if not inspector.strip():
        problems["inspector"] = "请填写检查人"
    if method not in CHECK_METHODS:
        problems["method"] = f"检查方式应为{'或'.join(CHECK_METHODS)}"
    if problems:
        raise ValidationFailed(problems, CHECK_LABELS)
    with db.writing() as session:
        access.require_station(session, actor, station_id)
        if session.get(Station, station_id) is None:
            raise UserError(f"找不到编号为 {station_id} 的站点", hint="请刷新")
        check = SiteCheck(station_id=station_id, checked_on=checked_on, method=method, inspector=inspector.strip(),
                          contact_reachable=reachable, findings=findings.strip(), created_by=actor, updated_by=actor)  # fmt: skip
        session.add(check)
        session.flush()
        audit.record(session, actor, "insert", "site_check", check.id, station_id=station_id,
                     new=audit.row_values(check))  # fmt: skip
        return check.id
