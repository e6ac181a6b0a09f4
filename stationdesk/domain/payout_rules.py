"""First payouts (先行赔付) and the fund they are paid from (专项资金): what is allowed.

Why these rules: the host pays the consumer first from a special fund and recovers the money from
the responsible seller afterwards (追偿). A payout can never exceed what the fund holds, a payout
belongs to a case of the same station, and only a station in the scheme pays at all (domain brief).
The balance is the signed sum of the fund's movements; `FUND_SIGNS` is the one place the sign of
each kind of movement is decided.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from stationdesk.domain.case_rules import EARLIEST_CASE_DATE, MAX_AMOUNT_FEN
from stationdesk.domain.money import format_yuan
from stationdesk.domain.text import bad_char_message, check_length
from stationdesk.domain.vocabulary import CaseOutcome, FundEntryKind

FUND_SIGNS: dict[str, int] = {
    FundEntryKind.DEPOSIT.value: 1,
    FundEntryKind.TOP_UP.value: 1,
    FundEntryKind.RECOVERY.value: 1,
    FundEntryKind.PAYOUT.value: -1,
    FundEntryKind.WITHDRAWAL.value: -1,
}
# Movements a user enters by hand on the ledger; payouts and recoveries come from payout records.
MANUAL_FUND_KINDS: tuple[FundEntryKind, ...] = (
    FundEntryKind.DEPOSIT,
    FundEntryKind.TOP_UP,
    FundEntryKind.WITHDRAWAL,
)
PAYOUT_LABELS: dict[str, str] = {
    "case_id": "案件",
    "paid_on": "赔付日期",
    "amount_fen": "赔付金额",
    "paid_by": "赔付方",
    "recovered_on": "追偿日期",
    "recovered_fen": "追偿金额",
    "entry_on": "日期",
    "kind": "类型",
    "memo": "摘要",
}


@dataclass(frozen=True)
class PayoutDraft:
    """A first payout as typed: on which case, when, how much, paid by whom."""

    case_id: int | None = None
    paid_on: date | None = None
    amount_fen: int = 0
    paid_by: str = ""


@dataclass(frozen=True)
class CaseFacts:
    """What the payout rules need to know about the case and its station."""

    station_id: int
    station_name: str
    in_scheme: bool
    received_on: date
    outcome: str | None


def _day_problem(
    label: str, day: date | None, today: date, not_before: date, before_label: str
) -> str | None:
    if day is None:
        return f"{label}为必填项"
    if day > today:
        return f"{label}不能晚于今天（{today.isoformat()}）"
    if day < max(not_before, EARLIEST_CASE_DATE):
        return f"{label}不能早于{before_label}（{not_before.isoformat()}）"
    return None


def amount_problem(label: str, fen: int) -> str | None:
    """A payout, recovery or fund movement must be a positive amount of at most 8 digits."""
    if fen <= 0:
        return f"{label}应大于 0"
    if fen > MAX_AMOUNT_FEN:
        return f"{label}超过 8 位数（{format_yuan(fen)} 元），请核对"
    return None


def lowest_balance_from(movements: Iterable[tuple[date, int]], day: date) -> int:
    """What the fund can pay out on `day`: the lowest running balance its ledger shows from the end
    of `day` on, so a back-dated payout or withdrawal never turns a later line negative.

    `movements` are (date, signed fen) in ledger order (date, then entry).
    """
    balance, lowest = 0, None
    for entry_on, signed in movements:
        if entry_on > day and lowest is None:
            lowest = balance
        balance += signed
        if lowest is not None:
            lowest = min(lowest, balance)
    return balance if lowest is None else lowest


def _dated_shortfall(label: str, day: date, amount_fen: int, available_fen: int | None) -> str | None:
    """The fund holds enough today but not from `day` on: money deposited later cannot pay for an
    earlier day, or the ledger, read in date order, would show a negative balance."""
    if available_fen is None or amount_fen <= available_fen:
        return None
    return (
        f"按资金台账，{day.isoformat()} 起可用余额只有 {format_yuan(max(available_fen, 0))} 元，"
        f"不足 {format_yuan(amount_fen)} 元（资金在此日期之后才到位）；请核对{label}"
    )


def validate_payout(
    draft: PayoutDraft,
    case: CaseFacts,
    station_id: int,
    balance_fen: int,
    today: date,
    available_fen: int | None = None,
) -> dict[str, str]:
    """Field → message for a payout recorded at `station_id` on `case`, the fund holding `balance_fen`.

    `available_fen` is the lowest balance the ledger shows from the payout's date on (None: not
    known, only the current balance is checked).
    """
    problems: dict[str, str] = {}
    if case.station_id != station_id:
        problems["case_id"] = f"该案件属于站点“{case.station_name}”，不能记在本站点的先行赔付下"
    elif not case.in_scheme:
        problems["case_id"] = (
            f"站点“{case.station_name}”未实行先行赔付，不能登记赔付；请先在站点信息中勾选“实行先行赔付”"
        )
    elif case.outcome is not None and case.outcome != CaseOutcome.SUCCESS.value:
        problems["case_id"] = (
            f"该案件处理结果为“{CaseOutcome(case.outcome).label}”，只有调解成功或尚在办理的案件可以先行赔付"
        )
    if message := _day_problem("赔付日期", draft.paid_on, today, case.received_on, "受理日期"):
        problems["paid_on"] = message
    if message := amount_problem("赔付金额", draft.amount_fen):
        problems["amount_fen"] = message
    elif draft.amount_fen > balance_fen:
        problems["amount_fen"] = (
            f"先行赔付资金余额不足：当前余额 {format_yuan(balance_fen)} 元，"
            f"本次赔付 {format_yuan(draft.amount_fen)} 元；请先补充资金"
        )
    elif (
        "paid_on" not in problems
        and draft.paid_on is not None
        and (message := _dated_shortfall("赔付日期", draft.paid_on, draft.amount_fen, available_fen))
    ):
        problems["paid_on"] = message
    if message := check_length("赔付方", draft.paid_by, 64) or bad_char_message("赔付方", draft.paid_by):
        problems["paid_by"] = message
    return problems


def validate_recovery(
    paid_on: date, amount_fen: int, recovered_on: date | None, recovered_fen: int, today: date
) -> dict[str, str]:
    """Field → message for recording that a payout was recovered from the seller (追偿)."""
    problems: dict[str, str] = {}
    if message := _day_problem("追偿日期", recovered_on, today, paid_on, "赔付日期"):
        problems["recovered_on"] = message
    if message := amount_problem("追偿金额", recovered_fen):
        problems["recovered_fen"] = message
    elif recovered_fen > amount_fen:
        problems["recovered_fen"] = f"追偿金额不能超过赔付金额（{format_yuan(amount_fen)} 元）"
    return problems


def validate_fund_entry(
    kind: str,
    entry_on: date | None,
    amount_fen: int,
    memo: str,
    balance_fen: int,
    today: date,
    available_fen: int | None = None,
) -> dict[str, str]:
    """Field → message for a deposit, top-up or withdrawal entered on the ledger by hand.

    `available_fen` as for `validate_payout`: the lowest balance from `entry_on` on.
    """
    problems: dict[str, str] = {}
    if kind not in {k.value for k in MANUAL_FUND_KINDS}:
        problems["kind"] = "资金台账只能手工登记存入、补充或退出；赔付和追偿请在赔付记录中登记"
    if message := _day_problem("日期", entry_on, today, EARLIEST_CASE_DATE, "2000年"):
        problems["entry_on"] = message
    if message := amount_problem("金额", amount_fen):
        problems["amount_fen"] = message
    elif FUND_SIGNS.get(kind, 1) < 0 and amount_fen > balance_fen:
        problems["amount_fen"] = f"退出金额不能超过当前余额（{format_yuan(balance_fen)} 元）"
    elif (
        FUND_SIGNS.get(kind, 1) < 0
        and "entry_on" not in problems
        and entry_on is not None
        and (message := _dated_shortfall("日期", entry_on, amount_fen, available_fen))
    ):
        problems["entry_on"] = message
    if message := check_length("摘要", memo, 200) or bad_char_message("摘要", memo):
        problems["memo"] = message
    return problems
