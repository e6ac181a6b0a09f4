"""The audit trail as the 操作日志 reads it: each change under its form's label, old → new, codes and
ids as words, and the filters (who, when, which station, what kind) narrowing the list."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from stationdesk.domain.audit_trail import ACTION_GROUPS
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.services import audit_trail, stations
from stationdesk.services.audit_trail import AuditEntry, AuditFilter
from stationdesk.store.models import AuditLog
from stationdesk.store.types import utc_now

TODAY = date(2026, 11, 24)


def _entries(desk: Any, flt: AuditFilter = AuditFilter()) -> list[AuditEntry]:  # noqa: B008
    ids = audit_trail.audit_ids(desk.db, flt)
    found = audit_trail.audit_entries(desk.db, ids)
    return [found[i] for i in ids]


def _edit(desk: Any, station: int, actor: str = "王芳", **changes: Any) -> None:
    detail = stations.get_station(desk.db, station)
    stations.update_station(desk.db, station, replace(detail.draft, **changes), detail.version, actor, TODAY)


def test_an_edit_shows_each_field_under_its_label_with_old_and_new(desk: Any) -> None:
    station = desk.station()
    _edit(desk, station, contact_phone="13812345678")
    _edit(desk, station, contact_phone="13912345678", level="municipal", county_id=desk.other_county_id,
          code="3204040001")  # fmt: skip
    latest = _entries(desk)[0]
    assert (latest.username, latest.action_label, latest.table_label) == ("王芳", "修改", "站点")
    assert latest.station_text == "3204040001 红梅超市消费维权服务站"
    shown = {c.label: (c.old, c.new) for c in latest.changes}
    assert shown["联系电话"] == ("13812345678", "13912345678")
    assert shown["级别"] == ("普通站点", "市级示范")
    assert shown["县区"] == ("天宁区", "钟楼区")
    assert "联系电话：13812345678 → 13912345678" in latest.summary


def test_a_new_case_is_summarised_by_its_filled_fields_with_the_consumer_masked(desk: Any) -> None:
    station = desk.station()
    desk.case(station, date(2026, 3, 2), amount_disputed_fen=123_456)
    entry = _entries(desk, AuditFilter(table="mediation_case"))[0]
    assert (entry.action_label, entry.table_label) == ("新增", "调解记录")
    shown = {c.label: c.new for c in entry.changes}
    assert shown["站点"] == "3204020001 红梅超市消费维权服务站"
    assert shown["争议金额"] == "1,234.56 元"
    assert shown["受理渠道"] == "现场"
    assert shown["消费者姓名"] == "张**" and "13812345678" not in entry.summary
    assert not any(c.is_change for c in entry.changes)
    assert "受理日期：2026-03-02" in entry.summary and "（空）" not in entry.summary


def test_a_status_change_reads_in_words(desk: Any) -> None:
    station = desk.station()
    stations.change_station_status(desk.db, station, StationAction.SUSPEND, reason="站长调离", effective_on=TODAY,
                                   actor="李明", today=TODAY)  # fmt: skip
    entry = _entries(desk)[0]
    assert entry.action_label == "暂停"
    assert entry.summary.startswith("运行状态：正常运行 → 暂停；原因：站长调离")


def test_filters_narrow_the_list_by_user_station_kind_and_time(desk: Any) -> None:
    first, second = desk.station("红梅超市消费维权服务站"), desk.station("兰陵商场消费维权服务站")
    _edit(desk, first, "王芳", contact_person="孙丽")
    _edit(desk, second, "李明", contact_person="周强")
    stations.change_station_status(desk.db, second, StationAction.SUSPEND, reason="装修停业", effective_on=TODAY,
                                   actor="李明", today=TODAY)  # fmt: skip
    everything = _entries(desk)
    assert len(everything) > 6

    by_user = _entries(desk, AuditFilter(username="王芳"))
    assert by_user and {e.username for e in by_user} == {"王芳"}
    assert "王芳" in audit_trail.audit_usernames(desk.db) and "李明" in audit_trail.audit_usernames(desk.db)

    by_name = _entries(desk, AuditFilter(station_text="兰陵"))
    assert by_name and {e.station_id for e in by_name} == {second}
    assert {e.station_id for e in _entries(desk, AuditFilter(station_text="3204020001"))} == {first}

    status = next(g for g in ACTION_GROUPS if g.label == "状态变更")
    changed = _entries(desk, AuditFilter(tables=status.tables, actions=status.actions))
    assert [(e.station_id, e.action) for e in changed] == [(second, "suspend")]
    places = _entries(desk, AuditFilter(table="county"))
    assert len(places) == 2 and {e.table_label for e in places} == {"县区"}

    now = utc_now()
    assert len(_entries(desk, AuditFilter(since=now - timedelta(hours=1)))) == len(everything)
    assert _entries(desk, AuditFilter(before=datetime(2020, 1, 1))) == []


def test_the_list_is_newest_first_and_reversible(desk: Any) -> None:
    station = desk.station()
    _edit(desk, station, contact_person="孙丽")
    newest = audit_trail.audit_ids(desk.db, AuditFilter())
    assert newest == sorted(newest, reverse=True)
    assert audit_trail.audit_ids(desk.db, AuditFilter(), descending=False) == newest[::-1]


def test_a_revealed_consumer_reads_as_what_was_done(desk: Any) -> None:
    from stationdesk.services import cases

    case = desk.case(desk.station(), date(2026, 3, 2))
    cases.reveal_consumer(desk.db, case, "赵敏")
    entry = _entries(desk)[0]
    assert (entry.action_label, entry.summary) == ("查看完整信息", "查看了消费者的完整姓名和电话")


def test_an_unknown_action_or_table_shows_its_code(desk: Any) -> None:
    from stationdesk.services import audit

    with desk.db.writing() as s:
        audit.record(s, "系统", "purge", "future_table", 3, new={"what": "新版本的记录"})
    entry = _entries(desk)[0]
    assert (entry.action_label, entry.table_label, entry.summary) == ("purge", "future_table", "what：新版本的记录")
    with desk.db.reading() as s:
        assert s.scalar(select(AuditLog.action).order_by(AuditLog.id.desc())) == "purge"


def test_accounts_read_in_words_and_never_show_a_password(desk: Any) -> None:
    from stationdesk.domain.vocabulary import Role
    from stationdesk.services import accounts
    from stationdesk.services.accounts import AccountDraft

    accounts.create_first_administrator(desk.db, AccountDraft("admin", "王局长", Role.ADMIN), "Secret-Pass-2026")
    user = accounts.create_account(desk.db, AccountDraft("xiaoli", "小李", Role.COUNTY, desk.county_id),
                                   "Secret-Pass-2026", "admin")  # fmt: skip
    accounts.update_account(desk.db, user, AccountDraft("xiaoli", "小李", Role.READ_ONLY, desk.county_id), False, "admin")
    changed, added = _entries(desk, AuditFilter(table="app_user"))[:2]
    assert (added.action_label, added.table_label) == ("新增", "用户")
    assert {c.label: c.new for c in added.changes}["所属县区"] == "天宁区"
    shown = {c.label: (c.old, c.new) for c in changed.changes}
    assert (shown["角色"], shown["状态"]) == (("县区人员", "只读"), ("启用", "停用"))
    with desk.db.reading() as s:
        assert not any("argon2" in str(v) for v in s.scalars(select(AuditLog.new_values)))
