"""What a mediation case must hold: amounts, dates, outcomes, and the case number people quote."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.case_rules import (
    DRAFT_FIELDS,
    FIELD_LABELS,
    MAX_AMOUNT_FEN,
    CaseDraft,
    case_id_from_number,
    case_number,
    normalise_case,
    parse_amount,
    validate_case,
)
from stationdesk.domain.money import format_yuan

TODAY = date(2026, 11, 24)
RECEIVED = date(2026, 3, 2)
GOOD = CaseDraft(
    station_id=1,
    received_on=RECEIVED,
    consumer_name="张三丰",
    consumer_phone="13812345678",
    operator_name="红梅超市生鲜柜台",
    amount_disputed_fen=30_000,
)
CLOSED = replace(GOOD, outcome="success", closed_on=date(2026, 3, 6), amount_recovered_fen=20_000)
CASE_DAYS = st.dates(min_value=date(2000, 1, 1), max_value=TODAY)


# --- parse_amount ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("", 0),
        ("   ", 0),
        ("300", 30_000),
        ("300元", 30_000),
        ("1,234.5", 123_450),
        ("1，234.56", 123_456),
        ("１２３", 12_300),  # full-width digits pasted from WPS
        ("0.01", 1),
        ("99,999,999.99", MAX_AMOUNT_FEN),
    ],
)
def test_parse_amount_reads_what_people_type_as_fen(typed: str, fen: int) -> None:
    assert parse_amount("争议金额", typed) == fen


@pytest.mark.parametrize("typed", ["-5", "-0.01"])
def test_parse_amount_refuses_negative_amounts_naming_the_field(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^争议金额：.*不能为负数"):
        parse_amount("争议金额", typed)


@pytest.mark.parametrize("typed", ["abc", "3百", "0x10", "NaN", "Infinity"])
def test_parse_amount_refuses_what_is_not_an_amount_naming_the_field(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^挽回损失："):
        parse_amount("挽回损失", typed)


@pytest.mark.parametrize("typed", ["100000000", "100,000,000.00", "123456789", "13812345678"])
def test_parse_amount_refuses_more_than_8_digits_of_yuan(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^争议金额超过 8 位数（.* 元），请核对$"):
        parse_amount("争议金额", typed)


@pytest.mark.parametrize("typed", ["1e30", "9E+99", "1e15"])
def test_parse_amount_refuses_huge_exponents_with_a_message_not_a_crash(typed: str) -> None:
    with pytest.raises(ValueError, match=r"^争议金额"):
        parse_amount("争议金额", typed)


@given(st.integers(min_value=0, max_value=MAX_AMOUNT_FEN))
def test_parse_amount_round_trips_format_yuan(fen: int) -> None:
    assert parse_amount("赔付金额", format_yuan(fen)) == fen


# --- normalise_case --------------------------------------------------------------------------


def test_normalise_case_tidies_pasted_text_and_phone_separators() -> None:
    messy = replace(
        GOOD,
        consumer_name=" 张三丰\u3000",
        consumer_phone=" 138 1234 5678 ",
        operator_name="ＡＢＣ超市（天宁店）\n生鲜",
        platform_ref=" GD２０２６ ",
        notes="  先电话联系\n ",
    )
    tidy = normalise_case(messy)
    assert tidy.consumer_name == "张三丰"
    assert tidy.consumer_phone == "13812345678"
    assert tidy.operator_name == "ABC超市（天宁店） 生鲜"
    assert tidy.platform_ref == "GD2026"
    assert tidy.notes == "先电话联系"


def test_normalise_case_keeps_an_empty_phone_empty() -> None:
    assert normalise_case(replace(GOOD, consumer_phone="  ")).consumer_phone == ""


# --- validate_case ---------------------------------------------------------------------------


def test_an_open_and_a_closed_case_are_valid() -> None:
    assert validate_case(GOOD, TODAY) == {}
    assert validate_case(CLOSED, TODAY) == {}
    assert not GOOD.is_closed
    assert CLOSED.is_closed


def test_station_and_received_date_are_required() -> None:
    problems = validate_case(CaseDraft(), TODAY)
    assert problems == {"station_id": "请选择站点", "received_on": "受理日期为必填项"}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"received_on": TODAY + timedelta(days=1)}, "received_on", "受理日期不能晚于今天（2026-11-24）"),
        ({"received_on": date(1999, 12, 31)}, "received_on", "受理日期早于2000年"),
        ({"channel": "fax"}, "channel", "未知的受理渠道“fax”"),
        ({"handling": "court"}, "handling", "未知的处理方式“court”"),
        ({"consumer_name": "张" * 41}, "consumer_name", "消费者姓名不能超过40个字"),
        ({"operator_name": "红梅超市😀"}, "operator_name", "被投诉经营者不能含有表情符号"),
        ({"notes": "备" * 2001}, "notes", "备注不能超过2000个字"),
        ({"consumer_phone": "12345"}, "consumer_phone", "格式不正确"),
        ({"amount_disputed_fen": -1}, "amount_disputed_fen", "争议金额不能为负数"),
        ({"amount_disputed_fen": MAX_AMOUNT_FEN + 1}, "amount_disputed_fen", "争议金额超过 8 位数（100,000,000.00 元）"),
        ({"outcome": "won"}, "outcome", "未知的处理结果“won”"),
    ],
)
def test_bad_input_gets_a_message_naming_the_field(changes: dict[str, object], field: str, words: str) -> None:
    problems = validate_case(replace(GOOD, **changes), TODAY)  # type: ignore[arg-type]
    assert list(problems) == [field]
    assert words in problems[field]


def test_the_largest_8_digit_amount_is_accepted() -> None:
    assert validate_case(replace(CLOSED, amount_disputed_fen=MAX_AMOUNT_FEN, amount_recovered_fen=MAX_AMOUNT_FEN), TODAY) == {}


def test_negative_and_absurd_recovered_amounts_are_refused() -> None:
    assert "挽回损失不能为负数" in validate_case(replace(CLOSED, amount_recovered_fen=-100), TODAY)["amount_recovered_fen"]
    absurd = validate_case(replace(CLOSED, amount_recovered_fen=10**10), TODAY)
    assert "挽回损失超过 8 位数" in absurd["amount_recovered_fen"]


def test_a_closed_date_before_the_received_date_is_refused() -> None:
    problems = validate_case(replace(CLOSED, closed_on=RECEIVED - timedelta(days=1)), TODAY)
    assert problems == {"closed_on": "办结日期不能早于受理日期（2026-03-02）"}


def test_closing_on_the_day_of_receipt_is_fine() -> None:
    assert validate_case(replace(CLOSED, closed_on=RECEIVED), TODAY) == {}


def test_a_closed_date_in_the_future_is_refused() -> None:
    problems = validate_case(replace(CLOSED, closed_on=TODAY + timedelta(days=1)), TODAY)
    assert problems == {"closed_on": "办结日期不能晚于今天（2026-11-24）"}


def test_an_outcome_without_a_closed_date_is_refused() -> None:
    problems = validate_case(replace(CLOSED, closed_on=None), TODAY)
    assert problems == {"closed_on": "已选择处理结果，请填写办结日期"}


def test_a_closed_date_without_an_outcome_is_refused() -> None:
    problems = validate_case(replace(GOOD, closed_on=date(2026, 3, 6)), TODAY)
    assert problems == {"outcome": "填写了办结日期，请同时选择处理结果"}


def test_a_self_mediated_case_cannot_end_as_transferred() -> None:
    problems = validate_case(replace(CLOSED, outcome="transferred", amount_recovered_fen=0), TODAY)
    assert "请把处理方式改为“移交监管部门”" in problems["outcome"]
    handed_over = replace(CLOSED, handling="transferred", outcome="transferred", amount_recovered_fen=0)
    assert validate_case(handed_over, TODAY) == {}


@pytest.mark.parametrize(("outcome", "label"), [("failure", "调解不成功"), ("withdrawn", "撤回"), ("terminated", "终止")])
def test_money_recovered_only_on_a_successful_case(outcome: str, label: str) -> None:
    problems = validate_case(replace(CLOSED, outcome=outcome), TODAY)
    assert problems == {
        "amount_recovered_fen": f"处理结果为“{label}”的案件不能有挽回损失；只有调解成功的案件才有"
    }


def test_money_recovered_on_an_open_case_is_refused() -> None:
    problems = validate_case(replace(GOOD, amount_recovered_fen=5_000), TODAY)
    assert problems == {"amount_recovered_fen": "案件尚未办结，不能填写挽回损失"}


def test_every_problem_is_reported_at_once() -> None:
    bad = replace(GOOD, received_on=None, amount_disputed_fen=-1, channel="fax", consumer_phone="1")
    assert set(validate_case(bad, TODAY)) == {"received_on", "amount_disputed_fen", "channel", "consumer_phone"}


def test_every_field_has_a_chinese_label() -> None:
    assert set(DRAFT_FIELDS) <= set(FIELD_LABELS)


@given(CASE_DAYS, st.integers(min_value=1, max_value=4000))
def test_any_closed_date_before_the_received_date_is_refused(received: date, days_earlier: int) -> None:
    closed = received - timedelta(days=days_earlier)
    problems = validate_case(replace(CLOSED, received_on=received, closed_on=closed), TODAY)
    assert "closed_on" in problems
    assert problems["closed_on"].startswith("办结日期")


@given(CASE_DAYS, st.integers(min_value=0, max_value=400))
def test_any_closed_date_from_receipt_to_today_is_accepted(received: date, days_later: int) -> None:
    closed = min(received + timedelta(days=days_later), TODAY)
    assert validate_case(replace(CLOSED, received_on=received, closed_on=closed), TODAY) == {}


# --- case numbers ----------------------------------------------------------------------------


def test_case_number_is_the_year_of_receipt_and_the_padded_id() -> None:
    assert case_number(1234, date(2026, 3, 2)) == "2026-0001234"
    assert case_number(7, date(2025, 12, 31)) == "2025-0000007"


@pytest.mark.parametrize(
    ("typed", "case_id"),
    [("2026-0001234", 1234), (" 2026-0000007 ", 7), ("1234", 1234), ("0001234", 1234)],
)
def test_case_id_is_read_back_from_a_typed_number(typed: str, case_id: int) -> None:
    assert case_id_from_number(typed) == case_id


@pytest.mark.parametrize("typed", ["", "红梅", "2026-", "2026-12a", "1234567890123"])
def test_text_that_is_not_a_case_number_gives_none(typed: str) -> None:
    assert case_id_from_number(typed) is None


@given(st.integers(min_value=1, max_value=10**9), CASE_DAYS)
def test_case_number_round_trips(case_id: int, received: date) -> None:
    assert case_id_from_number(case_number(case_id, received)) == case_id


def test_a_wrong_consumer_phone_is_named_as_the_consumers() -> None:
    from stationdesk.domain.case_rules import CaseDraft, validate_case

    problems = validate_case(CaseDraft(station_id=1, received_on=date(2026, 11, 1), consumer_phone="138abc"), date(2026, 11, 24))
    assert problems["consumer_phone"].startswith("消费者电话")
