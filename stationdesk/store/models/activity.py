"""What stations do: mediation cases, consultations, follow-up visits, first payouts and funds.

Money is stored in fen (integer) so sums are exact on SQLite and PostgreSQL alike. Short codes
(channel, handling, outcome, deadline rule, satisfaction) are `Code` columns: small integers on
SQLite (see `store.types`; their vocabularies are append-only), the code text elsewhere.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from stationdesk.domain.deadlines import DEADLINE_RULES, DEFAULT_RULE
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, Satisfaction
from stationdesk.store.base import Base, Tracked
from stationdesk.store.types import Code, Fen


class GoodsCategory(Tracked, Base):
    """A goods or service category (商品/服务类别) complaints are about: 家用电器, 预付卡消费 …

    Data, not code: a new database starts with `DEFAULT_GOODS_CATEGORIES` and bureaus rename,
    add or deactivate their own. Cases point here instead of repeating the name a million times.
    """

    __tablename__ = "goods_category"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class MediationCase(Tracked, Base):
    """A complaint received at a station (调解记录). `outcome` is NULL while the case is open.

    Its number (案件编号) is derived from the id (`case_number`), so it needs no column or
    index of its own; `platform_ref` keeps the 12315 platform's work-order number of a
    transferred complaint.
    """

    __tablename__ = "mediation_case"
    __table_args__ = (
        # Covering index: the per-station figures for a year (`store.figures`) read only this index (measured 2x
        # faster than the planner's choice between two narrower ones).
        Index(
            "ix_case_station_figures",
            "station_id",
            "received_on",
            "handling",
            "outcome",
            "first_payout",
            "payout_eligible",
            "amount_recovered_fen",
            "closed_on",
            "due_on",
        ),
        # The global case list sorts and filters by receipt date; "today's follow-ups" by closing date.
        Index("ix_case_received", "received_on"),
        Index("ix_case_closed", "closed_on"),
        # Open cases only (a few percent): the overdue list without indexing every closed case.
        Index(
            "ix_case_open_due",
            "due_on",
            sqlite_where=text("outcome IS NULL"),
            postgresql_where=text("outcome IS NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    platform_ref: Mapped[str | None] = mapped_column(String(40))
    received_on: Mapped[date] = mapped_column()
    channel: Mapped[str] = mapped_column(Code(CaseChannel))
    consumer_name: Mapped[str] = mapped_column(String(40), default="")
    consumer_phone: Mapped[str] = mapped_column(String(40), default="")
    operator_name: Mapped[str] = mapped_column(String(100), default="")
    goods_category_id: Mapped[int | None] = mapped_column(ForeignKey("goods_category.id"))
    amount_disputed_fen: Mapped[int] = mapped_column(Fen, default=0)
    handling: Mapped[str] = mapped_column(Code(CaseHandling))
    outcome: Mapped[str | None] = mapped_column(Code(CaseOutcome))
    closed_on: Mapped[date | None] = mapped_column()
    amount_recovered_fen: Mapped[int] = mapped_column(Fen, default=0)
    difficult: Mapped[bool] = mapped_column(Boolean, default=False)
    first_payout: Mapped[bool] = mapped_column(Boolean, default=False)
    # 符合先行赔付条件: the consumer's claim qualified for a first payout (the denominator of
    # 先行赔付率); set by the user, and always true for a case that got one.
    payout_eligible: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    due_on: Mapped[date | None] = mapped_column()
    deadline_rule: Mapped[str] = mapped_column(Code(tuple(DEADLINE_RULES), length=20), default=DEFAULT_RULE)
    notes: Mapped[str] = mapped_column(Text, default="")
    goods_category: Mapped[GoodsCategory | None] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="case")


class Consultation(Tracked, Base):
    """A consultation or visit (咨询/来访); `count` > 1 records a daily tally instead of one call."""

    __tablename__ = "consultation"
    # Covering: a station's consultations in a period and their sum read the index alone.
    __table_args__ = (Index("ix_consultation_station_day", "station_id", "consulted_on", "count"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    consulted_on: Mapped[date] = mapped_column()
    topic: Mapped[str] = mapped_column(String(40), default="")
    answered_by: Mapped[str] = mapped_column(String(40), default="")  # who answered
    # How it was answered (答复方式): 当场解答, 电话答复, 引导投诉 … ("" for tallies).
    how_answered: Mapped[str] = mapped_column(String(20), default="", server_default="")
    count: Mapped[int] = mapped_column(Integer, default=1)


class FollowUp(Tracked, Base):
    """A follow-up call on a closed case (回访)."""

    __tablename__ = "follow_up"
    # Covering: the year's follow-ups of every station (回访满意率) from the index alone, with no
    # join to a million cases (the case's station is kept here for that; a case with follow-ups
    # moves station together with them).
    __table_args__ = (Index("ix_follow_up_visited", "visited_on", "station_id", "reached", "satisfaction"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    visited_on: Mapped[date] = mapped_column()
    visitor: Mapped[str] = mapped_column(String(64))
    reached: Mapped[bool] = mapped_column(Boolean)
    satisfaction: Mapped[str | None] = mapped_column(Code(Satisfaction))
    remarks: Mapped[str] = mapped_column(Text, default="")
    case: Mapped[MediationCase] = relationship(back_populates="follow_ups")


class FirstPayout(Tracked, Base):
    """A first payout (先行赔付) made by the host on a case, and its recovery from the seller (追偿)."""

    __tablename__ = "first_payout"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("mediation_case.id"), index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"), index=True)
    paid_on: Mapped[date] = mapped_column()
    amount_fen: Mapped[int] = mapped_column(Fen)
    paid_by: Mapped[str] = mapped_column(String(64), default="")
    recovered: Mapped[bool] = mapped_column(Boolean, default=False)
    recovered_on: Mapped[date | None] = mapped_column()
    recovered_fen: Mapped[int] = mapped_column(Fen, default=0)


class FundEntry(Tracked, Base):
    """One movement of a station's first-payout fund; the balance is their signed sum (in SQL)."""

    __tablename__ = "fund_entry"
    __table_args__ = (Index("ix_fund_entry_station_day", "station_id", "entry_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("station.id"))
    entry_on: Mapped[date] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(Fen)
    payout_id: Mapped[int | None] = mapped_column(ForeignKey("first_payout.id"))
    memo: Mapped[str] = mapped_column(Text, default="")
