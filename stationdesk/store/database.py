"""Engines and sessions: SQLite set up the way reliability.md asks, PostgreSQL to behave the same.

SQLite: the driver is pysqlite3 (SQLite 3.53, free of the WAL-reset race that 3.7.0–3.51.2 have)
when installed; every connection gets foreign keys, a busy timeout and synchronous=FULL; the
driver's own transaction handling is switched off and SQLAlchemy emits BEGIN itself (the
documented recipe), `BEGIN IMMEDIATE` for sessions that write, so a writer waits for the lock
instead of failing at commit.

PostgreSQL: a session that writes first takes one transaction-level advisory lock, so writers
take turns exactly as on SQLite: a unit of work reads what the previous one committed, and its
checks (the version a form was opened at, a fund's balance, the next free code, a decision
already taken) hold until it commits. Without it two PCs saving one station at once would both
pass the version check and the second would fail deep in the ORM (StaleDataError) instead of
getting the conflict dialog. Readers never wait. The wait is bounded like SQLite's busy timeout.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from stationdesk.errors import READ_ONLY_MARK, read_only_problem
from stationdesk.store.instance_lock import InstanceLock
from stationdesk.store.locations import location_kind

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# The advisory lock PostgreSQL writers take turns on: any fixed 64-bit number ("SDWRITER").
WRITER_LOCK_KEY = 0x5344_5752_4954_4552
WAL_SAFE_VERSION = (3, 51, 3)
WAL_SAFE_BACKPORTS = ((3, 44, 6), (3, 50, 7))
_READ_ONLY_QUERY = "?mode=ro&uri=true"


def sqlite_module() -> Any:
    """The DB-API module for SQLite: pysqlite3 when present, else Python's own sqlite3."""
    try:
        from pysqlite3 import dbapi2
    except ImportError:  # pragma: no cover - platforms without a pysqlite3 wheel
        import sqlite3 as dbapi2
    return dbapi2


def wal_is_safe(version: tuple[int, ...]) -> bool:
    """WAL with several connections is safe only where the WAL-reset race is fixed."""
    if version >= WAL_SAFE_VERSION:
        return True
    return any(version[:2] == fix[:2] and version >= fix for fix in WAL_SAFE_BACKPORTS)


def is_shared_location(path: Path) -> bool:
    """UNC paths, network drives and sync folders (store.locations): no WAL there."""
    return location_kind(path) is not None


def _install_sqlite_hooks(engine: Engine, journal_mode: str | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see module docstring)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if journal_mode is not None:  # a read-only connection keeps the file's own mode
            cur.execute(f"PRAGMA journal_mode={journal_mode}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _install_postgresql_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get("one_writer", False):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {BUSY_TIMEOUT_MS}")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


@dataclass(frozen=True, slots=True)
class ServerProbe:
    """What a database server said when asked once (the first-run wizard's 测试连接)."""

    version: str
    stations: int | None
    """Stations in its register; None for a database without StationDesk's tables yet."""


def probe_server(url: str, timeout_seconds: int = 5) -> ServerProbe:
    """Connect once to the server `url` names, waiting `timeout_seconds` at most, and say what is
    there. Driver errors are raised as they come (the caller names them for the user)."""
    engine = create_engine(url, connect_args={"connect_timeout": timeout_seconds}, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            version = str(conn.exec_driver_sql("SELECT version()").scalar() or "")
            has_register = conn.dialect.has_table(conn, "station")
            stations = conn.exec_driver_sql("SELECT count(*) FROM station").scalar() if has_register else None
    finally:
        engine.dispose()
    return ServerProbe(version.split(" on ")[0].split(",")[0], None if stations is None else int(stations))


def make_engine(url: str, *, read_only: bool = False) -> Engine:
    """An engine for `url`, configured for safe use by this app."""
    if not url.startswith("sqlite"):
        engine = create_engine(url, pool_pre_ping=True)
        if engine.dialect.name == "postgresql":
            _install_postgresql_hooks(engine)
        return engine
    module = sqlite_module()
    path_text = url.split(":///", 1)[-1]
    prefix = next((p for p in ("file:", "file%3A") if path_text.startswith(p)), None)
    if prefix is not None and path_text.endswith(_READ_ONLY_QUERY):
        # A read-only engine's own URL handed on (report workers open what their parent opened;
        # SQLAlchemy renders the colon as %3A).
        path_text, read_only = path_text.removeprefix(prefix).removesuffix(_READ_ONLY_QUERY), True
    version = tuple(int(p) for p in module.sqlite_version.split("."))
    shared = bool(path_text) and is_shared_location(Path(path_text))
    journal = "WAL" if wal_is_safe(version) and not shared and path_text not in ("", ":memory:") else "DELETE"
    connect_args: dict[str, Any] = {"check_same_thread": False}
    if read_only and path_text:
        url = f"sqlite:///file:{Path(path_text).as_posix()}{_READ_ONLY_QUERY}"
        connect_args["uri"] = True
    engine = create_engine(url, module=module, connect_args=connect_args)
    _install_sqlite_hooks(engine, None if read_only else journal)
    if read_only:
        _mark_read_only_errors(engine)
    log.info(
        "SQLite %s, journal %s (%s) for %s",
        module.sqlite_version,
        "as the file has it (read-only)" if read_only else journal,
        "shared location" if shared else "local",
        path_text,
    )
    return engine


def _mark_read_only_errors(engine: Engine) -> None:
    """A write refused because we opened the file read-only says so (errors.classify_database_error
    reads the mark), not "the file is read-only, check its permissions"."""

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        original = context.original_exception
        if "readonly" in str(original).lower() and READ_ONLY_MARK not in getattr(original, "__notes__", ()):
            original.add_note(READ_ONLY_MARK)


class Database:
    """An engine and its session factories: one for reads, one whose transactions write.

    `read_only`: opened without the right to write (another program holds the file); `writing()`
    then refuses at once with the message users see. `lock`: the instance lock held while this
    database is open for writing (store.instance_lock), released by `dispose()`.
    """

    def __init__(self, engine: Engine, *, read_only: bool = False, lock: InstanceLock | None = None) -> None:
        self.engine = engine
        self.read_only = read_only
        self.lock = lock
        self._read = sessionmaker(engine, expire_on_commit=False)
        writing = {"sqlite_immediate": True} if self.is_sqlite else {"one_writer": True}
        self._write = sessionmaker(engine.execution_options(**writing), expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries; rolled back at the end, never committed."""
        with self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A unit of work: commits if the block finishes, rolls back if it raises."""
        if self.read_only:
            raise read_only_problem()
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every connection and let the next opener in."""
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
