"""Finding the header row of a bureau's own spreadsheet, matching its columns to our fields, and
reading its cells the way people fill them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from stationdesk.domain.categories import DEFAULT_CATEGORIES
from stationdesk.domain.import_columns import (
    CASE_FIELDS,
    STATION_FIELDS,
    amount_unit_yuan,
    category_for,
    cell_amount_fen,
    cell_bool,
    cell_date,
    cell_text,
    find_header_row,
    match_columns,
    missing_fields,
    normalise_heading,
    unmatched_required,
)

TITLE = "2024年常州市消费维权服务站名册"


def _keys(headings: list[object], fields: object = STATION_FIELDS) -> list[str | None]:
    """The field each heading was matched to, in column order (None where none)."""
    mapping = match_columns(headings, fields)  # type: ignore[arg-type]
    return [mapping.get(index) for index in range(len(headings))]


# ---------------------------------------------------------------------------------------------
# Headings


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("维权站点名称\n（必填）*", "维权站点名称"),
        ("站点名称（必填）", "站点名称"),
        ("争议金额（元）", "争议金额"),
        ("争议金额(单位：元)", "争议金额"),
        ("争议金额（万元）", "争议金额(万元)"),
        ("县（市、区）", "县(市、区)"),
        ("建站日期(yyyy-mm-dd)", "建站日期"),
        (" 联系 电话 ", "联系电话"),
        ("１２３１５工单号", "12315工单号"),
        ("QQ号", "qq号"),
        (None, ""),
    ],
)
def test_headings_are_compared_without_their_noise(heading: object, expected: str) -> None:
    assert normalise_heading(heading) == expected
    assert normalise_heading(expected) == expected, "normalising twice changes nothing"


def test_the_header_is_found_below_a_merged_title_row() -> None:
    rows: list[list[object]] = [
        [TITLE] * 8,  # a merged title reads as its text repeated across the row
        ["填报单位：天宁区市场监督管理局", None, None, None, "填报日期：2024-03-01", None, None, None],
        [None] * 8,
        ["序号", "站点名称", "县区", "依托单位", "联系电话", "建站日期", "站点编号", "备注"],
        [1, "红梅超市维权站", "天宁区", "红梅超市有限公司", 13812345678, 42979, 3204020001, None],
    ]

    assert find_header_row(rows, STATION_FIELDS) == 3


def test_a_title_that_mentions_a_field_does_not_pass_for_the_header() -> None:
    rows: list[list[object]] = [["维权站名称"] * 6, ["站点名称", "县区"]]

    assert find_header_row(rows, STATION_FIELDS) == 1


def test_no_header_among_the_rows_scanned_is_none() -> None:
    rows: list[list[object]] = [["红梅超市", "天宁区"]] * 5 + [["站点名称", "县区"]]

    assert find_header_row(rows, STATION_FIELDS, scan=5) is None
    assert find_header_row(rows, STATION_FIELDS) == 5
    assert find_header_row([], STATION_FIELDS) is None


def test_unusual_headings_from_real_rosters_are_matched() -> None:
    headings = [
        "序号",
        "维权站名称",
        "所在单位",
        "信用代码",
        "辖区",
        "站长",
        "手机",
        "五进类别",
        "挂牌时间",
        "示范等级",
    ]

    assert _keys(headings) == [
        None, "name", "host_name", "host_credit_code", "county", "contact_person", "contact_phone", "category",
        "plaque_on", "level",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("heading", "key"),
    [
        ("维权站点名称（全称）", "name"),
        ("依托单位名称（营业执照）", "host_name"),
        ("负责人电话", "contact_phone"),
        ("所属市场监管所名称", "office"),
        ("街道（乡镇）名称", "street"),
        ("负责人姓名", "contact_person"),
        ("服务站点名称", "name"),
    ],
)
def test_a_heading_that_contains_a_known_one_is_matched_by_its_last_word(heading: str, key: str) -> None:
    assert _keys(["序号", heading]) == [None, key]


def test_a_heading_about_the_other_party_is_not_taken_for_the_consumer() -> None:
    headings = ["受理日期", "投诉人姓名", "被投诉人姓名", "被投诉人电话", "消费者手机"]

    assert _keys(headings, CASE_FIELDS) == [
        "received_on",
        "consumer_name",
        "operator_name",
        None,
        "consumer_phone",
    ]


def test_each_field_is_used_once_and_the_leftmost_column_wins() -> None:
    headings = ["联系电话", "站点名称", "电话", "名称", "站点名称（简称）"]

    assert _keys(headings) == ["contact_phone", "name", None, None, None]


def test_exact_matches_win_over_a_containing_heading_further_left() -> None:
    headings = ["服务站点名称（全称）", "站点名称"]

    assert _keys(headings) == [None, "name"]


def test_long_instructions_are_not_headings() -> None:
    assert _keys(["填表说明：联系电话请填写负责人的手机号码，座机请加区号"]) == [None]


def test_case_ledger_headings_are_matched() -> None:
    headings = [
        "登记日期", "维权站", "投诉人", "投诉人电话", "商家", "商品（服务）类别", "涉及金额（元）", "调解方式", "调解结果",
        "结案日期", "挽回经济损失（元）", "是否疑难", "12315工单号", "来源",
    ]  # fmt: skip

    assert _keys(headings, CASE_FIELDS) == [
        "received_on", "station_name", "consumer_name", "consumer_phone", "operator_name", "goods_category",
        "amount_disputed", "handling", "outcome", "closed_on", "amount_recovered", "difficult", "platform_ref",
        "channel",
    ]  # fmt: skip


def test_what_a_station_roster_lacks_is_named() -> None:
    mapping = match_columns(["序号", "县区", "联系电话"], STATION_FIELDS)

    assert missing_fields(mapping, "stations") == ["站点名称"]
    assert [spec.key for spec in unmatched_required(mapping, STATION_FIELDS)] == ["name"]
    assert missing_fields(match_columns(["站点名称", "县区"], STATION_FIELDS), "stations") == []


@pytest.mark.parametrize(
    ("headings", "missing"),
    [
        (["备注"], ["站点编号或站点名称", "受理日期"]),
        (["站点编号", "备注"], ["受理日期"]),
        (["维权站名称", "投诉日期"], []),
        (["站点编号", "受理日期"], []),
    ],
)
def test_a_case_ledger_needs_the_date_and_either_the_station_code_or_name(
    headings: list[str], missing: list[str]
) -> None:
    assert missing_fields(match_columns(headings, CASE_FIELDS), "cases") == missing


# ---------------------------------------------------------------------------------------------
# Cells


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  红梅超市　天宁店 ", "红梅超市 天宁店"),
        ("１３８１２３４５６７８", "13812345678"),
        ("第一行\n第二行\r\n第三行", "第一行 第二行 第三行"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        (12.5, "12.5"),
        (date(2017, 9, 1), "2017-09-01"),
        (datetime(2017, 9, 1), "2017-09-01"),
        (datetime(2017, 9, 1, 14, 30), "2017-09-01 14:30"),
        (True, "是"),
        ("（天宁店）", "（天宁店）"),
    ],
)
def test_cell_text_is_tidy_text(value: object, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize(
    "value",
    [
        "2017.9.1", "2017年9月1日", "2017-09-01", "２０１７-０９-０１", "2017/9/1 0:00", "2017-09-01 10:30:00",
        20170901, 42979, 42979.75, datetime(2017, 9, 1, 8, 0), date(2017, 9, 1),
    ],
)  # fmt: skip
def test_the_ways_a_date_cell_is_filled_all_read_as_that_day(value: object) -> None:
    assert cell_date(value) == date(2017, 9, 1)


@pytest.mark.parametrize("value", ["2017-09", "2017.9", "2017年9月", "2017/9", 2017.9])
def test_a_month_alone_reads_as_its_first_day(value: object) -> None:
    assert cell_date(value) == date(2017, 9, 1)


def test_an_excel_serial_is_counted_from_1899_12_30() -> None:
    assert cell_date(43000) == date(2017, 9, 22)
    assert cell_date(20000.0) == date(1954, 10, 3)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_empty_date_cell_is_no_date(value: object) -> None:
    assert cell_date(value) is None


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("去年九月", "“去年九月”不是有效日期"),
        ("2017-02-30", "没有30日"),
        ("2017-13", "月份应为1到12"),
        (123, "“123”不是有效日期"),
        (13812345678, "“13812345678”不是有效日期"),
        (2017.1, "可能是2017年1月或10月"),
        (True, "“是”不是有效日期"),
    ],
)
def test_a_wrong_date_cell_repeats_what_it_holds(value: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        cell_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("是", True), ("否", False), ("有", True), ("无", False), ("√", True), ("×", False), ("Y", True),
        ("n", False), ("YES", True), ("no", False), ("1", True), ("0", False), ("TRUE", True), ("false", False),
        ("已", True), ("未", False), ("Ｙ", True), (1, True), (0, False), (1.0, True), (True, True),
        (None, None), ("", None), (" ", None),
    ],
)  # fmt: skip
def test_yes_no_cells(value: object, expected: bool | None) -> None:
    assert cell_bool(value) is expected


@pytest.mark.parametrize("value", ["也许", 2, "未知"])
def test_a_yes_no_cell_with_anything_else_is_refused_by_value(value: object) -> None:
    with pytest.raises(ValueError, match=f"“{value}”不是“是”或“否”"):
        cell_bool(value)


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (None, 0), ("", 0), (300, 30000), (1234.5, 123450), (0.285, 29), (0.01, 1), ("1,234.5元", 123450),
        ("￥300", 30000), ("３００", 30000), ("1.2万元", 1_200_000), ("0.5万", 500_000),
    ],
)  # fmt: skip
def test_amount_cells_in_yuan_become_fen(value: object, fen: int) -> None:
    assert cell_amount_fen(value) == fen


def test_amounts_under_a_wan_yuan_heading_are_scaled() -> None:
    unit = amount_unit_yuan("挽回经济损失（万元）")

    assert unit == 10_000
    assert cell_amount_fen(1.25, unit) == 1_250_000
    assert cell_amount_fen("3", unit) == 3_000_000
    assert amount_unit_yuan("争议金额（元）") == 1


@pytest.mark.parametrize(
    ("value", "words"), [("三百元", "“三百元”不是有效的金额"), (-5, "不能为负数"), (True, "不是有效的金额")]
)
def test_a_wrong_amount_repeats_the_value(value: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        cell_amount_fen(value)


CATEGORIES = [(index, seed.name, seed.synonyms) for index, seed in enumerate(DEFAULT_CATEGORIES, start=1)]
MALL, SUPERMARKET, PLATFORM = 1, 2, 6


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("进商场", MALL), ("商场", MALL), ("大型商场", MALL), (" 商场 ", MALL), ("大型综合商场", MALL),
        ("进超市", SUPERMARKET), ("网络交易", PLATFORM), ("电商平台", PLATFORM),
        ("商场超市", None), ("进医院", None), ("", None), (None, None),
    ],
)  # fmt: skip
def test_a_category_is_found_by_name_synonym_or_containment(value: object, expected: int | None) -> None:
    assert category_for(value, CATEGORIES) == expected
