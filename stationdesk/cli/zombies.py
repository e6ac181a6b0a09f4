"""`zombie-scan` and `zombie-decide`: 僵尸站点 on the command line.

Clients of `services.zombies`, like the review queue: a script lists the stations the switchable
rules flag, with the rules that fired, their evidence and the score, and records a decision
(清除 / 激活 / 重建升级 / 暂缓) on one or several stations; the evidence each decision records is
what the rules say of the station on the decision's date.
"""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from stationdesk.cli.output import write_records
from stationdesk.cli.signin import acting_user
from stationdesk.config import Settings
from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.vocabulary import StationLevel, StationStatus, ZombieAction
from stationdesk.domain.zombie_rules import (
    PARAMETERS,
    RuleSetting,
    ZombieRule,
    check_settings,
    with_parameter,
)
from stationdesk.errors import UserError, ValidationFailed

EXIT_OK, EXIT_USER = 0, 1
# (heading, JSON key, table width; negative = right-aligned)
SCAN_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("站点编号", "code", 10), ("站点名称", "name", 28), ("县区", "county", 8), ("级别", "level", 8),
    ("状态", "status", 8), ("最近活动", "last_activity", 10), ("得分", "score", -4), ("规则", "rules", 24),
    ("证据", "evidence", 70), ("上次处置", "last_decision", 20),
)  # fmt: skip
# 激活/规范 is typed as either half; every label and code is accepted too.
ACTION_WORDS = {"激活": ZombieAction.REVIVE, "规范": ZombieAction.REVIVE}
DECIDE_LABELS = {"decided_on": "决定日期", "deadline": "期限", "station": "站点编号", "action": "处置方式"}


def _today() -> date:
    """The one place these commands read the clock; everything below takes `today`."""
    return date.today()


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    rule_codes = "、".join(f"{rule.value}（{rule.label}）" for rule in ZombieRule)
    scan = commands.add_parser(
        "zombie-scan", help="排查僵尸站点 (list the stations the zombie rules flag)",
        description="按设置中的僵尸站点规则排查全部未撤销的站点，列出触发的规则、证据和得分（得分高的在前）。"
                    "已作“激活/规范”或“暂缓”处置的站点在期限内不列出 (flagged stations with the rules that fired, "
                    f"their evidence and score, highest first)。规则：{rule_codes}。",
    )  # fmt: skip
    scan.add_argument("--as-of", default="", metavar="DATE", help="排查日期，默认今天 (as of)")
    scan.add_argument("--months", type=int, metavar="N",
                      help="长期无活动的月数，覆盖设置中的值 (months of silence; overrides the setting)")  # fmt: skip
    scan.add_argument("--rule", action="extend", nargs="+", default=[], metavar="CODE",
                      help="只用这些规则（代码或中文名，可多个）(only these rules)")  # fmt: skip
    scan.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式 (output format)")
    scan.add_argument("--json", action="store_true", help="同 --format json")

    actions = "|".join(a.value for a in ZombieAction) + "（或 " + "/".join(
        ("清除", "激活", "重建升级", "暂缓")) + "）"  # fmt: skip
    decide = commands.add_parser(
        "zombie-decide", help="处置僵尸站点 (decide: remove, revive, rebuild, defer)",
        description="对一个或多个站点作出同一处置并记入站点变更记录（僵尸站点处置），同时记下当日规则给出的证据。"
                    "清除须填批准人；激活/规范须填整改事项和整改期限；暂缓须填暂缓至的日期；重建升级另建一个"
                    "12315消费维权服务站并与原站点关联。某个站点不能处置时，其余照常处置，并列出未能处置的站点"
                    "（此时退出码为 1）(one decision for several stations; refused ones are listed, exit 1)。",
    )  # fmt: skip
    decide.add_argument("codes", nargs="+", metavar="CODE", help="站点编号 (station codes)")
    decide.add_argument("--action", required=True, help=f"处置方式：{actions}")
    decide.add_argument("--reason", required=True, help="处置理由 (reason)")
    decide.add_argument("--date", default="", metavar="D", help="决定日期，默认今天 (decided on)")
    decide.add_argument("--approver", default="", metavar="N", help="批准人（清除时必填）(approver)")
    decide.add_argument("--deadline", default="", metavar="D", help="整改期限或暂缓至 (deadline; revive and defer)")
    decide.add_argument("--items", nargs="+", default=[], metavar="ITEM",
                        help="整改事项（激活时必填，可多项）(what to put right)")  # fmt: skip
    decide.add_argument("--user", default="", help="经办人，默认当前登录用户 (who decides)")
    decide.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")


def _date(text: str, key: str, problems: dict[str, str]) -> date | None:
    try:
        return parse_user_date(text)
    except ValueError as exc:
        problems[key] = str(exc)
        return None


# ---- zombie-scan -----------------------------------------------------------------------------


def _rule(text: str) -> ZombieRule | None:
    found = ZombieRule.from_label(text)
    return ZombieRule(found.value) if found is not None else None


