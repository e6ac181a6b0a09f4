"""`user`: list, add, disable/enable accounts and reset passwords, as an administrator.

On a database without accounts, `user add NAME --role admin` creates the first administrator
(what the window's first-run wizard does). Passwords are typed at the terminal or read from
STATIONDESK_PASSWORD and STATIONDESK_NEW_PASSWORD, never given as arguments.
"""

from __future__ import annotations

import argparse
from typing import Any

from stationdesk.cli.output import county_id, write_records
from stationdesk.cli.signin import acting_user, new_password
from stationdesk.config import Settings
from stationdesk.domain.permissions import Permission
from stationdesk.domain.vocabulary import Role
from stationdesk.errors import UserError

EXIT_OK = 0
ROLES = {role.value: role for role in Role}


def add_parsers(commands: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    user = commands.add_parser("user", help="用户账号 (accounts: list, add, disable, enable, password)",
                               description="管理用户账号（需要管理员身份）。密码在终端输入；脚本中操作人的密码放在环境变量 STATIONDESK_PASSWORD，新密码放在 STATIONDESK_NEW_PASSWORD。")
    actions = user.add_subparsers(dest="user_action", required=True, metavar="操作", parser_class=parser_class)
    listing = actions.add_parser("list", help="列出账号")
    listing.add_argument("--format", choices=("table", "csv", "json"), default="table")
    add = actions.add_parser("add", help="新建账号（数据库还没有账号时，新建的是第一个管理员）")
    add.add_argument("name", help="用户名（登录用，创建后不能改）")
    add.add_argument("--role", choices=sorted(ROLES), required=True,
                     help="admin 管理员 / city 市局人员 / county 县区人员 / read_only 只读")
    add.add_argument("--county", default=None, help="县区人员的所属县区（名称或代码）")
    add.add_argument("--display-name", default="", help="姓名，默认同用户名")
    for verb, text in (("disable", "停用账号（不会删除，审计记录仍显示其姓名）"), ("enable", "重新启用账号"),
                       ("password", "重设账号的密码")):
        sub = actions.add_parser(verb, help=text)
        sub.add_argument("name", help="用户名")
    for sub in actions.choices.values():
        sub.add_argument("--user", default="", help="以此管理员身份操作（本机数据库文件可省略）")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from stationdesk.services import access, accounts
    from stationdesk.services.opening import open_database

    db = open_database(settings).db
    if args.user_action == "list":
        columns = [("用户名", "username", 14), ("姓名", "display_name", 10), ("角色", "role", 8),
                   ("所属县区", "county", 10), ("状态", "status", 6)]  # fmt: skip
        records = [{"username": a.username, "display_name": a.display_name, "role": a.role.label,
                    "county": a.county_name, "status": "正常" if a.active else "已停用"}
                   for a in accounts.accounts(db)]  # fmt: skip
        write_records(args.format, columns, records)
        return EXIT_OK
    if args.user_action == "add" and not accounts.has_accounts(db):
        if ROLES[args.role] is not Role.ADMIN:
            raise UserError("数据库还没有账号：第一个账号必须是管理员", hint="请用 --role admin")
        draft = accounts.AccountDraft(args.name, args.display_name or args.name, Role.ADMIN)
        accounts.create_first_administrator(db, draft, new_password())
        print(f"已创建管理员账号“{args.name}”")
        return EXIT_OK
    actor = acting_user(args, db)
    access.check(db, actor, Permission.MANAGE_ACCOUNTS)
    if args.user_action == "add":
        county = county_id(db, args.county) if args.county else None
        draft = accounts.AccountDraft(args.name, args.display_name or args.name, ROLES[args.role], county)
        accounts.create_account(db, draft, new_password(), actor)
        print(f"已创建账号“{args.name}”（{ROLES[args.role].label}）")
        return EXIT_OK
    found = next((a for a in accounts.accounts(db) if a.username == args.name.strip()), None)
    if found is None:
        raise UserError(f"没有用户名为“{args.name.strip()}”的账号")
    if args.user_action == "password":
        accounts.reset_password(db, found.id, new_password(f"“{found.username}”的新密码"), actor)
        print(f"已重设“{found.username}”的密码")
        return EXIT_OK
    active = args.user_action == "enable"
    draft = accounts.AccountDraft(found.username, found.display_name, found.role, found.county_id)
    accounts.update_account(db, found.id, draft, active, actor, found.version)
    print(f"已{'启用' if active else '停用'}账号“{found.username}”")
    return EXIT_OK
