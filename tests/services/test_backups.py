"""Backups taken online and checked, pruned to the newest, and a restore that refuses a damaged
backup and keeps the file it replaces."""

from __future__ import annotations

from datetime import date, datetime
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
    assert [b.reason for b in backups.backups(tmp_path / "backups")] == ["manual"]


def test_daily_backup_once_a_day_and_pruned(desk: Desk, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    for day in range(1, 6):
        backups.take_backup(desk.db, folder, "daily", now=datetime(2026, 11, day, 9))
    assert backups.daily_backup(desk.db, folder, date(2026, 11, 5)) is None  # one today already
    assert backups.daily_backup(desk.db, folder, date.today(), keep=3) is not None
    kept = backups.backups(folder)
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
