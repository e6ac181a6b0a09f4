"""Accounts, the audit trail and settings kept in the database."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from stationdesk.store.base import Base, Tracked
from stationdesk.store.types import utc_now


class User(Tracked, Base):
    """A person who signs in. Disabled, never deleted, so the audit trail keeps its names."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(16))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("county.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column()


class AuditLog(Base):
    """Who changed what, with old and new values. Insert-only; `row_hash` chains the rows so an
    edit made outside the app is detectable."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utc_now, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(20))
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int | None] = mapped_column(Integer)
    station_id: Mapped[int | None] = mapped_column(Integer, index=True)
    old_values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    new_values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    row_hash: Mapped[str] = mapped_column(String(64), default="")


class Setting(Base):
    """A named setting shared by every PC on the database (单位信息, chosen deadline rule …)."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[Any] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utc_now, onupdate=utc_now
    )


class HolidayOverride(Base):
    """A day whose status an administrator entered from the State Council's yearly notice,
    for years the bundled calendar does not cover yet (or to correct it)."""

    __tablename__ = "holiday_override"
    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(60), default="")
    entered_by: Mapped[str] = mapped_column(String(64), default="")


class ImportMapping(Tracked, Base):
    """A saved column mapping for spreadsheets laid out the same way next time."""

    __tablename__ = "import_mapping"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    mapping: Mapped[dict[str, Any]] = mapped_column(default=dict)
