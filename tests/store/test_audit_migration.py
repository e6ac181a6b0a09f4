"""Migration 0003: audit rows written before the chain get their hashes, then the table is
append-only."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from stationdesk.config import sqlite_url
from stationdesk.services import audit
from stationdesk.store.database import Database, make_engine
from stationdesk.store.migrate import _alembic_config, upgrade_to_head


def test_rows_from_before_the_chain_are_back_filled_and_then_append_only(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "old.sqlite"))
    config = _alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    stamp = int(datetime(2026, 11, 30, 8, 0).timestamp())
    with engine.begin() as conn:
        for n in range(1, 6):
            conn.execute(
                text("INSERT INTO audit_log (at, username, action, table_name, row_id, station_id, old_values, "
                     "new_values, row_hash) VALUES (:at, '王芳', 'update', 'station', :n, :n, :old, :new, '')"),
                {"at": stamp + n, "n": n, "old": '{"name": "甲"}', "new": '{"name": "乙", "on": "2026-11-30"}'},
            )  # fmt: skip
    result = upgrade_to_head(engine, tmp_path / "backups")
    assert result.before == "0002" and result.changed
    db = Database(engine)
    with engine.connect() as conn:
        hashes = [h for (h,) in conn.exec_driver_sql("SELECT row_hash FROM audit_log ORDER BY id")]
    assert len(hashes) == 5 and all(len(h) == 64 for h in hashes)
    assert audit.verify_audit_chain(db) is None
    with db.writing() as s:  # the app extends the back-filled chain
        audit.record(s, "李明", "insert", "county", 9, new={"name": "天宁区"})
    assert audit.verify_audit_chain(db) is None
    with pytest.raises(DatabaseError, match="操作日志只能追加"), engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log WHERE id = 1")
    engine.dispose()


def test_downgrading_drops_the_triggers(tmp_path: Path) -> None:
    engine = make_engine(sqlite_url(tmp_path / "new.sqlite"))
    upgrade_to_head(engine)
    config = _alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0002")
    with engine.connect() as conn:
        triggers = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").all()
    assert triggers == []
    engine.dispose()
