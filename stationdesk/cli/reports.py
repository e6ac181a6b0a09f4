"""`report station|batch|summary`: printed reports from the command line.

Clients of `services.station_reports` / `services.summaries` and the `reports` layouts, exactly
as the app's print dialogs are: the same PDF comes out of both.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from stationdesk.cli.output import county_id
from stationdesk.config import Settings
from stationdesk.errors import UserError

EXIT_OK = 0


def _today() -> date:
    """The one place these commands read the clock."""
    return date.today()


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    from stationdesk.services.report_types import SUMMARY_KINDS

    report = commands.add_parser(
        "report", help="打印报表：站点检查报告、批量报告、汇总表 (printed reports as PDF or .xlsx)",
        description="生成站点检查报告（PDF）或汇总表（PDF 或 Excel）。",
    )  # fmt: skip
    kinds = report.add_subparsers(dest="report_kind", required=True, metavar="{station,batch,summary,bulletin}",
                                  parser_class=parser_class)  # fmt: skip

    station = kinds.add_parser("station", help="一个站点的检查报告 (one station's inspection report)")
    station.add_argument("code", help="站点编号 (station code)")
    station.add_argument("-o", "--output", required=True, metavar="FILE.pdf", help="输出文件 (output PDF)")

    batch = kinds.add_parser(
        "batch", help="批量检查报告 (reports for a county or all stations)",
        description="为一个县区（或全部站点）生成检查报告：-o 为 .pdf 文件时合成一个 PDF 便于打印；"
                    "为文件夹时每站一个文件，以“编号 名称.pdf”命名，并行生成。",
    )  # fmt: skip
    batch.add_argument("--county", default="", help="县区名称或行政区划代码；省略为全部 (county; all when omitted)")
    batch.add_argument("--include-removed", action="store_true", help="包括已撤销的站点")
    batch.add_argument("-o", "--output", required=True, metavar="DIR|FILE.pdf", help="输出文件夹或 PDF 文件")
    batch.add_argument("--workers", type=int, default=None, help="并行进程数，默认为 CPU 核数 (processes)")

    for sub in (station, batch):
        sub.add_argument("--year", type=int, default=None, help="年度，默认今年 (year)")
        sub.add_argument("--all-cases", action="store_true", help="列出本年度全部调解记录（默认最近 15 件）")

    summary = kinds.add_parser(
        "summary", help="汇总表 (summaries)",
        description="汇总表：" + "；".join(f"{k} = {v}" for k, v in SUMMARY_KINDS.items()) + "。",
    )  # fmt: skip
    summary.add_argument("--year", type=int, default=None, help="年度，默认今年 (year)")
    summary.add_argument("--kind", required=True, choices=tuple(SUMMARY_KINDS), help="汇总表种类 (which summary)")
    bulletin = kinds.add_parser(
        "bulletin", help="每周动态 (weekly bulletin)",
        description="每周动态：各县区一周（周一至周日）的新收、办结、周末逾期、回访、先行赔付，与上周比较。",
    )  # fmt: skip
    bulletin.add_argument("--week", default="", metavar="日期",
                          help="这一周中的任意一天，如 2026-11-23；默认上一个完整的周 (any day of the week)")  # fmt: skip
    for sub in (summary, bulletin):
        sub.add_argument("-o", "--output", required=True, metavar="FILE.pdf|FILE.xlsx",
                         help="输出文件，按扩展名生成 PDF 或 Excel")  # fmt: skip


def _pdf_path(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != ".pdf":
        raise UserError(f"输出文件“{text}”应以 .pdf 结尾")
    return path


def _year(args: argparse.Namespace, today: date) -> int:
    year = args.year or today.year
    if not 2000 <= year <= today.year + 1:
        raise UserError(f"年度“{year}”不对", hint=f"应在 2000 至 {today.year + 1} 之间")
    return int(year)


def _cmd_station(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.reports.files import write_atomically
    from stationdesk.reports.station_pdf import station_report_pdf
    from stationdesk.services.station_reports import station_report
    from stationdesk.services.stations import find_station_id

    out = _pdf_path(args.output)
    report = station_report(db, find_station_id(db, args.code), _year(args, today), today,
                            None if args.all_cases else 15)  # fmt: skip
    write_atomically(out, station_report_pdf(report))
    print(f"已生成：{out}")
    return EXIT_OK


def _progress(done: int, total: int) -> bool:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r已生成 {done}/{total}".ljust(30))
        sys.stderr.flush()
    return True


def _cmd_batch(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.reports.batch import write_batch_pdf, write_station_files
    from stationdesk.services.station_reports import ReportScope, report_station_ids

    ids = report_station_ids(db, ReportScope(county_id(db, args.county), args.include_removed))
    if not ids:
        raise UserError("没有符合条件的站点")
    year, limit, out = _year(args, today), None if args.all_cases else 15, Path(args.output)
    if out.suffix.lower() == ".pdf":
        pages = write_batch_pdf(db, ids, year, today, out, case_limit=limit, on_progress=_progress)
        print(f"\n已生成：{out}（{len(ids)} 个站点，{pages} 页）")
    else:
        files = write_station_files(db, ids, year, today, out, case_limit=limit, workers=args.workers,
                                    on_progress=_progress)  # fmt: skip
        print(f"\n已生成 {len(files)} 个文件：{out}")
    return EXIT_OK


def _table_writer(output: str) -> Callable[[Any], int]:
    """What writes a table report to `output` (.pdf or .xlsx, by its extension), checked before
    the report is built so a wrong name is told at once."""
    from stationdesk.reports.table_pdf import write_table_report_pdf
    from stationdesk.reports.table_xlsx import write_table_report_xlsx

    out = Path(output)
    writers = {".pdf": write_table_report_pdf, ".xlsx": write_table_report_xlsx}
    writer = writers.get(out.suffix.lower())
    if writer is None:
        raise UserError(f"输出文件“{output}”应以 .pdf 或 .xlsx 结尾")

    def write(report: Any) -> int:
        writer(report, out)
        print(f"已生成：{out}")
        return EXIT_OK

    return write


def _cmd_summary(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.services.summaries import summary

    write = _table_writer(args.output)
    return write(summary(db, args.kind, _year(args, today), today))


def _cmd_bulletin(args: argparse.Namespace, db: Any, today: date) -> int:
    from stationdesk.domain.dates import parse_user_date
    from stationdesk.domain.periods import last_full_week, week_of
    from stationdesk.services.bulletin import weekly_bulletin

    write = _table_writer(args.output)
    try:
        day = parse_user_date(args.week)
    except ValueError as exc:
        raise UserError(f"--week：{exc}") from None
    week = week_of(day) if day else last_full_week(today)
    return write(weekly_bulletin(db, week, today))


def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.opening import open_for_reading

    today = _today()
    db = open_for_reading(settings, check_integrity=False).db  # reports only read
    handlers = {"station": _cmd_station, "batch": _cmd_batch, "summary": _cmd_summary, "bulletin": _cmd_bulletin}
    handler = handlers[args.report_kind]
    try:
        return handler(args, db, today)
    except OSError as exc:
        raise UserError(f"无法写入“{args.output}”：{exc.strerror or exc}", hint="请检查文件夹是否存在、文件是否被占用") from exc
