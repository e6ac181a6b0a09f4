"""Command line: `python main.py [--db PATH] [command] …`.

With no command the desktop app opens. Commands are clients of `services/`, exactly like the
GUI. Exit codes: 0 done, 1 a problem the user can fix (one Chinese line on stderr), 2 wrong
usage, 3 an unexpected error (logged; the line names the log file).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from stationdesk import __version__

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors in Chinese and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"参数错误 (usage error): {message}\n")
        sys.exit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stationdesk",
        description="维权站点管理台 StationDesk — 12315“五进”维权服务站点台账与监管。不带子命令时打开图形界面。",
    )
    parser.add_argument("--version", action="version", version=f"StationDesk {__version__}")
    parser.add_argument("--db", metavar="PATH", help="数据库文件 (SQLite database file)；默认在用户数据目录")
    parser.add_argument(
        "--db-url", metavar="URL", help="数据库连接串 (any SQLAlchemy URL, e.g. postgresql://…)"
    )
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="子命令 (command)", parser_class=_Parser)

    demo = commands.add_parser(
        "demo",
        help="生成示例数据 (create sample data)",
        description="在空数据库中生成逼真的示例站点和调解记录 (fill an empty database with realistic sample data)。",
    )
    demo.add_argument(
        "--scale",
        choices=("demo", "city", "province"),
        default="demo",
        help="规模：demo 约300站点；city 约800站点；province 2万站点/100万件 (size)",
    )
    demo.add_argument("--seed", type=int, default=2026, help="随机种子 (random seed)")
    demo.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")

    check = commands.add_parser(
        "check",
        help="检查数据库 (integrity check, schema version, row counts)",
        description="完整性检查、数据结构版本和各表记录数 (database integrity check, schema version, row counts)。",
    )
    check.add_argument("--json", action="store_true", help="以 JSON 输出 (print JSON)")
    from stationdesk.cli import backup, cases, reexam, reports, stations, transfer, users, zombies

    stations.add_parsers(commands, _Parser)
    cases.add_parsers(commands, _Parser)
    reexam.add_parsers(commands, _Parser)
    zombies.add_parsers(commands, _Parser)
    reports.add_parsers(commands, _Parser)
    transfer.add_parsers(commands, _Parser)
    backup.add_parsers(commands, _Parser)
    users.add_parsers(commands, _Parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from stationdesk.ui.app import run_gui

        return run_gui(args)
    from stationdesk.cli.commands import run_command

    return run_command(args)
