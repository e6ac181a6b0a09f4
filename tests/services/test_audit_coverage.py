"""Every write service audits what it wrote: inserts with their values, updates and status changes
with old and new, in the same unit of work (谁录入谁负责)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select

from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.services import audit, import_mappings, payouts, standards, stations, zombies
from stationdesk.store.models import AuditLog

TODAY = date(2026, 11, 24)


def _audited(desk: Any, table: str, action: str | None = None) -> list[AuditLog]:
    query = select(AuditLog).where(AuditLog.table_name == table).order_by(AuditLog.id)
    if action is not None:
        query = query.where(AuditLog.action == action)
    with desk.db.reading() as s:
        return list(s.scalars(query))


def test_an_edit_of_a_station_keeps_each_changed_field_old_and_new(desk: Any) -> None:
    station = desk.station()
    detail = stations.get_station(desk.db, station)
    draft = replace(detail.draft, contact_phone="13912345678", address="天宁区红梅路2号")
    stations.update_station(desk.db, station, draft, detail.version, "王芳", TODAY)
    [edit] = _audited(desk, "station", "update")
    assert (edit.username, edit.row_id, edit.station_id) == ("王芳", station, station)
    assert edit.old_values == {"contact_phone": "", "address": ""}
    assert edit.new_values == {"contact_phone": "13912345678", "address": "天宁区红梅路2号"}


def test_a_status_change_keeps_the_old_and_new_status_with_reason_and_date(desk: Any) -> None:
    station = desk.station()
    stations.change_station_status(desk.db, station, StationAction.SUSPEND, reason="站长调离", effective_on=TODAY,
                                   actor="王芳", today=TODAY, document_no="常市监〔2026〕9号")  # fmt: skip
    [change] = _audited(desk, "station", "suspend")
    assert change.old_values == {"status": "active"}
    assert change.new_values == {"status": "suspended", "reason": "站长调离", "effective_on": "2026-11-24",
                                 "document_no": "常市监〔2026〕9号"}  # fmt: skip


def test_activity_rows_are_audited_with_all_their_values(desk: Any) -> None:
    station = desk.station(scheme=True)
    case = desk.case(station, date(2026, 3, 2), outcome="success")
    desk.follow_up(case, date(2026, 3, 5))
    desk.consultation(station, date(2026, 3, 6))
    [visit] = _audited(desk, "follow_up")
    assert visit.new_values | {"case_id": case} == visit.new_values
    assert {"visitor", "reached", "satisfaction", "remarks", "visited_on"} <= set(visit.new_values)
    [consultation] = _audited(desk, "consultation")
    assert {"topic", "how_answered", "answered_by", "count", "consulted_on"} <= set(consultation.new_values)
    zombies.record_site_check(desk.db, station, date(2026, 3, 7), "电话抽查", "李明", False, "电话停机", "李明", TODAY)
    [check] = _audited(desk, "site_check")
    assert check.new_values["contact_reachable"] is False and check.new_values["findings"] == "电话停机"


def test_a_recovery_keeps_the_payout_before_and_after_and_its_fund_movement(desk: Any) -> None:
    station = desk.station(scheme=True)
    desk.fund(station, 1000)
    case = desk.case(station, date(2026, 3, 2), outcome="success")
    paid = desk.payout(station, case, 300, date(2026, 3, 3))
    payouts.record_recovery(desk.db, paid, date(2026, 4, 1), 30_000, "赵敏", TODAY)
    [recovery] = _audited(desk, "first_payout", "recover")
    assert recovery.old_values == {"recovered": False, "recovered_on": None, "recovered_fen": 0}
    assert recovery.new_values == {"recovered": True, "recovered_on": "2026-04-01", "recovered_fen": 30_000}
    kinds = [row.new_values["kind"] for row in _audited(desk, "fund_entry")]
    assert kinds == ["deposit", "payout", "recovery"]


def test_a_saved_mapping_is_audited_as_added_then_as_changed(desk: Any) -> None:
    import_mappings.save_mapping(desk.db, "天宁区名册", "stations", {"站名": "name"}, "王芳")
    import_mappings.save_mapping(desk.db, "天宁区名册", "stations", {"站名": "name", "地址": "address"}, "王芳")
    import_mappings.save_mapping(desk.db, "天宁区名册", "stations", {"站名": "name", "地址": "address"}, "王芳")
    added, changed = _audited(desk, "import_mapping")
    assert added.action == "insert" and added.new_values["mapping"] == {"站名": "name"}
    assert changed.action == "update"
    assert changed.old_values == {"name": "天宁区名册", "mapping": {"站名": "name"}}
    assert changed.new_values == {"name": "天宁区名册", "mapping": {"站名": "name", "地址": "address"}}


def test_an_edited_standard_keeps_the_thresholds_it_changed(desk: Any) -> None:
    record = standards.standards_of_year(desk.db, 2026)[0]
    saved = standards.save_standard(desk.db, record.draft, "王芳")
    standards.save_standard(desk.db, replace(record.draft, min_cases=record.draft.min_cases + 5), "王芳")
    added, edited = _audited(desk, "standard")
    assert (added.action, added.row_id, added.new_values["min_cases"]) == ("insert", saved.id, record.draft.min_cases)
    assert edited.action == "update"
    assert edited.old_values == {"min_cases": record.draft.min_cases}
    assert edited.new_values["min_cases"] == record.draft.min_cases + 5


def test_a_rebuild_audits_the_new_station_and_its_link_to_the_old_one(desk: Any) -> None:
    old = desk.station()
    done = zombies.decide(desk.db, [old], "rebuild", reason="名存实亡", decided_on=TODAY, actor="王芳", today=TODAY)
    [successor_code] = done.successors
    new = stations.find_station_id(desk.db, successor_code)
    [decision] = _audited(desk, "zombie_decision")
    assert decision.action == "rebuild" and decision.new_values["successor_id"] == new
    link = next(r for r in _audited(desk, "station", "update") if r.row_id == new)
    assert (link.old_values, link.new_values) == ({"predecessor_id": None}, {"predecessor_id": old})
    assert [r.old_values for r in _audited(desk, "station", "remove")] == [{"status": "active"}]


def test_a_new_database_audits_the_default_categories_it_was_given(desk: Any) -> None:
    seeded = _audited(desk, "category", "insert")
    assert seeded and all(r.username == "系统" and r.new_values["name"] for r in seeded)
    assert audit.verify_audit_chain(desk.db) is None


def test_a_case_moved_to_another_station_audits_its_follow_ups_moving_too(desk: Any) -> None:
    from stationdesk.services import cases

    wrong, right = desk.station("错登站点"), desk.station("正确站点")
    case_id = desk.case(wrong, date(2026, 5, 6), outcome="success", closed_on=date(2026, 5, 8))
    visit = desk.follow_up(case_id, date(2026, 5, 9), "satisfied")
    detail = cases.get_case(desk.db, case_id)
    cases.update_case(desk.db, case_id, replace(detail.draft, station_id=right), detail.version, "王芳", TODAY)
    moved = _audited(desk, "follow_up", "update")
    assert [(r.row_id, r.old_values, r.new_values) for r in moved] == [
        (visit, {"station_id": wrong}, {"station_id": right})]
    [edit] = _audited(desk, "mediation_case", "update")
    assert (edit.old_values["station_id"], edit.new_values["station_id"]) == (wrong, right)


def test_the_sample_enters_its_stations_in_the_audit_trail(demo_db: Any) -> None:
    from sqlalchemy import func

    from stationdesk.store.models import Station

    with demo_db.reading() as s:
        stations_ = s.scalar(select(func.count()).select_from(Station))
        audited = s.scalars(select(AuditLog).where(AuditLog.table_name == "station")).all()
    assert len(audited) == stations_
    assert {(a.username, a.action) for a in audited} == {("示例数据", "insert")}
    assert all(a.row_id == a.station_id and a.new_values["code"] for a in audited)
    assert audit.verify_audit_chain(demo_db) is None
