"""检查数据库: besides integrity and the schema, the 操作日志's hash chain."""

from __future__ import annotations

from sqlalchemy import text

from stationdesk.services.checking import check_database
from tests.conftest import Desk, drop_audit_triggers


def test_a_whole_database_checks_ok(desk: Desk) -> None:
    desk.station()
    report = check_database(desk.db, "test")
    assert (report.integrity, report.audit_chain, report.ok) == ("ok", "ok", True)
    assert report.counts["station"] == 1 and report.counts["audit_log"] >= 1


def test_an_audit_row_edited_outside_the_app_fails_the_check(desk: Desk) -> None:
    desk.station()
    drop_audit_triggers(desk.db)
    with desk.db.engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET username = '某人' WHERE id = (SELECT MAX(id) FROM audit_log)"))
    report = check_database(desk.db, "test")
    assert not report.ok
    assert "可能在本程序之外被改动" in report.audit_chain and "某人" in report.audit_chain
