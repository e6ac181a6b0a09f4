"""Bring a database's schema to the current version, safely.

Runs the Alembic migrations in `db/` on the app's own engine. Before migrating a SQLite file
that already holds data, a copy is taken with SQLite's online backup API (never a file copy of
an open database) and checked, so a failed or interrupted migration can always be undone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, inspect

from stationdesk.config import MIGRATIONS
from stationdesk.errors import UserError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MigrationResult:
    before: str | None
    after: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config(engine)).get_current_head()
    assert head is not None, "db/versions holds no migration"
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema version stored in the database, or None for an empty/unversioned one."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def known_revisions(engine: Engine) -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config(engine)).walk_revisions()}


def refuse_unknown_revision(engine: Engine, revision: str | None) -> None:
    """A schema version this app does not know was written by a newer app: refuse the file before
    anything is written to it (migrating "down" to what we know would destroy the newer data)."""
    if revision is not None and revision not in known_revisions(engine):
        raise UserError(
            f"此数据库由更新版本的维权站点管理台创建（版本 {revision}），请升级本程序后再打开",
            hint="数据库未做任何修改",
        )


def backup_name(database: str | Path, taken: datetime, reason: str) -> str:
    """"<database stem>-<YYYYmmdd-HHMMSS>-<reason>.sqlite": services.backups lists them by it."""
    return f"{Path(database).stem}-{taken:%Y%m%d-%H%M%S}-{reason}.sqlite"


def _has_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def backup_sqlite(engine: Engine, target: Path) -> Path:
    """Copy the SQLite database behind `engine` to `target` with the online backup API,
    write it under a temporary name, check it, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = engine.raw_connection()
    try:
        module = type(source.dbapi_connection).__module__.split(".")[0]
        dbapi = __import__(module + ".dbapi2" if module == "pysqlite3" else module, fromlist=["connect"])
        dest = dbapi.connect(str(partial))
        try:
            source.dbapi_connection.backup(dest)  # type: ignore[union-attr]
            (verdict,) = dest.execute("PRAGMA integrity_check").fetchone()
        finally:
            dest.close()
    finally:
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"backup copy failed its integrity check: {verdict}")
    partial.replace(target)
    return target


def upgrade_to_head(engine: Engine, backup_dir: Path | None = None) -> MigrationResult:
    """Migrate to the newest schema; back up first when a populated SQLite file is older."""
    from alembic import command

    before = current_revision(engine)
    head = head_revision(engine)
    if before == head:
        return MigrationResult(before, head, None)
    refuse_unknown_revision(engine, before)
    backup = None
    if engine.dialect.name == "sqlite" and backup_dir is not None and _has_tables(engine):
        name = backup_name(engine.url.database or "stationdesk", datetime.now(), "before-upgrade")
        backup = backup_sqlite(engine, backup_dir / name)
        log.info("backed up database to %s before migrating", backup)
    config = _alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    log.info("schema migrated from %s to %s", before, head)
    return MigrationResult(before, head, backup)
