"""User accounts: the first administrator, signing in, and the administrator's account list.

Passwords are hashed with Argon2id (argon2-cffi) and never stored, logged or audited in clear.
Signing in says the same thing for an unknown name and a wrong password, takes about the same
time for both (an unknown name is checked against a dummy hash), and slows a name down after a
few wrong passwords in a row (`domain.permissions.wait_after_failures`), whether or not the name
exists. Accounts are disabled, never deleted, so the audit trail keeps its names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from stationdesk.domain.permissions import (
    Permission,
    Principal,
    password_problem,
    username_problem,
    wait_after_failures,
)
from stationdesk.domain.vocabulary import Role
from stationdesk.errors import ConflictError, UserError, ValidationFailed
from stationdesk.services import audit
from stationdesk.services.access import require
from stationdesk.store.database import Database
from stationdesk.store.models import County, User
from stationdesk.store.types import utc_now

HASHER = PasswordHasher()
"""Argon2id with the library's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes)."""
_DUMMY_HASH = HASHER.hash("not-a-password-0")
WRONG = "用户名或密码不正确"
LABELS = {"username": "用户名", "display_name": "姓名", "role": "角色", "county_id": "所属县区",
          "password": "密码", "active": "状态"}  # fmt: skip


class SignInRefused(UserError):
    """Wrong name or password, too many attempts, or a disabled account."""


@dataclass(frozen=True)
class AccountDraft:
    """What the administrator types for an account (the password is set separately)."""

    username: str
    display_name: str
    role: Role
    county_id: int | None = None


@dataclass(frozen=True)
class AccountRow:
    id: int
    username: str
    display_name: str
    role: Role
    county_id: int | None
    county_name: str
    active: bool
    failed_logins: int
    created_at: datetime
    created_by: str
    version: int


def _draft_problems(session: Session, draft: AccountDraft, user_id: int | None) -> dict[str, str]:
    problems: dict[str, str] = {}
    if (problem := username_problem(draft.username)) is not None:
        problems["username"] = problem
    elif session.scalar(select(exists().where(User.username == draft.username, User.id != (user_id or 0)))):
        problems["username"] = f"用户名“{draft.username}”已被使用"
    if not draft.display_name.strip():
        problems["display_name"] = "请填写姓名"
    if draft.role is Role.COUNTY and draft.county_id is None:
        problems["county_id"] = "县区人员需要选择所属县区"
    elif draft.county_id is not None and session.get(County, draft.county_id) is None:
        problems["county_id"] = "所选县区不存在"
    return problems


def _hash(password: str, username: str) -> str:
    if (problem := password_problem(password, username)) is not None:
        raise ValidationFailed({"password": problem}, LABELS)
    return HASHER.hash(password)


def _snapshot(user: User) -> dict[str, object]:
    """The account's audited fields: never the password hash."""
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "county_id": user.county_id, "active": user.active}  # fmt: skip


def has_accounts(db: Database) -> bool:
    with db.reading() as session:
        return bool(session.scalar(select(exists().select_from(User))))


def _insert(session: Session, draft: AccountDraft, password: str, actor: str) -> User:
    draft = AccountDraft(draft.username.strip(), draft.display_name.strip(), draft.role,
                         draft.county_id if draft.role is Role.COUNTY else None)  # fmt: skip
    problems = _draft_problems(session, draft, None)
    if (problem := password_problem(password, draft.username)) is not None:
        problems["password"] = problem
    if problems:
        raise ValidationFailed(problems, LABELS)
    user = User(
        username=draft.username, display_name=draft.display_name, role=draft.role.value,
        county_id=draft.county_id, password_hash=HASHER.hash(password),
        created_by=actor, updated_by=actor,
    )  # fmt: skip
    session.add(user)
    session.flush()
    audit.record(session, actor, "insert", "app_user", user.id, new=_snapshot(user))
    return user


def create_first_administrator(db: Database, draft: AccountDraft, password: str) -> Principal:
    """The first-run wizard's account: an administrator, allowed only while there is none."""
    with db.writing() as session:
        if session.scalar(select(exists().select_from(User))):
            raise UserError("本数据库已经有用户账号", hint="请用已有账号登录")
        admin = AccountDraft(draft.username, draft.display_name, Role.ADMIN)
        user = _insert(session, admin, password, draft.username.strip())
        return Principal(user.username, Role.ADMIN, None, user.display_name)


def create_account(db: Database, draft: AccountDraft, password: str, actor: str) -> int:
    with db.writing() as session:
        require(session, actor, Permission.MANAGE_ACCOUNTS)
        return _insert(session, draft, password, actor).id


def _load(session: Session, user_id: int, version: int | None) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise UserError("该账号不存在")
    if version is not None and user.version != version:
        raise ConflictError("该账号已被其他人修改", hint="请重新打开后再改")
    return user


def _keeps_an_administrator(session: Session, user: User, role: Role, active: bool) -> None:
    if user.role != Role.ADMIN.value or (role is Role.ADMIN and active):
        return
    others = session.scalar(
        select(func.count()).select_from(User)
        .where(User.role == Role.ADMIN.value, User.active.is_(True), User.id != user.id)
    )  # fmt: skip
    if not others:
        raise UserError("至少要保留一个可用的管理员账号", hint="请先把另一个账号设为管理员")