def _scan_settings(args: argparse.Namespace, saved: dict[ZombieRule, RuleSetting]) -> dict[ZombieRule, RuleSetting]:
    """The saved rules, with --months as the silence rule's N and only the --rule ones switched on."""
    settings = dict(saved)
    if args.months is not None:
        settings = with_parameter(settings, ZombieRule.SILENT, args.months)
    if args.rule:
        chosen, unknown = set(), []
        for text in args.rule:
            rule = _rule(text)
            if rule is None:
                unknown.append(text)
            else:
                chosen.add(rule)
        if unknown:
            raise UserError(f"未知的规则“{'、'.join(unknown)}”",
                            hint="可选：" + "、".join(f"{r.value}（{r.label}）" for r in ZombieRule))  # fmt: skip
        settings = {rule: RuleSetting(rule in chosen, s.parameter) for rule, s in settings.items()}
    problems = check_settings(settings)
    if problems:  # a read: nothing to "save", so one line rather than the refused-input lines
        raise UserError("；".join(problems.values()).replace("长期无活动：", "--months：长期无活动"))
    return settings


def _describe(settings: dict[ZombieRule, RuleSetting]) -> str:
    parts = []
    for rule, setting in settings.items():
        if setting.enabled:
            unit = PARAMETERS.get(rule)
            parts.append(f"{rule.label}（{setting.parameter}{unit[0]}）" if unit else rule.label)
    return "、".join(parts) or "无（全部规则已关闭）"


def _scan_record(found: Any) -> dict[str, Any]:
    decision = ""
    if found.last_action:
        decision = f"{ZombieAction(found.last_action).label} {found.last_decided_on.isoformat()}"
    return {
        "code": found.code, "name": found.name, "county": found.county, "level": StationLevel(found.level).label,
        "status": StationStatus(found.status).label,
        "last_activity": found.last_activity_on.isoformat() if found.last_activity_on else "",
        "score": found.flag.score, "rules": "、".join(rule.label for rule in found.flag.rules),
        "evidence": found.flag.summary(), "last_decision": decision,
        "rule_codes": [rule.value for rule in found.flag.rules],
        "findings": [{"rule": e.rule.value, "label": e.rule.label, "text": e.text} for e in found.flag.evidence],
        "months_silent": found.flag.months_silent,
    }  # fmt: skip


def _cmd_scan(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import zombies

    try:
        as_of = parse_user_date(args.as_of) or today
    except ValueError as exc:
        raise UserError(f"--as-of：{exc}") from exc
    settings = _scan_settings(args, zombies.rule_settings(db))
    found = zombies.sweep(db, as_of, settings)
    fmt = "json" if args.json else args.format
    write_records(fmt, SCAN_COLUMNS, map(_scan_record, found))
    if fmt == "table":
        print(f"共 {len(found)} 个站点（排查日期 {as_of.isoformat()}；规则：{_describe(settings)}）")
    return EXIT_OK


# ---- zombie-decide ---------------------------------------------------------------------------


def _action(text: str) -> ZombieAction:
    word = text.strip()
    found = ACTION_WORDS.get(word) or ZombieAction.from_label(word)
    if found is None:
        raise UserError(f"未知的处置方式“{text}”", hint="可选：清除、激活、重建升级、暂缓（或 remove、revive、rebuild、defer）")
    return ZombieAction(found.value)


def _cmd_decide(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import stations, zombies

    action = _action(args.action)
    problems: dict[str, str] = {}
    decided_on = _date(args.date, "decided_on", problems) if args.date.strip() else today
    deadline = _date(args.deadline, "deadline", problems) if args.deadline.strip() else None
    ids, unknown = [], []
    for code in dict.fromkeys(c.strip() for c in args.codes):
        try:
            ids.append(stations.find_station_id(db, code))
        except UserError:
            unknown.append(code)
    if unknown:
        problems["station"] = f"没有站点编号为“{'、'.join(unknown)}”的站点"
    if problems:
        raise ValidationFailed(problems, DECIDE_LABELS)
    result = zombies.decide(
        db, ids, action.value, reason=args.reason, decided_on=decided_on, actor=acting_user(args, db),
        today=today, approver=args.approver, deadline=deadline, rectification="；".join(i.strip() for i in args.items),
    )  # fmt: skip
    if args.json:
        print(json.dumps({"action": action.value, "action_label": action.label, "count": result.count,
                          "refused": list(result.refused), "successors": list(result.successors),
                          "summary": result.summary()}, ensure_ascii=False, indent=2))  # fmt: skip
    else:
        print(result.summary())
    return EXIT_USER if result.refused else EXIT_OK


def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.opening import open_database, open_for_reading

    today = _today()
    db = (open_database if args.command == "zombie-decide" else open_for_reading)(settings).db
    handler = {"zombie-scan": _cmd_scan, "zombie-decide": _cmd_decide}[args.command]
    return handler(args, db, today)
