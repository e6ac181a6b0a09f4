"""SQLite is opened the way reliability.md asks, on every pooled connection; foreign keys and
optimistic locking hold on every database."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from stationdesk.config import sqlite_url
from stationdesk.store.database import BUSY_TIMEOUT_MS, Database, is_shared_location, make_engine, wal_is_safe
from stationdesk.store.models import Category, Street


def _pragmas(conn) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {
        name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
        for name in ("foreign_keys", "busy_timeout", "synchronous", "journal_mode")
    }


@pytest.mark.sqlite_only(reason="SQLite's PRAGMAs on each connection")
def test_every_pooled_connection_has_the_safety_settings(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "x.sqlite"))
    seen: list[dict[str, object]] = []

    def grab() -> None:
        with engine.connect() as conn:
            seen.append(_pragmas(conn))

    threads = [threading.Thread(target=grab) for _ in range(4)]
    with engine.connect() as held, engine.connect() as held2:  # force several distinct connections
        seen.append(_pragmas(held))
        seen.append(_pragmas(held2))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(seen) == 6
    for pragmas in seen:
        assert pragmas == {
            "foreign_keys": 1,
            "busy_timeout": BUSY_TIMEOUT_MS,
            "synchronous": 2,
            "journal_mode": "wal",
        }


@pytest.mark.sqlite_only(reason="the bundled SQLite library")
def test_the_bundled_sqlite_is_free_of_the_wal_reset_race(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "x.sqlite"))
    with engine.connect() as conn:
        version = tuple(int(p) for p in conn.exec_driver_sql("SELECT sqlite_version()").scalar().split("."))
    assert wal_is_safe(version)


@pytest.mark.parametrize(
    ("version", "safe"),
    [
        ((3, 40, 1), False),
        ((3, 51, 2), False),
        ((3, 51, 3), True),
        ((3, 44, 6), True),
        ((3, 50, 7), True),
        ((3, 50, 6), False),
        ((3, 53, 4), True),
    ],
)
def test_wal_is_used_only_where_the_race_is_fixed(version: tuple[int, int, int], safe: bool) -> None:
    assert wal_is_safe(version) is safe


@pytest.mark.parametrize(
    ("path", "shared"),
    [
        ("\\\\fileserver\\消保科\\stations.sqlite", True),
        ("C:/Users/li/OneDrive/台账.sqlite", True),
        ("D:/坚果云/站点.sqlite", True),
        ("/home/li/.local/share/StationDesk/stationdesk.sqlite", False),
    ],
)
def test_network_and_sync_folders_are_recognised(path: str, shared: bool) -> None:
    assert is_shared_location(Path(path)) is shared


@pytest.mark.sqlite_only(reason="SQLite's journal mode in a sync folder")
def test_shared_folder_uses_the_rollback_journal(tmp_path: Path) -> None:
    folder = tmp_path / "OneDrive"
    folder.mkdir()
    engine = make_engine(sqlite_url(folder / "x.sqlite"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "delete"


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), db.writing() as session:
        session.add(Street(county_id=999, name="不存在的县的街道"))
        session.flush()


def test_a_stale_write_is_refused_not_silently_applied(db: Database) -> None:
    with db.reading() as session:
        mine = session.query(Category).filter_by(code="mall").one()
        category_id = mine.id
    with db.writing() as session:
        theirs = session.get(Category, category_id)
        assert theirs is not None
        theirs.synonyms = "别人先改了"
    with pytest.raises(StaleDataError), db.writing() as session:
        stale = session.merge(mine, load=False)
        stale.synonyms = "我后改的"
    with db.reading() as session:
        assert session.get(Category, category_id).synonyms == "别人先改了"  # type: ignore[union-attr]


def test_a_failed_unit_of_work_leaves_nothing_behind(db: Database) -> None:
    with pytest.raises(RuntimeError), db.writing() as session:
        session.add(Category(code="community", name="进社区", sort_order=99))
        session.flush()
        raise RuntimeError("interrupted")
    with db.reading() as session:
        assert session.query(Category).filter_by(code="community").count() == 0


@pytest.mark.sqlite_only(reason="SQLite's integer storage (test_postgres checks PostgreSQL's)")
def test_dates_and_times_are_stored_compactly_and_read_back_exactly(db: Database) -> None:
    from datetime import UTC, date, datetime

    from stationdesk.store.models import HolidayOverride

    with db.writing() as session:
        session.add(HolidayOverride(day=date(2027, 2, 6), is_workday=True, note="春节调休上班"))
    with db.engine.connect() as conn:
        raw = conn.exec_driver_sql("SELECT day, typeof(day) FROM holiday_override").one()
        stamp = conn.exec_driver_sql("SELECT created_at, typeof(created_at) FROM category LIMIT 1").one()
    assert tuple(raw) == (20270206, "integer")
    assert stamp[1] == "integer"
    with db.reading() as session:
        row = session.get(HolidayOverride, date(2027, 2, 6))
        category = session.query(Category).first()
    assert row is not None and row.day == date(2027, 2, 6)
    assert category is not None and isinstance(category.created_at, datetime)
    assert abs((datetime.now(UTC).replace(tzinfo=None) - category.created_at).total_seconds()) < 3600