def update_account(db: Database, user_id: int, draft: AccountDraft, active: bool, actor: str,
                   version: int | None = None) -> None:  # fmt: skip
    """Change an account's name, role, county or status (disable/enable; never delete)."""
    with db.writing() as session:
        require(session, actor, Permission.MANAGE_ACCOUNTS)
        user = _load(session, user_id, version)
        draft = AccountDraft(draft.username.strip(), draft.display_name.strip(), draft.role,
                             draft.county_id if draft.role is Role.COUNTY else None)  # fmt: skip
        if problems := _draft_problems(session, draft, user_id):
            raise ValidationFailed(problems, LABELS)
        if user.username != draft.username:
            raise ValidationFailed({"username": "用户名创建后不能修改（审计记录以它为准）"}, LABELS)
        if user.username == actor and not active:
            raise UserError("不能停用自己正在使用的账号")
        _keeps_an_administrator(session, user, draft.role, active)
        before = _snapshot(user)
        user.display_name, user.role, user.county_id = draft.display_name, draft.role.value, draft.county_id
        user.active, user.updated_by = active, actor
        if active and not before["active"]:
            user.failed_logins, user.locked_until = 0, None
        old, new = audit.changed_fields(before, _snapshot(user))
        if new:
            audit.record(session, actor, "update", "app_user", user.id, old=old, new=new)


def reset_password(db: Database, user_id: int, password: str, actor: str) -> None:
    """The administrator sets a new password (a forgotten one); clears the failed attempts."""
    with db.writing() as session:
        require(session, actor, Permission.MANAGE_ACCOUNTS)
        user = _load(session, user_id, None)
        user.password_hash = _hash(password, user.username)
        user.failed_logins, user.locked_until, user.updated_by = 0, None, actor
        audit.record(session, actor, "password", "app_user", user.id, new={"password": "已重置"})


def change_own_password(db: Database, username: str, old_password: str, new_password: str) -> None:
    with db.writing() as session:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not _verify(user.password_hash, old_password):
            raise ValidationFailed({"old_password": "原密码不正确"}, {"old_password": "原密码"})
        user.password_hash = _hash(new_password, username)
        user.updated_by = username
        audit.record(session, username, "password", "app_user", user.id, new={"password": "已修改"})


def accounts(db: Database) -> list[AccountRow]:
    """Every account, administrators first (a bureau has tens, not thousands)."""
    with db.reading() as session:
        rows = session.execute(
            select(User, County.name).outerjoin(County, County.id == User.county_id)
            .order_by(User.active.desc(), User.role, User.username)
        ).all()  # fmt: skip
    return [
        AccountRow(u.id, u.username, u.display_name, Role(u.role), u.county_id, county or "", u.active,
                   u.failed_logins, u.created_at, u.created_by, u.version)
        for u, county in rows
    ]  # fmt: skip


# --- signing in ------------------------------------------------------------------------------

_unknown_failures: dict[str, tuple[int, datetime | None]] = {}
"""Wrong attempts at names that have no account, kept like a real account's so that being slowed
down tells nothing about whether a name exists (per process: enough against someone guessing at
the login window)."""


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _wait_message(until: datetime, now: datetime) -> str:
    seconds = max(1, int((until - now).total_seconds() + 0.999))
    return f"尝试次数过多，请 {seconds} 秒后再试"


@dataclass(frozen=True)
class _Verdict:
    """The answer to one attempt: the refusal (None: signed in) and the name's failure count and
    wait after it."""

    refused: str | None
    failures: int
    until: datetime | None


def _judge(user: User | None, password: str, failures: int, until: datetime | None, now: datetime) -> _Verdict:
    """The one rule for an attempt, whoever keeps the count (the account row, or this process)."""
    if until is not None and until > now:
        return _Verdict(_wait_message(until, now), failures, until)
    if user is None or not _verify(user.password_hash, password):
        if user is None:
            _verify(_DUMMY_HASH, password)  # the same work as a real check
        wait = wait_after_failures(failures + 1)
        return _Verdict(WRONG, failures + 1, now + timedelta(seconds=wait) if wait else None)
    if not user.active:
        return _Verdict("该账号已停用，请联系管理员", failures, until)
    return _Verdict(None, 0, None)


def _principal(user: User) -> Principal:
    return Principal(user.username, Role(user.role), user.county_id, user.display_name)


def sign_in(db: Database, username: str, password: str, now: datetime | None = None) -> Principal:
    """The principal for a correct name and password; `SignInRefused` otherwise.

    On a database opened read-only (another program holds it) the answers are the same, with
    every name's failures counted in this process, since nothing can be written.
    """
    name, now = username.strip(), now or utc_now()
    if db.read_only:
        with db.reading() as session:
            user = session.scalar(select(User).where(User.username == name)) if name else None
        verdict = _judge(user, password, *_unknown_failures.get(name, (0, None)), now)
        principal = _principal(user) if user is not None and verdict.refused is None else None
        _unknown_failures[name] = (verdict.failures, verdict.until)
    else:
        with db.writing() as session:
            user = session.scalar(select(User).where(User.username == name)) if name else None
            counted = (user.failed_logins, user.locked_until) if user else _unknown_failures.get(name, (0, None))
            verdict = _judge(user, password, *counted, now)
            principal = None
            if user is None:
                _unknown_failures[name] = (verdict.failures, verdict.until)
            elif verdict.refused == WRONG:
                user.failed_logins, user.locked_until = verdict.failures, verdict.until
                audit.record(session, name, "login_failed", "app_user", user.id, new={"failed_logins": verdict.failures})
            elif verdict.refused is None:
                user.failed_logins, user.locked_until = 0, None
                if HASHER.check_needs_rehash(user.password_hash):
                    user.password_hash = HASHER.hash(password)
                audit.record(session, name, "login", "app_user", user.id)
                principal = _principal(user)
    if verdict.refused is not None or principal is None:
        raise SignInRefused(verdict.refused or WRONG)
    _unknown_failures.pop(name, None)
    return principal
