"""Backups of a SQLite database: taken with SQLite's online backup API (never a file copy of an
open database), checked, kept in a folder beside the data, the oldest pruned; and a restore that
checks the backup before replacing anything and keeps the file it replaces.

PostgreSQL databases are backed up with pg_dump by the server's administrator (README).
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from stationdesk.config import default_actor, sqlite_url
from stationdesk.errors import EnvironmentProblem, UserError
from stationdesk.services import preferences
from stationdesk.services.opening import database_file
from stationdesk.store import instance_lock
from stationdesk.store.database import Database, make_engine, sqlite_module
from stationdesk.store.migrate import backup_name, backup_sqlite
from stationdesk.store.models import AuditLog

log = logging.getLogger(__name__)

FOLDER_NAME = "backups"
KEEP: int = preferences.DEFAULTS["backup_keep"]
"""Backups kept by default (the daily ones of a month, or the last 30 taken)."""

REASONS: dict[str, str] = {
    "manual": "手动备份",
    "daily": "每日自动备份",
    "before-import": "导入前",
    "before-upgrade": "升级前",
    "periodic": "工作中定时备份",
    "on-close": "关闭时备份",
}
"""What a backup's reason (in its file name) means, as the 备份与恢复 list says it."""

SNAPSHOT_REASONS = frozenset({"periodic", "on-close"})
"""Backups taken while working (every half hour there were changes) and on closing: many a day,
so only the newest SNAPSHOT_KEEP of them are kept, apart from the retention setting's count, so
they never push the daily backups of past weeks out."""
SNAPSHOT_KEEP = 4
SNAPSHOT_MINUTES = 30


def reason_label(reason: str) -> str:
    return REASONS.get(reason, reason or "备份")


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime
    reason: str
    size: int

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)


def _database_file(db: Database) -> Path:
    path = database_file(db)
    if path is None:
        raise UserError("只有 SQLite 数据库文件可以在这里备份", hint="PostgreSQL 请由管理员用 pg_dump 备份")
    return path


def default_folder(database: Path) -> Path:
    return database.parent / FOLDER_NAME


def backup_folder(db: Database) -> Path:
    """Where `db`'s backups go: the shared setting, else "backups" beside the file. A database
    whose settings cannot be read (not yet created, or damaged) uses the default."""
    database = _database_file(db)
    try:
        chosen = str(preferences.get(db, "backup_folder") or "").strip()
    except SQLAlchemyError as exc:
        log.info("backup folder setting unreadable (%s), using the default", exc.__class__.__name__)
        chosen = ""
    if not chosen:
        return default_folder(database)
    folder = Path(chosen).expanduser()
    return folder if folder.is_absolute() else database.parent / folder


def folder_for_file(database: Path) -> Path:
    """The backup folder of a database file that may not open (damaged): its setting when it can
    still be read, else "backups" beside it."""
    try:
        db = Database(make_engine(sqlite_url(database), read_only=True), read_only=True)
    except SQLAlchemyError:
        return default_folder(database)
    try:
        return backup_folder(db)
    except ValueError:  # a damaged setting's JSON
        return default_folder(database)
    finally:
        db.dispose()


def retention(db: Database) -> int:
    """How many backups pruning keeps (the shared setting)."""
    try:
        return int(preferences.get(db, "backup_keep"))
    except SQLAlchemyError:
        return KEEP


def take_backup(db: Database, folder: Path, reason: str = "manual", now: datetime | None = None) -> Backup:
    """A checked copy of the open database in `folder`, named by time and reason."""
    database = _database_file(db)
    now = (now or datetime.now()).replace(microsecond=0)
    target = folder / backup_name(database, now, reason)
    while target.exists():  # a second backup within the same second keeps the first
        now += timedelta(seconds=1)
        target = folder / backup_name(database, now, reason)
    try:
        path = backup_sqlite(db.engine, target)
    except OSError as exc:
        raise EnvironmentProblem(f"无法写入备份文件夹“{folder}”：{exc.strerror or exc}") from exc
    log.info("backup (%s) taken: %s", reason, path)
    return Backup(path, now, reason, path.stat().st_size)


def backups(folder: Path, database: Path | str) -> list[Backup]:
    """The backups of `database` (its file, or just its stem) in `folder`, newest first; files not
    named like ours are left alone."""
    stem = Path(database).stem
    pattern = re.compile(rf"{re.escape(stem)}-(\d{{8}}-\d{{6}})-(.+)")
    found = []
    for path in folder.glob(f"{glob_escape(stem)}-*.sqlite") if folder.is_dir() else ():
        match = pattern.fullmatch(path.stem)
        if match is None:
            continue
        try:
            taken = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        found.append(Backup(path, taken, match.group(2), size))
    return sorted(found, key=lambda b: b.taken_at, reverse=True)


