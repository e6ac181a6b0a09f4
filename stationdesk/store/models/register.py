"""The register: jurisdictions, supervising offices, categories and the stations themselves."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stationdesk.store.base import Base, Tracked
from stationdesk.store.types import Fen, utc_now


class County(Tracked, Base):
    """A county-level division (县、市、区); `code` is its 6-digit administrative division code."""

    __tablename__ = "county"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    city: Mapped[str] = mapped_column(String(40), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    streets: Mapped[list[Street]] = relationship(back_populates="county", order_by="Street.sort_order")


class Street(Tracked, Base):
    """A street or town (街道、乡镇) inside a county."""

    __tablename__ = "street"
    __table_args__ = (UniqueConstraint("county_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    county: Mapped[County] = relationship(back_populates="streets")


class Office(Tracked, Base):
    """A supervising bureau office (局、分局、市场监管所)."""

    __tablename__ = "office"
    __table_args__ = (UniqueConstraint("county_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    short_name: Mapped[str] = mapped_column(String(20), default="")


class Category(Tracked, Base):
    """A 五进 category (进商场 …). Data, not code: bureaus add their own (进社区、进乡村)."""

    __tablename__ = "category"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(20), unique=True)
    synonyms: Mapped[str] = mapped_column(String(200), default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Station(Tracked, Base):
    """A consumer-rights service station. Never deleted: removal is `status = removed`."""

    __tablename__ = "station"
    __table_args__ = (
        Index("ix_station_county_status", "county_id", "status"),
        Index("ix_station_host_credit_code", "host_credit_code"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    form: Mapped[str] = mapped_column(String(16))
    level: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    host_name: Mapped[str] = mapped_column(String(100), default="")
    host_credit_code: Mapped[str] = mapped_column(String(18), default="")
    host_status: Mapped[str] = mapped_column(String(16), default="normal")
    address: Mapped[str] = mapped_column(String(200), default="")
    county_id: Mapped[int] = mapped_column(ForeignKey("county.id"))
    street_id: Mapped[int | None] = mapped_column(ForeignKey("street.id"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    contact_person: Mapped[str] = mapped_column(String(40), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    established_on: Mapped[date | None] = mapped_column()
    plaque_on: Mapped[date | None] = mapped_column()
    first_payout_scheme: Mapped[bool] = mapped_column(Boolean, default=False)
    fund_committed_fen: Mapped[int] = mapped_column(Fen, default=0)
    first_question_duty: Mapped[bool] = mapped_column(Boolean, default=False)
    paired_counsel: Mapped[str] = mapped_column(String(100), default="")
    facilities: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("station.id"))
    status_changed_on: Mapped[date | None] = mapped_column()
    status_reason: Mapped[str] = mapped_column(String(200), default="")

    category: Mapped[Category] = relationship()
    county: Mapped[County] = relationship()
    street: Mapped[Street | None] = relationship()
    office: Mapped[Office | None] = relationship()


class StatusHistory(Base):
    """One change of a station's status or level (or its creation), with reason, person and date.

    Append-only: rows are never updated, so no version column.
    """

    __tablename__ = "status_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str] = mapped_column(String(40), default="")
    new_value: Mapped[str] = mapped_column(String(40), default="")
    effective_on: Mapped[date] = mapped_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    document_no: Mapped[str] = mapped_column(String(60), default="")
    person: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)


class SiteCheck(Tracked, Base):
    """An on-site visit or phone spot-check (现场检查 / 电话抽查) of a station."""

    __tablename__ = "site_check"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    checked_on: Mapped[date] = mapped_column()
    method: Mapped[str] = mapped_column(String(16))
    inspector: Mapped[str] = mapped_column(String(64))
    contact_reachable: Mapped[bool | None] = mapped_column(Boolean)
    facilities: Mapped[dict[str, Any]] = mapped_column(default=dict)
    findings: Mapped[str] = mapped_column(Text, default="")
