"""The permission check every writing service makes, inside its own transaction.

Services take the actor as the name the audit shows. Here that name becomes a `Principal` (the
account's role and county), and `require…` refuses with a Chinese message naming what is not
allowed. A database without any account yet (a new install before its administrator is created,
or one made by an older version) has no one to tell apart: every actor is an administrator, as
before accounts existed.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from stationdesk.domain.permissions import Permission, Principal, is_builtin_actor, refusal
from stationdesk.domain.vocabulary import Role
from stationdesk.errors import UserError
from stationdesk.store.database import Database
from stationdesk.store.models import FirstPayout, MediationCase, Station, User


class PermissionDenied(UserError):
    """The signed-in person's role does not allow this write."""


def principal_of(session: Session, actor: str) -> Principal:
    """The role and county `actor` writes with (see the module docstring for names without an
    account). A disabled or unknown name in a database with accounts is refused outright."""
    if is_builtin_actor(actor):
        return Principal(actor, Role.ADMIN)
    row = session.execute(
        select(User.role, User.county_id, User.active, User.display_name).where(User.username == actor)
    ).first()
    if row is None:
        if not session.scalar(select(exists().select_from(User))):
            return Principal(actor, Role.ADMIN)
        raise PermissionDenied(f"“{actor}”不是本数据库的用户", hint="请用自己的账号登录")
    if not row.active:
        raise PermissionDenied(f"账号“{actor}”已停用", hint="请联系管理员")
    return Principal(actor, Role(row.role), row.county_id, row.display_name)


def require(session: Session, actor: str, permission: Permission, county_id: int | None = None) -> Principal:
    """The actor's principal, if they may do `permission` (to a station of `county_id`)."""
    principal = principal_of(session, actor)
    reason = refusal(principal, permission, county_id)
    if reason is not None:
        raise PermissionDenied(reason)
    return principal


def require_counties(session: Session, actor: str, permission: Permission, county_ids: Iterable[int]) -> None:
    """`require` for every county in `county_ids` (an import, a batch over many stations)."""
    principal = principal_of(session, actor)
    for county_id in sorted(set(county_ids)) or [None]:
        reason = refusal(principal, permission, county_id)
        if reason is not None:
            raise PermissionDenied(reason)


def require_lines(session: Session, actor: str, lines: Iterable[tuple[int, int | None]]) -> None:
    """May `actor` write each spreadsheet line (line number, station's county)? The refusal
    names the first line that is not theirs, so an importer knows which rows to take out."""
    principal = principal_of(session, actor)
    if (reason := refusal(principal, Permission.EDIT_STATIONS)) is not None:
        raise PermissionDenied(reason)
    for line, county_id in lines:
        if (reason := refusal(principal, Permission.EDIT_STATIONS, county_id)) is not None:
            raise PermissionDenied(f"第 {line} 行：{reason}", hint="请只导入本县区的站点和记录")


def station_counties(session: Session, station_ids: Iterable[int]) -> dict[int, int]:
    ids = list(set(station_ids))
    if not ids:
        return {}
    return {sid: cid for sid, cid in session.execute(select(Station.id, Station.county_id).where(Station.id.in_(ids)))}


def require_station(session: Session, actor: str, station_id: int) -> Principal:
    """May `actor` change station `station_id` and its records (cases, payouts, follow-ups…)?"""
    county_id = session.scalar(select(Station.county_id).where(Station.id == station_id))
    return require(session, actor, Permission.EDIT_STATIONS, county_id)


def require_case(session: Session, actor: str, case_id: int) -> Principal:
    """May `actor` change case `case_id` (it belongs to its station's county)?"""
    return _require_through(session, actor, MediationCase, case_id)


def require_payout(session: Session, actor: str, payout_id: int) -> Principal:
    """May `actor` change payout `payout_id` (it belongs to its station's county)?"""
    return _require_through(session, actor, FirstPayout, payout_id)


def _require_through(session: Session, actor: str, model: type[MediationCase] | type[FirstPayout], row_id: int) -> Principal:
    """`require` for a station's record: the county is its station's."""
    county_id = session.scalar(
        select(Station.county_id).join(model, model.station_id == Station.id).where(model.id == row_id)
    )
    return require(session, actor, Permission.EDIT_STATIONS, county_id)


def permits(db: Database, actor: str, permission: Permission, county_id: int | None = None) -> bool:
    """Whether `actor` may do `permission`: for windows deciding what to enable. The services
    check again when the write happens (the role may have changed meanwhile)."""
    with db.reading() as session:
        try:
            return refusal(principal_of(session, actor), permission, county_id) is None
        except PermissionDenied:
            return False


def check(db: Database, actor: str, permission: Permission, county_id: int | None = None) -> None:
    """`require` in a transaction of its own: for a client that must refuse before it asks for
    more (a command line about to prompt for a new password)."""
    with db.reading() as session:
        require(session, actor, permission, county_id)


def principal(db: Database, actor: str) -> Principal:
    with db.reading() as session:
        return principal_of(session, actor)
