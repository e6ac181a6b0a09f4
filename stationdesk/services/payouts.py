"""First payouts (先行赔付) and each station's first-payout fund (专项资金) as a ledger.

Every payout writes its fund movement in the same unit of work, and every recovery (追偿) writes
its own, so the ledger and the payout list can never disagree. The balance is the signed sum of
the movements, computed in SQL. A payout is checked against the balance inside a writing
transaction (BEGIN IMMEDIATE on SQLite; the station row locked on PostgreSQL), so two PCs paying
from the same fund at the same moment cannot overdraw it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from stationdesk.domain.case_rules import case_number
from stationdesk.domain.masking import mask_name
from stationdesk.domain.money import format_yuan
from stationdesk.domain.payout_rules import (
    FUND_SIGNS,
    PAYOUT_LABELS,
    CaseFacts,
    PayoutDraft,
    lowest_balance_from,
    validate_fund_entry,
    validate_payout,
    validate_recovery,
)
from stationdesk.domain.text import normalise_text
from stationdesk.domain.vocabulary import FundEntryKind
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import access, audit
from stationdesk.store.database import Database
from stationdesk.store.models import FirstPayout, FundEntry, MediationCase, Station
from stationdesk.store.report_queries import SIGNED_FUND_AMOUNT
from stationdesk.store.types import Fen


def _balance(session: Session, station_id: int) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(SIGNED_FUND_AMOUNT), 0).cast(Fen)).where(FundEntry.station_id == station_id)
    )
    return int(total or 0)


def _available_from(session: Session, station_id: int, day: date) -> int:
    """The lowest balance the station's ledger shows from the end of `day` on (`lowest_balance_from`)."""
    rows = session.execute(
        select(FundEntry.entry_on, SIGNED_FUND_AMOUNT)
        .where(FundEntry.station_id == station_id)
        .order_by(FundEntry.entry_on, FundEntry.id)
    ).all()
    return lowest_balance_from(((entry_on, int(signed)) for entry_on, signed in rows), day)


def _station(session: Session, station_id: int, lock: bool = False) -> Station:
    query = select(Station).where(Station.id == station_id)
    station = session.scalar(query.with_for_update() if lock else query)
    if station is None:
        raise UserError(f"找不到编号为 {station_id} 的站点", hint="请刷新列表")
    return station


@dataclass(frozen=True)
class SavedPayout:
    id: int
    balance_fen: int


def record_payout(db: Database, station_id: int, draft: PayoutDraft, actor: str, today: date) -> SavedPayout:
    """Pay a consumer first from the station's fund, on one of the station's cases.

    Refused with a message naming the field when the case is another station's, the station is not
    in the scheme, the amount is not sensible or more than the fund holds.
    """
    with db.writing() as session:
        access.require_station(session, actor, station_id)
        station = _station(session, station_id, lock=True)
        case_row = session.get(MediationCase, draft.case_id) if draft.case_id is not None else None
        if case_row is None:
            raise ValidationFailed({"case_id": "请选择要先行赔付的案件"}, PAYOUT_LABELS)
        owner = session.get(Station, case_row.station_id)
        assert owner is not None
        facts = CaseFacts(owner.id, owner.name, station.first_payout_scheme, case_row.received_on, case_row.outcome)
        draft = PayoutDraft(draft.case_id, draft.paid_on, draft.amount_fen, normalise_text(draft.paid_by))
        balance = _balance(session, station_id)
        available = _available_from(session, station_id, draft.paid_on) if draft.paid_on else None
        problems = validate_payout(draft, facts, station_id, balance, today, available)
        if problems:
            raise ValidationFailed(problems, PAYOUT_LABELS)
        assert draft.paid_on is not None
        payout = FirstPayout(
            case_id=case_row.id,
            station_id=station_id,
            paid_on=draft.paid_on,
            amount_fen=draft.amount_fen,
            paid_by=draft.paid_by or station.host_name[:64],
            created_by=actor,
            updated_by=actor,
        )
        session.add(payout)
        session.flush()
        entry = FundEntry(
            station_id=station_id,
            entry_on=draft.paid_on,
            kind=FundEntryKind.PAYOUT.value,
            amount_fen=draft.amount_fen,
            payout_id=payout.id,
            memo=f"先行赔付 案件{case_number(case_row.id, case_row.received_on)}",
            created_by=actor,
            updated_by=actor,
        )
        session.add(entry)
        case_before = {"first_payout": case_row.first_payout, "payout_eligible": case_row.payout_eligible}
        case_row.first_payout = True
        case_row.payout_eligible = True
        case_row.updated_by = actor
        session.flush()
        audit.record(session, actor, "insert", "first_payout", payout.id, station_id=station_id,
                     new=audit.row_values(payout))  # fmt: skip
        audit.record(session, actor, "insert", "fund_entry", entry.id, station_id=station_id,
                     new=audit.row_values(entry))  # fmt: skip
        old, new = audit.changed_fields(case_before, {"first_payout": True, "payout_eligible": True})
        if new:
            audit.record(session, actor, "update", "mediation_case", case_row.id, station_id=case_row.station_id,
                         old=old, new=new)  # fmt: skip
        return SavedPayout(payout.id, balance - draft.amount_fen)


