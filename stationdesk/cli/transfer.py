"""`import stations FILE` and `export stations|cases|payouts -o FILE.xlsx`: spreadsheets in and
out from the command line, through the same services and files as the app's wizard and buttons."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from stationdesk.cli.output import county_id
from stationdesk.cli.signin import acting_user
from stationdesk.config import Settings
from stationdesk.errors import UserError

EXIT_OK, EXIT_USER = 0, 1


def _today() -> date:
    """The one place these commands read the clock."""
    return date.today()


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    importing = commands.add_parser(
        "import", help="从 Excel/CSV 导入站点名册 (import a station roster)",
        description="逐行检查后导入：新增、更新（按站点编号，其次信用代码+类别，再次名称+地址匹配）、无变化、"
                    "有问题。有问题的行不写入，可用 --rejects 保存为 Excel 修改后再导入；其余各行在一个事务中"
                    "全部写入或全部不写入。",
    )
    kinds = importing.add_subparsers(dest="import_kind", required=True, metavar="{stations,cases}",
                                     parser_class=parser_class)  # fmt: skip
    for kind, help_text in (("stations", "站点名册 (.xlsx / .xls / .csv)"),
                            ("cases", "调解台账：只新增，已登记的（同站点、同受理日期、同消费者和经营者）跳过")):  # fmt: skip
        sub = kinds.add_parser(kind, help=help_text)
        sub.add_argument("file", type=Path, help="文件 (file)")
        sub.add_argument("--sheet", default=None, help="工作表名称，默认第一个有内容的工作表")
        sub.add_argument("--mapping", default=None, help="已保存的列对应关系名称 (a saved mapping)")
        sub.add_argument("--save-mapping", default=None, metavar="NAME", help="把本次的列对应关系保存为 NAME")
        sub.add_argument("--dry-run", action="store_true", help="只检查，不写入 (check only)")
        sub.add_argument("--rejects", type=Path, default=None, metavar="FILE.xlsx",
                         help="有问题的行写入此文件（附问题说明列）")  # fmt: skip
        sub.add_argument("--user", default="", help="录入人，默认当前登录用户")
        sub.add_argument("--json", action="store_true", help="以 JSON 输出")

    export = commands.add_parser("export", help="导出列表为 Excel (export a list to .xlsx)",
                                 description="导出站点台账、调解记录或先行赔付为 .xlsx；消费者姓名和电话已脱敏。")
    export.add_argument("what", choices=("stations", "cases", "payouts"), help="导出哪个列表")
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE.xlsx")
    export.add_argument("--county", default="", help="县区名称或代码")
    export.add_argument("--year", type=int, default=None, help="年度（站点台账的受理数、调解记录的受理年度）")
    export.add_argument("--include-removed", action="store_true", help="站点台账包括已撤销的站点")
    export.add_argument("--overdue", action="store_true", help="调解记录只导出逾期未办结的")


def _cmd_import(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services.import_mappings import save_mapping, saved_mappings
    from stationdesk.transfer.importing import IMPORTERS, match_sheet, write_rejects

    kind = args.import_kind
    plan_import, apply_import = IMPORTERS[kind]
    saved = None
    if args.mapping:
        known = saved_mappings(db, kind)
        if args.mapping not in known:
            raise UserError(f"没有名为“{args.mapping}”的列对应关系", hint="已保存：" + ("、".join(known) or "无"))
        saved = known[args.mapping]
    matched = match_sheet(args.file, kind, args.sheet, saved)
    plan = plan_import(db, matched.rows(), today)
    actor = acting_user(args, db)
    if args.save_mapping:
        save_mapping(db, args.save_mapping, kind, matched.saved_mapping(), actor)
    if args.rejects and plan.rejected:
        write_rejects(matched, plan, args.rejects)
    result = None
    if not args.dry_run and plan.writable:
        result = apply_import(db, plan, actor, today)
    payload = {
        "sheet": matched.sheet, "header_row": matched.header_index + 1,
        "counts": {v: plan.count(v) for v in ("new", "update", "unchanged", "rejected")},
        "written": not args.dry_run and bool(plan.writable),
        "created": list(result.codes) if result else [],
        "rejected": [{"row": r.line, "reason": r.reason} for r in plan.rejected],
    }
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(f"工作表“{matched.sheet}”，表头在第 {matched.header_index + 1} 行：{plan.summary()}")
        for row in plan.rejected[:50]:
            print(f"  第 {row.line} 行：{row.reason}")
        if len(plan.rejected) > 50:
            print(f"  ……另有 {len(plan.rejected) - 50} 行有问题")
        if args.rejects and plan.rejected:
            print(f"有问题的行已写入：{args.rejects}")
        print("只检查，未写入。" if args.dry_run else (f"已写入：新增 {result.created} 行，更新 {result.updated} 行。"
                                                  if result else "没有需要写入的行。"))
    return EXIT_OK if not plan.rejected else EXIT_USER


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r已导出 {done:,}/{total:,}".ljust(30))
        sys.stderr.flush()
    return True


def _cmd_export(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.transfer.exports import case_export, payout_export, station_export
    from stationdesk.transfer.list_xlsx import write_list_xlsx

    if args.output.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件“{args.output}”应以 .xlsx 结尾")
    county = county_id(db, args.county)
    year = args.year or today.year
    if args.what == "stations":
        export = station_export(db, year, county_id=county, include_removed=args.include_removed)
    elif args.what == "cases":
        export = case_export(db, today, None if args.overdue else year, county_id=county, overdue=args.overdue)
    else:
        export = payout_export(db, year)
    written = write_list_xlsx(export, args.output, on_progress=_progress)
    print(f"\n已导出 {written:,} 行：{args.output}")
    return EXIT_OK


def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.opening import open_database, open_for_reading

    today = _today()
    if args.command == "import":
        return _cmd_import(args, open_database(settings).db, today)
    try:
        return _cmd_export(args, open_for_reading(settings, check_integrity=False).db, today)
    except OSError as exc:
        raise UserError(f"无法写入“{args.output}”：{exc.strerror or exc}") from exc
