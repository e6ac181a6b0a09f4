"""Importing a roster: each row judged as the station form would judge it, matched to the
register, and the good rows written together or not at all."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.station_rules import StationDraft
from stationdesk.services import stations
from stationdesk.services.station_import import (
    NEW,
    REJECTED,
    UNCHANGED,
    UPDATE,
    ImportConflict,
    ImportRow,
    apply_station_import,
    plan_station_import,
)
from stationdesk.store.models import AuditLog, Station, StatusHistory
from tests.conftest import CLERK, TODAY, Desk

GOOD_CREDIT = "91320402MA1MXXXX0M"


def row(line: int, **values: Any) -> ImportRow:
    base = {"name": f"第{line}号超市消费维权服务站", "category": "超市", "county": "天宁区"}
    return ImportRow(line, base | values)


def verdicts(plan: Any) -> list[str]:
    return [r.verdict for r in plan.rows]


def test_new_rows_are_read_the_way_rosters_write_them(desk: Desk) -> None:
    plan = plan_station_import(desk.db, [
        row(3, category="大型超市", county="天宁", established_on="2017.9.1", contact_phone="１３８ 1234 5678",
            level="市级", first_payout_scheme="是"),
        row(4, category="进超市", established_on=datetime(2018, 3, 5), plaque_on="2018年4月1日"),
        row(5, established_on=43000),  # an Excel serial number: 2017-09-22
    ], TODAY)  # fmt: skip
    assert verdicts(plan) == [NEW, NEW, NEW]
    first = plan.rows[0].draft
    assert first is not None
    assert (first.county_id, first.level, first.first_payout_scheme) == (desk.county_id, "municipal", True)
    assert first.established_on == date(2017, 9, 1)
    assert first.contact_phone == "13812345678"
    assert plan.rows[2].draft is not None and plan.rows[2].draft.established_on == date(2017, 9, 22)

    result = apply_station_import(desk.db, plan, CLERK, TODAY)
    assert result.created == 3
    assert result.codes == ("3204020001", "3204020002", "3204020003")  # the county's next codes
    with desk.db.reading() as s:
        reasons = set(s.scalars(select(StatusHistory.reason)))
        assert reasons == {"批量导入"}
        assert s.scalar(select(AuditLog.username).where(AuditLog.action == "import")) == CLERK


def test_each_problem_is_named_by_its_column(desk: Desk) -> None:
    plan = plan_station_import(desk.db, [
        row(2, host_credit_code="91320402MA1MXXXX01"),
        row(3, county="火星区"),
        row(4, category="进菜场"),
        row(5, established_on="2017-13-01"),
        row(6, name=""),
    ], TODAY)  # fmt: skip
    assert verdicts(plan) == [REJECTED] * 5
    reasons = [r.reason for r in plan.rows]
    assert reasons[0].startswith("统一社会信用代码：")
    assert "火星区" in reasons[1]
    assert "进菜场" in reasons[2]
    assert "2017-13-01" in reasons[3]
    assert "站点名称" in reasons[4]
    assert apply_station_import(desk.db, plan, CLERK, TODAY).created == 0


def test_a_station_twice_in_the_file_is_refused_the_second_time(desk: Desk) -> None:
    plan = plan_station_import(desk.db, [row(2, code="3204029001"), row(3, code="3204029001", name="别名")], TODAY)
    assert verdicts(plan) == [NEW, REJECTED]
    assert "第 2 行" in plan.rows[1].reason


def test_existing_stations_are_matched_by_code_credit_code_or_name_and_address(desk: Desk) -> None:
    by_code = desk.station("红梅超市消费维权服务站")
    with desk.db.reading() as s:
        code = s.scalar(select(Station.code).where(Station.id == by_code))
    draft = StationDraft(code="3204020099", name="青果超市消费维权服务站", category_id=desk.category_id,
                         county_id=desk.county_id, host_credit_code=GOOD_CREDIT, address="青果巷1号")  # fmt: skip
    by_credit = stations.create_station(desk.db, draft, CLERK, TODAY).id
    plan = plan_station_import(desk.db, [
        row(2, code=code, name="红梅超市消费维权服务站", contact_person="王五"),
        row(3, name="青果超市新名称消费维权服务站", host_credit_code=GOOD_CREDIT),
        row(4, name="青果超市新名称消费维权服务站", host_credit_code=GOOD_CREDIT, county=""),
    ], TODAY)  # fmt: skip
    assert verdicts(plan)[:2] == [UPDATE, UPDATE]
    assert plan.rows[0].station_id == by_code and plan.rows[0].changes == ("联系人",)
    assert plan.rows[1].station_id == by_credit
    assert plan.rows[2].verdict == REJECTED  # the same station twice in the file


def test_blank_cells_never_erase_and_same_values_change_nothing(desk: Desk) -> None:
    station = desk.station("红梅超市消费维权服务站")
    with desk.db.reading() as s:
        stored = s.get(Station, station)
        assert stored is not None
        code, host = stored.code, stored.host_name
    plan = plan_station_import(desk.db, [row(2, code=code, name="红梅超市消费维权服务站", host_name="")], TODAY)
    assert verdicts(plan) == [UNCHANGED]
    assert apply_station_import(desk.db, plan, CLERK, TODAY).updated == 0
    with desk.db.reading() as s:
        assert s.scalar(select(Station.host_name).where(Station.id == station)) == host


def test_a_station_edited_since_the_preview_stops_the_whole_import(desk: Desk) -> None:
    station = desk.station("红梅超市消费维权服务站")
    detail = stations.get_station(desk.db, station)
    plan = plan_station_import(desk.db, [
        row(2, code=detail.code, name=detail.name, contact_person="王五"),
        row(3),
    ], TODAY)  # fmt: skip
    assert verdicts(plan) == [UPDATE, NEW]
    from dataclasses import replace

    stations.update_station(desk.db, station, replace(detail.draft, contact_person="赵六"), detail.version, "他人", TODAY)
    before = desk.count(Station)
    with pytest.raises(ImportConflict, match="第 2 行"):
        apply_station_import(desk.db, plan, CLERK, TODAY)
    assert desk.count(Station) == before  # the new row was not written either


def test_cancel_while_checking(desk: Desk) -> None:
    from stationdesk.errors import UserError

    with pytest.raises(UserError, match="已取消"):
        plan_station_import(desk.db, [row(n) for n in range(2, 10)], TODAY, should_cancel=lambda: True)


def test_a_county_user_imports_only_their_own_county_and_the_refusal_names_the_line(desk: Desk) -> None:
    from stationdesk.services.access import PermissionDenied
    from tests.conftest import ADMIN, account

    account(desk.db, ADMIN, "admin")
    account(desk.db, "天宁小李", "county", desk.county_id)
    mixed = plan_station_import(desk.db, [row(2), row(3), row(4, county="钟楼区")], TODAY)
    with pytest.raises(PermissionDenied, match="第 4 行：县区人员只能修改本县区"):
        apply_station_import(desk.db, mixed, "天宁小李", TODAY)
    assert desk.count(Station) == 0
    own = plan_station_import(desk.db, [row(2), row(3)], TODAY)
    assert apply_station_import(desk.db, own, "天宁小李", TODAY).created == 2