def record_recovery(
    db: Database, payout_id: int, recovered_on: date | None, recovered_fen: int, actor: str, today: date
) -> SavedPayout:
    """Record that the host recovered a payout from the responsible seller (追偿); the money
    returns to the fund as a movement of its own."""
    with db.writing() as session:
        access.require_payout(session, actor, payout_id)
        payout = session.get(FirstPayout, payout_id)
        if payout is None:
            raise UserError(f"找不到赔付记录 {payout_id}", hint="请刷新列表")
        if payout.recovered:
            raise UserError(f"这笔赔付已于 {payout.recovered_on} 登记追偿，不能重复登记")
        problems = validate_recovery(payout.paid_on, payout.amount_fen, recovered_on, recovered_fen, today)
        if problems:
            raise ValidationFailed(problems, PAYOUT_LABELS)
        assert recovered_on is not None
        old = {"recovered": payout.recovered, "recovered_on": payout.recovered_on, "recovered_fen": payout.recovered_fen}
        payout.recovered, payout.recovered_on, payout.recovered_fen = True, recovered_on, recovered_fen
        payout.updated_by = actor
        entry = FundEntry(
            station_id=payout.station_id,
            entry_on=recovered_on,
            kind=FundEntryKind.RECOVERY.value,
            amount_fen=recovered_fen,
            payout_id=payout.id,
            memo="向经营者追偿收回",
            created_by=actor,
            updated_by=actor,
        )
        session.add(entry)
        session.flush()
        audit.record(session, actor, "recover", "first_payout", payout.id, station_id=payout.station_id, old=old,
                     new={"recovered": True, "recovered_on": recovered_on, "recovered_fen": recovered_fen})  # fmt: skip
        audit.record(session, actor, "insert", "fund_entry", entry.id, station_id=payout.station_id,
                     new=audit.row_values(entry))  # fmt: skip
        return SavedPayout(payout.id, _balance(session, payout.station_id))


def add_fund_entry(
    db: Database,
    station_id: int,
    kind: str,
    entry_on: date | None,
    amount_fen: int,
    memo: str,
    actor: str,
    today: date,
) -> int:
    """A deposit, top-up or withdrawal entered on the fund ledger; returns the new balance."""
    with db.writing() as session:
        access.require_station(session, actor, station_id)
        station = _station(session, station_id, lock=True)
        memo = normalise_text(memo)
        balance = _balance(session, station_id)
        available = _available_from(session, station_id, entry_on) if entry_on else None
        problems = validate_fund_entry(kind, entry_on, amount_fen, memo, balance, today, available)
        if problems:
            raise ValidationFailed(problems, PAYOUT_LABELS)
        assert entry_on is not None
        entry = FundEntry(
            station_id=station.id,
            entry_on=entry_on,
            kind=kind,
            amount_fen=amount_fen,
            memo=memo or FundEntryKind(kind).label,
            created_by=actor,
            updated_by=actor,
        )
        session.add(entry)
        session.flush()
        audit.record(session, actor, "insert", "fund_entry", entry.id, station_id=station.id,
                     new=audit.row_values(entry))  # fmt: skip
        return balance + FUND_SIGNS[kind] * amount_fen


@dataclass(frozen=True)
class LedgerLine:
    """One movement of the fund with the balance after it."""

    id: int
    entry_on: date
    kind: str
    amount_fen: int
    signed_fen: int
    balance_fen: int
    memo: str
    entered_by: str

    @property
    def kind_label(self) -> str:
        return FundEntryKind(self.kind).label


