"""The headless subcommands. Each prints a table for people or JSON (`--json`) for scripts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from stationdesk.cli.output import print_problems
from stationdesk.config import Settings, resolve_settings
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.logsetup import report_bug, setup_logging

EXIT_OK, EXIT_USER, EXIT_BUG = 0, 1, 3


def _emit(args: argparse.Namespace, payload: dict[str, Any], lines: list[str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
    else:
        print("\n".join(lines))


def _progress(done: int, total: int, text: str) -> None:
    if sys.stderr.isatty():
        sys.stderr.write(f"\r{text} ({done}/{total})".ljust(60))
        sys.stderr.flush()


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.opening import open_database
    from stationdesk.services.sample_data import SCALES, generate_sample

    opened = open_database(settings)
    summary = generate_sample(
        opened.db, SCALES[args.scale], seed=args.seed, today=date.today(), progress=_progress
    )
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    counts = dict(summary.counts)
    lines = [f"示例数据已生成：{settings.display_location()}"]
    lines += [f"  {name}: {count}" for name, count in counts.items()]
    lines.append(f"  用时 {summary.seconds:.1f} 秒")
    _emit(
        args,
        {
            "database": settings.display_location(),
            "scale": args.scale,
            "counts": counts,
            "seconds": round(summary.seconds, 2),
        },
        lines,
    )
    return EXIT_OK


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services.checking import COUNTED_TABLES, check_database
    from stationdesk.services.opening import open_for_reading

    opened = open_for_reading(settings)
    report = check_database(opened.db, settings.display_location())
    lines = [
        f"数据库：{report.location}",
        f"类型：{report.backend} {report.sqlite_version} 日志模式 {report.journal_mode}".rstrip(),
        f"完整性检查：{'正常' if report.integrity == 'ok' else report.integrity}",
        f"外键问题：{report.foreign_key_problems}",
        f"操作日志校验：{'正常' if report.audit_chain == 'ok' else report.audit_chain}",
        f"数据结构版本：{report.schema_version}（最新 {report.schema_head}）",
        "记录数：",
        *(f"  {COUNTED_TABLES[name]} ({name}): {count}" for name, count in report.counts.items()),
    ]
    payload = {
        "database": report.location,
        "backend": report.backend,
        "sqlite_version": report.sqlite_version,
        "journal_mode": report.journal_mode,
        "integrity": report.integrity,
        "foreign_key_problems": report.foreign_key_problems,
        "audit_chain": report.audit_chain,
        "schema_version": report.schema_version,
        "schema_head": report.schema_head,
        "ok": report.ok,
        "counts": report.counts,
    }
    _emit(args, payload, lines)
    return EXIT_OK if report.ok else EXIT_USER


def cmd_stations(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import stations

    return stations.run(args, settings)


def cmd_cases(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import cases

    return cases.run(args, settings)


def cmd_reexam(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import reexam

    return reexam.run(args, settings)


def cmd_zombies(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import zombies

    return zombies.run(args, settings)


def cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import reports

    return reports.run(args, settings)


def cmd_transfer(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import transfer

    return transfer.run(args, settings)


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import backup

    return backup.run(args, settings)


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.cli import users

    return users.run(args, settings)


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
    "demo": cmd_demo,
    "check": cmd_check,
    "stations": cmd_stations,
    "cases": cmd_cases,
    "indicators": cmd_cases,
    "reexam": cmd_reexam,
    "zombie-scan": cmd_zombies,
    "zombie-decide": cmd_zombies,
    "report": cmd_report,
    "import": cmd_transfer,
    "export": cmd_transfer,
    "backup": cmd_backup,
    "restore": cmd_backup,
    "user": cmd_user,
}


def run_command(args: argparse.Namespace) -> int:
    settings = resolve_settings(args.db, args.db_url)
    setup_logging(settings.log_dir)
    try:
        return COMMANDS[args.command](args, settings)
    except ValidationFailed as exc:
        print_problems(exc)
        return EXIT_USER
    except BrokenPipeError:
        # The reader stopped early (`cases list | head`): not a bug. Point stdout at devnull so the
        # interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except UserError as exc:
        sys.stderr.write(f"错误：{exc}\n")
        return EXIT_USER
    except Exception as exc:
        sys.stderr.write(report_bug(exc, f"command {args.command}").replace("\n", " ") + "\n")
        return EXIT_BUG
