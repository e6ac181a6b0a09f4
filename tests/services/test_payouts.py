"""First payouts and the fund ledger on a real SQLite file: what is refused, what is written."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.payout_rules import PayoutDraft
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import cases, payouts
from stationdesk.store.models import AuditLog, FirstPayout, FundEntry, MediationCase

CLERK = "李明"
TODAY = date(2026, 11, 24)


def _counts(desk: Any) -> tuple[int, int, int]:
    return desk.count(FirstPayout), desk.count(FundEntry), desk.count(AuditLog)


def _pay(desk: Any, station: int, case_id: int, fen: int, on: date = date(2026, 3, 3), actor: str = CLERK) -> Any:
    return payouts.record_payout(desk.db, station, PayoutDraft(case_id, on, fen), actor, TODAY)


@pytest.fixture
def scheme(desk: Any) -> int:
    """A station in the first-payout scheme holding 1,000 元 since 5 January."""
    station = desk.station(scheme=True)
    desk.fund(station, 1_000)
    return station


def test_a_payout_is_saved_with_its_fund_movement_and_marks_the_case(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    saved = _pay(desk, scheme, case_id, 30_000)
    assert saved.balance_fen == 70_000
    assert payouts.fund_balance(desk.db, scheme) == 70_000
    with desk.db.reading() as s:
        payout = s.get(FirstPayout, saved.id)
        assert payout is not None
        assert (payout.case_id, payout.amount_fen, payout.created_by) == (case_id, 30_000, CLERK)
        assert payout.paid_by == "红梅超市消费维权服务站依托单位"  # the host pays when nobody is named
        entry = s.scalar(select(FundEntry).where(FundEntry.payout_id == saved.id))
        assert entry is not None
        assert (entry.kind, entry.amount_fen, entry.entry_on) == ("payout", 30_000, date(2026, 3, 3))
        assert cases.case_number(case_id, date(2026, 3, 2)) in entry.memo
        case = s.get(MediationCase, case_id)
        assert case is not None
        assert case.first_payout and case.payout_eligible


def test_a_payout_leaves_an_audit_row_with_the_actor(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    saved = _pay(desk, scheme, case_id, 30_000, actor="赵敏")
    with desk.db.reading() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.table_name == "first_payout"))
    assert row is not None
    assert (row.username, row.action, row.row_id, row.station_id) == ("赵敏", "insert", saved.id, scheme)
    assert row.new_values == {"case_id": case_id, "station_id": scheme, "paid_on": "2026-03-03", "amount_fen": 30_000,
                              "paid_by": "红梅超市消费维权服务站依托单位", "recovered": False, "recovered_on": None,
                              "recovered_fen": 0}  # fmt: skip
    with desk.db.reading() as s:
        others = s.scalars(select(AuditLog).where(AuditLog.id > row.id).order_by(AuditLog.id)).all()
    fund, case = others
    assert (fund.table_name, fund.action, fund.new_values["kind"], fund.new_values["amount_fen"]) == (
        "fund_entry", "insert", "payout", 30_000)
    assert (case.table_name, case.action, case.row_id) == ("mediation_case", "update", case_id)
    assert (case.old_values, case.new_values) == ({"first_payout": False, "payout_eligible": False},
                                                  {"first_payout": True, "payout_eligible": True})


def test_a_payout_over_the_balance_is_refused_naming_the_balance_and_nothing_is_saved(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        _pay(desk, scheme, case_id, 100_001)
    assert "当前余额 1,000.00 元" in caught.value.problems["amount_fen"]
    assert "余额不足" in caught.value.message
    assert _counts(desk) == before
    detail = cases.get_case(desk.db, case_id)
    assert not detail.has_payout
    assert not detail.draft.payout_eligible
    with desk.db.reading() as s:
        case = s.get(MediationCase, case_id)
        assert case is not None
        assert (case.first_payout, case.version, case.updated_by) == (False, 1, CLERK)
    assert payouts.fund_balance(desk.db, scheme) == 100_000


def test_paying_out_the_whole_balance_is_allowed(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    assert _pay(desk, scheme, case_id, 100_000).balance_fen == 0


def test_a_payout_at_a_station_not_in_the_scheme_is_refused(desk: Any) -> None:
    station = desk.station("普通超市维权站")
    desk.fund(station, 1_000)
    case_id = desk.case(station, date(2026, 3, 2))
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        _pay(desk, station, case_id, 10_000)
    assert "未实行先行赔付" in caught.value.problems["case_id"]
    assert _counts(desk) == before


def test_a_payout_on_a_case_of_another_station_is_refused(desk: Any, scheme: int) -> None:
    other = desk.station("钟楼商场维权站", scheme=True)
    foreign_case = desk.case(other, date(2026, 3, 2))
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        _pay(desk, scheme, foreign_case, 10_000)
    assert caught.value.problems["case_id"] == "该案件属于站点“钟楼商场维权站”，不能记在本站点的先行赔付下"
    assert _counts(desk) == before
    assert not cases.get_case(desk.db, foreign_case).has_payout


@pytest.mark.parametrize("outcome", ["failure", "withdrawn", "terminated"])
def test_a_payout_on_a_case_that_did_not_succeed_is_refused(desk: Any, scheme: int, outcome: str) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2), outcome=outcome)
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        _pay(desk, scheme, case_id, 10_000)
    assert "只有调解成功或尚在办理的案件可以先行赔付" in caught.value.problems["case_id"]
    assert _counts(desk) == before


@pytest.mark.parametrize(
    ("on", "fen", "field", "words"),
    [
        (date(2026, 3, 1), 10_000, "paid_on", "赔付日期不能早于受理日期"),
        (date(2026, 11, 25), 10_000, "paid_on", "赔付日期不能晚于今天"),
        (date(2026, 3, 3), -10_000, "amount_fen", "赔付金额应大于 0"),
        (date(2026, 3, 3), 0, "amount_fen", "赔付金额应大于 0"),
        (date(2026, 3, 3), 10_000_000_000, "amount_fen", "赔付金额超过 8 位数"),
    ],
)
def test_bad_payout_input_names_the_field_and_saves_nothing(
    desk: Any, scheme: int, on: date, fen: int, field: str, words: str
) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        _pay(desk, scheme, case_id, fen, on)
    assert words in caught.value.problems[field]
    assert _counts(desk) == before


def test_a_payout_without_a_case_is_refused(desk: Any, scheme: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        payouts.record_payout(desk.db, scheme, PayoutDraft(None, date(2026, 3, 3), 100), CLERK, TODAY)
    assert "case_id" in caught.value.problems


def test_a_payout_dated_before_the_fund_was_paid_in_is_refused(desk: Any) -> None:
    station = desk.station(scheme=True)
    desk.fund(station, 1_000, on=date(2026, 6, 1))
    case_id = desk.case(station, date(2026, 3, 2))
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        _pay(desk, station, case_id, 50_000, date(2026, 3, 3))
    assert "2026-03-03 起可用余额只有 0.00 元" in caught.value.problems["paid_on"]
    assert _counts(desk) == before
    _pay(desk, station, case_id, 50_000, date(2026, 6, 1))
    assert [line.balance_fen for line in payouts.fund_ledger(desk.db, station).lines] == [100_000, 50_000]


def test_a_back_dated_payout_may_not_overdraw_a_later_line_of_the_ledger(desk: Any, scheme: int) -> None:
    # 1,000 on 5 Jan; 800 paid on 1 Mar leaves 200; 500 topped up on 1 Apr: 700 today. A payout
    # of 300 dated 1 Feb fits today's balance but would take the 1 Mar line to -100; one of 150
    # dated 1 Feb is fine: every line stays at or above zero.
    first = desk.case(scheme, date(2026, 1, 20))
    second = desk.case(scheme, date(2026, 1, 21))
    _pay(desk, scheme, first, 80_000, date(2026, 3, 1))
    desk.fund(scheme, 500, on=date(2026, 4, 1), kind="top_up")  # today's balance: 700
    with pytest.raises(ValidationFailed) as caught:
        _pay(desk, scheme, second, 30_000, date(2026, 2, 1))
    assert "可用余额只有 200.00 元" in caught.value.problems["paid_on"]
    _pay(desk, scheme, second, 15_000, date(2026, 2, 1))
    balances = [line.balance_fen for line in payouts.fund_ledger(desk.db, scheme).lines]
    assert balances == [100_000, 85_000, 5_000, 55_000]
    assert min(balances) >= 0


# --- recovery --------------------------------------------------------------------------------


def test_a_recovery_returns_the_money_to_the_fund(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    paid = _pay(desk, scheme, case_id, 30_000)
    back = payouts.record_recovery(desk.db, paid.id, date(2026, 4, 1), 20_000, "赵敏", TODAY)
    assert back.balance_fen == 90_000
    ledger = payouts.fund_ledger(desk.db, scheme)
    assert [(line.kind, line.signed_fen, line.balance_fen) for line in ledger.lines] == [
        ("deposit", 100_000, 100_000),
        ("payout", -30_000, 70_000),
        ("recovery", 20_000, 90_000),
    ]
    assert (ledger.deposited_fen, ledger.paid_fen, ledger.recovered_fen, ledger.balance_fen) == (
        100_000, 30_000, 20_000, 90_000,
    )  # fmt: skip
    [row] = payouts.payout_rows(desk.db, scheme)
    assert (row.recovered, row.recovered_on, row.recovered_fen) == (True, date(2026, 4, 1), 20_000)
    with desk.db.reading() as s:
        audit = s.scalar(select(AuditLog).where(AuditLog.action == "recover"))
    assert audit is not None
    assert (audit.username, audit.row_id) == ("赵敏", paid.id)


def test_recovering_more_than_the_payout_is_refused_and_nothing_saved(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    paid = _pay(desk, scheme, case_id, 30_000)
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        payouts.record_recovery(desk.db, paid.id, date(2026, 4, 1), 30_001, CLERK, TODAY)
    assert caught.value.problems == {"recovered_fen": "追偿金额不能超过赔付金额（300.00 元）"}
    assert _counts(desk) == before
    assert payouts.fund_balance(desk.db, scheme) == 70_000


def test_a_recovery_before_the_payout_is_refused(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    paid = _pay(desk, scheme, case_id, 30_000)
    with pytest.raises(ValidationFailed) as caught:
        payouts.record_recovery(desk.db, paid.id, date(2026, 3, 2), 1_000, CLERK, TODAY)
    assert "追偿日期不能早于赔付日期（2026-03-03）" in caught.value.problems["recovered_on"]


def test_a_payout_is_recovered_only_once(desk: Any, scheme: int) -> None:
    case_id = desk.case(scheme, date(2026, 3, 2))
    paid = _pay(desk, scheme, case_id, 30_000)
    payouts.record_recovery(desk.db, paid.id, date(2026, 4, 1), 10_000, CLERK, TODAY)
    before = _counts(desk)
    with pytest.raises(UserError, match="不能重复登记"):
        payouts.record_recovery(desk.db, paid.id, date(2026, 4, 2), 10_000, CLERK, TODAY)
    assert _counts(desk) == before


def test_recovering_an_unknown_payout_is_a_user_error(desk: Any) -> None:
    with pytest.raises(UserError, match="找不到赔付记录 999"):
        payouts.record_recovery(desk.db, 999, date(2026, 4, 1), 100, CLERK, TODAY)


# --- manual fund movements -------------------------------------------------------------------


def test_deposits_top_ups_and_withdrawals_move_the_balance(desk: Any) -> None:
    station = desk.station(scheme=True)
    assert payouts.add_fund_entry(desk.db, station, "deposit", date(2026, 1, 5), 100_000, "", CLERK, TODAY) == 100_000
    assert payouts.add_fund_entry(desk.db, station, "top_up", date(2026, 2, 5), 50_000, "年中补充", CLERK, TODAY) == 150_000
    assert payouts.add_fund_entry(desk.db, station, "withdrawal", date(2026, 3, 5), 150_000, "", CLERK, TODAY) == 0
    ledger = payouts.fund_ledger(desk.db, station)
    assert [line.memo for line in ledger.lines] == ["存入", "年中补充", "退出"]  # blank memo: the kind
    assert [line.kind_label for line in ledger.lines] == ["存入", "补充", "退出"]
    assert (ledger.deposited_fen, ledger.withdrawn_fen, ledger.balance_fen) == (150_000, 150_000, 0)
    assert all(line.entered_by == CLERK for line in ledger.lines)
    assert "余额 0.00 元" in ledger.summary()


def test_a_withdrawal_above_the_balance_is_refused_and_nothing_saved(desk: Any, scheme: int) -> None:
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        payouts.add_fund_entry(desk.db, scheme, "withdrawal", date(2026, 3, 5), 100_001, "", CLERK, TODAY)
    assert caught.value.problems == {"amount_fen": "退出金额不能超过当前余额（1,000.00 元）"}
    assert _counts(desk) == before


def test_a_withdrawal_dated_before_the_deposit_is_refused(desk: Any) -> None:
    station = desk.station(scheme=True)
    desk.fund(station, 1_000, on=date(2026, 6, 1))
    with pytest.raises(ValidationFailed) as caught:
        payouts.add_fund_entry(desk.db, station, "withdrawal", date(2026, 5, 1), 10_000, "", CLERK, TODAY)
    assert "可用余额只有 0.00 元" in caught.value.problems["entry_on"]


@pytest.mark.parametrize(
    ("kind", "on", "fen", "field"),
    [
        ("payout", date(2026, 3, 5), 100, "kind"),
        ("recovery", date(2026, 3, 5), 100, "kind"),
        ("deposit", None, 100, "entry_on"),
        ("deposit", date(2026, 11, 25), 100, "entry_on"),
        ("deposit", date(2026, 3, 5), -100, "amount_fen"),
        ("deposit", date(2026, 3, 5), 10_000_000_000, "amount_fen"),
    ],
)
def test_bad_fund_input_names_the_field_and_saves_nothing(
    desk: Any, scheme: int, kind: str, on: date | None, fen: int, field: str
) -> None:
    before = _counts(desk)
    with pytest.raises(ValidationFailed) as caught:
        payouts.add_fund_entry(desk.db, scheme, kind, on, fen, "", CLERK, TODAY)
    assert field in caught.value.problems
    assert _counts(desk) == before


def test_a_fund_entry_leaves_an_audit_row_with_the_actor(desk: Any) -> None:
    station = desk.station(scheme=True)
    payouts.add_fund_entry(desk.db, station, "deposit", date(2026, 1, 5), 100_000, "专项资金", "赵敏", TODAY)
    with desk.db.reading() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.table_name == "fund_entry"))
    assert row is not None
    assert (row.username, row.action, row.station_id) == ("赵敏", "insert", station)
    assert row.new_values["amount_fen"] == 100_000


def test_an_unknown_station_is_a_user_error(desk: Any) -> None:
    with pytest.raises(UserError, match="找不到编号为 999 的站点"):
        payouts.add_fund_entry(desk.db, 999, "deposit", date(2026, 1, 5), 100, "", CLERK, TODAY)
    with pytest.raises(UserError):
        payouts.fund_ledger(desk.db, 999)


# --- lists -----------------------------------------------------------------------------------


def test_payout_rows_are_newest_first_filtered_and_masked(desk: Any, scheme: int) -> None:
    other = desk.station("钟楼商场维权站", scheme=True)
    desk.fund(other, 1_000)
    first = desk.case(scheme, date(2026, 3, 2))
    second = desk.case(scheme, date(2026, 4, 2), consumer_name="欧阳修", consumer_phone="13900001111")
    elsewhere = desk.case(other, date(2026, 4, 3))
    p1 = _pay(desk, scheme, first, 10_000, date(2026, 3, 3)).id
    p2 = _pay(desk, scheme, second, 20_000, date(2026, 4, 3)).id
    _pay(desk, other, elsewhere, 5_000, date(2026, 4, 4))
    payouts.record_recovery(desk.db, p1, date(2026, 5, 1), 10_000, CLERK, TODAY)
    rows = payouts.payout_rows(desk.db, scheme)
    assert [r.id for r in rows] == [p2, p1]
    assert [r.consumer for r in rows] == ["欧阳*", "张**"]
    assert rows[0].case_number == cases.case_number(second, date(2026, 4, 2))
    for row in payouts.payout_rows(desk.db):
        assert "张三丰" not in repr(row) and "欧阳修" not in repr(row)
        assert "13812345678" not in repr(row) and "13900001111" not in repr(row)
    assert len(payouts.payout_rows(desk.db)) == 3
    assert [r.id for r in payouts.payout_rows(desk.db, scheme, unrecovered_only=True)] == [p2]
    assert [r.id for r in payouts.payout_rows(desk.db, start=date(2026, 4, 3), end=date(2026, 4, 3))] == [p2]
    assert payouts.payout_rows(desk.db, scheme, start=date(2026, 4, 4)) == []
