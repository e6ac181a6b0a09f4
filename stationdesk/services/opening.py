"""Opening a database: lock it (one writer per SQLite file), connect, check, refuse a newer schema,
migrate (with a backup first), seed reference data. Or open it read-only when another program
holds it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from stationdesk.config import Settings, default_actor
from stationdesk.errors import DatabaseDamaged, EnvironmentProblem, UserError, classify_database_error
from stationdesk.services.reference import ensure_reference_data
from stationdesk.store import instance_lock
from stationdesk.store.database import Database, make_engine
from stationdesk.store.instance_lock import DatabaseInUse, InstanceLock
from stationdesk.store.locations import LocationKind, location_kind
from stationdesk.store.migrate import (
    MigrationResult,
    current_revision,
    head_revision,
    refuse_unknown_revision,
    upgrade_to_head,
)
from stationdesk.store.models import Station

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "系统"


@dataclass(frozen=True)
class OpenedDatabase:
    db: Database
    migration: MigrationResult
    station_count: int
    location: LocationKind | None = None
    """"network" or "sync" for a SQLite file on a network drive or in a sync folder (warn), else None."""

    @property
    def read_only(self) -> bool:
        """Opened without the right to write (another program holds the file): no editing."""
        return self.db.read_only


def _quick_check(db: Database) -> None:
    if not db.is_sqlite:
        return
    with db.engine.connect() as conn:
        verdict = conn.exec_driver_sql("PRAGMA quick_check").scalar()
    if verdict != "ok":
        raise DatabaseDamaged("数据库文件已损坏，为保护数据未做任何修改", hint="请从备份恢复")


def _probe_read_only(url: str, check_integrity: bool) -> None:
    probe = Database(make_engine(url, read_only=True), read_only=True)
    try:
        if check_integrity:
            _quick_check(probe)
        refuse_unknown_revision(probe.engine, current_revision(probe.engine))
    finally:
        probe.dispose()


def _take_lock(path: Path) -> InstanceLock | None:
    """The file's instance lock, or DatabaseInUse naming who holds it. A folder where no lock file
    can be made (read-only media) is opened without one: SQLite cannot write its journal there
    either, so nothing can be written behind anyone's back."""
    try:
        return instance_lock.acquire(path, default_actor())
    except DatabaseInUse:
        raise
    except OSError as exc:
        log.warning("no instance lock for %s: %s", path, exc)
        return None


def _prepare_folder(path: Path) -> None:
    if path.exists() and path.is_dir():
        raise UserError(f"数据库位置是一个文件夹，不是文件：{path}", hint="请指定一个 .sqlite 文件")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(f"无法创建数据库所在的文件夹：{path.parent}", hint=str(exc)) from exc


def open_database(settings: Settings, *, check_integrity: bool = True, read_only: bool = False) -> OpenedDatabase:
    """Open (creating if needed) the database `settings` names, at the current schema.

    A SQLite file is locked for this process (store.instance_lock); when another program holds
    it, `DatabaseInUse` names the holder. `read_only` opens it without the lock and without the
    right to write: no migration, no reference data, no backups; the schema must be current.

    `check_integrity` False skips SQLite's quick_check (0.4 s on a province's 250 MB file) for
    commands that only read, such as printing one report: the check exists to keep a damaged
    file from being written to, and a damaged page read by a report fails loudly anyway.
    """
    path = settings.sqlite_path
    lock = None
    if path is not None and read_only:
        if not path.is_file():
            raise UserError(f"找不到数据库文件：{path}")
    elif path is not None:
        _prepare_folder(path)
        lock = _take_lock(path)
    db: Database | None = None
    try:
        if path is not None and path.is_file() and not read_only:
            # Checked on a read-only connection first: a damaged file or a newer app's is never
            # written to, not even by the journal mode a writable connection sets.
            _probe_read_only(settings.database_url, check_integrity)
        db = Database(make_engine(settings.database_url, read_only=read_only), read_only=read_only, lock=lock)
        if check_integrity and (read_only or path is None):
            _quick_check(db)
        migration = _current_schema(db) if read_only else _migrate(db, settings)
        if not read_only:
            with db.writing() as session:
                ensure_reference_data(session, SYSTEM_ACTOR)
        with db.reading() as session:
            stations = session.scalar(select(func.count()).select_from(Station)) or 0
    except BaseException as exc:
        if db is not None:
            db.dispose()
        elif lock is not None:
            lock.release()
        if isinstance(exc, DBAPIError):
            problem = classify_database_error(exc.orig or exc)
            if problem is not None:
                raise problem from exc
        raise
    where = location_kind(path) if path is not None else None
    log.info("opened %s%s: %d stations, schema %s, location %s", settings.display_location(),
             " read-only" if read_only else "", stations, migration.after, where or "local")  # fmt: skip
    return OpenedDatabase(db, migration, stations, where)


def postgresql_url(host: str, port: int, database: str, user: str, password: str) -> str:
    """The connection string for a PostgreSQL server (special characters in the password escaped)."""
    from sqlalchemy import URL

    url = URL.create("postgresql+psycopg", user.strip() or None, password or None, host.strip(), port,
                     database.strip())  # fmt: skip
    return url.render_as_string(hide_password=False)


def test_connection(url: str) -> str:
    """Ask the server `url` names once (5 s at most) and say in Chinese what is there; a
    UserError naming the problem when it cannot be reached or refuses."""
    from stationdesk.store.database import probe_server

    try:
        found = probe_server(url)
    except DBAPIError as exc:
        problem = classify_database_error(exc.orig or exc)
        raise problem or UserError("无法连接数据库服务器", hint=str(exc.orig or exc).strip()[:200]) from exc
    if found.stations is None:
        return f"连接成功（{found.version}）。这是一个空数据库，首次打开时将建立本程序的表格。"
    return f"连接成功（{found.version}）。数据库中已有 {found.stations:,} 个站点。"


def open_for_reading(settings: Settings, *, check_integrity: bool = True) -> OpenedDatabase:
    """For work that only reads (check, reports, exports, lists, backups): opened as usual, then
    the file's lock is let go at once so a long batch of reports keeps nobody from writing; when
    another program holds the file, read-only instead."""
    try:
        opened = open_database(settings, check_integrity=check_integrity)
    except DatabaseInUse as exc:
        log.info("%s: reading it read-only", exc.message)
        return open_database(settings, check_integrity=check_integrity, read_only=True)
    if opened.db.lock is not None:
        opened.db.lock.release()
    return opened


def _migrate(db: Database, settings: Settings) -> MigrationResult:
    """Up to the current schema, after a backup (into the folder the database's settings name)."""
    folder = None
    if settings.sqlite_path is not None:
        from stationdesk.services.backups import backup_folder

        folder = backup_folder(db)
    return upgrade_to_head(db.engine, folder)


def _current_schema(db: Database) -> MigrationResult:
    """Read-only: a schema we would have to migrate cannot be used; a newer one is refused."""
    revision = current_revision(db.engine)
    head = head_revision(db.engine)
    if revision != head:
        refuse_unknown_revision(db.engine, revision)
        raise UserError("此数据库需要升级数据结构，只读方式下无法打开",
                        hint="请待占用数据库的程序关闭后再打开，本程序会先备份再升级")  # fmt: skip
    return MigrationResult(revision, head, None)


def database_file(db: Database) -> Path | None:
    name = db.engine.url.database
    if name and name.startswith("file:"):  # a read-only engine's URI ("file:/…?mode=ro")
        name = name.removeprefix("file:")
    return Path(name) if db.is_sqlite and name and name != ":memory:" else None
