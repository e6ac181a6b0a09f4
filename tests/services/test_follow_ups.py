"""Follow-up visits on a real SQLite file: recording calls and the list of cases to call today."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.follow_up_rules import FollowUpDraft
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import follow_ups, preferences
from stationdesk.store.models import AuditLog, FollowUp

CLERK = "李明"
TODAY = date(2026, 11, 24)


def _counts(desk: Any) -> tuple[int, int]:
    return desk.count(FollowUp), desk.count(AuditLog)


@pytest.fixture
def station(desk: Any) -> int:
    return desk.station()


@pytest.fixture
def closed_case(desk: Any, station: int) -> int:
    return desk.case(station, date(2026, 11, 2), outcome="success", closed_on=date(2026, 11, 10))


def test_a_follow_up_is_saved_with_who_called_and_audited(desk: Any, closed_case: int) -> None:
    draft = FollowUpDraft(closed_case, date(2026, 11, 12), " 王芳 ", True, "basic", " 对结果基本满意 ")
    visit_id = follow_ups.add_follow_up(desk.db, draft, "赵敏", TODAY)
    [entry] = follow_ups.follow_ups_of_case(desk.db, closed_case)
    assert (entry.id, entry.visitor, entry.satisfaction, entry.remarks) == (visit_id, "王芳", "basic", "对结果基本满意")
    assert entry.result_text == "基本满意"
    with desk.db.reading() as s:
        row = s.get(FollowUp, visit_id)
        audit = s.scalar(select(AuditLog).where(AuditLog.table_name == "follow_up"))
    assert row is not None and row.created_by == "赵敏"
    assert audit is not None
    assert (audit.username, audit.action, audit.row_id) == ("赵敏", "insert", visit_id)


def test_an_unreached_call_is_recorded_without_satisfaction(desk: Any, closed_case: int) -> None:
    desk.follow_up(closed_case, date(2026, 11, 12), None, reached=False)
    [entry] = follow_ups.follow_ups_of_case(desk.db, closed_case)
    assert (entry.reached, entry.satisfaction, entry.result_text) == (False, None, "未联系上")


def test_follow_ups_of_a_case_are_in_date_order(desk: Any, closed_case: int) -> None:
    desk.follow_up(closed_case, date(2026, 11, 20), "satisfied")
    desk.follow_up(closed_case, date(2026, 11, 12), None, reached=False)
    entries = follow_ups.follow_ups_of_case(desk.db, closed_case)
    assert [e.visited_on for e in entries] == [date(2026, 11, 12), date(2026, 11, 20)]


@pytest.mark.parametrize(
    ("visited", "reached", "satisfaction", "field", "words"),
    [
        (date(2026, 11, 9), True, "satisfied", "visited_on", "回访日期不能早于办结日期（2026-11-10）"),
        (date(2026, 11, 25), True, "satisfied", "visited_on", "回访日期不能晚于今天"),
        (date(2026, 11, 12), True, None, "satisfaction", "联系上消费者时请选择满意度"),
        (date(2026, 11, 12), False, "satisfied", "satisfaction", "未联系上消费者，不能填写满意度"),
    ],
)
def test_bad_follow_ups_are_refused_naming_the_field_and_nothing_saved(
    desk: Any, closed_case: int, visited: date, reached: bool, satisfaction: str | None, field: str, words: str
) -> None:
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        follow_ups.add_follow_up(desk.db, FollowUpDraft(closed_case, visited, "王芳", reached, satisfaction), CLERK, TODAY)
    assert words in caught.value.problems[field]
    assert _counts(desk) == before


def test_a_follow_up_on_an_open_case_is_refused(desk: Any, station: int) -> None:
    open_case = desk.case(station, date(2026, 11, 2))
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        follow_ups.add_follow_up(desk.db, FollowUpDraft(open_case, date(2026, 11, 12), "王芳", True, "satisfied"), CLERK, TODAY)
    assert caught.value.problems["case_id"] == "案件尚未办结，办结后才能回访"
    assert _counts(desk) == before


def test_a_follow_up_on_a_missing_case_is_a_user_error(desk: Any) -> None:
    with pytest.raises(UserError, match="找不到要回访的案件"):
        follow_ups.add_follow_up(desk.db, FollowUpDraft(4242, date(2026, 11, 12), "王芳"), CLERK, TODAY)


def _close(desk: Any, station: int, closed: date, **changes: Any) -> int:
    return desk.case(station, closed - timedelta(days=3), outcome=changes.pop("outcome", "success"), closed_on=closed, **changes)


def test_todays_list_is_recent_unvisited_closed_cases_oldest_closing_first(desk: Any, station: int) -> None:
    too_old = _close(desk, station, TODAY - timedelta(days=31))
    oldest = _close(desk, station, TODAY - timedelta(days=30))  # the window's first day
    withdrawn = _close(desk, station, TODAY - timedelta(days=10), outcome="withdrawn")
    visited = _close(desk, station, TODAY - timedelta(days=9))
    newest = _close(desk, station, TODAY)
    desk.case(station, TODAY - timedelta(days=5))  # still open
    desk.follow_up(visited, TODAY - timedelta(days=1))
    ids = [row.id for row in follow_ups.todays_follow_ups(desk.db, TODAY)]
    assert ids == [oldest, withdrawn, newest]
    assert too_old not in ids


def test_todays_list_has_as_many_cases_as_the_setting_says(desk: Any, station: int) -> None:
    for days in range(12):
        _close(desk, station, TODAY - timedelta(days=days))
    assert len(follow_ups.todays_follow_ups(desk.db, TODAY)) == 10
    preferences.put(desk.db, "daily_follow_ups", 5, "管理员")
    assert len(follow_ups.todays_follow_ups(desk.db, TODAY)) == 5
    assert len(follow_ups.todays_follow_ups(desk.db, TODAY, limit=3)) == 3


def test_todays_list_never_shows_the_full_consumer_data(desk: Any, station: int) -> None:
    _close(desk, station, TODAY - timedelta(days=2))
    _close(desk, station, TODAY - timedelta(days=1), consumer_name="欧阳修", consumer_phone="0519-88881234")
    rows = follow_ups.todays_follow_ups(desk.db, TODAY)
    assert [(r.consumer, r.phone) for r in rows] == [("张**", "*******5678"), ("欧阳*", "*********1234")]
    for row in rows:
        for secret in ("张三丰", "13812345678", "欧阳修", "88881234"):
            assert secret not in repr(row)
