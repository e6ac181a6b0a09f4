"""Backups of a SQLite database: taken with SQLite's online backup API (never a file copy of an
open database), checked, kept in a folder beside the data, the oldest pruned; and a restore that
checks the backup before replacing anything and keeps the file it replaces.

PostgreSQL databases are backed up with pg_dump by the server's administrator (README).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from stationdesk.errors import EnvironmentProblem, UserError
from stationdesk.services.opening import database_file
from stationdesk.store.database import Database, sqlite_module
from stationdesk.store.migrate import backup_sqlite

PREFIX = "stationdesk-"
KEEP = 30
"""Backups kept by default (the daily ones of a month, or the last 30 taken)."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str
    size: int


def _database_file(db: Database) -> Path:
    path = database_file(db)
    if path is None:
        raise UserError("只有 SQLite 数据库文件可以在这里备份", hint="PostgreSQL 请由管理员用 pg_dump 备份")
    return path


def take_backup(db: Database, folder: Path, reason: str = "manual", now: datetime | None = None) -> Backup:
    """A checked copy of the open database in `folder`, named by time and reason."""
    _database_file(db)
    now = now or datetime.now()
    target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}-{reason}.sqlite"
    try:
        path = backup_sqlite(db.engine, target)
    except OSError as exc:
        raise EnvironmentProblem(f"无法写入备份文件夹“{folder}”：{exc.strerror or exc}") from exc
    return Backup(path, now, reason, path.stat().st_size)


def backups(folder: Path) -> list[Backup]:
    """The backups in `folder`, newest first (files not named like ours are left alone)."""
    found = []
    for path in folder.glob(f"{PREFIX}*.sqlite") if folder.is_dir() else ():
        parts = path.stem.removeprefix(PREFIX).split("-", 2)
        try:
            taken = datetime.strptime(f"{parts[0]}-{parts[1]}", "%Y%m%d-%H%M%S")
        except (ValueError, IndexError):
            continue
        found.append(Backup(path, taken, parts[2] if len(parts) > 2 else "", path.stat().st_size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def prune(folder: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups; returns what was deleted."""
    if keep < 1:
        raise UserError("至少保留 1 份备份")
    old = backups(folder)[keep:]
    for backup in old:
        backup.path.unlink(missing_ok=True)
    return [b.path for b in old]


def daily_backup(db: Database, folder: Path, today: date, keep: int = KEEP) -> Backup | None:
    """Today's backup if none was taken today yet (called when the app opens), then pruning."""
    if not db.is_sqlite:
        return None
    if any(b.taken_at.date() == today for b in backups(folder)):
        return None
    taken = take_backup(db, folder, "daily")
    prune(folder, keep)
    return taken


def check_backup(path: Path) -> None:
    """Refuse a backup that is missing, not a SQLite database, or fails its integrity check."""
    if not path.is_file():
        raise UserError(f"找不到备份文件“{path}”")
    module = sqlite_module()
    try:
        connection = module.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
            connection.execute("SELECT count(*) FROM station").fetchone()
        finally:
            connection.close()
    except module.DatabaseError as exc:
        raise UserError(f"“{path.name}”不是可用的备份：{exc}", hint="请选择另一份备份") from exc
    if verdict != "ok":
        raise UserError(f"备份“{path.name}”已损坏（完整性检查未通过）", hint="请选择另一份备份")


def restore(backup: Path, target: Path, now: datetime | None = None) -> Path:
    """Replace the database file `target` (not open anywhere) by `backup`, after checking it.
    The replaced file is kept beside it as "….replaced-<time>.sqlite"; returns that path."""
    check_backup(backup)
    now = now or datetime.now()
    kept = target.with_name(f"{target.stem}.replaced-{now:%Y%m%d-%H%M%S}.sqlite")
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup, partial)
    if target.exists():
        target.replace(kept)
        for suffix in ("-wal", "-shm"):  # the old file's journal must not meet the restored one
            Path(str(target) + suffix).unlink(missing_ok=True)
    partial.replace(target)
    return kept
