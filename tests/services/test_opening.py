"""Opening a database safely: one writer per file (a second opener is refused, told who holds it,
and may read), a damaged file detected before anything is written, a newer schema refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from stationdesk.config import Settings, sqlite_url
from stationdesk.errors import DatabaseDamaged, UserError
from stationdesk.services import backups, preferences
from stationdesk.services.opening import open_database, open_for_reading
from stationdesk.store.database import Database, make_engine
from stationdesk.store.instance_lock import DatabaseInUse, computer_name
from tests.conftest import LOCK_HOLDER as HOLDER

pytestmark = pytest.mark.sqlite_only(reason="the lock file, damaged files and schema stamps of SQLite files")

ROOT = Path(__file__).resolve().parents[2]


def _settings(path: Path) -> Settings:
    return Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def holder(db_path: Path):  # type: ignore[no-untyped-def]
    """Another running StationDesk (a process) with `db_path` open for writing."""
    env = {**os.environ, "USER": "张三", "LOGNAME": "张三", "USERNAME": "张三"}
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], cwd=ROOT, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None and child.stdout.readline().strip() == "open"
    yield child
    child.kill()
    child.communicate()


def test_a_second_instance_is_refused_write_access_and_told_who_holds_it(db_path: Path, holder) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DatabaseInUse) as refused:
        open_database(_settings(db_path))
    assert refused.value.holder is not None and refused.value.holder.pid == holder.pid
    assert str(refused.value).startswith(f"数据库正被 张三 在本电脑（{computer_name()}）的另一个程序中使用")
    assert "只读" in refused.value.hint


def test_the_same_process_opening_again_is_refused_until_the_first_closes(db_path: Path) -> None:
    first = open_database(_settings(db_path))
    with pytest.raises(DatabaseInUse, match="另一个窗口"):
        open_database(_settings(db_path))
    first.db.dispose()
    open_database(_settings(db_path)).db.dispose()


def test_read_only_opening_reads_and_a_write_gets_the_chinese_message(demo_db_path: Path, holder) -> None:  # type: ignore[no-untyped-def]
    opened = open_database(_settings(demo_db_path), read_only=True)
    try:
        assert opened.read_only and opened.station_count > 200
        with pytest.raises(UserError, match="数据库以只读方式打开，不能保存修改"):
            preferences.put(opened.db, "ranking_size", 5, "李四")
        from sqlalchemy.exc import DBAPIError

        from stationdesk.errors import classify_database_error

        with pytest.raises(DBAPIError) as raw, opened.db.engine.begin() as conn:  # past the services
            conn.execute(text("UPDATE setting SET value = '1'"))
        problem = classify_database_error(raw.value.orig)
        assert problem is not None and problem.message == "数据库以只读方式打开，不能保存修改"
    finally:
        opened.db.dispose()


def test_after_the_holder_is_killed_the_file_opens_for_writing(db_path: Path, holder) -> None:  # type: ignore[no-untyped-def]
    holder.kill()
    holder.communicate()
    opened = open_database(_settings(db_path))
    assert not opened.read_only and opened.db.lock is not None and opened.db.lock.held
    opened.db.dispose()


def test_reading_commands_proceed_read_only_when_the_file_is_held(db_path: Path, holder) -> None:  # type: ignore[no-untyped-def]
    opened = open_for_reading(_settings(db_path))
    assert opened.read_only
    opened.db.dispose()


def test_reading_commands_let_the_lock_go_at_once(db_path: Path) -> None:
    reading = open_for_reading(_settings(db_path))
    assert not reading.read_only
    writer = open_database(_settings(db_path))  # not refused: the reader keeps no lock
    writer.db.dispose()
    reading.db.dispose()


def _corrupt_copy(source: Path, target: Path) -> None:
    if source != target:
        shutil.copyfile(source, target)
    data = bytearray(target.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 3 * 4096] = b"\xa5" * (3 * 4096)
    target.write_bytes(bytes(data))


def test_a_corrupted_file_is_detected_at_open_and_not_touched(demo_db_path: Path, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.sqlite"
    _corrupt_copy(demo_db_path, damaged)
    before = _digest(damaged)
    with pytest.raises(DatabaseDamaged, match="数据库文件已损坏") as refused:
        open_database(_settings(damaged))
    assert "从备份恢复" in refused.value.hint
    assert _digest(damaged) == before
    open_database(_settings(tmp_path / "other.sqlite")).db.dispose()  # no lock left behind on it either
    with pytest.raises(DatabaseDamaged):
        open_database(_settings(damaged))  # refused again, for the same reason: not "in use"


def test_a_damaged_file_in_rollback_journal_mode_is_not_switched_to_wal(demo_db_path: Path) -> None:
    """A writable connection sets the journal mode (a header write): the check comes first."""
    from stationdesk.store.database import sqlite_module

    connection = sqlite_module().connect(str(demo_db_path))
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    _corrupt_copy(demo_db_path, demo_db_path)
    before = _digest(demo_db_path)
    with pytest.raises(DatabaseDamaged):
        open_database(_settings(demo_db_path))
    assert _digest(demo_db_path) == before
    assert not Path(f"{demo_db_path}-wal").exists()


def test_restore_from_a_backup_then_the_file_opens(demo_db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "work" / "stationdesk.sqlite"
    target.parent.mkdir()
    shutil.copyfile(demo_db_path, target)
    opened = open_database(_settings(target))
    stations = opened.station_count
    taken = backups.backup_now(opened.db, "manual")
    opened.db.dispose()
    _corrupt_copy(target, target)
    with pytest.raises(DatabaseDamaged):
        open_database(_settings(target))
    assert [b.path for b in backups.backups(backups.default_folder(target), target)] == [taken.path]
    kept = backups.restore(taken.path, target)
    assert kept.exists(), "the damaged file is kept"
    again = open_database(_settings(target))
    assert again.station_count == stations
    again.db.dispose()


def _stamp(path: Path, revision: str) -> None:
    engine = make_engine(sqlite_url(path))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})
    engine.dispose()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_database_from_a_newer_app_is_refused_and_left_unchanged(db_path: Path, journal: str) -> None:
    from stationdesk.store.database import sqlite_module

    _stamp(db_path, "20991231_9999")
    connection = sqlite_module().connect(str(db_path))
    connection.execute(f"PRAGMA journal_mode={journal}")
    connection.close()
    before = _digest(db_path)
    message = "此数据库由更新版本的维权站点管理台创建（版本 20991231_9999），请升级本程序后再打开"
    with pytest.raises(UserError, match=message.replace("（", r"\（").replace("）", r"\）")):
        open_database(_settings(db_path))
    with pytest.raises(UserError, match="更新版本"):
        open_database(_settings(db_path), read_only=True)
    assert _digest(db_path) == before
    assert not (db_path.parent / "backups").exists(), "no backup, no migration was tried"
    assert not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size == 0


def test_the_network_location_is_reported(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from stationdesk.services import opening

    monkeypatch.setattr(opening, "location_kind", lambda _path: "network")
    opened = open_database(_settings(db_path))
    assert opened.location == "network"
    opened.db.dispose()


def test_the_database_of_a_read_only_engine_is_its_file(db_path: Path) -> None:
    from stationdesk.services.opening import database_file

    db = Database(make_engine(sqlite_url(db_path), read_only=True), read_only=True)
    assert database_file(db) == db_path
    db.dispose()
