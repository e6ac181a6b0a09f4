"""Backups taken online and checked, pruned to the newest, and a restore that refuses a damaged
backup and keeps the file it replaces."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from stationdesk.config import sqlite_url
from stationdesk.errors import UserError
from stationdesk.services import backups
from stationdesk.store.database import Database, make_engine
from stationdesk.store.models import Station
from tests.conftest import Desk

# Backups copy the SQLite file (a PostgreSQL server is backed up by its own tools).
pytestmark = pytest.mark.sqlite_only(reason="backups are copies of the SQLite file")


def test_a_backup_holds_the_same_rows(desk: Desk, tmp_path: Path) -> None:
    desk.station()
    taken = backups.take_backup(desk.db, tmp_path / "backups", "manual")
    copy = Database(make_engine(sqlite_url(taken.path)))
    try:
        with copy.reading() as session:
            assert session.query(Station).count() == desk.count(Station) == 1
    finally:
        copy.dispose()
    assert [b.reason for b in backups.backups(tmp_path / "backups", "test")] == ["manual"]


def test_two_backups_in_one_second_are_both_kept(desk: Desk, tmp_path: Path) -> None:
    moment = datetime(2026, 11, 24, 10, 32, 5)
    first = backups.take_backup(desk.db, tmp_path, "manual", now=moment)
    desk.station()
    second = backups.take_backup(desk.db, tmp_path, "manual", now=moment)
    assert first.path != second.path and first.path.exists()
    assert second.taken_at == moment + timedelta(seconds=1)
    assert len(backups.backups(tmp_path, "test")) == 2


def test_daily_backup_once_a_day_and_pruned(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for day in range(1, 6):
        backups.take_backup(desk.db, folder, "daily", now=datetime(2026, 11, day, 9))
    assert backups.daily_backup(desk.db, folder, date(2026, 11, 5)) is None  # one today already
    assert backups.daily_backup(desk.db, folder, date.today(), keep=3) is not None
    kept = backups.backups(folder, "test")
    assert len(kept) == 3 and kept[0].taken_at.date() == date.today()


def test_restore_checks_the_backup_and_keeps_the_replaced_file(desk: Desk, db_path: Path, tmp_path: Path) -> None:
    source = Database(make_engine(sqlite_url(db_path)))
    taken = backups.take_backup(source, tmp_path / "backups")
    source.dispose()
    damaged = tmp_path / "damaged.sqlite"
    data = bytearray(taken.path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # bytes overwritten in a copy
    damaged.write_bytes(bytes(data))
    before = db_path.read_bytes()
    with pytest.raises(UserError, match=r"不是可用的备份|已损坏"):
        backups.restore(damaged, db_path)
    assert db_path.read_bytes() == before  # nothing replaced
    kept = backups.restore(taken.path, db_path)
    assert kept.exists() and kept.read_bytes() == before
    assert db_path.read_bytes() == taken.path.read_bytes()


# --- Before imports, retention and folder settings --------------------------------------------


def _folder(desk: Desk) -> Path:
    return backups.backup_folder(desk.db)


def test_a_station_roster_import_is_preceded_by_a_backup(desk: Desk) -> None:
    from stationdesk.services.station_import import ImportRow, apply_station_import, plan_station_import
    from tests.conftest import CLERK, TODAY

    row = ImportRow(2, {"name": "红梅超市消费维权服务站", "category": "超市", "county": "天宁区"})
    plan = plan_station_import(desk.db, [row], TODAY)
    assert backups.backups_of(desk.db) == []
    apply_station_import(desk.db, plan, CLERK, TODAY)
    (taken,) = backups.backups_of(desk.db)
    assert taken.reason == "before-import" and taken.reason_label == "导入前"
    copy = Database(make_engine(sqlite_url(taken.path)))
    try:
        with copy.reading() as session:
            assert session.query(Station).count() == 0, "taken before the import was written"
    finally:
        copy.dispose()


def test_a_case_ledger_import_is_preceded_by_a_backup_and_a_refused_file_takes_none(desk: Desk) -> None:
    from stationdesk.services.case_import import apply_case_import, plan_case_import
    from stationdesk.services.station_import import ImportRow
    from tests.conftest import CLERK, TODAY

    desk.station("红梅超市消费维权服务站")
    values = {"station_name": "红梅超市消费维权服务站", "received_on": "2026.3.1", "consumer_name": "张三丰",
              "operator_name": "红梅超市生鲜柜台", "amount_disputed": 300}  # fmt: skip
    refused = plan_case_import(desk.db, [ImportRow(2, values | {"station_name": "不存在的站"})], TODAY)
    apply_case_import(desk.db, refused, CLERK, TODAY)
    assert backups.backups_of(desk.db) == [], "nothing to write, nothing to back up"
    apply_case_import(desk.db, plan_case_import(desk.db, [ImportRow(2, values)], TODAY), CLERK, TODAY)
    assert [b.reason for b in backups.backups_of(desk.db)] == ["before-import"]


def test_a_roster_import_refused_to_a_county_user_takes_no_backup(desk: Desk) -> None:
    from stationdesk.services.access import PermissionDenied
    from stationdesk.services.station_import import ImportRow, apply_station_import, plan_station_import
    from tests.conftest import ADMIN, TODAY, account

    account(desk.db, ADMIN, "admin")
    account(desk.db, "天宁小李", "county", desk.county_id)
    row = ImportRow(2, {"name": "南大街商场消费维权服务站", "category": "超市", "county": "钟楼区"})
    with pytest.raises(PermissionDenied):
        apply_station_import(desk.db, plan_station_import(desk.db, [row], TODAY), "天宁小李", TODAY)
    assert backups.backups_of(desk.db) == [], "refused before its backup was taken"


def test_the_retention_setting_prunes_to_the_newest(desk: Desk) -> None:
    from stationdesk.services import preferences

    assert backups.retention(desk.db) == backups.KEEP == 30
    preferences.put(desk.db, "backup_keep", 3, "李明")
    for day in range(1, 6):
        backups.take_backup(desk.db, _folder(desk), "daily", now=datetime(2026, 11, day, 9))
    taken = backups.backup_now(desk.db, "manual")
    kept = backups.backups_of(desk.db)
    assert [b.path for b in kept] == [taken.path, *(b.path for b in kept[1:])]
    assert [b.taken_at.day for b in kept[1:]] == [5, 4]
    with pytest.raises(UserError, match="保留备份份数"):
        preferences.put(desk.db, "backup_keep", 0, "李明")


def test_the_backup_folder_setting_moves_backups(desk: Desk, tmp_path: Path) -> None:
    from stationdesk.services import preferences

    elsewhere = tmp_path / "备份盘" / "站点台账"
    preferences.put(desk.db, "backup_folder", str(elsewhere), "李明")
    taken = backups.backup_now(desk.db)
    assert taken.path.parent == elsewhere == backups.backup_folder(desk.db)
    preferences.put(desk.db, "backup_folder", "", "李明")
    assert backups.backup_folder(desk.db) == backups.default_folder(tmp_path / "test.sqlite")


def test_backups_of_two_databases_in_one_folder_are_told_apart(tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    for name in ("stationdesk-20261101-090000-daily.sqlite", "stationdesk-20261102-090000-manual.sqlite",
                 "市局-20261103-090000-before-import.sqlite", "notes.sqlite", "stationdesk-bad-name.sqlite"):
        (folder / name).write_bytes(b"x")  # fmt: skip
    assert [b.reason for b in backups.backups(folder, tmp_path / "stationdesk.sqlite")] == ["manual", "daily"]
    (only,) = backups.backups(folder, "市局")
    assert (only.reason, only.taken_at) == ("before-import", datetime(2026, 11, 3, 9))
    assert backups.prune(folder, "stationdesk", 1) == [folder / "stationdesk-20261101-090000-daily.sqlite"]
    assert (folder / "市局-20261103-090000-before-import.sqlite").exists()


def test_restore_is_refused_while_another_program_holds_the_file(desk: Desk, db_path: Path) -> None:
    from stationdesk.store import instance_lock
    from stationdesk.store.instance_lock import DatabaseInUse

    taken = backups.take_backup(desk.db, _folder(desk))
    before = db_path.read_bytes()
    held = instance_lock.acquire(db_path, "张三")
    try:
        with pytest.raises(DatabaseInUse):
            backups.restore(taken.path, db_path)
    finally:
        held.release()
    assert db_path.read_bytes() == before


def test_nothing_is_backed_up_for_a_read_only_database(db_path: Path) -> None:
    read_only = Database(make_engine(sqlite_url(db_path), read_only=True), read_only=True)
    try:
        assert backups.backup_before(read_only, "before-import") is None
        assert backups.daily_backup(read_only, None, date.today()) is None
    finally:
        read_only.dispose()


def test_a_working_snapshot_only_after_a_write(desk: Desk) -> None:
    mark = backups.change_mark(desk.db)
    assert backups.snapshot_if_changed(desk.db, mark) == (None, mark), "nothing written: no copy"
    desk.station()
    taken, later = backups.snapshot_if_changed(desk.db, mark)
    assert taken is not None and taken.reason_label == "工作中定时备份" and later > mark
    assert backups.snapshot_if_changed(desk.db, later) == (None, later)


def test_snapshots_are_kept_apart_and_never_push_out_the_dailies(desk: Desk) -> None:
    from stationdesk.services import preferences

    preferences.put(desk.db, "backup_keep", 3, "李明")
    for day in range(1, 4):
        backups.take_backup(desk.db, _folder(desk), "daily", now=datetime(2026, 11, day, 9))
    for minute in range(0, 60 * 4, 30):  # a long day's half-hourly snapshots
        backups.take_backup(desk.db, _folder(desk), "periodic", now=datetime(2026, 11, 3, 10) + timedelta(minutes=minute))
    backups.backup_now(desk.db, "on-close", now=datetime(2026, 11, 3, 18))
    kept = backups.backups_of(desk.db)
    assert [b.taken_at.day for b in kept if b.reason == "daily"] == [3, 2, 1], "the dailies survive"
    snapshots = [b for b in kept if b.reason in backups.SNAPSHOT_REASONS]
    assert len(snapshots) == backups.SNAPSHOT_KEEP and snapshots[0].reason == "on-close"
