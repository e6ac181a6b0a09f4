"""Judging stations: standards, re-examination rounds and their results, zombie decisions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from stationdesk.store.base import Base, Tracked


class Standard(Tracked, Base):
    """Thresholds for one level and year. Frozen once a re-examination used it; edits make a new
    `revision`, so every evaluation can say exactly which standard it applied."""

    __tablename__ = "standard"
    __table_args__ = (UniqueConstraint("year", "level", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    self_mediation: Mapped[dict[str, Any]] = mapped_column()
    success: Mapped[dict[str, Any]] = mapped_column()
    satisfaction: Mapped[dict[str, Any]] = mapped_column()
    first_payout: Mapped[str] = mapped_column(String(16))
    min_cases: Mapped[int] = mapped_column(Integer, default=0)
    checklist: Mapped[list[Any]] = mapped_column(default=list)
    # The score sheet's marks (domain.reexam_rules): below `pass_score` → 限期整改; a municipal
    # station meeting every line at `upgrade_score` or more → 推荐升级.
    pass_score: Mapped[int] = mapped_column(Integer, default=60, server_default="60")
    upgrade_score: Mapped[int] = mapped_column(Integer, default=90, server_default="90")
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)


class ReexamRound(Tracked, Base):
    """A year's re-examination round (年度复核) over a set of stations."""

    __tablename__ = "reexam_round"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title: Mapped[str] = mapped_column(String(100))
    closed: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None] = mapped_column()


class Reexamination(Tracked, Base):
    """One station's result in a round: indicators snapshot, checklist scores, proposal, decision."""

    __tablename__ = "reexamination"
    __table_args__ = (UniqueConstraint("round_id", "station_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("reexam_round.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"))
    indicators: Mapped[dict[str, Any]] = mapped_column(default=dict)
    checklist_scores: Mapped[dict[str, Any]] = mapped_column(default=dict)
    total_score: Mapped[float | None] = mapped_column(Float)
    inspector: Mapped[str] = mapped_column(String(64), default="")
    inspected_on: Mapped[date | None] = mapped_column()
    proposed_outcome: Mapped[str | None] = mapped_column(String(16))
    proposed_reasons: Mapped[list[Any]] = mapped_column(default=list)
    decided_outcome: Mapped[str | None] = mapped_column(String(16))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    document_no: Mapped[str] = mapped_column(String(60), default="")
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[datetime | None] = mapped_column()


class ZombieDecision(Tracked, Base):
    """A decision on a station flagged as a zombie (僵尸站点), with the evidence that flagged it."""

    __tablename__ = "zombie_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    decided_on: Mapped[date] = mapped_column()
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(64), default="")
    deadline: Mapped[date | None] = mapped_column()
    rectification: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("station.id"))
