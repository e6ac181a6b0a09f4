"""Blank import templates, reopened: exact headings the importer recognises, drop-downs on the
coded columns, text and date formats where Excel would otherwise mangle values, and a 填写说明
sheet that covers every column."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from stationdesk.domain.categories import DEFAULT_CATEGORIES, DEFAULT_GOODS_CATEGORIES
from stationdesk.domain.import_columns import CASE_FIELDS, STATION_FIELDS, match_columns
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, StationForm, StationLevel
from stationdesk.transfer.templates import (
    CASE_COLUMNS,
    INSTRUCTIONS_SHEET,
    STATION_COLUMNS,
    TemplateKind,
    _list_formula,
    template_columns,
    write_template,
)

STATION_HEADINGS = [
    "站点编号", "站点名称", "五进类别", "站点形式", "示范级别", "依托单位", "统一社会信用代码", "所属县区",
    "街道乡镇", "监管所", "地址", "联系人", "联系电话", "建站日期", "挂牌日期", "先行赔付", "备注",
]  # fmt: skip
CASE_HEADINGS = [
    "站点编号", "站点名称", "受理日期", "受理方式", "消费者姓名", "消费者电话", "被投诉经营者", "商品服务类别",
    "争议金额（元）", "处理方式", "处理结果", "办结日期", "挽回损失（元）", "是否疑难", "12315工单号", "备注",
]  # fmt: skip
HEADINGS: dict[TemplateKind, list[str]] = {"stations": STATION_HEADINGS, "cases": CASE_HEADINGS}
SHEETS: dict[TemplateKind, str] = {"stations": "站点名册", "cases": "调解记录"}
REQUIRED: dict[TemplateKind, set[str]] = {
    "stations": {"站点名称", "五进类别", "所属县区"},
    "cases": {"受理日期"},
}
KINDS: tuple[TemplateKind, ...] = ("stations", "cases")


def labels(vocabulary: type) -> str:
    return '"' + ",".join(member.label for member in vocabulary) + '"'


DROP_DOWNS: dict[TemplateKind, dict[str, tuple[str, bool]]] = {
    "stations": {
        "五进类别": ('"' + ",".join(c.name for c in DEFAULT_CATEGORIES) + '"', False),
        "站点形式": (labels(StationForm), True),
        "示范级别": (labels(StationLevel), True),
        "先行赔付": ('"是,否"', True),
    },
    "cases": {
        "受理方式": (labels(CaseChannel), True),
        "商品服务类别": ('"' + ",".join(DEFAULT_GOODS_CATEGORIES) + '"', False),
        "处理方式": (labels(CaseHandling), True),
        "处理结果": (labels(CaseOutcome), True),
        "是否疑难": ('"是,否"', True),
    },
}
"""Heading → (list formula, strict). Categories only suggest: bureaus add their own."""


def template(kind: TemplateKind, tmp_path: Path) -> Workbook:
    out = tmp_path / f"{kind}.xlsx"
    write_template(kind, out)
    return load_workbook(out)


def data_sheet(kind: TemplateKind, tmp_path: Path) -> Worksheet:
    sheet = template(kind, tmp_path).worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def column_of(sheet: Worksheet, heading: str) -> str:
    for cell in sheet[1]:
        if cell.value == heading:
            return get_column_letter(cell.column)
    raise AssertionError(f"no column {heading}")


@pytest.mark.parametrize("kind", KINDS)
def test_data_sheet_holds_only_the_exact_headings_frozen(kind: TemplateKind, tmp_path: Path) -> None:
    workbook = template(kind, tmp_path)
    assert workbook.sheetnames == [SHEETS[kind], INSTRUCTIONS_SHEET]
    assert workbook.active is not None and workbook.active.title == SHEETS[kind]
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADINGS[kind]
    assert sheet.max_row == 1  # no example row to forget to delete
    assert sheet.freeze_panes == "A2"
    assert workbook.properties.creator == "StationDesk"
    assert [column.heading for column in template_columns(kind)] == HEADINGS[kind]


@pytest.mark.parametrize("kind", KINDS)
def test_required_columns_have_a_red_heading_and_every_heading_a_comment(
    kind: TemplateKind, tmp_path: Path
) -> None:
    sheet = data_sheet(kind, tmp_path)
    for cell in sheet[1]:
        required = cell.value in REQUIRED[kind]
        red = cell.font.color is not None and cell.font.color.rgb.endswith("C00000")
        assert red == required, cell.value
        assert cell.font.b
        assert cell.comment is not None
        assert cell.comment.text.startswith("必填" if required else "选填")


@pytest.mark.parametrize("kind", KINDS)
def test_coded_columns_have_drop_down_lists(kind: TemplateKind, tmp_path: Path) -> None:
    sheet = data_sheet(kind, tmp_path)
    found = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
    assert len(found) == len(DROP_DOWNS[kind])
    for heading, (formula, strict) in DROP_DOWNS[kind].items():
        letter = column_of(sheet, heading)
        validation = found[f"{letter}2:{letter}1048576"]
        assert validation.type == "list"
        assert validation.formula1 == formula
        assert bool(validation.showErrorMessage) == strict, heading
        assert validation.allow_blank
        assert len(formula) <= 255  # Excel refuses longer in-cell lists


def test_codes_and_phones_are_text_dates_dates_amounts_numbers(tmp_path: Path) -> None:
    stations = data_sheet("stations", tmp_path)
    for heading in ("站点编号", "统一社会信用代码", "联系电话", "站点名称"):
        assert stations.column_dimensions[column_of(stations, heading)].number_format == "@", heading
    for heading in ("建站日期", "挂牌日期"):
        assert stations.column_dimensions[column_of(stations, heading)].number_format == "yyyy-mm-dd"
    cases = data_sheet("cases", tmp_path)
    for heading in ("站点编号", "消费者电话", "12315工单号"):
        assert cases.column_dimensions[column_of(cases, heading)].number_format == "@", heading
    for heading in ("受理日期", "办结日期"):
        assert cases.column_dimensions[column_of(cases, heading)].number_format == "yyyy-mm-dd"
    for heading in ("争议金额（元）", "挽回损失（元）"):
        assert cases.column_dimensions[column_of(cases, heading)].number_format == "#,##0.00"


@pytest.mark.parametrize("kind", KINDS)
def test_columns_are_wide_enough_for_heading_and_example(kind: TemplateKind, tmp_path: Path) -> None:
    sheet = data_sheet(kind, tmp_path)
    widths = [sheet.column_dimensions[get_column_letter(i)].width for i in range(1, sheet.max_column + 1)]
    assert widths[1] >= 2 * len("常州市天宁区某某超市消费维权服务站")  # 站点名称, as long as its example
    assert min(widths) >= 10


@pytest.mark.parametrize("kind", KINDS)
def test_instructions_list_every_column_with_whether_it_is_required(
    kind: TemplateKind, tmp_path: Path
) -> None:
    sheet = template(kind, tmp_path)[INSTRUCTIONS_SHEET]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(max_col=4)]
    top = next(i for i, row in enumerate(rows) if row == ["列名", "是否必填", "填写要求", "示例"])
    table = rows[top + 1 :]
    assert [row[0] for row in table] == HEADINGS[kind]
    for heading, need, rule, _example in table:
        assert need == ("必填" if heading in REQUIRED[kind] else "选填")
        assert rule
    general = " ".join(str(row[0]) for row in rows[:top] if row[0])
    for words in ("2017-09-01", "2017.9.1", "2017年9月1日", "合并单元格", "问题行"):
        assert words in general


def test_instructions_give_examples_the_importer_accepts() -> None:
    by_heading = {column.heading: column for column in STATION_COLUMNS}
    assert by_heading["站点编号"].example == "3204020001"
    assert len(by_heading["统一社会信用代码"].example) == 18
    cases = {column.heading: column for column in CASE_COLUMNS}
    assert cases["处理结果"].example in {o.label for o in CaseOutcome}


@pytest.mark.parametrize(("kind", "fields"), [("stations", STATION_FIELDS), ("cases", CASE_FIELDS)])
def test_every_heading_matches_a_field_of_the_importer(
    kind: TemplateKind, fields: tuple, tmp_path: Path
) -> None:
    headings = [cell.value for cell in data_sheet(kind, tmp_path)[1]]
    mapping = match_columns(headings, fields)
    assert sorted(mapping) == list(range(len(headings)))  # every column recognised, each field once
    assert len(set(mapping.values())) == len(headings)


def test_a_list_excel_would_refuse_is_caught() -> None:
    with pytest.raises(ValueError, match="过长"):
        _list_formula(["选项"] * 100)
    with pytest.raises(ValueError, match="逗号"):
        _list_formula(["甲,乙"])
