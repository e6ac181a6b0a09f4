"""The audit trail's hash chain on a real SQLite file: filled as rows are written (one by one, in
bulk, mixed), verified in chunks, tampering found at the right row, and the table append-only."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from stationdesk.domain.audit_trail import GENESIS, row_hash
from stationdesk.services import audit
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog
from tests.conftest import drop_audit_triggers

TODAY = date(2026, 11, 24)


def _rows(db: Database) -> list[AuditLog]:
    with db.reading() as s:
        return list(s.scalars(select(AuditLog).order_by(AuditLog.id)))


def _write_some(db: Database) -> None:
    """Single rows, a bulk insert between them, and values of every kind the services pass."""
    with db.writing() as s:
        audit.record(s, "王芳", "update", "station", 1, station_id=1, old={"contact_phone": "13812345678"},
                     new={"contact_phone": "13912345678", "on": date(2026, 1, 2)})  # fmt: skip
        audit.record(s, "王芳", "insert", "mediation_case", 7, station_id=1,
                     new={"amount": 12.5, "flag": True, "none": None, "nested": {"b": [1, 2], "a": "汉字"}})  # fmt: skip
        audit.record_many(s, "导入", "insert", "station", [
            (n, n, {"code": f"320402{n:04d}", "established_on": date(2019, 3, n), "facilities": {"x": True}})
            for n in range(2, 30)
        ])  # fmt: skip
        audit.record(s, "李明", "suspend", "station", 3, station_id=3, old={"status": "active"},
                     new={"status": "suspended", "reason": "站长调离"})  # fmt: skip
    with db.writing() as s:
        audit.record(s, "赵敏", "reveal", "mediation_case", 7, station_id=1)


def _drop_triggers(db: Database) -> None:
    drop_audit_triggers(db)


def test_every_row_carries_the_hash_of_its_values_after_the_previous_row(db: Database) -> None:
    _write_some(db)
    assert len(_rows(db)) >= 32
    previous = GENESIS
    for row in _rows(db):
        assert row.row_hash == row_hash(previous, row.at, row.username, row.action, row.table_name, row.row_id,
                                        row.station_id, row.old_values, row.new_values)  # fmt: skip
        previous = row.row_hash
    assert audit.verify_audit_chain(db) is None


def test_bulk_rows_store_the_same_values_as_single_rows(db: Database) -> None:
    with db.writing() as s:
        audit.record_many(s, "导入", "insert", "station", [(5, 5, {"on": date(2019, 3, 1), "n": 1, "s": "天宁"})])
        audit.record(s, "导入", "insert", "station", 6, station_id=6, new={"on": date(2019, 3, 1), "n": 1, "s": "天宁"})
    bulk, single = _rows(db)[-2:]
    assert bulk.new_values == single.new_values == {"on": "2019-03-01", "n": 1, "s": "天宁"}
    assert bulk.old_values == single.old_values == {}


def test_the_chain_verifies_across_many_chunks(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_some(db)
    monkeypatch.setattr(audit, "VERIFY_CHUNK", 4)
    seen: list[tuple[int, int]] = []
    assert audit.verify_audit_chain(db, lambda done, total, _t: seen.append((done, total))) is None
    total = len(_rows(db))
    assert seen[0] == (0, total) and seen[-1] == (total, total) and len(seen) > 5


def test_a_value_edited_outside_the_app_is_found_at_that_row(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _write_some(db)
    monkeypatch.setattr(audit, "VERIFY_CHUNK", 5)
    rows = _rows(db)
    target = next(r for r in rows if r.action == "update" and r.table_name == "station")
    _drop_triggers(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET new_values = :v WHERE id = :id"),
                     {"v": '{"contact_phone":"13700000000","on":"2026-01-02"}', "id": target.id})  # fmt: skip
    broken = audit.verify_audit_chain(db)
    assert broken is not None
    assert (broken.id, broken.position) == (target.id, [r.id for r in rows].index(target.id) + 1)
    assert (broken.username, broken.action, broken.table_name) == ("王芳", "update", "station")


def test_a_row_whose_hash_was_recomputed_breaks_the_next_row(db: Database) -> None:
    _write_some(db)
    rows = _rows(db)
    target, after = rows[10], rows[11]
    forged = row_hash(rows[9].row_hash, target.at, "某人", target.action, target.table_name, target.row_id,
                      target.station_id, target.old_values, target.new_values)  # fmt: skip
    _drop_triggers(db)
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = '某人', row_hash = :h WHERE id = :id"),
                     {"h": forged, "id": target.id})  # fmt: skip
    broken = audit.verify_audit_chain(db)
    assert broken is not None and broken.id == after.id


def test_a_deleted_row_breaks_the_row_after_it(db: Database) -> None:
    _write_some(db)
    rows = _rows(db)
    _drop_triggers(db)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": rows[20].id})
    broken = audit.verify_audit_chain(db)
    assert broken is not None and broken.id == rows[21].id and broken.position == 21


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET username = '某人'", "DELETE FROM audit_log"])
def test_the_database_refuses_to_change_or_delete_audit_rows(db: Database, statement: str) -> None:
    _write_some(db)
    before = [(r.id, r.username, r.row_hash) for r in _rows(db)]
    with pytest.raises(DatabaseError, match="操作日志只能追加"), db.engine.begin() as conn:
        conn.exec_driver_sql(statement)
    assert [(r.id, r.username, r.row_hash) for r in _rows(db)] == before


def test_rows_of_a_rolled_back_unit_of_work_leave_the_chain_whole(db: Database) -> None:
    _write_some(db)
    with pytest.raises(RuntimeError), db.writing() as s:
        audit.record_many(s, "导入", "insert", "station", [(99, 99, {"code": "x"})])
        audit.record(s, "导入", "import", "station", None, new={"created": 1})
        s.flush()
        raise RuntimeError("the import failed")
    with db.writing() as s:
        audit.record(s, "王芳", "update", "station", 1, station_id=1, old={"name": "甲"}, new={"name": "乙"})
    assert audit.verify_audit_chain(db) is None


def test_a_savepoint_rolled_back_does_not_leave_a_stale_head(db: Database) -> None:
    with db.writing() as s:
        audit.record(s, "王芳", "insert", "county", 1, new={"name": "天宁区"})
        s.flush()
        savepoint = s.begin_nested()
        audit.record(s, "王芳", "insert", "county", 2, new={"name": "钟楼区"})
        s.flush()
        savepoint.rollback()
        audit.record(s, "王芳", "insert", "county", 3, new={"name": "武进区"})
    assert [r.row_id for r in _rows(db) if r.table_name == "county"][-2:] == [1, 3]
    assert audit.verify_audit_chain(db) is None


def test_an_audit_row_built_directly_is_chained_too(db: Database) -> None:
    from stationdesk.store.types import utc_now

    with db.writing() as s:
        s.add(AuditLog(username="系统", action="insert", table_name="app_user", row_id=1))
        s.add(AuditLog(username="系统", action="login", table_name="app_user", row_id=1,
                       at=utc_now().replace(microsecond=123456)))  # fmt: skip
    assert audit.verify_audit_chain(db) is None

