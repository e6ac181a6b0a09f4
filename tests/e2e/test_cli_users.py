"""The command line obeys the same account rules as the window: `--user` with a password, or
the local administrator on a local SQLite file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from stationdesk.config import sqlite_url
from stationdesk.services import register
from stationdesk.store.database import Database, make_engine
from tests.conftest import ADMIN, PASSWORD, account

pytestmark = pytest.mark.sqlite_only(reason="the local administrator exists only on a local SQLite file")

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, password: str | None = PASSWORD, new_password: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATIONDESK_") or "PASSWORD" not in k}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if password is not None:
        env["STATIONDESK_PASSWORD"] = password
    if new_password:
        env["STATIONDESK_NEW_PASSWORD"] = new_password
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=ROOT, stdin=subprocess.DEVNULL)  # fmt: skip


@pytest.fixture
def with_accounts(demo_db_path: Path) -> tuple[Path, str, str]:
    """The demo database with an administrator and a 天宁区 county user; returns the path and a
    station code in 天宁区 and one in another county."""
    db = Database(make_engine(sqlite_url(demo_db_path)))
    try:
        counties = {c.name: c.id for c in register.register_lookups(db).counties}
        account(db, ADMIN, "admin")
        account(db, "天宁小李", "county", counties["天宁区"])
    finally:
        db.dispose()
    listed = json.loads(run("--db", str(demo_db_path), "stations", "list", "--json").stdout)
    own = next(r["code"] for r in listed if r["county"] == "天宁区")
    other = next(r["code"] for r in listed if r["county"] != "天宁区")
    return demo_db_path, own, other


def _suspend(path: Path, code: str, *user: str, password: str | None = PASSWORD) -> subprocess.CompletedProcess[str]:
    return run("--db", str(path), "stations", "set-status", code, "暂停", "--reason", "站点负责人调离", *user,
               "--json", password=password)  # fmt: skip


def test_a_county_user_changes_their_county_but_not_another(with_accounts: tuple[Path, str, str]) -> None:
    path, own, other = with_accounts
    done = _suspend(path, own, "--user", "天宁小李")
    assert done.returncode == 0, done.stderr
    refused = _suspend(path, other, "--user", "天宁小李")
    assert refused.returncode == 1
    assert "只能修改本县区" in refused.stderr and "Traceback" not in refused.stderr
    shown = json.loads(run("--db", str(path), "stations", "show", other, "--json").stdout)
    assert shown["status"] != "suspended"


def test_a_wrong_password_or_unknown_user_gives_the_same_line(with_accounts: tuple[Path, str, str]) -> None:
    path, own, _ = with_accounts
    wrong = _suspend(path, own, "--user", "天宁小李", password="wrong-pass1")
    nobody = _suspend(path, own, "--user", "无此人", password="wrong-pass1")
    assert wrong.returncode == nobody.returncode == 1
    assert wrong.stderr == nobody.stderr == "错误：用户名或密码不正确\n"


def test_without_a_user_a_local_file_is_changed_as_the_local_administrator(with_accounts: tuple[Path, str, str]) -> None:
    path, _, other = with_accounts
    done = _suspend(path, other, password=None)
    assert done.returncode == 0, done.stderr
    shown = json.loads(run("--db", str(path), "stations", "show", other, "--json").stdout)
    assert shown["history"][0]["person"].startswith("本机管理员")


def test_user_commands_list_add_and_disable(with_accounts: tuple[Path, str, str]) -> None:
    path, own, _ = with_accounts
    refused = run("--db", str(path), "user", "add", "新来的", "--role", "read_only", "--user", "天宁小李")
    assert refused.returncode == 1 and "没有权限管理用户账号" in refused.stderr
    added = run("--db", str(path), "user", "add", "新来的", "--role", "read_only", "--user", ADMIN,
                new_password="xinlai2026")  # fmt: skip
    assert added.returncode == 0, added.stderr
    disabled = run("--db", str(path), "user", "disable", "新来的", "--user", ADMIN)
    assert disabled.returncode == 0, disabled.stderr
    listed = json.loads(run("--db", str(path), "user", "list", "--format", "json").stdout)
    assert {(r["username"], r["role"], r["status"]) for r in listed} == {
        (ADMIN, "管理员", "正常"), ("天宁小李", "县区人员", "正常"), ("新来的", "只读", "已停用"),
    }  # fmt: skip
    signed_out = _suspend(path, own, "--user", "新来的", password="xinlai2026")
    assert "已停用" in signed_out.stderr


def test_the_first_account_made_on_the_command_line_must_be_an_administrator(db_path: Path) -> None:
    refused = run("--db", str(db_path), "user", "add", "老王", "--role", "city")
    assert refused.returncode == 1 and "第一个账号必须是管理员" in refused.stderr
    made = run("--db", str(db_path), "user", "add", "老王", "--role", "admin", "--display-name", "王建国",
               new_password=PASSWORD)
    assert made.returncode == 0 and "已创建管理员账号" in made.stdout
