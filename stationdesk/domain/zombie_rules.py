"""Zombie stations (僵尸站点 / 名存实亡): the rules that flag a station, each with its evidence.

Why switchable rules with parameters: bureaus differ in how long a quiet station may stay quiet,
and each flag must say exactly why ("最近一次活动 2025-10-03，已 13 个月无调解、无咨询"), so a person
can decide with the evidence in front of them. Defaults (domain brief, "zombie signals"):

  silent          no case and no consultation in the last 12 months;
  never_active    set up more than 6 months ago and never took a case;
  unreachable     the contact could not be reached at the last check (phone spot-check or visit);
  host_closed     the host is 注销/吊销/停业, 经营异常 or administratively penalised;
  failed_reexam   the last re-examination decided 降级 or 淘汰除名 (or proposed it, undecided);
  stale_overdue   open cases left more than 90 days past their due date (a case forgotten for a
                  quarter, not a busy week).

A station decided on (激活 with a deadline, 暂缓 until a date) is not flagged again before that
date; a removed station is never swept. The score orders the review queue: the more rules fire
and the longer the silence, the higher.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from stationdesk.domain.dates import months_before
from stationdesk.domain.vocabulary import HostStatus, Labelled, ReexamOutcome, ZombieAction


class ZombieRule(Labelled):
    SILENT = "silent", "长期无活动"
    NEVER_ACTIVE = "never_active", "建站后从未受理"
    UNREACHABLE = "unreachable", "联系不上"
    HOST_CLOSED = "host_closed", "依托单位异常"
    FAILED_REEXAM = "failed_reexam", "复核未通过"
    STALE_OVERDUE = "stale_overdue", "超期案件长期未结"


@dataclass(frozen=True)
class RuleSetting:
    """One rule switched on or off, with its parameter (months or days; unused for some)."""

    enabled: bool
    parameter: int = 0


# Parameter meaning and its bounds, for the settings form and validation.
PARAMETERS: dict[ZombieRule, tuple[str, int, int]] = {
    ZombieRule.SILENT: ("个月无调解、无咨询", 1, 120),
    ZombieRule.NEVER_ACTIVE: ("个月前建站、从未受理", 1, 120),
    ZombieRule.STALE_OVERDUE: ("天超期未结", 1, 3650),
}
DEFAULT_SETTINGS: dict[ZombieRule, RuleSetting] = {
    ZombieRule.SILENT: RuleSetting(True, 12),
    ZombieRule.NEVER_ACTIVE: RuleSetting(True, 6),
    ZombieRule.UNREACHABLE: RuleSetting(True),
    ZombieRule.HOST_CLOSED: RuleSetting(True),
    ZombieRule.FAILED_REEXAM: RuleSetting(True),
    ZombieRule.STALE_OVERDUE: RuleSetting(True, 90),
}
WEIGHTS: dict[ZombieRule, int] = {
    ZombieRule.SILENT: 30,
    ZombieRule.NEVER_ACTIVE: 30,
    ZombieRule.UNREACHABLE: 25,
    ZombieRule.HOST_CLOSED: 40,
    ZombieRule.FAILED_REEXAM: 20,
    ZombieRule.STALE_OVERDUE: 10,
}
FAILED_OUTCOMES = frozenset({ReexamOutcome.DOWNGRADE.value, ReexamOutcome.REMOVE.value})


def settings_from(stored: Mapping[str, Any] | None) -> dict[ZombieRule, RuleSetting]:
    """Rules as stored in the shared settings ({"silent": {"enabled": true, "parameter": 12}}),
    the defaults filling whatever is missing or unreadable."""
    result = dict(DEFAULT_SETTINGS)
    for rule in ZombieRule:
        raw = (stored or {}).get(rule.value)
        if isinstance(raw, Mapping):
            base = result[rule]
            parameter = raw.get("parameter", base.parameter)
            result[rule] = RuleSetting(
                bool(raw.get("enabled", base.enabled)), parameter if isinstance(parameter, int) else base.parameter
            )
    return result


def settings_to_dict(settings: Mapping[ZombieRule, RuleSetting]) -> dict[str, dict[str, Any]]:
    return {rule.value: {"enabled": s.enabled, "parameter": s.parameter} for rule, s in settings.items()}


def check_settings(settings: Mapping[ZombieRule, RuleSetting]) -> dict[str, str]:
    """Rule code → message for a parameter out of its bounds."""
    problems: dict[str, str] = {}
    for rule, (unit, low, high) in PARAMETERS.items():
        setting = settings.get(rule)
        if setting is not None and setting.enabled and not low <= setting.parameter <= high:
            problems[rule.value] = f"{rule.label}：应为 {low} 至 {high}（{unit}）"
    return problems


@dataclass(frozen=True, slots=True)  # slots: a province sweep makes 20,000 of them
class StationFacts:
    """What the rules look at for one station, read from the database as of the sweep's date."""

    station_id: int
    established_on: date | None
    last_case_on: date | None
    last_consultation_on: date | None
    host_status: str
    last_check_on: date | None = None
    last_check_reachable: bool | None = None
    last_reexam_year: int | None = None
    last_reexam_outcome: str | None = None
    last_reexam_decided: bool = False
    oldest_overdue_due_on: date | None = None
    overdue_open: int = 0
    # When the station was entered in the register: how long a station whose 建站日期 was left
    # blank (common in imported rosters) has been known to be idle.
    entered_on: date | None = None

    @property
    def last_activity_on(self) -> date | None:
        case, talk = self.last_case_on, self.last_consultation_on
        if case is None or talk is None:
            return talk if case is None else case
        return max(case, talk)


