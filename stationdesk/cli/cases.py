"""`cases add | list` and `indicators`: mediation cases and station figures on the command line.

Clients of the same services as the case form, the case list and the station page. Lists carry
the consumer's surname and the phone's last 4 digits only (the rows come masked from the store);
they are read a page at a time, so a million-case list streams instead of filling memory.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from stationdesk.cli.output import write_records
from stationdesk.cli.signin import acting_user
from stationdesk.config import Settings
from stationdesk.domain.case_rules import FIELD_LABELS, CaseDraft, case_number, parse_amount
from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.deadlines import urgency
from stationdesk.domain.figures import STATION_RATES, StationFigures
from stationdesk.domain.money import format_yuan
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, Labelled
from stationdesk.errors import UserError, ValidationFailed

PAGE = 500
OPEN_LABEL = "办理中"
URGENCY_LABELS = {"overdue": "逾期", "due_soon": "即将到期", "open": "办理中", "closed_on_time": "按时办结",
                  "closed_late": "超期办结"}
# (heading, JSON key, table width; negative = right-aligned)
CASE_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("案件编号", "number", 12), ("受理日期", "received_on", 10), ("站点编号", "station_code", 10),
    ("站点名称", "station_name", 24), ("渠道", "channel", 13), ("消费者", "consumer", 8), ("电话", "phone", 13),
    ("被投诉经营者", "operator_name", 18), ("类别", "goods_category", 12), ("争议金额", "amount_disputed", -12),
    ("处理方式", "handling", 12), ("处理结果", "outcome", 10), ("办结日期", "closed_on", 10),
    ("应办结日期", "due_on", 10), ("期限状态", "deadline_status", 8), ("挽回损失", "amount_recovered", -12),
)


def _today() -> date:
    """The one place the command line reads the clock; everything below takes `today`."""
    return date.today()


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    cases = commands.add_parser("cases", help="调解案件 (mediation cases: add, list)",
                                description="登记和查询调解案件 (record and list mediation cases)。")
    sub = cases.add_subparsers(dest="cases_command", metavar="操作", required=True, parser_class=parser_class)
    add = sub.add_parser("add", help="登记一件投诉 (record a case)",
                         description="登记一件投诉，按设置中的期限规则计算应办结日期 (record a case; prints its number "
                                     "and due date)。金额单位为元，日期如 2026-11-20。")
    add.add_argument("--station", required=True, metavar="CODE", help="站点编号 (station code)")
    add.add_argument("--received", required=True, metavar="DATE", help="受理日期 (date received)")
    add.add_argument("--channel", default=CaseChannel.ON_SITE.label,
                     help="受理渠道：" + "、".join(c.label for c in CaseChannel) + "（或 on_site/phone/platform），默认现场")
    add.add_argument("--consumer", default="", help="消费者姓名 (consumer's name)")
    add.add_argument("--phone", default="", help="消费者电话 (consumer's phone)")
    add.add_argument("--operator", default="", help="被投诉经营者 (operator complained about)")
    add.add_argument("--category", default="", help="商品/服务类别名称，如 家用电器 (goods category)")
    add.add_argument("--amount", default="", help="争议金额（元）(amount in dispute, yuan)")
    add.add_argument("--handling", default=CaseHandling.SELF.label,
                     help="处理方式：" + "、".join(h.label for h in CaseHandling) + "，默认自行调解")
    add.add_argument("--outcome", default="", help="处理结果：" + "、".join(o.label for o in CaseOutcome)
                     + "；不填为办理中 (empty = open)")
    add.add_argument("--closed", default="", metavar="DATE", help="办结日期 (date closed)")
    add.add_argument("--recovered", default="", help="挽回经济损失（元）(money recovered, yuan)")
    add.add_argument("--difficult", action="store_true", help="疑难案件 (difficult case: longer time limit)")
    add.add_argument("--eligible", action="store_true", help="符合先行赔付条件 (eligible for first payout)")
    add.add_argument("--ref", default="", help="12315平台工单号 (platform work-order number)")
    add.add_argument("--notes", default="", help="备注 (notes)")
    add.add_argument("--user", default="", help="录入人，默认当前登录用户 (who enters it)")
    add.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")

    listing = sub.add_parser("list", help="列出案件 (list cases)",
                             description="按条件列出案件；消费者姓名只显示姓氏、电话只显示后4位 (consumer data masked)。")
    listing.add_argument("--station", metavar="CODE", help="站点编号 (station code)")
    listing.add_argument("--county", metavar="NAME", help="县区名称 (county)")
    listing.add_argument("--from", dest="date_from", metavar="DATE", help="受理日期起 (received on or after)")
    listing.add_argument("--to", dest="date_to", metavar="DATE", help="受理日期止 (received on or before)")
    listing.add_argument("--year", type=int, help="受理年度 (year received)")
    listing.add_argument("--overdue", action="store_true", help="只列逾期未办结的案件，最早到期的在前 (open and past due, oldest due first)")
    state = listing.add_mutually_exclusive_group()
    state.add_argument("--open", dest="state", action="store_const", const="open", help="只列办理中的案件")
    state.add_argument("--closed", dest="state", action="store_const", const="closed", help="只列已办结的案件")
    listing.add_argument("--text", default="", help="案件编号、经营者、工单号、备注、站点名称中的文字 (search)")
    listing.add_argument("--limit", type=_positive, metavar="N", help="最多列出 N 件 (at most N cases)")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式 (output format)")
    listing.add_argument("--json", action="store_true", help="同 --format json")

    ind = commands.add_parser("indicators", help="站点指标 (station indicators for a year)",
                              description="一个站点或全部站点一年的受理、办结、逾期和各项指标 (indicators of one or all "
                                          "stations for a year)。比率后括号内为分子/分母。")
    ind.add_argument("--station", metavar="CODE", help="站点编号；不填为全部站点 (station code; default all)")
    ind.add_argument("--year", type=int, help="年度，默认今年 (year)")
    ind.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式 (output format)")
    ind.add_argument("--json", action="store_true", help="同 --format json")


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("应为正整数")
    return value


def _date(text: str | None, label: str) -> date | None:
    try:
        return parse_user_date(text or "")
    except ValueError as exc:
        raise UserError(f"{label}：{exc}") from exc


# ---- cases add -------------------------------------------------------------------------------


def _draft(args: argparse.Namespace, db: Any) -> CaseDraft:
    """What was typed as a CaseDraft; every typing problem at once, keyed by field (ValidationFailed)."""
    from stationdesk.services import cases, stations

    problems: dict[str, str] = {}
    values: dict[str, Any] = {}

    def attempt(key: str, parse: Any, *parts: Any) -> None:
        try:
            values[key] = parse(*parts)
        except (ValueError, UserError) as exc:
            problems[key] = str(exc)

    def labelled(enum: type[Labelled], key: str, text: str) -> str:
        member = enum.from_label(text)
        if member is None:
            raise ValueError(f"未知的{FIELD_LABELS[key]}“{text}”（可选：{'、'.join(m.label for m in enum)}）")
        return str(member.value)

    attempt("station_id", stations.find_station_id, db, args.station)
    attempt("received_on", parse_user_date, args.received)
    attempt("closed_on", parse_user_date, args.closed)
    attempt("channel", labelled, CaseChannel, "channel", args.channel)
    attempt("handling", labelled, CaseHandling, "handling", args.handling)
    if args.outcome.strip() and args.outcome.strip() != OPEN_LABEL:
        attempt("outcome", labelled, CaseOutcome, "outcome", args.outcome)
    attempt("amount_disputed_fen", parse_amount, FIELD_LABELS["amount_disputed_fen"], args.amount)
    attempt("amount_recovered_fen", parse_amount, FIELD_LABELS["amount_recovered_fen"], args.recovered)
    if args.category.strip():
        choices = {c.name: c.id for c in cases.goods_categories(db)}
        if args.category.strip() in choices:
            values["goods_category_id"] = choices[args.category.strip()]
        else:
            problems["goods_category_id"] = f"没有名为“{args.category}”的类别（可选：{'、'.join(choices)}）"
    if problems:
        raise ValidationFailed(problems, FIELD_LABELS)
    return CaseDraft(consumer_name=args.consumer, consumer_phone=args.phone, operator_name=args.operator,
                     difficult=args.difficult, payout_eligible=args.eligible, platform_ref=args.ref,
                     notes=args.notes, **values)


def _cmd_add(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import cases

    saved = cases.add_case(db, _draft(args, db), actor=acting_user(args, db), today=today)
    if args.json:
        print(json.dumps({"id": saved.id, "number": saved.number, "station_code": args.station.strip().upper(),
                          "due_on": saved.due_on.isoformat(), "warnings": list(saved.warnings)}, ensure_ascii=False))
    else:
        print(f"已登记案件 {saved.number}，应办结日期 {saved.due_on.isoformat()}")
        for warning in saved.warnings:
            print(f"提示：{warning}")
    return 0



# ---- cases list ------------------------------------------------------------------------------


def _case_filter(args: argparse.Namespace, db: Any, today: date) -> Any:
    from stationdesk.services import cases, register, stations

    start, end = _date(args.date_from, "受理日期起"), _date(args.date_to, "受理日期止")
    if args.year:
        start = max(start or date(args.year, 1, 1), date(args.year, 1, 1))
        end = min(end or date(args.year, 12, 31), date(args.year, 12, 31))
    county_id = None
    if args.county:
        counties = register.register_lookups(db).counties
        county_id = next((c.id for c in counties if c.name == args.county.strip()), None)
        if county_id is None:
            raise UserError(f"没有名为“{args.county}”的县区", hint="可选：" + "、".join(c.name for c in counties))
    return cases.CaseFilter(
        text=args.text.strip(), station_id=stations.find_station_id(db, args.station) if args.station else None,
        county_id=county_id, received_from=start, received_to=end, state=args.state,
        overdue_on=today if args.overdue else None,
    )


def _case_record(row: Any, today: date) -> dict[str, Any]:
    state = urgency(row.due_on, today, row.closed_on) if row.due_on else None
    return {
        "id": row.id, "number": case_number(row.id, row.received_on), "received_on": row.received_on.isoformat(),
        "station_code": row.station_code, "station_name": row.station_name, "county": row.county,
        "channel": CaseChannel(row.channel).label, "consumer": row.consumer, "phone": row.phone,
        "operator_name": row.operator_name, "goods_category": row.goods_category,
        "amount_disputed": format_yuan(row.amount_disputed_fen), "amount_disputed_fen": row.amount_disputed_fen,
        "handling": CaseHandling(row.handling).label,
        "outcome": CaseOutcome(row.outcome).label if row.outcome else OPEN_LABEL,
        "closed_on": row.closed_on.isoformat() if row.closed_on else "",
        "due_on": row.due_on.isoformat() if row.due_on else "",
        "deadline_status": URGENCY_LABELS[state] if state else "", "deadline_status_code": state or "",
        "amount_recovered": format_yuan(row.amount_recovered_fen), "amount_recovered_fen": row.amount_recovered_fen,
        "difficult": row.difficult, "first_payout": row.first_payout,
    }


def _paged(db: Any, ids: list[int], today: date) -> Iterator[dict[str, Any]]:
    from stationdesk.services import cases

    for start in range(0, len(ids), PAGE):
        page = ids[start:start + PAGE]
        rows = cases.load_case_rows(db, page)
        yield from (_case_record(rows[i], today) for i in page if i in rows)


def _cmd_list(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import cases

    sort_key, descending = ("due_on", False) if args.overdue else ("received_on", True)
    ids = cases.list_case_ids(db, _case_filter(args, db, today), sort_key, descending)
    shown = ids[: args.limit] if args.limit else ids
    fmt = "json" if args.json else args.format
    write_records(fmt, CASE_COLUMNS, _paged(db, shown, today))
    if fmt == "table":
        print(f"共 {len(ids)} 件" + (f"，显示前 {len(shown)} 件" if len(shown) < len(ids) else ""))
    return 0


# ---- indicators ------------------------------------------------------------------------------

RATE_WIDTH = 16
INDICATOR_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("站点编号", "code", 10), ("站点名称", "name", 24), ("受理", "received", -6), ("办结", "closed", -6),
    ("逾期", "overdue", -5),
    *((indicator.label, f"{indicator.value}_text", -RATE_WIDTH) for indicator in STATION_RATES),
    ("先行赔付笔数", "payouts", -12), ("先行赔付金额", "payout_yuan", -12), ("挽回损失", "recovered_yuan", -12),
    ("回访", "follow_ups", -6), ("咨询", "consultations", -6), ("最近活动日期", "last_activity_on", 12),
)


def _indicator_record(code: str, name: str, year: int, figures: StationFigures, basic: bool) -> dict[str, Any]:
    """The JSON shape: counts, money in fen, each rate as "82.4%" with its counts "14/17"."""
    return {"code": code, "name": name, "year": year, **figures.as_dict(basic)}


def _for_people(rec: dict[str, Any]) -> dict[str, Any]:
    """`rec` with the texts the table and CSV show: "82.4%（14/17）" ("—" when nothing to count), 元."""
    shown = dict(rec, payout_yuan=format_yuan(rec["payout_fen"]), recovered_yuan=format_yuan(rec["recovered_fen"]),
                 last_activity_on=rec["last_activity_on"] or "")
    for indicator in STATION_RATES:
        rate, counts = rec[f"{indicator.value}_rate"], rec[f"{indicator.value}_counts"]
        shown[f"{indicator.value}_text"] = rate if counts.endswith("/0") else f"{rate}（{counts}）"
    return shown


def _print_one_station(rec: dict[str, Any]) -> None:
    print(f"{rec['code']}  {rec['name']}  {rec['year']}年")
    print(f"  受理 {rec['received']} 件  办结 {rec['closed']} 件  逾期 {rec['overdue']} 件")
    for indicator in STATION_RATES:
        print(f"  {indicator.label}  {rec[f'{indicator.value}_text']}")
    print(f"  先行赔付 {rec['payouts']} 笔 {rec['payout_yuan']} 元")
    print(f"  挽回损失 {rec['recovered_yuan']} 元")
    print(f"  回访 {rec['follow_ups']} 次（接通 {rec['reached']} 次）  咨询 {rec['consultations']} 人次")
    print(f"  最近活动日期 {rec['last_activity_on'] or '无'}")


def _all_stations(db: Any, year: int, today: date, basic: bool) -> Iterator[dict[str, Any]]:
    """Every station but removed ones in code order, plus removed ones that did something up to
    that year (their figures still count in the year's totals)."""
    from stationdesk.services import cases, indicators, register

    start, end = indicators.year_bounds(year)
    found = indicators.station_indicators(db, start, end, today)
    labels = {c.id: (c.code, c.name) for c in cases.station_choices(db)}
    removed = [station_id for station_id in found if station_id not in labels]
    for first in range(0, len(removed), PAGE):
        rows = register.load_station_rows(db, removed[first:first + PAGE], year)
        labels.update((row.id, (row.code, row.name)) for row in rows.values())
    for station_id, (code, name) in sorted(labels.items(), key=lambda item: item[1][0]):
        figures = found.get(station_id) or StationFigures(station_id)
        yield _indicator_record(code, name, year, figures, basic)


def _cmd_indicators(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services import indicators, stations

    year = args.year or today.year
    basic = indicators.counts_basic_as_satisfied(db)
    fmt = "json" if args.json else args.format
    if args.station:
        detail = stations.get_station(db, stations.find_station_id(db, args.station))
        start, end = indicators.year_bounds(year)
        figures = indicators.indicators_of(db, detail.id, start, end, today)
        rec = _indicator_record(detail.draft.code, detail.draft.name, year, figures, basic)
        if fmt == "json":
            print(json.dumps(rec, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            write_records("csv", INDICATOR_COLUMNS, [_for_people(rec)])
        else:
            _print_one_station(_for_people(rec))
        return 0
    records = _all_stations(db, year, today, basic)
    count = write_records(fmt, INDICATOR_COLUMNS, records if fmt == "json" else map(_for_people, records))
    if fmt == "table":
        print(f"共 {count} 个站点（{year}年）")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.opening import open_database, open_for_reading

    today = _today()
    writes = args.command == "cases" and args.cases_command == "add"
    db = (open_database if writes else open_for_reading)(settings).db
    if args.command == "indicators":
        handler = _cmd_indicators
    else:
        handler = {"add": _cmd_add, "list": _cmd_list}[args.cases_command]
    return handler(args, db, today)
