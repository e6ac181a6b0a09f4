"""`reexam start | propose | ranking | decide`: the annual re-examination (年度复核) on the command line.

Clients of `services.reexam`, like the 年度复核 page: a script can open a year's round, list the
rules' proposals with their reasons, print the ranking with the 红榜 and 黑榜, and confirm or
override one station's outcome (an override needs `--reason`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from datetime import date
from typing import Any

from stationdesk.cli.output import write_records
from stationdesk.cli.signin import acting_user
from stationdesk.config import Settings
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.reexam_rules import TIE_RULE, red_and_black
from stationdesk.domain.vocabulary import ReexamOutcome, StationLevel, StationStatus
from stationdesk.errors import UserError

REASON_SEPARATOR = "；"
NOT_SCORED = "未评分"
# (heading, JSON key, table width; negative = right-aligned)
PROPOSAL_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("站点编号", "code", 10), ("站点名称", "name", 24), ("级别", "level", 8), ("受理", "received", -5),
    ("自行调解率", "self_mediation", -16), ("调解成功率", "success", -16), ("总分", "total", -6),
    ("建议", "proposed", 8), ("结论", "decided", 8), ("理由", "reasons", 60),
)  # fmt: skip
RANKING_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("名次", "place", -4), ("站点编号", "code", 10), ("站点名称", "name", 24), ("县区", "county", 8),
    ("级别", "level", 8), ("总分", "total", -6), ("调解成功率", "success", -16), ("受理", "received", -5),
    ("榜单", "list", 4), ("结论", "decided", 8),
)  # fmt: skip


def _today() -> date:
    """The one place this command reads the clock; everything below takes `today`."""
    return date.today()


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    reexam = commands.add_parser("reexam", help="年度复核 (annual re-examination: start, propose, ranking, decide)",
                                 description="示范站点年度复核：开始本年度复核、查看系统建议及理由、排名与红黑榜、确认或改判结论 "
                                             "(annual re-examination of the demonstration stations)。")  # fmt: skip
    sub = reexam.add_subparsers(dest="reexam_command", metavar="操作", required=True, parser_class=parser_class)

    start = sub.add_parser("start", help="开始年度复核 (open the year's round)",
                           description="对全部未撤销的示范站点开始一个年度的复核：统计全年指标、冻结所用考核标准、"
                                       "逐站生成复核建议 (snapshot figures, freeze standards, propose outcomes)。")  # fmt: skip
    start.add_argument("--year", type=int, required=True, help="复核年度 (year)")
    start.add_argument("--user", default="", help="经办人，默认当前登录用户 (who starts it)")
    start.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")

    propose = sub.add_parser("propose", help="列出各站点的复核建议和理由 (proposals with reasons)",
                             description="列出本年度复核中每个站点的指标、总分、系统建议及理由 (each station's figures, "
                                         "score, proposal and reasons)。理由之间以“；”分隔。")  # fmt: skip
    propose.add_argument("--year", type=int, required=True, help="复核年度 (year)")
    propose.add_argument("--refresh", action="store_true",
                         help="先重新统计未确认站点的全年指标并重新生成建议 (re-read figures of undecided stations first)")
    propose.add_argument("--user", default="", help="经办人（用于 --refresh），默认当前登录用户")
    propose.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式 (output format)")
    propose.add_argument("--json", action="store_true", help="同 --format json")

    ranking = sub.add_parser("ranking", help="排名与红黑榜 (ranking, red and black lists)",
                             description=f"按总分排名，列出红榜、黑榜和全部名次 (ranking by total score)。{TIE_RULE}；"
                                         "未现场评分的站点列在最后，不进红黑榜。")  # fmt: skip
    ranking.add_argument("--year", type=int, required=True, help="复核年度 (year)")
    ranking.add_argument("--size", type=_positive, metavar="N", help="红榜、黑榜各列几名，默认按设置（3）")
    ranking.add_argument("--county", metavar="NAME", help="只排一个县区 (one county)")
    ranking.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式 (output format)")
    ranking.add_argument("--json", action="store_true", help="同 --format json")

    decide = sub.add_parser("decide", help="确认或改判一个站点的复核结论 (confirm or override one outcome)",
                            description="确认一个站点的复核结论并按结论调整站点级别或状态（记入站点变更记录）。"
                                        "结论与系统建议不同时必须填写理由 (an override needs --reason)。")  # fmt: skip
    decide.add_argument("--year", type=int, required=True, help="复核年度 (year)")
    decide.add_argument("--station", required=True, metavar="CODE", help="站点编号 (station code)")
    decide.add_argument("--outcome", required=True,
                        help="复核结论：" + "|".join(o.label for o in ReexamOutcome) + "（或 " +
                             "/".join(o.value for o in ReexamOutcome) + "）")  # fmt: skip
    decide.add_argument("--reason", default="", help="理由（与系统建议不同时必填）(reason; required to override)")
    decide.add_argument("--document-no", default="", help="决定文号 (document number)")
    decide.add_argument("--user", default="", help="决定人，默认当前登录用户 (who decides)")
    decide.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("应为正整数")
    return value


def _progress(done: int, total: int, text: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{text} ({done}/{total})".ljust(60))
        sys.stderr.flush()


def _round(db: Any, year: int) -> Any:
    from stationdesk.services import reexam

    info = reexam.round_of_year(db, year)
    if info is None:
        raise UserError(f"{year}年度复核尚未开始", hint=f"请先运行 reexam start --year {year}")
    return info


def _rate_text(row: Any, indicator: Indicator) -> str:
    rate = row.figures.rate(indicator)
    return f"{rate.percent_text()}（{rate.counts_text()}）" if rate.has_data else rate.percent_text()


def _total_text(total: Any) -> str:
    return NOT_SCORED if total is None else format(total.normalize(), "f")


def _level_text(level: str) -> str:
    return StationLevel(level).label if level else ""


# ---- start -----------------------------------------------------------------------------------


def _cmd_start(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import reexam, standards

    info = reexam.start_round(db, args.year, acting_user(args, db), today, progress=_progress)
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    rows = reexam.round_rows(db, info.id)
    tally = Counter(row.proposed_text for row in rows)
    proposals = {o.label: tally.get(o.label, 0) for o in ReexamOutcome}
    levels = {row.level for row in rows}
    used = [{"level": StationLevel(r.draft.level).label, "revision": r.revision, "frozen": r.frozen}
            for r in standards.standards_of_year(db, args.year) if r.draft.level in levels]  # fmt: skip
    if args.json:
        print(json.dumps({"id": info.id, "year": info.year, "title": info.title, "stations": info.stations,
                          "proposals": proposals, "standards": used, "created_by": info.created_by},
                         ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    print(f"{info.title}已开始：{info.stations} 个站点")
    print("系统建议：" + "、".join(f"{label} {count}" for label, count in proposals.items()))
    print("考核标准：" + "、".join(f"{u['level']} 第{u['revision']}版（已冻结）" for u in used))
    print(f"查看建议：reexam propose --year {info.year}")
    return 0


# ---- propose ---------------------------------------------------------------------------------


def _proposal_record(row: Any) -> dict[str, Any]:
    return {
        "code": row.code, "name": row.name, "county": row.county, "level": _level_text(row.level),
        "received": row.figures.received, "self_mediation": _rate_text(row, Indicator.SELF_MEDIATION),
        "success": _rate_text(row, Indicator.MEDIATION_SUCCESS), "total": _total_text(row.total),
        "proposed": row.proposed_text, "decided": row.outcome_text,
        "reasons": REASON_SEPARATOR.join(row.reasons),
    }  # fmt: skip


def _cmd_propose(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import reexam

    info = _round(db, args.year)
    if args.refresh:
        info = reexam.refresh_proposals(db, info.id, acting_user(args, db), today)
    rows = reexam.round_rows(db, info.id)
    fmt = "json" if args.json else args.format
    write_records(fmt, PROPOSAL_COLUMNS, map(_proposal_record, rows))
    if fmt == "table":
        tally = Counter(row.proposed_text for row in rows)
        print(f"共 {len(rows)} 个站点（{info.year}年度，已确认 {info.decided} 个，已现场评分 {info.scored} 个）；建议："
              + "、".join(f"{o.label} {tally[o.label]}" for o in ReexamOutcome if tally[o.label]))  # fmt: skip
    return 0


# ---- ranking ---------------------------------------------------------------------------------


def _ranking_record(row: Any, place: int | None, listed: str) -> dict[str, Any]:
    return {
        "place": place or "", "code": row.code, "name": row.name, "county": row.county,
        "level": _level_text(row.level), "total": _total_text(row.total),
        "success": _rate_text(row, Indicator.MEDIATION_SUCCESS), "received": row.figures.received,
        "list": listed, "decided": row.outcome_text,
    }  # fmt: skip


def _cmd_ranking(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import reexam

    info = _round(db, args.year)
    result = reexam.ranking(db, info.id, args.size)
    ordered, red, black = result.overall, result.red, result.black
    if args.county:
        county = args.county.strip()
        if county not in result.by_county:
            raise UserError(f"本年度复核中没有“{args.county}”的站点", hint="可选：" + "、".join(sorted(result.by_county)))
        ordered = result.by_county[county]  # ranked by the same rule as the whole round
        red, black = red_and_black([r for r in ordered if r.total is not None], result.size)
    lists = {row.id: "红榜" for row in red} | {row.id: "黑榜" for row in black}
    places = {row.id: n for n, row in enumerate((r for r in ordered if r.total is not None), start=1)}
    records = [_ranking_record(row, places.get(row.id), lists.get(row.id, "")) for row in ordered]
    by_id = {rec["code"]: rec for rec in records}
    fmt = "json" if args.json else args.format
    if fmt == "json":
        print(json.dumps({"year": info.year, "county": args.county or "", "size": result.size, "tie_rule": TIE_RULE,
                          "red": [by_id[r.code] for r in red], "black": [by_id[r.code] for r in black],
                          "ranking": records}, ensure_ascii=False, indent=2))  # fmt: skip
        return 0
    if fmt == "csv":
        write_records("csv", RANKING_COLUMNS, records)
        return 0
    where = f"{args.county.strip()} " if args.county else ""
    for title, chosen in ((f"红榜（前 {len(red)} 名）", red), (f"黑榜（后 {len(black)} 名）", black)):
        print(f"{info.year}年度 {where}{title}")
        if chosen:
            write_records("table", RANKING_COLUMNS, (by_id[r.code] for r in chosen))
        else:
            print("  （尚无足够的已评分站点）")
        print()
    print(f"{info.year}年度 {where}全部排名（{TIE_RULE}；未评分的站点列在最后）")
    write_records("table", RANKING_COLUMNS, records)
    print(f"共 {len(records)} 个站点，已评分 {len(places)} 个")
    return 0


# ---- decide ----------------------------------------------------------------------------------


def _cmd_decide(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import reexam, stations

    outcome = ReexamOutcome.from_label(args.outcome)
    if outcome is None:
        raise UserError(f"未知的复核结论“{args.outcome}”", hint="可选：" + "、".join(o.label for o in ReexamOutcome))
    info = _round(db, args.year)
    station_id = stations.find_station_id(db, args.station)
    row = next((r for r in reexam.round_rows(db, info.id) if r.station_id == station_id), None)
    if row is None:
        raise UserError(f"站点“{args.station.strip()}”不在{info.year}年度复核中")
    chosen = reexam.decide(db, row.id, outcome.value, args.reason, acting_user(args, db), today,
                           args.document_no)  # fmt: skip
    detail = stations.get_station(db, station_id)
    level, status = StationLevel(detail.draft.level).label, StationStatus(detail.status).label
    if args.json:
        print(json.dumps({"code": row.code, "name": row.name, "outcome": chosen.label, "outcome_code": chosen.value,
                          "proposed": row.proposed_text, "overridden": chosen.value != row.proposed,
                          "level": level, "status": status}, ensure_ascii=False))  # fmt: skip
    else:
        note = "" if chosen.value == row.proposed else f"（系统建议：{row.proposed_text}，已改判）"
        print(f"{row.code} {row.name}：{chosen.label}{note}；现为 {level}、{status}")
    return 0



def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.opening import open_database

    today = _today()
    db = open_database(settings).db
    handler = {"start": _cmd_start, "propose": _cmd_propose, "ranking": _cmd_ranking,
               "decide": _cmd_decide}[args.reexam_command]  # fmt: skip
    return handler(args, db, today)