@dataclass(frozen=True)
class Evidence:
    rule: ZombieRule
    text: str


@dataclass(frozen=True)
class Flag:
    """A flagged station: the rules that fired, each with its evidence, and the score to sort by."""

    station_id: int
    evidence: tuple[Evidence, ...]
    score: int
    months_silent: int | None = field(default=None)

    @property
    def rules(self) -> tuple[ZombieRule, ...]:
        return tuple(e.rule for e in self.evidence)

    def summary(self) -> str:
        return "；".join(e.text for e in self.evidence)


def whole_months(start: date, end: date) -> int:
    """Complete calendar months from `start` to `end` (2025-10-03 → 2026-11-02 is 12)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def evaluate(facts: StationFacts, as_of: date, settings: Mapping[ZombieRule, RuleSetting]) -> Flag | None:
    """The rules that fire for this station on `as_of`, or None when none does."""
    return evaluator(as_of, settings)(facts)


def evaluator(as_of: date, settings: Mapping[ZombieRule, RuleSetting]) -> Callable[[StationFacts], Flag | None]:
    """`evaluate` for many stations on one date: the cut-off dates are worked out once, not per
    station (a province's sweep judges 20,000 stations)."""

    def cutoff(rule: ZombieRule) -> date | None:
        setting = settings.get(rule)
        return months_before(as_of, setting.parameter) if setting is not None and setting.enabled else None

    def on(rule: ZombieRule) -> bool:
        setting = settings.get(rule)
        return setting is not None and setting.enabled

    silent_before, never_before = cutoff(ZombieRule.SILENT), cutoff(ZombieRule.NEVER_ACTIVE)
    unreachable_on, host_on, reexam_on = on(ZombieRule.UNREACHABLE), on(ZombieRule.HOST_CLOSED), on(ZombieRule.FAILED_REEXAM)
    stale = settings[ZombieRule.STALE_OVERDUE].parameter if on(ZombieRule.STALE_OVERDUE) else None
    normal = HostStatus.NORMAL.value

    def judge(facts: StationFacts) -> Flag | None:
        found: list[Evidence] = []
        silent_months: int | None = None
        last = facts.last_activity_on
        # Without a set-up date, the day the station was entered in the register is the earliest it
        # is known to have existed (a blank 建站日期 must not hide a station that never did anything).
        # (only needed, so only worked out, for a station without activity or without a case)
        since = (facts.established_on or facts.entered_on) if last is None or facts.last_case_on is None else None
        if silent_before is not None and last is not None and last < silent_before:
            silent_months = whole_months(last, as_of)
            found.append(Evidence(ZombieRule.SILENT, f"最近一次活动 {last.isoformat()}，已 {silent_months} 个月无调解、无咨询"))
        if silent_before is not None and last is None and since is not None and since < silent_before:
            # Never any activity at all: silent since it was set up, once that is long enough ago.
            silent_months = whole_months(since, as_of)
            found.append(Evidence(ZombieRule.SILENT, (
                f"建站 {silent_months} 个月来无任何调解、咨询记录" if facts.established_on is not None
                else f"{_since_text(facts)}，{silent_months} 个月来无任何调解、咨询记录"
            )))  # fmt: skip
        if never_before is not None and facts.last_case_on is None and since is not None and since < never_before:
            found.append(Evidence(ZombieRule.NEVER_ACTIVE, f"{_since_text(facts)}，至今未受理过投诉"))
        if unreachable_on and facts.last_check_reachable is False and facts.last_check_on:
            found.append(Evidence(ZombieRule.UNREACHABLE, f"{facts.last_check_on.isoformat()} 检查时联系不上"))
        if host_on and facts.host_status != normal:
            found.append(Evidence(ZombieRule.HOST_CLOSED, f"依托单位{HostStatus(facts.host_status).label}"))
        if reexam_on and facts.last_reexam_outcome in FAILED_OUTCOMES and facts.last_reexam_year is not None:
            verb = "复核结论" if facts.last_reexam_decided else "复核建议"
            label = ReexamOutcome(facts.last_reexam_outcome).label
            found.append(Evidence(ZombieRule.FAILED_REEXAM, f"{facts.last_reexam_year}年度{verb}：{label}"))
        if stale is not None and facts.oldest_overdue_due_on is not None:
            days = (as_of - facts.oldest_overdue_due_on).days
            if days > stale:
                found.append(
                    Evidence(ZombieRule.STALE_OVERDUE, f"{facts.overdue_open} 件案件超期未结，最久已超期 {days} 天")
                )
        if not found:
            return None
        score = sum(WEIGHTS[e.rule] for e in found) + min(silent_months or 0, 60)
        return Flag(facts.station_id, tuple(found), score, silent_months)

    return judge


def _since_text(facts: StationFacts) -> str:
    if facts.established_on is not None:
        return f"{facts.established_on.isoformat()} 建站"
    assert facts.entered_on is not None
    return f"建站日期未填，{facts.entered_on.isoformat()} 录入台账"


def with_parameter(
    settings: Mapping[ZombieRule, RuleSetting], rule: ZombieRule, parameter: int
) -> dict[ZombieRule, RuleSetting]:
    """The settings with one rule's parameter changed (and the rule on): `zombie-scan --months N`."""
    changed = dict(settings)
    changed[rule] = replace(changed.get(rule, RuleSetting(True)), enabled=True, parameter=parameter)
    return changed


# -- decisions ------------------------------------------------------------------------------
DECISION_LABELS = {"reason": "理由", "decided_on": "决定日期", "approver": "批准人", "deadline": "期限",
                   "rectification": "整改事项", "action": "处置方式"}  # fmt: skip


def check_decision(
    action: str,
    reason: str,
    decided_on: date | None,
    approver: str,
    deadline: date | None,
    rectification: str,
    today: date,
) -> dict[str, str]:
    """Field → message for a zombie decision. 清除 needs an approver; 激活 needs the rectification
    items and a deadline (the station is looked at again then); 暂缓 needs the date it waits until."""
    problems: dict[str, str] = {}
    if action not in {a.value for a in ZombieAction}:
        return {"action": f"未知的处置方式“{action}”"}
    if not reason.strip():
        problems["reason"] = "请填写处置理由"
    elif len(reason.strip()) > 500:
        problems["reason"] = "理由不能超过500个字"
    if decided_on is None:
        problems["decided_on"] = "请填写决定日期"
    elif decided_on > today:
        problems["decided_on"] = f"决定日期不能晚于今天（{today.isoformat()}）"
    if action == ZombieAction.REMOVE.value and not approver.strip():
        problems["approver"] = "清除站点须填写批准人"
    if action == ZombieAction.REVIVE.value and not rectification.strip():
        problems["rectification"] = "请列出整改事项"
    if action in (ZombieAction.REVIVE.value, ZombieAction.DEFER.value):
        what = "整改期限" if action == ZombieAction.REVIVE.value else "暂缓至"
        if deadline is None:
            problems["deadline"] = f"请填写{what}"
        elif decided_on is not None and deadline <= decided_on:
            problems["deadline"] = f"{what}应晚于决定日期（{decided_on.isoformat()}）"
    return problems


def holds_until(action: str, deadline: date | None) -> date | None:
    """Until when a decision keeps the station out of the sweep: 激活 until its deadline (then it is
    judged again), 暂缓 until its date; 清除 and 重建升级 close the station, which is never swept."""
    if action in (ZombieAction.REVIVE.value, ZombieAction.DEFER.value):
        return deadline
    return None