def glob_escape(text: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", text)


def backups_of(db: Database) -> list[Backup]:
    """The open database's backups, in its backup folder."""
    return backups(backup_folder(db), _database_file(db))


def prune(folder: Path, database: Path | str, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups of `database` and the newest SNAPSHOT_KEEP of its
    working snapshots (counted apart); returns what was deleted."""
    if keep < 1:
        raise UserError("至少保留 1 份备份")
    found = backups(folder, database)
    snapshots = [b for b in found if b.reason in SNAPSHOT_REASONS]
    old = [b for b in found if b.reason not in SNAPSHOT_REASONS][keep:] + snapshots[SNAPSHOT_KEEP:]
    for backup in old:
        backup.path.unlink(missing_ok=True)
    return [b.path for b in old]


def backup_now(db: Database, reason: str = "manual", now: datetime | None = None) -> Backup:
    """A backup into the database's backup folder, then pruning to the retention setting."""
    folder = backup_folder(db)
    taken = take_backup(db, folder, reason, now)
    prune(folder, _database_file(db), retention(db))
    return taken


def change_mark(db: Database) -> int:
    """Where the database's history stands: the newest audit row's number (every write makes
    one, 谁录入谁负责), so a later, larger mark means something was written since."""
    with db.reading() as session:
        return int(session.scalar(select(func.max(AuditLog.id))) or 0)


def snapshot_if_changed(db: Database, since: int, reason: str = "periodic") -> tuple[Backup | None, int]:
    """A working snapshot when anything was written since the mark `since`: (the backup or None,
    the mark to compare with next time). SQLite files only, never a read-only database."""
    if not db.is_sqlite or db.read_only or database_file(db) is None:
        return None, since
    mark = change_mark(db)
    if mark <= since:
        return None, since
    return backup_now(db, reason), mark


def backup_before(db: Database, reason: str) -> Backup | None:
    """The backup taken before a bulk change (an import): SQLite only; PostgreSQL is the
    administrator's pg_dump; nothing for a read-only database, whose writes are refused anyway."""
    if not db.is_sqlite or db.read_only or database_file(db) is None:
        return None
    return backup_now(db, reason)


def daily_backup(db: Database, folder: Path | None, today: date, keep: int | None = None) -> Backup | None:
    """Today's backup if none was taken today yet (called when the app opens), then pruning.
    `folder` and `keep` default to the database's settings."""
    if not db.is_sqlite or db.read_only:
        return None
    database = _database_file(db)
    folder = folder or backup_folder(db)
    if any(b.taken_at.date() == today for b in backups(folder, database)):
        return None
    taken = take_backup(db, folder, "daily")
    prune(folder, database, keep or retention(db))
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


def _journals(path: Path) -> list[Path]:
    return [Path(str(path) + suffix) for suffix in ("-wal", "-shm")]


def _replace(backup: Path, target: Path, kept: Path) -> None:
    """Copy under a temporary name, move the old file (with its journal files: they belong to it
    and must never meet the restored one) aside, then rename the copy into place."""
    partial = target.with_name(target.name + ".restoring")
    try:
        shutil.copyfile(backup, partial)
        moved = target.exists()
        if moved:
            target.replace(kept)
            for journal, kept_journal in zip(_journals(target), _journals(kept), strict=True):
                if journal.exists():
                    journal.replace(kept_journal)
        try:
            partial.replace(target)
        except OSError:
            if moved:
                kept.replace(target)
            raise
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise EnvironmentProblem(f"无法替换数据库文件：{exc.strerror or exc}",
                                 hint="请确认所有电脑上的本程序都已关闭") from exc  # fmt: skip


def restore(
    backup: Path, target: Path, now: datetime | None = None, progress: Callable[[str], None] | None = None
) -> Path:
    """Replace the database file `target` by `backup`, after checking it. The file must not be
    open anywhere: its instance lock is taken for the replacement (DatabaseInUse otherwise).
    The replaced file is kept beside it as "….replaced-<time>.sqlite"; returns that path."""
    say = progress or (lambda _text: None)
    say("正在检查备份是否完好…")
    check_backup(backup)
    now = now or datetime.now()
    kept = target.with_name(f"{target.stem}.replaced-{now:%Y%m%d-%H%M%S}.sqlite")
    lock = instance_lock.acquire(target, default_actor()) if target.parent.is_dir() else None
    try:
        say("正在恢复…")
        _replace(backup, target, kept)
    finally:
        if lock is not None:
            lock.release()
    log.info("restored %s from %s; replaced file kept as %s", target, backup, kept)
    return kept
