"""Migrations: an empty database reaches head and then matches the models exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from stationdesk.config import sqlite_url
from stationdesk.store.database import make_engine
from stationdesk.store.migrate import backup_sqlite, current_revision, head_revision, upgrade_to_head
from stationdesk.store.models import Base
from tests.conftest import Databases


@pytest.fixture
def new_engine(tmp_path: Path, databases: Databases) -> Iterator[Engine]:
    """An engine on a new, empty database (a SQLite file, or a PostgreSQL database)."""
    url = databases.empty(tmp_path, "new")
    engine = make_engine(url)
    yield engine
    engine.dispose()
    databases.discard(url)


def test_empty_database_migrates_to_head_and_matches_the_models(tmp_path: Path, new_engine: Engine) -> None:
    engine = new_engine
    result = upgrade_to_head(engine, tmp_path / "backups")
    assert result.before is None
    assert result.after == head_revision(engine) == current_revision(engine)
    assert result.backup is None, "an empty database needs no backup"
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_migrating_again_changes_nothing(tmp_path: Path, new_engine: Engine) -> None:
    engine = new_engine
    upgrade_to_head(engine)
    again = upgrade_to_head(engine, tmp_path / "backups")
    assert not again.changed
    assert not (tmp_path / "backups").exists()


@pytest.mark.sqlite_only(reason="the SQLite file is backed up before migrating")
def test_a_populated_older_file_is_backed_up_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    engine = make_engine(sqlite_url(path))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE legacy_notes (id INTEGER PRIMARY KEY, note TEXT)")
        conn.exec_driver_sql("INSERT INTO legacy_notes (note) VALUES ('保留我')")
    result = upgrade_to_head(engine, tmp_path / "backups")
    assert result.backup is not None and result.backup.exists()
    copy = make_engine(sqlite_url(result.backup))
    with copy.connect() as conn:
        assert conn.exec_driver_sql("SELECT note FROM legacy_notes").scalar() == "保留我"
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"


@pytest.mark.sqlite_only(reason="SQLite's online backup")
def test_backup_leaves_no_partial_file(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "a.sqlite"))
    upgrade_to_head(engine)
    target = backup_sqlite(engine, tmp_path / "b" / "copy.sqlite")
    assert target.exists()
    assert [p.name for p in target.parent.iterdir()] == ["copy.sqlite"]


def test_a_schema_from_a_newer_app_is_refused_before_any_backup_or_change(tmp_path: Path) -> None:
    import pytest
    from sqlalchemy import text

    from stationdesk.errors import UserError

    engine = make_engine(sqlite_url(tmp_path / "newer.sqlite"))
    upgrade_to_head(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed9999'"))
    with pytest.raises(UserError, match=r"更新版本的维权站点管理台创建（版本 f00dfeed9999）"):
        upgrade_to_head(engine, tmp_path / "backups")
    assert current_revision(engine) == "f00dfeed9999"
    assert not (tmp_path / "backups").exists()


def test_the_backup_before_migrating_is_named_for_the_backup_list(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "市局.sqlite"))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE legacy_notes (id INTEGER PRIMARY KEY)")
    result = upgrade_to_head(engine, tmp_path / "backups")
    assert result.backup is not None and result.backup.name.startswith("市局-")
    assert result.backup.name.endswith("-before-upgrade.sqlite")
