"""First payouts and the fund: what may be paid, recovered, deposited and withdrawn."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.case_rules import MAX_AMOUNT_FEN
from stationdesk.domain.payout_rules import (
    FUND_SIGNS,
    MANUAL_FUND_KINDS,
    CaseFacts,
    PayoutDraft,
    validate_fund_entry,
    validate_payout,
    validate_recovery,
)
from stationdesk.domain.vocabulary import FundEntryKind

TODAY = date(2026, 11, 24)
STATION = 3
FACTS = CaseFacts(STATION, "红梅超市消费维权服务站", True, date(2026, 3, 2), None)
PAYOUT = PayoutDraft(case_id=10, paid_on=date(2026, 3, 3), amount_fen=20_000, paid_by="红梅超市")


def _payout(draft: PayoutDraft = PAYOUT, facts: CaseFacts = FACTS, balance: int = 100_000, **kw: int) -> dict[str, str]:
    return validate_payout(draft, facts, STATION, balance, TODAY, **kw)


def test_every_kind_of_fund_movement_has_a_sign() -> None:
    assert set(FUND_SIGNS) == {kind.value for kind in FundEntryKind}
    assert {kind for kind, sign in FUND_SIGNS.items() if sign < 0} == {"payout", "withdrawal"}
    assert all(sign in (1, -1) for sign in FUND_SIGNS.values())


def test_payouts_and_recoveries_are_not_entered_by_hand() -> None:
    assert FundEntryKind.PAYOUT not in MANUAL_FUND_KINDS
    assert FundEntryKind.RECOVERY not in MANUAL_FUND_KINDS


def test_a_payout_within_the_balance_on_an_open_or_successful_case_is_valid() -> None:
    assert _payout() == {}
    assert _payout(facts=replace(FACTS, outcome="success")) == {}


def test_a_payout_of_exactly_the_balance_is_valid() -> None:
    assert _payout(balance=PAYOUT.amount_fen) == {}


def test_a_payout_over_the_balance_names_the_balance() -> None:
    problems = _payout(balance=15_000)
    assert problems == {
        "amount_fen": "先行赔付资金余额不足：当前余额 150.00 元，本次赔付 200.00 元；请先补充资金"
    }


def test_a_payout_on_a_case_of_another_station_is_refused() -> None:
    problems = _payout(facts=replace(FACTS, station_id=99, station_name="钟楼商场维权站"))
    assert problems["case_id"] == "该案件属于站点“钟楼商场维权站”，不能记在本站点的先行赔付下"


def test_a_payout_at_a_station_not_in_the_scheme_is_refused() -> None:
    problems = _payout(facts=replace(FACTS, in_scheme=False))
    assert "未实行先行赔付" in problems["case_id"]


@pytest.mark.parametrize(("outcome", "label"), [("failure", "调解不成功"), ("withdrawn", "撤回"), ("transferred", "移交")])
def test_a_payout_on_a_case_that_did_not_succeed_is_refused(outcome: str, label: str) -> None:
    problems = _payout(facts=replace(FACTS, outcome=outcome))
    assert f"处理结果为“{label}”" in problems["case_id"]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"paid_on": None}, "paid_on", "赔付日期为必填项"),
        ({"paid_on": TODAY + timedelta(days=1)}, "paid_on", "赔付日期不能晚于今天"),
        ({"paid_on": date(2026, 3, 1)}, "paid_on", "赔付日期不能早于受理日期（2026-03-02）"),
        ({"amount_fen": 0}, "amount_fen", "赔付金额应大于 0"),
        ({"amount_fen": -100}, "amount_fen", "赔付金额应大于 0"),
        ({"amount_fen": MAX_AMOUNT_FEN + 1}, "amount_fen", "赔付金额超过 8 位数"),
        ({"paid_by": "超" * 65}, "paid_by", "赔付方不能超过64个字"),
    ],
)
def test_bad_payout_input_names_the_field(changes: dict[str, object], field: str, words: str) -> None:
    problems = _payout(replace(PAYOUT, **changes), balance=10**12)  # type: ignore[arg-type]
    assert list(problems) == [field]
    assert words in problems[field]


def test_a_payout_dated_before_the_money_arrived_is_refused_on_the_date() -> None:
    problems = _payout(balance=100_000, available_fen=0)
    assert list(problems) == ["paid_on"]
    assert "2026-03-03 起可用余额只有 0.00 元" in problems["paid_on"]


def test_a_payout_within_what_was_available_on_its_date_is_valid() -> None:
    assert _payout(balance=100_000, available_fen=20_000) == {}


def test_recovery_up_to_the_payout_is_valid() -> None:
    assert validate_recovery(date(2026, 3, 3), 20_000, date(2026, 4, 1), 20_000, TODAY) == {}
    assert validate_recovery(date(2026, 3, 3), 20_000, date(2026, 3, 3), 5_000, TODAY) == {}


def test_recovering_more_than_was_paid_is_refused() -> None:
    problems = validate_recovery(date(2026, 3, 3), 20_000, date(2026, 4, 1), 20_001, TODAY)
    assert problems == {"recovered_fen": "追偿金额不能超过赔付金额（200.00 元）"}


@pytest.mark.parametrize(
    ("recovered_on", "fen", "field", "words"),
    [
        (None, 100, "recovered_on", "追偿日期为必填项"),
        (date(2026, 3, 2), 100, "recovered_on", "追偿日期不能早于赔付日期（2026-03-03）"),
        (TODAY + timedelta(days=1), 100, "recovered_on", "追偿日期不能晚于今天"),
        (date(2026, 4, 1), 0, "recovered_fen", "追偿金额应大于 0"),
        (date(2026, 4, 1), -5, "recovered_fen", "追偿金额应大于 0"),
    ],
)
def test_bad_recovery_input_names_the_field(recovered_on: date | None, fen: int, field: str, words: str) -> None:
    problems = validate_recovery(date(2026, 3, 3), 20_000, recovered_on, fen, TODAY)
    assert list(problems) == [field]
    assert words in problems[field]


@pytest.mark.parametrize("kind", ["deposit", "top_up", "withdrawal"])
def test_manual_fund_movements_are_valid(kind: str) -> None:
    assert validate_fund_entry(kind, date(2026, 1, 5), 50_000, "", 50_000, TODAY) == {}


@pytest.mark.parametrize("kind", ["payout", "recovery", "gift"])
def test_payouts_recoveries_and_unknown_kinds_are_not_entered_on_the_ledger(kind: str) -> None:
    problems = validate_fund_entry(kind, date(2026, 1, 5), 50_000, "", 10**9, TODAY)
    assert "资金台账只能手工登记存入、补充或退出" in problems["kind"]


def test_a_withdrawal_above_the_balance_is_refused_and_names_it() -> None:
    problems = validate_fund_entry("withdrawal", date(2026, 1, 5), 50_001, "", 50_000, TODAY)
    assert problems == {"amount_fen": "退出金额不能超过当前余额（500.00 元）"}


def test_a_deposit_is_not_limited_by_the_balance() -> None:
    assert validate_fund_entry("deposit", date(2026, 1, 5), 50_001, "", 0, TODAY) == {}


def test_a_withdrawal_dated_before_the_money_arrived_is_refused_on_the_date() -> None:
    problems = validate_fund_entry("withdrawal", date(2026, 1, 5), 50_000, "", 50_000, TODAY, available_fen=0)
    assert list(problems) == ["entry_on"]
    assert "可用余额只有 0.00 元" in problems["entry_on"]


@pytest.mark.parametrize(
    ("entry_on", "fen", "memo", "field", "words"),
    [
        (None, 100, "", "entry_on", "日期为必填项"),
        (TODAY + timedelta(days=1), 100, "", "entry_on", "日期不能晚于今天"),
        (date(1999, 12, 31), 100, "", "entry_on", "日期不能早于2000年"),
        (date(2026, 1, 5), 0, "", "amount_fen", "金额应大于 0"),
        (date(2026, 1, 5), MAX_AMOUNT_FEN + 1, "", "amount_fen", "金额超过 8 位数"),
        (date(2026, 1, 5), 100, "摘" * 201, "memo", "摘要不能超过200个字"),
    ],
)
def test_bad_fund_input_names_the_field(entry_on: date | None, fen: int, memo: str, field: str, words: str) -> None:
    problems = validate_fund_entry("deposit", entry_on, fen, memo, 0, TODAY)
    assert list(problems) == [field]
    assert words in problems[field]


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_FEN), st.integers(min_value=0, max_value=MAX_AMOUNT_FEN))
def test_a_payout_is_refused_exactly_when_it_exceeds_the_balance(amount: int, balance: int) -> None:
    problems = _payout(replace(PAYOUT, amount_fen=amount), balance=balance)
    assert ("amount_fen" in problems) == (amount > balance)


def test_lowest_balance_from_a_day_is_what_a_back_dated_payout_may_take() -> None:
    from stationdesk.domain.payout_rules import lowest_balance_from

    ledger = [(date(2026, 1, 5), 10_000), (date(2026, 3, 1), -8_000), (date(2026, 5, 1), 5_000)]
    assert lowest_balance_from(ledger, date(2026, 6, 1)) == 7_000, "after every movement: the balance"
    assert lowest_balance_from(ledger, date(2026, 2, 1)) == 2_000, "the March payout must stay covered"
    assert lowest_balance_from(ledger, date(2025, 12, 1)) == 0, "nothing deposited yet"
    assert lowest_balance_from([], date(2026, 1, 1)) == 0
