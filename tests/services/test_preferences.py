"""Shared settings and the work calendar, kept in the database for every PC."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.errors import UserError
from stationdesk.services import preferences
from stationdesk.store.database import Database, make_engine
from stationdesk.store.models import AuditLog, HolidayOverride


def test_every_setting_has_its_default_until_someone_changes_it(desk: Any) -> None:
    assert preferences.get(desk.db, "deadline_rule") == "provincial"
    assert preferences.get(desk.db, "satisfaction_counts_basic") is True
    assert preferences.get(desk.db, "daily_follow_ups") == 10


def test_a_changed_setting_is_read_back_and_audited_with_old_and_new(desk: Any) -> None:
    preferences.put(desk.db, "satisfaction_counts_basic", False, "管理员")
    preferences.put(desk.db, "satisfaction_counts_basic", True, "王芳")
    assert preferences.get(desk.db, "satisfaction_counts_basic") is True
    with desk.db.reading() as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.table_name == "setting").order_by(AuditLog.id)))
    assert [(r.username, r.old_values, r.new_values) for r in rows] == [
        ("管理员", {"satisfaction_counts_basic": True}, {"satisfaction_counts_basic": False}),
        ("王芳", {"satisfaction_counts_basic": False}, {"satisfaction_counts_basic": True}),
    ]


def test_settings_are_shared_by_every_pc_on_the_database(desk: Any) -> None:
    preferences.put(desk.db, "deadline_rule", "national", "管理员")
    other_pc = Database(make_engine(desk.db.engine.url.render_as_string(hide_password=False)))
    try:
        assert preferences.get(other_pc, "deadline_rule") == "national"
    finally:
        other_pc.dispose()


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("deadline_rule", "weekly", "未知的期限规则“weekly”"),
        ("satisfaction_counts_basic", "yes", "只能是“是”或“否”"),
        ("daily_follow_ups", "abc", "每天回访案件数应为 1 至 100 之间的整数"),
        ("daily_follow_ups", 0, "每天回访案件数"),
        ("daily_follow_ups", 101, "每天回访案件数"),
        ("daily_follow_ups", True, "每天回访案件数"),
        ("bureau_name", "局" * 41, "不超过 40 个字"),
        ("report_contact", 12345, "不超过 40 个字"),
    ],
)
def test_a_value_nobody_could_use_is_refused_and_nothing_changes(desk: Any, key: str, value: Any, words: str) -> None:
    before = preferences.get(desk.db, key), desk.count(AuditLog)
    with pytest.raises(UserError, match=words):
        preferences.put(desk.db, key, value, "管理员")
    assert (preferences.get(desk.db, key), desk.count(AuditLog)) == before


def test_an_unknown_key_is_a_bug(desk: Any) -> None:
    with pytest.raises(KeyError):
        preferences.get(desk.db, "colour")
    with pytest.raises(KeyError):
        preferences.put(desk.db, "colour", "red", "管理员")


def test_the_work_calendar_uses_the_official_calendar_and_admin_overrides(desk: Any) -> None:
    with desk.db.reading() as s:
        plain = preferences.work_calendar(s)
    assert plain.is_workday(date(2026, 10, 10))  # make-up working Saturday
    assert not plain.is_workday(date(2026, 10, 1))
    assert not plain.covers(2027)
    with desk.db.writing() as s:
        s.add(HolidayOverride(day=date(2027, 2, 6), is_workday=True, note="春节调休上班"))
        s.add(HolidayOverride(day=date(2026, 10, 10), is_workday=False, note="更正"))
    with desk.db.reading() as s:
        calendar = preferences.work_calendar(s)
    assert calendar.is_workday(date(2027, 2, 6))  # a Saturday made a working day
    assert not calendar.is_workday(date(2026, 10, 10))  # overrides win over the bundled calendar
    assert calendar.covers(2027)


def test_several_settings_are_saved_all_or_none(db) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.errors import UserError

    with pytest.raises(UserError):
        preferences.put_many(db, {"ranking_size": 5, "daily_follow_ups": 0}, "王芳")
    assert preferences.get(db, "ranking_size") == 3, "the valid one was not saved alone"
    preferences.put_many(db, {"ranking_size": 5, "daily_follow_ups": 8}, "王芳")
    assert (preferences.get(db, "ranking_size"), preferences.get(db, "daily_follow_ups")) == (5, 8)


def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(db: Database) -> None:
    from stationdesk.domain.logo import encode_logo
    from stationdesk.errors import UserError

    with pytest.raises(UserError, match="只能是 PNG 或 JPG"):
        preferences.put(db, "bureau_logo", encode_logo(b"GIF89a..."), "王芳")
    with pytest.raises(UserError, match="不能超过 300 KB"):
        preferences.put(db, "bureau_logo", encode_logo(b"\x89PNG\r\n\x1a\n" + bytes(400_000)), "王芳")
    assert preferences.get(db, "bureau_logo") == ""
