"""Permission checks in the services: the same rules whoever calls (window, command line)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from stationdesk.domain.permissions import Permission, local_admin_name
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.services import access, cases, jurisdictions, payouts, preferences, stations
from stationdesk.services.access import PermissionDenied
from tests.conftest import ADMIN, TODAY, Desk, account

OWN, OTHER = "天宁小李", "钟楼小张"


@pytest.fixture
def county_desk(desk: Desk) -> Desk:
    """Two stations in each county, then accounts: the administrator, a county user in each
    county, city staff and a read-only reader."""
    desk.own = desk.station("红梅超市消费维权服务站")  # type: ignore[attr-defined]
    desk.foreign = desk.station("南大街商圈维权服务站", county_id=desk.other_county_id, scheme=True)  # type: ignore[attr-defined]
    account(desk.db, ADMIN, "admin")
    account(desk.db, OWN, "county", desk.county_id)
    account(desk.db, OTHER, "county", desk.other_county_id)
    account(desk.db, "市局老陈", "city")
    account(desk.db, "审计小周", "read_only")
    return desk


def _edit(desk: Desk, station_id: int, actor: str, phone: str = "0519-88001122") -> None:
    detail = stations.get_station(desk.db, station_id)
    stations.update_station(desk.db, station_id, replace(detail.draft, contact_phone=phone), detail.version, actor, TODAY)


def test_a_county_user_edits_their_own_county_but_not_another(county_desk: Desk) -> None:
    _edit(county_desk, county_desk.own, OWN)  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied, match="只能修改本县区"):
        _edit(county_desk, county_desk.foreign, OWN)  # type: ignore[attr-defined]
    assert stations.get_station(county_desk.db, county_desk.foreign).draft.contact_phone != "0519-88001122"  # type: ignore[attr-defined]


def test_a_county_user_cannot_move_a_station_to_another_county(county_desk: Desk) -> None:
    detail = stations.get_station(county_desk.db, county_desk.own)  # type: ignore[attr-defined]
    moved = replace(detail.draft, county_id=county_desk.other_county_id)
    with pytest.raises(PermissionDenied):
        stations.update_station(county_desk.db, county_desk.own, moved, detail.version, OWN, TODAY)  # type: ignore[attr-defined]


def test_a_county_user_cannot_add_stations_cases_or_payouts_elsewhere(county_desk: Desk) -> None:
    foreign = county_desk.foreign  # type: ignore[attr-defined]
    detail = stations.get_station(county_desk.db, foreign)
    new = replace(detail.draft, code="", name="另一个站点", host_name="另一家依托单位")
    with pytest.raises(PermissionDenied):
        stations.create_station(county_desk.db, new, OWN, TODAY)
    with pytest.raises(PermissionDenied):
        cases.add_case(county_desk.db, county_desk.draft(foreign, date(2026, 3, 2)), OWN, TODAY)
    with pytest.raises(PermissionDenied):
        payouts.add_fund_entry(county_desk.db, foreign, "deposit", date(2026, 1, 5), 10_000, "", OWN, TODAY)
    with pytest.raises(PermissionDenied):
        stations.change_station_status(county_desk.db, foreign, StationAction.SUSPEND, reason="整改", effective_on=TODAY,
                                       actor=OWN, today=TODAY)  # fmt: skip
    case_id = county_desk.case(foreign, date(2026, 3, 2), actor=OTHER)
    with pytest.raises(PermissionDenied):
        cases.reveal_consumer(county_desk.db, case_id, OWN)
    assert cases.reveal_consumer(county_desk.db, case_id, OTHER)[0] == "张三丰"


def test_read_only_and_city_roles(county_desk: Desk) -> None:
    with pytest.raises(PermissionDenied, match="只读"):
        _edit(county_desk, county_desk.own, "审计小周")  # type: ignore[attr-defined]
    _edit(county_desk, county_desk.foreign, "市局老陈")  # type: ignore[attr-defined]
    with pytest.raises(PermissionDenied, match="没有权限修改系统设置"):
        preferences.put(county_desk.db, "bureau_name", "常州市市场监督管理局", "市局老陈")
    preferences.put(county_desk.db, "bureau_name", "常州市市场监督管理局", ADMIN)
    jurisdictions.add_street(county_desk.db, county_desk.county_id, "茶山街道", "市局老陈")
    with pytest.raises(PermissionDenied):
        jurisdictions.add_street(county_desk.db, county_desk.county_id, "兰陵街道", OWN)


def test_unknown_and_disabled_names_are_refused_once_accounts_exist(county_desk: Desk) -> None:
    with pytest.raises(PermissionDenied, match="不是本数据库的用户"):
        _edit(county_desk, county_desk.own, "路人甲")  # type: ignore[attr-defined]
    _edit(county_desk, county_desk.own, local_admin_name("zhang"))  # type: ignore[attr-defined]


def test_without_accounts_every_name_is_an_administrator(desk: Desk) -> None:
    station = desk.station()
    _edit(desk, station, "随便谁")
    assert access.permits(desk.db, "随便谁", Permission.MANAGE_ACCOUNTS)


def test_permits_tells_windows_what_to_enable(county_desk: Desk) -> None:
    db = county_desk.db
    assert access.permits(db, OWN, Permission.EDIT_STATIONS, county_desk.county_id)
    assert not access.permits(db, OWN, Permission.EDIT_STATIONS, county_desk.other_county_id)
    assert not access.permits(db, "审计小周", Permission.EDIT_STATIONS)
    assert not access.permits(db, "路人甲", Permission.EDIT_STATIONS)
