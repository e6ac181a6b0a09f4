"""`backup` and `restore`: a checked copy of the SQLite database, and putting one back (the file
it replaces is kept). Close the app on every PC before restoring."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from stationdesk.config import Settings
from stationdesk.errors import UserError

EXIT_OK = 0


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    backup = commands.add_parser("backup", help="备份数据库 (a checked copy of the SQLite database)",
                                 description="用 SQLite 在线备份复制数据库并做完整性检查，默认放在数据库旁的 backups 文件夹。")
    backup.add_argument("--to", type=Path, default=None, metavar="DIR", help="备份到此文件夹（默认：设置中的备份文件夹）")
    backup.add_argument("--keep", type=int, default=None, metavar="N",
                        help="只保留最新的 N 份备份（默认：备份到设置中的文件夹时按设置的保留份数）")
    restore = commands.add_parser("restore", help="从备份恢复 (replace the database by a backup)",
                                  description="先检查备份是否完好，再替换数据库文件；被替换的文件改名保留在原处。"
                                              "恢复前请关闭所有电脑上的本程序。")
    restore.add_argument("file", type=Path, help="备份文件")
    restore.add_argument("--yes", action="store_true", help="确认替换当前数据库")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services import backups

    if args.command == "backup":
        from stationdesk.services.opening import database_file, open_for_reading

        db = open_for_reading(settings).db  # a backup only reads: fine while the app is open
        folder = args.to or backups.backup_folder(db)
        taken = backups.take_backup(db, folder)
        keep = args.keep or (None if args.to else backups.retention(db))
        database = database_file(db)
        assert database is not None  # take_backup refused anything else
        removed = backups.prune(folder, database, keep) if keep else []
        print(f"已备份：{taken.path}（{taken.size / 2**20:.1f} MB）" + (f"，删除旧备份 {len(removed)} 份" if removed else ""))
        return EXIT_OK
    target = settings.sqlite_path
    if target is None:
        raise UserError("只有 SQLite 数据库文件可以从备份恢复", hint="PostgreSQL 请由管理员用 pg_restore 恢复")
    if not args.yes:
        backups.check_backup(args.file)
        print(f"备份“{args.file}”完好。确认用它替换“{target}”请加 --yes（被替换的文件会保留）。")
        return EXIT_OK
    kept = backups.restore(args.file, target)
    print(f"已恢复：{target}\n原文件保留为：{kept}")
    return EXIT_OK
