"""The role table and the rules for names, passwords and slowing down guesses."""

from __future__ import annotations

import pytest

from stationdesk.domain.permissions import (
    GRANTS,
    Permission,
    Principal,
    is_builtin_actor,
    local_admin_name,
    password_problem,
    refusal,
    username_problem,
    wait_after_failures,
)
from stationdesk.domain.vocabulary import Role

COUNTY = Principal("小李", Role.COUNTY, county_id=7)


def test_an_administrator_may_do_everything_and_read_only_nothing() -> None:
    admin, reader = Principal("a", Role.ADMIN), Principal("r", Role.READ_ONLY)
    for permission in Permission:
        assert refusal(admin, permission, county_id=3) is None
        assert refusal(reader, permission) == f"您（只读）没有权限{permission.label}"


def test_city_staff_run_the_city_but_not_accounts_settings_standards_or_reopening() -> None:
    city = Principal("c", Role.CITY)
    allowed = {p for p in Permission if refusal(city, p, county_id=9) is None}
    assert allowed == {Permission.EDIT_STATIONS, Permission.RUN_REEXAM, Permission.DECIDE_ZOMBIES,
                       Permission.MANAGE_JURISDICTIONS}  # fmt: skip
    assert GRANTS[Role.CITY] == allowed


def test_county_staff_edit_only_their_own_county() -> None:
    assert refusal(COUNTY, Permission.EDIT_STATIONS, county_id=7) is None
    assert refusal(COUNTY, Permission.EDIT_STATIONS) is None  # may open a form for a new station
    assert "只能修改本县区" in (refusal(COUNTY, Permission.EDIT_STATIONS, county_id=8) or "")
    assert "没有权限组织年度复核" in (refusal(COUNTY, Permission.RUN_REEXAM, county_id=7) or "")


def test_a_county_account_without_a_county_may_edit_nothing() -> None:
    homeless = Principal("x", Role.COUNTY)
    assert "还没有指定所属县区" in (refusal(homeless, Permission.EDIT_STATIONS, county_id=7) or "")


def test_builtin_actors_are_recognised_and_cannot_be_login_names() -> None:
    assert is_builtin_actor("系统") and is_builtin_actor(local_admin_name("zhang"))
    assert not is_builtin_actor("王芳")
    assert "系统保留" in (username_problem("系统") or "")
    assert "系统保留" in (username_problem(local_admin_name("zhang")) or "")


@pytest.mark.parametrize(("name", "problem"), [
    ("", "请填写用户名"), ("王 芳", "只能包含"), ("x" * 41, "不能超过 40"), ("wang.fang@tn", None), ("王芳", None),
])  # fmt: skip
def test_usernames(name: str, problem: str | None) -> None:
    found = username_problem(name)
    assert (found is None) if problem is None else (problem in (found or ""))


@pytest.mark.parametrize(("password", "problem"), [
    ("abc123", "至少 8 位"), ("abcdefgh", "字母和数字"), ("12345678", "字母和数字"),
    ("wangfang2026", "不能包含用户名"), ("zhan2026dian", None),
])  # fmt: skip
def test_passwords(password: str, problem: str | None) -> None:
    found = password_problem(password, "WangFang")
    assert (found is None) if problem is None else (problem in (found or ""))


def test_guessing_is_free_for_typing_mistakes_then_doubles_up_to_five_minutes() -> None:
    assert [wait_after_failures(n) for n in range(7)] == [0, 0, 0, 2, 4, 8, 16]
    assert wait_after_failures(50) == 300
