"""The case list's SQL: every filter, the sort orders, counts, and masked rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from stationdesk.domain.case_rules import case_number
from stationdesk.store import case_queries
from stationdesk.store.case_queries import CaseFilter

TODAY = date(2026, 11, 24)


@dataclass(frozen=True)
class Register:
    """Two stations in two counties and eight cases (k1…k8), read-only for the whole module."""

    db: Any
    s1: int
    s2: int
    other_county: int
    goods: tuple[int, int]
    k: dict[int, int]


@pytest.fixture(scope="module")
def reg(module_desk: Any) -> Register:
    desk = module_desk
    s1 = desk.station("红梅超市消费维权服务站", scheme=True)
    s2 = desk.station("钟楼商场维权联络站", county_id=desk.other_county_id)
    g0, g1 = desk.goods_category_ids[:2]
    desk.fund(s1, 1_000)
    k = {
        1: desk.case(s1, date(2026, 3, 2), goods_category_id=g0),  # open, due 11 Mar: overdue
        2: desk.case(
            s1, date(2026, 3, 2), channel="phone", consumer_name="李四", consumer_phone="13900001111",
            operator_name="天宁电器行", outcome="success", closed_on=date(2026, 3, 5), platform_ref="GD20260001",
            notes="空调不制冷",
        ),
        3: desk.case(
            s1, date(2026, 5, 11), channel="platform", handling="transferred", outcome="transferred",
            closed_on=date(2026, 5, 12), difficult=True,
        ),
        4: desk.case(s2, date(2026, 6, 1), outcome="failure", closed_on=date(2026, 6, 3), goods_category_id=g1),
        5: desk.case(s2, date(2026, 11, 20)),  # open, due 1 Dec
        6: desk.case(s2, date(2026, 11, 2), outcome="success", closed_on=date(2026, 11, 10)),
        7: desk.case(s1, date(2026, 10, 30), outcome="success", closed_on=date(2026, 11, 20)),
        8: desk.case(s1, date(2025, 12, 31), outcome="withdrawn", closed_on=date(2026, 1, 4)),
    }  # fmt: skip
    desk.payout(s1, k[2], 100, date(2026, 3, 3))
    desk.follow_up(k[6], date(2026, 11, 12))
    return Register(desk.db, s1, s2, desk.other_county_id, (g0, g1), k)


def _ids(reg: Register, flt: CaseFilter, sort_key: str = "received_on", descending: bool = True) -> list[int]:
    with reg.db.reading() as s:
        ids = case_queries.case_ids(s, flt, sort_key, descending)
        assert case_queries.count_cases(s, flt) == len(ids)
    return ids


def _set(reg: Register, **filters: Any) -> set[int]:
    """The case numbers (1…8) the filter keeps."""
    numbers = {case_id: n for n, case_id in reg.k.items()}
    return {numbers[i] for i in _ids(reg, CaseFilter(**filters))}


def test_no_filter_lists_every_case_newest_receipt_first_ties_by_newest_id(reg: Register) -> None:
    k = reg.k
    assert _ids(reg, CaseFilter()) == [k[5], k[6], k[7], k[4], k[3], k[2], k[1], k[8]]


def test_ascending_order_breaks_ties_by_oldest_id(reg: Register) -> None:
    k = reg.k
    assert _ids(reg, CaseFilter(), descending=False) == [k[8], k[1], k[2], k[3], k[4], k[7], k[6], k[5]]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("生鲜", {1, 3, 4, 5, 6, 7, 8}),  # the fixture's default operator, 红梅超市生鲜柜台
        ("天宁电器", {2}),
        ("GD2026", {2}),  # 12315 work-order number
        ("gd2026", {2}),  # … typed in lower case (as SQLite's LIKE, on PostgreSQL too)
        ("空调", {2}),  # notes
        ("李四", {2}),  # the consumer's full name
        ("李", set()),  # a surname alone does not fish for consumers
        ("13900001111", {2}),
        ("1390000", {2}),  # seven digits are enough for a phone search
        ("139000", set()),  # six are not
        ("钟楼商场", {4, 5, 6}),  # station name
    ],
)
def test_text_search_matches_operator_reference_notes_full_name_phone_and_station(
    reg: Register, text: str, numbers: set[int]
) -> None:
    assert _set(reg, text=text) == numbers


def test_text_search_finds_a_case_by_its_number(reg: Register) -> None:
    number = case_number(reg.k[3], date(2026, 5, 11))
    assert _set(reg, text=number) == {3}


def test_text_search_finds_cases_by_station_code(reg: Register) -> None:
    with reg.db.reading() as s:
        code = case_queries.case_rows(s, [reg.k[4]])[reg.k[4]].station_code
    assert _set(reg, text=code) == {4, 5, 6}


@pytest.mark.parametrize(
    ("filters", "numbers"),
    [
        ({"channel": "phone"}, {2}),
        ({"handling": "transferred"}, {3}),
        ({"state": "open"}, {1, 5}),
        ({"state": "closed"}, {2, 3, 4, 6, 7, 8}),
        ({"state": "failure"}, {4}),
        ({"state": "withdrawn"}, {8}),
        ({"difficult": True}, {3}),
        ({"difficult": False}, {1, 2, 4, 5, 6, 7, 8}),
        ({"first_payout": True}, {2}),
        ({"overdue_on": TODAY}, {1}),
        ({"due_by": date(2026, 12, 1)}, {1, 5}),
        ({"due_by": date(2026, 11, 30)}, {1}),
        ({"not_followed_up": True}, {2, 3, 4, 7, 8}),
        ({"received_from": date(2026, 3, 2), "received_to": date(2026, 5, 11)}, {1, 2, 3}),
        ({"received_from": date(2026, 1, 1)}, {1, 2, 3, 4, 5, 6, 7}),
        ({"received_to": date(2025, 12, 31)}, {8}),
        ({"state": "open", "overdue_on": TODAY, "text": "钟楼"}, set()),
    ],
)
def test_each_filter_keeps_only_the_matching_cases(reg: Register, filters: dict[str, Any], numbers: set[int]) -> None:
    assert _set(reg, **filters) == numbers


def test_station_county_and_goods_category_filters(reg: Register) -> None:
    assert _set(reg, station_id=reg.s2) == {4, 5, 6}
    assert _set(reg, county_id=reg.other_county) == {4, 5, 6}
    assert _set(reg, goods_category_id=reg.goods[0]) == {1}
    assert _set(reg, goods_category_id=reg.goods[1]) == {4}


@pytest.mark.parametrize("key", sorted(case_queries.SORT_KEYS))
def test_every_sort_key_lists_every_case_once(reg: Register, key: str) -> None:
    for descending in (True, False):
        ids = _ids(reg, CaseFilter(), key, descending)
        assert sorted(ids) == sorted(reg.k.values())


def test_sorting_by_county_and_station_groups_the_stations(reg: Register) -> None:
    by_station = _ids(reg, CaseFilter(), "station", descending=False)
    s1_cases = {reg.k[n] for n in (1, 2, 3, 7, 8)}
    assert set(by_station[:5]) == s1_cases  # 320402… sorts before 320404…
    assert _ids(reg, CaseFilter(), "county", descending=False)[:5] == by_station[:5]


def test_sorting_by_amount_recovered_and_closing_date(reg: Register) -> None:
    ids = _ids(reg, CaseFilter(state="closed"), "closed_on", descending=False)
    assert ids == [reg.k[8], reg.k[2], reg.k[3], reg.k[4], reg.k[6], reg.k[7]]


def test_an_unknown_sort_key_falls_back_to_the_received_date(reg: Register) -> None:
    assert _ids(reg, CaseFilter(), "colour") == _ids(reg, CaseFilter())


def test_rows_carry_masked_consumer_data_and_the_names_lists_show(reg: Register) -> None:
    with reg.db.reading() as s:
        rows = case_queries.case_rows(s, list(reg.k.values()))
    assert set(rows) == set(reg.k.values())
    first, second = rows[reg.k[1]], rows[reg.k[2]]
    assert (first.consumer, first.phone) == ("张**", "*******5678")
    assert (second.consumer, second.phone) == ("李*", "*******1111")
    for row in rows.values():
        assert "张三丰" not in repr(row) and "李四" not in repr(row)
        assert "13812345678" not in repr(row) and "13900001111" not in repr(row)
    assert (first.station_name, first.county, first.created_by) == ("红梅超市消费维权服务站", "天宁区", "李明")
    assert rows[reg.k[4]].county == "钟楼区"
    assert rows[reg.k[5]].goods_category == ""  # no category: blank, not None
    assert first.goods_category != ""
    assert second.first_payout and second.platform_ref == "GD20260001"
    assert first.due_on == date(2026, 3, 11)


def test_rows_of_no_ids_is_empty(reg: Register) -> None:
    with reg.db.reading() as s:
        assert case_queries.case_rows(s, []) == {}


def test_follow_up_candidates_are_recent_unvisited_closed_cases_oldest_first(reg: Register) -> None:
    with reg.db.reading() as s:
        assert case_queries.follow_up_candidates(s, TODAY, 30, 10) == [reg.k[7]]
        assert case_queries.follow_up_candidates(s, date(2026, 1, 10), 10, 10) == [reg.k[8]]
        assert case_queries.follow_up_candidates(s, date(2026, 6, 3), 100, 10) == [reg.k[2], reg.k[3], reg.k[4]]
        assert case_queries.follow_up_candidates(s, date(2026, 6, 3), 100, 2) == [reg.k[2], reg.k[3]]
        assert case_queries.follow_up_candidates(s, date(2026, 3, 4), 30, 10) == []  # k2 closes on 5 Mar


def test_a_call_that_did_not_get_through_is_offered_again_on_a_later_day(desk: Any) -> None:
    station = desk.station()
    case_id = desk.case(station, date(2026, 11, 16), outcome="success", closed_on=date(2026, 11, 18))

    def offered(today: date) -> list[int]:
        with desk.db.reading() as session:
            return case_queries.follow_up_candidates(session, today, 30, 10)

    desk.follow_up(case_id, date(2026, 11, 23), None, reached=False)
    assert case_id not in offered(date(2026, 11, 23)), "not twice on the day it was tried"
    assert case_id in offered(date(2026, 11, 24))
    desk.follow_up(case_id, date(2026, 11, 24), "satisfied")
    assert case_id not in offered(date(2026, 11, 25)), "reached: done"


def test_search_treats_percent_and_underscore_literally(desk: Any) -> None:
    station = desk.station()
    plain = desk.case(station, date(2026, 5, 1), operator_name="百货商店")
    percent = desk.case(station, date(2026, 5, 2), operator_name="打折50%商店")
    with desk.db.reading() as session:
        assert case_queries.case_ids(session, CaseFilter(text="%")) == [percent]
        assert case_queries.case_ids(session, CaseFilter(text="_")) == []
        assert plain in case_queries.case_ids(session, CaseFilter(text="商店"))
