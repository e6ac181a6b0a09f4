"""The fast multi-row INSERT stores exactly what SQLAlchemy's own INSERT stores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from stationdesk.store.bulk import insert_rows
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog, County, Station


def _station(code: str, county_id: int, category_id: int) -> dict[str, Any]:
    return {
        "code": code, "name": f"测试站{code}", "category_id": category_id, "form": "service", "level": "ordinary",
        "status": "active", "county_id": county_id, "established_on": date(2019, 3, 15),
        "facilities": {"signage": True}, "first_payout_scheme": True, "fund_committed_fen": 123_45,
        "created_by": "李明", "updated_by": "李明", "created_at": datetime(2026, 11, 24, 9, 30, 1, 5),
        "updated_at": datetime(2026, 11, 24, 9, 30, 1, 5), "version": 1,
    }  # fmt: skip


def _read(db: Database, code: str) -> dict[str, Any]:
    with db.reading() as session:
        station = session.scalar(select(Station).where(Station.code == code))
        assert station is not None
        return {c.name: getattr(station, c.key) for c in Station.__table__.columns if c.name != "id"}


def test_rows_read_back_the_same_as_sqlalchemy_wrote_them(db: Database) -> None:
    from stationdesk.store.models import Category

    with db.writing() as session:
        county = County(code="320402", name="天宁区")
        session.add(county)
        session.flush()
        category_id = session.scalar(select(Category.id))
        assert category_id is not None
        connection = session.connection()
        connection.execute(Station.__table__.insert(), [_station("A1", county.id, category_id)])
        insert_rows(connection, Station.__table__, [_station("B1", county.id, category_id)])
        insert_rows(connection, AuditLog.__table__, [
            {"username": "李明", "action": "insert", "table_name": "station", "row_id": 1, "station_id": 1,
             "old_values": {}, "new_values": {"name": "测试", "on": "2026-11-24"}, "at": datetime(2026, 11, 24)},
        ])  # fmt: skip
    ours, theirs = _read(db, "B1"), _read(db, "A1")
    assert {k: v for k, v in ours.items() if k not in ("code", "name")} == {
        k: v for k, v in theirs.items() if k not in ("code", "name")
    }
    assert ours["status_reason"] == "" and ours["facilities"] == {"signage": True}
    with db.reading() as session:
        row = session.scalar(select(AuditLog).order_by(AuditLog.id.desc()))
        assert row is not None and row.new_values == {"name": "测试", "on": "2026-11-24"}
        assert row.at == datetime(2026, 11, 24)
