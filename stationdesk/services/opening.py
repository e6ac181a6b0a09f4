"""Opening a database: connect, check, migrate (with a backup first), seed reference data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from stationdesk.config import Settings
from stationdesk.errors import EnvironmentProblem, UserError, classify_database_error
from stationdesk.services.reference import ensure_reference_data
from stationdesk.store.database import Database, make_engine
from stationdesk.store.migrate import MigrationResult, upgrade_to_head
from stationdesk.store.models import Station

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "系统"


@dataclass(frozen=True)
class OpenedDatabase:
    db: Database
    migration: MigrationResult
    station_count: int


def _quick_check(db: Database) -> None:
    if not db.is_sqlite:
        return
    with db.engine.connect() as conn:
        verdict = conn.exec_driver_sql("PRAGMA quick_check").scalar()
    if verdict != "ok":
        raise EnvironmentProblem("数据库文件已损坏，为保护数据未做任何修改", hint="请从备份恢复")


def open_database(settings: Settings, *, check_integrity: bool = True) -> OpenedDatabase:
    """Open (creating if needed) the database `settings` names, at the current schema.

    `check_integrity` False skips SQLite's quick_check (0.4 s on a province's 250 MB file) for
    commands that only read, such as printing one report: the check exists to keep a damaged
    file from being written to, and a damaged page read by a report fails loudly anyway.
    """
    path = settings.sqlite_path
    if path is not None:
        if path.exists() and path.is_dir():
            raise UserError(f"数据库位置是一个文件夹，不是文件：{path}", hint="请指定一个 .sqlite 文件")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise EnvironmentProblem(f"无法创建数据库所在的文件夹：{path.parent}", hint=str(exc)) from exc
    try:
        db = Database(make_engine(settings.database_url))
        if check_integrity:
            _quick_check(db)
        migration = upgrade_to_head(db.engine, settings.backup_dir if path else None)
        with db.writing() as session:
            ensure_reference_data(session, SYSTEM_ACTOR)
        with db.reading() as session:
            stations = session.scalar(select(func.count()).select_from(Station)) or 0
    except DBAPIError as exc:
        problem = classify_database_error(exc.orig or exc)
        if problem is None:
            raise
        raise problem from exc
    log.info("opened %s: %d stations, schema %s", settings.display_location(), stations, migration.after)
    return OpenedDatabase(db, migration, stations)


def database_file(db: Database) -> Path | None:
    name = db.engine.url.database
    return Path(name) if db.is_sqlite and name and name != ":memory:" else None
