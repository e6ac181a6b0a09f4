"""Who may do what: the roles, the permissions they grant, and the scope of a county user.

One table (`GRANTS`) answers every "may this person do this?"; the services ask it before they
write, so the window, the command line and any future client obey the same rules. Names that
are not accounts (the system's own seeding, the command line's local administrator) are here
too, so a reader sees every kind of actor in one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stationdesk.domain.vocabulary import Labelled, Role

SYSTEM_ACTOR = "系统"
"""Writes the app makes on its own (reference data, migrations); never a login name."""
LOCAL_ADMIN = "本机管理员"
"""The command line on a local SQLite file without --user runs as `本机管理员（OS login）`."""


class Permission(Labelled):
    """What a role may do. Labels finish the sentence "您没有权限…"."""

    MANAGE_ACCOUNTS = "accounts", "管理用户账号"
    MANAGE_SETTINGS = "settings", "修改系统设置"
    MANAGE_STANDARDS = "standards", "修改示范站点标准"
    REOPEN_ROUND = "reopen_round", "重新开启已结束的复核"
    MANAGE_JURISDICTIONS = "jurisdictions", "维护县区、街道和监管所"
    RUN_REEXAM = "reexam", "组织年度复核"
    DECIDE_ZOMBIES = "zombies", "处置僵尸站点"
    EDIT_STATIONS = "stations", "修改站点及其调解、回访、赔付和咨询记录"


_CITY = frozenset(
    {Permission.MANAGE_JURISDICTIONS, Permission.RUN_REEXAM, Permission.DECIDE_ZOMBIES, Permission.EDIT_STATIONS}
)
GRANTS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.CITY: _CITY,
    Role.COUNTY: frozenset({Permission.EDIT_STATIONS}),
    Role.READ_ONLY: frozenset(),
}
"""Administrator: everything. City staff: everything in the city but accounts, settings,
standards and reopening rounds. County staff: their own county's stations and records (they read
the rest). Read-only: nothing."""

COUNTY_SCOPED = frozenset({Permission.EDIT_STATIONS})
"""Permissions a county user holds only for their own county's stations."""


@dataclass(frozen=True)
class Principal:
    """The person a write is made for: their name (as the audit shows it), role and county."""

    username: str
    role: Role
    county_id: int | None = None
    display_name: str = ""

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username


def refusal(principal: Principal, permission: Permission, county_id: int | None = None) -> str | None:
    """Why `principal` may not do `permission` (to a station of `county_id`), or None if they may.

    `county_id` None asks whether they may do it anywhere (for a county user: in their county),
    which is what a button that opens a form needs to know.
    """
    if permission not in GRANTS.get(principal.role, frozenset()):
        return f"您（{principal.role.label}）没有权限{permission.label}"
    if principal.role is Role.COUNTY and permission in COUNTY_SCOPED:
        if principal.county_id is None:
            return "您的账号还没有指定所属县区，请联系管理员"
        if county_id is not None and county_id != principal.county_id:
            return "县区人员只能修改本县区的站点和记录，其他县区的只能查看"
    return None


def local_admin_name(login: str) -> str:
    return f"{LOCAL_ADMIN}（{login}）" if login else LOCAL_ADMIN


def is_builtin_actor(name: str) -> bool:
    """The system itself or the command line's local administrator: allowed everything."""
    return name == SYSTEM_ACTOR or name.startswith(LOCAL_ADMIN)


# --- account names and passwords -----------------------------------------------------------

USERNAME_MAX = 40
PASSWORD_MIN = 8
_USERNAME = re.compile(r"^[\w.\-@\u4e00-\u9fff]+$")


def username_problem(name: str) -> str | None:
    """Why `name` cannot be a login name, or None."""
    if not name:
        return "请填写用户名"
    if len(name) > USERNAME_MAX:
        return f"用户名不能超过 {USERNAME_MAX} 个字"
    if is_builtin_actor(name):
        return f"“{name}”是系统保留的名称，请换一个"
    if not _USERNAME.match(name):
        return "用户名只能包含汉字、字母、数字和 . - _ @"
    return None


def password_problem(password: str, username: str = "") -> str | None:
    """Why `password` is too weak, or None. Long enough, letters and digits, not the name."""
    if len(password) < PASSWORD_MIN:
        return f"密码至少 {PASSWORD_MIN} 位"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码需同时包含字母和数字"
    if username and username.casefold() in password.casefold():
        return "密码不能包含用户名"
    return None


# --- slowing down guessing -----------------------------------------------------------------

FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 300


def wait_after_failures(failures: int) -> int:
    """Seconds a login name must wait after `failures` wrong passwords in a row: none for the
    first few (typing mistakes), then doubling from 2 s up to five minutes."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(2 ** (failures - FREE_ATTEMPTS + 1), MAX_WAIT_SECONDS)
