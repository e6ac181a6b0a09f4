"""The audit chain on PostgreSQL: writers on several connections at once keep one chain (the
advisory lock), and the trigger function refuses UPDATE, DELETE and TRUNCATE.

Runs on the PostgreSQL pass (STATIONDESK_TEST_DATABASE_URL, tests/conftest.py); skipped otherwise.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from stationdesk.services import audit
from stationdesk.store.database import Database
from tests.conftest import NO_POSTGRESQL


@pytest.fixture
def pg(db: Database) -> Database:
    """The test's own migrated database, when this run uses PostgreSQL."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip(NO_POSTGRESQL)
    return db


def test_concurrent_writers_keep_one_chain(pg: Database) -> None:
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            for i in range(20):
                with pg.writing() as s:
                    audit.record(s, name, "update", "station", i, station_id=i, old={"n": i}, new={"n": i + 1})
                    if i % 4 == 0:
                        audit.record_many(s, name, "insert", "station", [(k, k, {"k": k}) for k in range(5)])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"用户{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with pg.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_log WHERE username LIKE '用户%'")).scalar() == 4 * 45
    assert audit.verify_audit_chain(pg) is None


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET username = 'x'", "DELETE FROM audit_log",
                                       "TRUNCATE audit_log"])  # fmt: skip
def test_the_table_is_append_only(pg: Database, statement: str) -> None:
    with pg.writing() as s:
        audit.record(s, "王芳", "insert", "county", 1, new={"name": "天宁区"})
    with pytest.raises(DBAPIError, match="操作日志只能追加"), pg.engine.begin() as conn:
        conn.execute(text(statement))


def test_tampering_with_the_trigger_disabled_is_found(pg: Database) -> None:
    with pg.writing() as s:
        for n in range(5):
            audit.record(s, "王芳", "insert", "county", n, new={"name": f"县{n}"})
    with pg.engine.begin() as conn:
        target = conn.exec_driver_sql("SELECT id FROM audit_log ORDER BY id OFFSET 2 LIMIT 1").scalar()
        conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change")
        conn.execute(text("UPDATE audit_log SET new_values = '{\"name\": \"改\"}' WHERE id = :id"), {"id": target})
        conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_change")
    broken = audit.verify_audit_chain(pg)
    assert broken is not None and broken.id == target