@dataclass(frozen=True)
class FundLedger:
    """A station's fund: its movements in date order and the totals the ledger's footer shows."""

    station_id: int
    station_name: str
    in_scheme: bool
    committed_fen: int
    lines: list[LedgerLine]
    deposited_fen: int
    paid_fen: int
    recovered_fen: int
    withdrawn_fen: int
    balance_fen: int

    def summary(self) -> str:
        return (
            f"承诺资金 {format_yuan(self.committed_fen)} 元　存入/补充 {format_yuan(self.deposited_fen)} 元　"
            f"赔付 {format_yuan(self.paid_fen)} 元　追偿收回 {format_yuan(self.recovered_fen)} 元　"
            f"余额 {format_yuan(self.balance_fen)} 元"
        )


def fund_ledger(db: Database, station_id: int) -> FundLedger:
    """The fund's movements oldest first with a running balance (a station has a few hundred)."""
    with db.reading() as session:
        station = _station(session, station_id)
        rows = session.execute(
            select(
                FundEntry.id, FundEntry.entry_on, FundEntry.kind, FundEntry.amount_fen, FundEntry.memo,
                FundEntry.created_by,
            )
            .where(FundEntry.station_id == station_id)
            .order_by(FundEntry.entry_on, FundEntry.id)
        ).all()
    lines: list[LedgerLine] = []
    balance = 0
    totals = dict.fromkeys(FUND_SIGNS, 0)
    for row in rows:
        signed = FUND_SIGNS.get(row.kind, 0) * row.amount_fen
        balance += signed
        totals[row.kind] = totals.get(row.kind, 0) + row.amount_fen
        lines.append(LedgerLine(row.id, row.entry_on, row.kind, row.amount_fen, signed, balance, row.memo, row.created_by))
    return FundLedger(
        station_id=station.id,
        station_name=station.name,
        in_scheme=station.first_payout_scheme,
        committed_fen=station.fund_committed_fen,
        lines=lines,
        deposited_fen=totals[FundEntryKind.DEPOSIT.value] + totals[FundEntryKind.TOP_UP.value],
        paid_fen=totals[FundEntryKind.PAYOUT.value],
        recovered_fen=totals[FundEntryKind.RECOVERY.value],
        withdrawn_fen=totals[FundEntryKind.WITHDRAWAL.value],
        balance_fen=balance,
    )


def fund_balance(db: Database, station_id: int) -> int:
    with db.reading() as session:
        return _balance(session, station_id)


@dataclass(frozen=True)
class PayoutRow:
    """One payout in a list; the consumer masked."""

    id: int
    case_id: int
    case_number: str
    station_id: int
    station_name: str
    consumer: str
    paid_on: date
    amount_fen: int
    paid_by: str
    recovered: bool
    recovered_on: date | None
    recovered_fen: int
    entered_by: str


def payout_rows(
    db: Database,
    station_id: int | None = None,
    start: date | None = None,
    end: date | None = None,
    unrecovered_only: bool = False,
    limit: int = 5000,
    payout_id: int | None = None,
) -> list[PayoutRow]:
    """Payouts newest first, for a station or all (a province has a few thousand a year)."""
    query = (
        select(
            FirstPayout.id, FirstPayout.case_id, MediationCase.received_on, FirstPayout.station_id,
            Station.name, MediationCase.consumer_name, FirstPayout.paid_on, FirstPayout.amount_fen,
            FirstPayout.paid_by, FirstPayout.recovered, FirstPayout.recovered_on, FirstPayout.recovered_fen,
            FirstPayout.created_by,
        )
        .join(MediationCase, MediationCase.id == FirstPayout.case_id)
        .join(Station, Station.id == FirstPayout.station_id)
        .order_by(FirstPayout.paid_on.desc(), FirstPayout.id.desc())
        .limit(limit)
    )  # fmt: skip
    if station_id is not None:
        query = query.where(FirstPayout.station_id == station_id)
    if start is not None:
        query = query.where(FirstPayout.paid_on >= start)
    if end is not None:
        query = query.where(FirstPayout.paid_on <= end)
    if unrecovered_only:
        query = query.where(FirstPayout.recovered.is_(False))
    if payout_id is not None:
        query = query.where(FirstPayout.id == payout_id)
    with db.reading() as session:
        rows = session.execute(query).all()
    return [
        PayoutRow(
            r[0], r[1], case_number(r[1], r[2]), r[3], r[4], mask_name(r[5]), r[6], r[7], r[8], r[9], r[10], r[11], r[12]
        )
        for r in rows
    ]
