"""`stations list | show | set-status`: the register on the command line, on the same services."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import asdict
from datetime import date
from typing import Any

from stationdesk.cli.output import lookup_id
from stationdesk.cli.signin import acting_user
from stationdesk.config import Settings
from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.domain.vocabulary import StationForm, StationLevel, StationStatus
from stationdesk.errors import UserError

PAGE = 500
# A target status names the action that reaches it (`set-status CODE removed`).
STATUS_ACTIONS = {
    StationStatus.REMOVED: StationAction.REMOVE,
    StationStatus.SUSPENDED: StationAction.SUSPEND,
    StationStatus.RECTIFYING: StationAction.RECTIFY,
    StationStatus.ACTIVE: StationAction.REINSTATE,
}


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    stations = commands.add_parser("stations", help="站点台账 (station register: list, show, set-status)")
    sub = stations.add_subparsers(dest="stations_command", metavar="操作", required=True, parser_class=parser_class)
    listing = sub.add_parser("list", help="列出站点 (list stations)", description="按条件列出站点 (list stations with filters)。")
    listing.add_argument("--search", default="", help="名称、编号、依托单位、信用代码、地址、联系人中包含的文字")
    listing.add_argument("--county", help="县区名称或行政区划代码 (county)")
    listing.add_argument("--category", help="类别，如 进商场 (category)")
    listing.add_argument("--form", help="形式：" + "、".join(f.label for f in StationForm))
    listing.add_argument("--level", help="级别：" + "、".join(lv.label for lv in StationLevel))
    listing.add_argument("--status", help="状态：" + "、".join(s.label for s in StationStatus))
    listing.add_argument("--include-removed", action="store_true", help="包括已撤销的站点")
    listing.add_argument("--year", type=int, default=date.today().year, help="统计受理件数的年度")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式 (output format)")
    listing.add_argument("--json", action="store_true", help="同 --format json")
    show = sub.add_parser("show", help="显示一个站点 (show one station)")
    show.add_argument("code", help="站点编号")
    show.add_argument("--json", action="store_true", help="以 JSON 输出")
    status = sub.add_parser("set-status", help="变更状态或级别 (change status or level, with reason)")
    status.add_argument("code", help="站点编号")
    status.add_argument("status", help="目标状态（正常运行/限期整改/暂停/已撤销 或 active/rectifying/suspended/removed），"
                                       "或 upgrade/downgrade 调整级别")
    status.add_argument("--reason", required=True, help="变更原因（必填）")
    status.add_argument("--date", default="", help="生效日期，默认今天")
    status.add_argument("--document-no", default="", help="文号")
    status.add_argument("--user", default="", help="经办人，默认当前登录用户")
    status.add_argument("--json", action="store_true", help="以 JSON 输出")


def _enum_value(enum: Any, text: str | None, what: str) -> str | None:
    if not text:
        return None
    member = enum.from_label(text)
    if member is None:
        raise UserError(f"未知的{what}“{text}”", hint="可选：" + "、".join(m.label for m in enum))
    return str(member.value)


def _cmd_list(args: argparse.Namespace, db: Any) -> int:
    from stationdesk.services import register
    from stationdesk.services.register import StationFilter

    lookups = register.register_lookups(db)
    flt = StationFilter(
        text=args.search.strip(),
        county_id=lookup_id(lookups.counties, args.county, "县区"),
        category_id=lookup_id(lookups.categories, args.category, "类别"),
        form=_enum_value(StationForm, args.form, "形式"),
        level=_enum_value(StationLevel, args.level, "级别"),
        status=_enum_value(StationStatus, args.status, "状态"),
        include_removed=args.include_removed,
    )
    ids = register.list_station_ids(db, flt, year=args.year)
    records: list[dict[str, Any]] = []
    for start in range(0, len(ids), PAGE):
        page = ids[start:start + PAGE]
        rows = register.load_station_rows(db, page, args.year)
        for station_id in page:
            r = rows[station_id]
            records.append({
                "code": r.code, "name": r.name, "category": r.category, "form": StationForm(r.form).label,
                "level": StationLevel(r.level).label, "status": StationStatus(r.status).label, "county": r.county,
                "street": r.street, "host_name": r.host_name, "host_credit_code": r.host_credit_code,
                "contact_person": r.contact_person, "contact_phone": r.contact_phone,
                f"cases_{args.year}": r.figures.received,
            })
    fmt = "json" if args.json else args.format
    if fmt == "json":
        print(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        headers = ["站点编号", "站点名称", "类别", "形式", "级别", "状态", "县区", "街道乡镇", "依托单位",
                   "统一社会信用代码", "联系人", "联系电话", f"{args.year}年受理"]
        writer.writerow(headers)
        writer.writerows(list(rec.values()) for rec in records)
    else:
        for rec in records:
            print(f"{rec['code']}  {rec['name']}  {rec['category']}  {rec['level']}  {rec['status']}  {rec['county']}"
                  f"  受理{rec[f'cases_{args.year}']}件")
        print(f"共 {len(records)} 个站点")
    return 0


def _cmd_show(args: argparse.Namespace, db: Any) -> int:
    from stationdesk.services import stations

    detail = stations.get_station(db, stations.find_station_id(db, args.code))
    payload = {**asdict(detail.draft), "id": detail.id, "version": detail.version, "status": detail.status,
               "category": detail.category_name, "county": detail.county_name, "street": detail.street_name,
               "office": detail.office_name, "created_by": detail.created_by, "updated_by": detail.updated_by,
               "history": [asdict(e) for e in stations.station_timeline(db, detail.id)]}
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return 0
    d = detail.draft
    print(f"{d.code}  {d.name}")
    print(f"  类别：{detail.category_name}  形式：{StationForm(d.form).label}  级别：{StationLevel(d.level).label}  "
          f"状态：{StationStatus(detail.status).label}")
    print(f"  县区：{detail.county_name} {detail.street_name}  监管所：{detail.office_name}")
    print(f"  依托单位：{d.host_name}（{d.host_credit_code}）  地址：{d.address}")
    print(f"  联系人：{d.contact_person} {d.contact_phone}")
    print(f"  录入：{detail.created_by}  最后修改：{detail.updated_by}")
    for entry in stations.station_timeline(db, detail.id):
        print(f"  {entry.on}  {entry.kind}  {entry.change}  {entry.reason}  {entry.person}")
    return 0


def _action_for(text: str) -> StationAction:
    lowered = text.strip().lower()
    if lowered in ("upgrade", "升级"):
        return StationAction.UPGRADE
    if lowered in ("downgrade", "降级"):
        return StationAction.DOWNGRADE
    status = StationStatus.from_label(text)
    if status is None:
        raise UserError(f"未知的状态“{text}”", hint="可选：" + "、".join(s.label for s in StationStatus) + "、upgrade、downgrade")
    return STATUS_ACTIONS[StationStatus(status.value)]


def _cmd_set_status(args: argparse.Namespace, db: Any) -> int:
    from stationdesk.services import stations

    try:
        day = parse_user_date(args.date) if args.date else date.today()
    except ValueError as exc:
        raise UserError(str(exc)) from exc
    station_id = stations.find_station_id(db, args.code)
    result = stations.change_station_status(
        db, station_id, _action_for(args.status), reason=args.reason, effective_on=day,
        actor=acting_user(args, db), today=date.today(), document_no=args.document_no)
    text = f"{args.code}：{result.change.describe()}（{day.isoformat()}）"
    print(json.dumps({"code": args.code, "attribute": result.change.attribute, "old": result.change.old_value,
                      "new": result.change.new_value, "effective_on": day.isoformat()}, ensure_ascii=False)
          if args.json else text)
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.opening import open_database, open_for_reading

    db = (open_database if args.stations_command == "set-status" else open_for_reading)(settings).db
    handler = {"list": _cmd_list, "show": _cmd_show, "set-status": _cmd_set_status}[args.stations_command]
    return handler(args, db)
