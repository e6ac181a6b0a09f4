"""Accounts: the first administrator, signing in without giving anything away, and the list."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from stationdesk.domain.vocabulary import Role
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import accounts
from stationdesk.services.access import PermissionDenied
from stationdesk.services.accounts import AccountDraft, SignInRefused
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog, User
from tests.conftest import ADMIN, PASSWORD, account

NOW = datetime(2026, 11, 24, 9, 0)


def _refusal(db: Database, name: str, password: str, now: datetime = NOW) -> str:
    with pytest.raises(SignInRefused) as caught:
        accounts.sign_in(db, name, password, now)
    return str(caught.value)


def test_the_first_administrator_is_created_once(db: Database) -> None:
    assert not accounts.has_accounts(db)
    admin = accounts.create_first_administrator(db, AccountDraft(ADMIN, "王局长", Role.CITY), PASSWORD)
    assert admin.role is Role.ADMIN  # whatever was asked: the first account administers
    assert accounts.has_accounts(db)
    with pytest.raises(UserError, match="已经有用户账号"):
        accounts.create_first_administrator(db, AccountDraft("另一个", "某", Role.ADMIN), PASSWORD)


def test_passwords_are_stored_only_as_argon2id_hashes_and_never_audited(db: Database) -> None:
    account(db, ADMIN, "admin")
    with db.reading() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == ADMIN)) or ""
        audited = " ".join(str(r.old_values) + str(r.new_values) for r in s.scalars(select(AuditLog)))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert PASSWORD not in audited and "argon2" not in audited


def test_signing_in_returns_the_role_and_county(db: Database) -> None:
    account(db, ADMIN, "admin")
    principal = accounts.sign_in(db, f"  {ADMIN} ", PASSWORD, NOW)
    assert (principal.username, principal.role, principal.display_name) == (ADMIN, Role.ADMIN, "王局长")


def test_a_wrong_password_and_an_unknown_name_are_refused_alike(db: Database) -> None:
    account(db, ADMIN, "admin")
    assert _refusal(db, ADMIN, "wrong-pass1") == _refusal(db, "没有这个人", "wrong-pass1") == "用户名或密码不正确"


def test_an_unknown_name_costs_about_as_long_as_a_wrong_password(db: Database) -> None:
    account(db, ADMIN, "admin")

    def timed(name: str) -> float:
        started = time.perf_counter()
        _refusal(db, name, "wrong-pass1", NOW - timedelta(days=30))
        return time.perf_counter() - started

    # A hash check is done either way: an unknown name is not answered instantly.
    known, unknown = min(timed(ADMIN) for _ in range(2)), min(timed("无此人") for _ in range(2))
    assert unknown > known / 4


def test_repeated_failures_slow_down_a_name_whether_or_not_it_exists(db: Database) -> None:
    account(db, ADMIN, "admin")
    for name in (ADMIN, "不存在的人"):
        for _ in range(3):
            assert _refusal(db, name, "wrong-pass1") == "用户名或密码不正确"
        # Now even the right password must wait, and the wait message is the same for both.
        assert _refusal(db, name, PASSWORD if name == ADMIN else "x", NOW + timedelta(seconds=1)) == "尝试次数过多，请 1 秒后再试"
    principal = accounts.sign_in(db, ADMIN, PASSWORD, NOW + timedelta(seconds=3))
    assert principal.role is Role.ADMIN
    with db.reading() as s:
        user = s.scalars(select(User).where(User.username == ADMIN)).one()
        assert (user.failed_logins, user.locked_until) == (0, None)
        failures = s.scalars(select(AuditLog.action).where(AuditLog.table_name == "app_user")).all()
    assert failures.count("login_failed") == 3 and failures.count("login") == 1


def test_a_disabled_account_cannot_sign_in_and_is_never_deleted(db: Database) -> None:
    account(db, ADMIN, "admin")
    account(db, "小李", "read_only")
    row = next(a for a in accounts.accounts(db) if a.username == "小李")
    accounts.update_account(db, row.id, AccountDraft("小李", "小李", Role.READ_ONLY), False, ADMIN, row.version)
    assert _refusal(db, "小李", PASSWORD) == "该账号已停用，请联系管理员"
    assert _refusal(db, "小李", "wrong-pass1") == "用户名或密码不正确"
    assert [a.active for a in accounts.accounts(db) if a.username == "小李"] == [False]


def test_the_last_administrator_cannot_be_disabled_or_demoted(db: Database) -> None:
    account(db, ADMIN, "admin")
    account(db, "副管理员", "admin")
    admin = next(a for a in accounts.accounts(db) if a.username == ADMIN)
    with pytest.raises(UserError, match="不能停用自己"):
        accounts.update_account(db, admin.id, AccountDraft(ADMIN, "王局长", Role.ADMIN), False, ADMIN)
    deputy = next(a for a in accounts.accounts(db) if a.username == "副管理员")
    accounts.update_account(db, deputy.id, AccountDraft("副管理员", "副", Role.CITY), True, ADMIN)
    with pytest.raises(UserError, match="至少要保留一个可用的管理员"):
        accounts.update_account(db, admin.id, AccountDraft(ADMIN, "王局长", Role.CITY), True, ADMIN)


def test_only_administrators_manage_accounts(db: Database) -> None:
    account(db, ADMIN, "admin")
    account(db, "老陈", "city")
    with pytest.raises(PermissionDenied, match="没有权限管理用户账号"):
        accounts.create_account(db, AccountDraft("新人", "新人", Role.READ_ONLY), PASSWORD, "老陈")


def test_an_account_form_names_each_problem(db: Database) -> None:
    account(db, ADMIN, "admin")
    with pytest.raises(ValidationFailed) as caught:
        accounts.create_account(db, AccountDraft(ADMIN, " ", Role.COUNTY), "short", ADMIN)
    assert set(caught.value.problems) == {"username", "display_name", "county_id", "password"}
    assert "已被使用" in caught.value.problems["username"]


def test_a_reset_password_works_and_clears_the_wait(db: Database) -> None:
    account(db, ADMIN, "admin")
    account(db, "小李", "read_only")
    for _ in range(4):
        _refusal(db, "小李", "wrong-pass1")
    row = next(a for a in accounts.accounts(db) if a.username == "小李")
    accounts.reset_password(db, row.id, "xinmima2026", ADMIN)
    assert accounts.sign_in(db, "小李", "xinmima2026", NOW).username == "小李"
    accounts.change_own_password(db, "小李", "xinmima2026", "zaihuan2027")
    with pytest.raises(ValidationFailed, match="原密码不正确"):
        accounts.change_own_password(db, "小李", "xinmima2026", "zaihuan2028")
    assert accounts.sign_in(db, "小李", "zaihuan2027", NOW).username == "小李"


@pytest.mark.sqlite_only(reason="a SQLite file opened read-only")
def test_signing_in_on_a_read_only_database_checks_without_writing(db: Database, db_path) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.config import sqlite_url
    from stationdesk.store.database import make_engine

    account(db, ADMIN, "admin")
    reader = Database(make_engine(sqlite_url(db_path), read_only=True), read_only=True)
    try:
        assert accounts.sign_in(reader, ADMIN, PASSWORD, NOW).role is Role.ADMIN
        assert _refusal(reader, ADMIN, "wrong-pass1") == _refusal(reader, "无此人", "wrong-pass1") == "用户名或密码不正确"
    finally:
        reader.dispose()
    with db.reading() as s:
        assert s.scalar(select(User.failed_logins).where(User.username == ADMIN)) == 0
