"""Who a command acts as: the account named by --user (with its password), or, on a local
SQLite file, the local administrator.

The password comes from the environment variable STATIONDESK_PASSWORD (a new one for an account
from STATIONDESK_NEW_PASSWORD) in scripts, or is asked for at the terminal; it is never a command-line argument, where other users of the PC could read it
in the process list. A database without accounts records the --user name as given, as the
services treat every name there (services.access).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from stationdesk.config import default_actor
from stationdesk.domain.permissions import local_admin_name
from stationdesk.errors import UserError
from stationdesk.services import accounts
from stationdesk.services.opening import database_file
from stationdesk.store.database import Database, is_shared_location

PASSWORD_VARIABLE = "STATIONDESK_PASSWORD"
NEW_PASSWORD_VARIABLE = "STATIONDESK_NEW_PASSWORD"


def _password(username: str) -> str:
    if (given := os.environ.get(PASSWORD_VARIABLE)) is not None:
        return given
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"用户“{username}”的密码：")
    raise UserError(f"需要用户“{username}”的密码", hint=f"请在终端中输入，或放在环境变量 {PASSWORD_VARIABLE} 中")


def new_password(prompt: str = "新密码") -> str:
    """A new password, from the environment or typed twice at the terminal."""
    if (given := os.environ.get(NEW_PASSWORD_VARIABLE)) is not None:
        return given
    if sys.stdin is None or not sys.stdin.isatty():
        raise UserError("需要新密码", hint=f"请在终端中输入，或放在环境变量 {NEW_PASSWORD_VARIABLE} 中")
    first = getpass.getpass(f"{prompt}：")
    if getpass.getpass(f"再次输入{prompt}：") != first:
        raise UserError("两次输入的密码不一致")
    return first


def acting_user(args: argparse.Namespace, db: Database) -> str:
    """The name the command writes as (see the module docstring)."""
    name = (getattr(args, "user", "") or "").strip()
    if not accounts.has_accounts(db):
        return name or default_actor()
    if name:
        return accounts.sign_in(db, name, _password(name)).username
    path = database_file(db)
    if path is not None and not is_shared_location(path):
        return local_admin_name(default_actor())
    raise UserError(
        "此数据库设有用户账号，请用 --user 指定您的用户名",
        hint="只有本机的 SQLite 数据库文件可以不登录、以本机管理员身份使用命令行",
    )
