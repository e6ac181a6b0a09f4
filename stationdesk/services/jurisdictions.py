"""Counties, streets/towns and supervising offices: the three-level structure stations sit in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from stationdesk.domain.permissions import Permission
from stationdesk.domain.text import normalise_text
from stationdesk.errors import UserError
from stationdesk.services import access, audit
from stationdesk.store.database import Database
from stationdesk.store.models import County, Office, Street

_DIVISION_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Place:
    id: int
    name: str


def add_county(db: Database, code: str, name: str, actor: str, city: str = "") -> int:
    """A county/district (县、市、区) with its 6-digit administrative division code."""
    code, name = normalise_text(code), normalise_text(name)
    if not _DIVISION_CODE.match(code):
        raise UserError("行政区划代码应为6位数字，如 320402", field="code")
    if not name:
        raise UserError("请填写县区名称", field="name")
    with db.writing() as session:
        access.require(session, actor, Permission.MANAGE_JURISDICTIONS)
        if session.scalar(select(County.id).where(County.code == code)) is not None:
            raise UserError(f"行政区划代码 {code} 已存在", field="code")
        order = (session.scalar(select(func.max(County.sort_order))) or 0) + 10
        county = County(code=code, name=name, city=normalise_text(city), sort_order=order,
                        created_by=actor, updated_by=actor)
        session.add(county)
        session.flush()
        audit.record(session, actor, "insert", "county", county.id, new=audit.row_values(county))
        return county.id


def add_street(db: Database, county_id: int, name: str, actor: str) -> int:
    name = normalise_text(name)
    if not name:
        raise UserError("请填写街道乡镇名称", field="name")
    with db.writing() as session:
        access.require(session, actor, Permission.MANAGE_JURISDICTIONS)
        if session.get(County, county_id) is None:
            raise UserError("所选县区不存在")
        if session.scalar(select(Street.id).where(Street.county_id == county_id, Street.name == name)):
            raise UserError(f"该县区已有“{name}”", field="name")
        street = Street(county_id=county_id, name=name, created_by=actor, updated_by=actor)
        session.add(street)
        session.flush()
        audit.record(session, actor, "insert", "street", street.id, new=audit.row_values(street))
        return street.id


def add_office(db: Database, county_id: int, name: str, actor: str, short_name: str = "") -> int:
    name = normalise_text(name)
    if not name:
        raise UserError("请填写监管所名称", field="name")
    with db.writing() as session:
        access.require(session, actor, Permission.MANAGE_JURISDICTIONS)
        if session.get(County, county_id) is None:
            raise UserError("所选县区不存在")
        office = Office(county_id=county_id, name=name, short_name=normalise_text(short_name),
                        created_by=actor, updated_by=actor)
        session.add(office)
        session.flush()
        audit.record(session, actor, "insert", "office", office.id, new=audit.row_values(office))
        return office.id


def streets_of(db: Database, county_id: int) -> list[Place]:
    with db.reading() as session:
        rows = session.execute(select(Street.id, Street.name).where(Street.county_id == county_id)
                               .order_by(Street.sort_order, Street.name)).all()
    return [Place(*r) for r in rows]


def offices_of(db: Database, county_id: int) -> list[Place]:
    with db.reading() as session:
        rows = session.execute(select(Office.id, Office.name).where(Office.county_id == county_id)
                               .order_by(Office.name)).all()
    return [Place(*r) for r in rows]
