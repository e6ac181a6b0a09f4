"""Blank import templates (导入模板): a sheet to fill in and a sheet that says how.

Why this shape: bureaus fill these in by hand or paste from their own rosters, then import them.
So the data sheet holds only the headings, exactly the words the importer matches, and nothing
users must remember to delete (no example row, no "*" in a heading: required columns have a red
heading and a comment). Coded columns get drop-down lists; codes, phone numbers and credit codes
are formatted as text so Excel keeps their leading zeros and all 18 characters; date columns as
dates. Examples and rules live on the second sheet, 填写说明.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from stationdesk.domain import case_rules, station_rules
from stationdesk.domain.categories import DEFAULT_CATEGORIES, DEFAULT_GOODS_CATEGORIES
from stationdesk.domain.credit_code import make_credit_code
from stationdesk.domain.vocabulary import (
    CaseChannel,
    CaseHandling,
    CaseOutcome,
    Labelled,
    StationForm,
    StationLevel,
)
from stationdesk.reports.files import write_with
from stationdesk.reports.table_pdf import PRODUCER
from stationdesk.reports.table_xlsx import HEADER_FILL, _display_width
from stationdesk.transfer.list_xlsx import HEADING_ALIGNMENT, HEADING_FONT, MAX_WIDTH

TemplateKind = Literal["stations", "cases"]
CellFormat = Literal["text", "date", "money"]

INSTRUCTIONS_SHEET = "填写说明"
REQUIRED_FONT = Font(bold=True, color="C00000")
TITLE_FONT = Font(bold=True, size=14)
LAST_ROW = 1_048_576
"""Drop-downs and formats cover the whole column below the headings, however long the list gets."""
LIST_FORMULA_LIMIT = 255
"""Excel refuses an in-cell list longer than this (the quoted, comma-separated items)."""
CELL_FORMATS: dict[CellFormat, str] = {"text": "@", "date": "yyyy-mm-dd", "money": "#,##0.00"}
YES_NO = ("是", "否")
INSTRUCTION_HEADINGS = ("列名", "是否必填", "填写要求", "示例")
INSTRUCTION_WIDTHS = (20.0, 10.0, 70.0, 36.0)


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a template: its heading, whether the import needs it, an example value and
    what is accepted (in Chinese, shown on 填写说明 and in the heading's comment)."""

    heading: str
    required: bool
    example: str
    rule: str
    choices: tuple[str, ...] = ()
    """Offered in a drop-down list."""
    only_choices: bool = False
    """Excel refuses anything else (fixed vocabularies); otherwise the list only suggests
    (categories, which each bureau extends)."""
    cell_format: CellFormat = "text"


def _labels(vocabulary: type[Labelled]) -> tuple[str, ...]:
    return tuple(member.label for member in vocabulary)


def _limit(fields: dict[str, tuple[str, int]], key: str) -> str:
    """“不超过N字” for a text field, N from the domain rules (the one place the limits live)."""
    return f"不超过{fields[key][1]}字"


_STATION_TEXT = station_rules.TEXT_FIELDS
_CASE_TEXT = case_rules.TEXT_FIELDS
_EARLIEST_STATION_YEAR = station_rules.EARLIEST_DATE.year
_EARLIEST_CASE_YEAR = case_rules.EARLIEST_CASE_DATE.year
_PHONE_RULE = "手机号或固定电话（固话可带区号，如 0519-86661234）；多个号码用“、”分隔"
_STATION_NAME_EXAMPLE = "常州市天宁区某某超市消费维权服务站"

STATION_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn(
        "站点编号",
        False,
        "3204020001",
        "由数字、字母和“-”组成，不超过20位。新站点可不填，导入时按所属县区自动编号（县区代码+4位顺序号）；"
        "填写系统中已有的编号则更新该站点",
    ),
    TemplateColumn("站点名称", True, _STATION_NAME_EXAMPLE, f"站点全称，{_limit(_STATION_TEXT, 'name')}"),
    TemplateColumn(
        "五进类别",
        True,
        DEFAULT_CATEGORIES[1].name,
        "从下拉列表中选择；也可填写“超市”“商场”等常用简称，或本局在系统中自设的类别名称",
        choices=tuple(category.name for category in DEFAULT_CATEGORIES),
    ),
    TemplateColumn(
        "站点形式",
        False,
        StationForm.SERVICE.label,
        f"从下拉列表中选择；不填按“{StationForm.SERVICE.label}”",
        choices=_labels(StationForm),
        only_choices=True,
    ),
    TemplateColumn(
        "示范级别",
        False,
        StationLevel.MUNICIPAL.label,
        f"从下拉列表中选择；不填按“{StationLevel.ORDINARY.label}”",
        choices=_labels(StationLevel),
        only_choices=True,
    ),
    TemplateColumn(
        "依托单位",
        False,
        "常州某某商贸有限公司",
        f"站点所在的商场、超市、企业等单位的名称，{_limit(_STATION_TEXT, 'host_name')}",
    ),
    TemplateColumn(
        "统一社会信用代码",
        False,
        make_credit_code("91320402MA1N8QX4U"),
        "依托单位的18位统一社会信用代码（也可填15位老注册号）；导入时核对校验位",
    ),
    TemplateColumn(
        "所属县区",
        True,
        "天宁区",
        "县区名称（如“天宁区”，也可写“天宁”）或6位行政区划代码；须是系统中已有的县区",
    ),
    TemplateColumn("街道乡镇", False, "红梅街道", "须是该县区街道乡镇名单中的名称（名单可在“设置”中添加）"),
    TemplateColumn("监管所", False, "红梅市场监管所", "该县区市场监管所的全称或简称"),
    TemplateColumn("地址", False, "天宁区延陵西路123号", _limit(_STATION_TEXT, "address")),
    TemplateColumn("联系人", False, "张三", _limit(_STATION_TEXT, "contact_person")),
    TemplateColumn("联系电话", False, "13912345678", _PHONE_RULE),
    TemplateColumn(
        "建站日期",
        False,
        "2017-09-01",
        f"不能晚于今天，也不能早于{_EARLIEST_STATION_YEAR}年",
        cell_format="date",
    ),
    TemplateColumn("挂牌日期", False, "2017-10-15", "不能早于建站日期", cell_format="date"),
    TemplateColumn(
        "先行赔付",
        False,
        YES_NO[0],
        "是否实行先行赔付，填“是”或“否”；新站点不填按“否”",
        choices=YES_NO,
        only_choices=True,
    ),
    TemplateColumn("备注", False, "", _limit(_STATION_TEXT, "notes")),
)

CASE_COLUMNS: tuple[TemplateColumn, ...] = (
    TemplateColumn(
        "站点编号",
        False,
        "3204020001",
        "受理站点的编号。站点编号和站点名称至少填一项，建议填编号（站点名称可能重名）",
    ),
    TemplateColumn("站点名称", False, _STATION_NAME_EXAMPLE, "受理站点的全称；与站点编号至少填一项"),
    TemplateColumn(
        "受理日期",
        True,
        "2026-03-01",
        f"不能晚于今天，也不能早于{_EARLIEST_CASE_YEAR}年",
        cell_format="date",
    ),
    TemplateColumn(
        "受理方式",
        False,
        CaseChannel.PHONE.label,
        f"从下拉列表中选择；不填按“{CaseChannel.ON_SITE.label}”",
        choices=_labels(CaseChannel),
        only_choices=True,
    ),
    TemplateColumn("消费者姓名", False, "李四", _limit(_CASE_TEXT, "consumer_name")),
    TemplateColumn("消费者电话", False, "13812345678", _PHONE_RULE),
    TemplateColumn("被投诉经营者", False, "常州某某电器有限公司", _limit(_CASE_TEXT, "operator_name")),
    TemplateColumn(
        "商品服务类别",
        False,
        DEFAULT_GOODS_CATEGORIES[0],
        "从下拉列表中选择；也可填写本局在系统中添加的类别",
        choices=DEFAULT_GOODS_CATEGORIES,
    ),
    TemplateColumn(
        "争议金额（元）",
        False,
        "1,299.00",
        "以元为单位的金额，可带两位小数，如 1299 或 1,299.50；不填按 0",
        cell_format="money",
    ),
    TemplateColumn(
        "处理方式",
        False,
        CaseHandling.SELF.label,
        f"从下拉列表中选择；不填按“{CaseHandling.SELF.label}”",
        choices=_labels(CaseHandling),
        only_choices=True,
    ),
    TemplateColumn(
        "处理结果",
        False,
        CaseOutcome.SUCCESS.label,
        f"从下拉列表中选择；办理中的案件不填。“{CaseOutcome.TRANSFERRED.label}”只用于处理方式为"
        f"“{CaseHandling.TRANSFERRED.label}”的案件",
        choices=_labels(CaseOutcome),
        only_choices=True,
    ),
    TemplateColumn(
        "办结日期", False, "2026-03-08", "填写了处理结果时必填；不能早于受理日期", cell_format="date"
    ),
    TemplateColumn(
        "挽回损失（元）",
        False,
        "1,299.00",
        f"只有处理结果为“{CaseOutcome.SUCCESS.label}”的案件才填；以元为单位",
        cell_format="money",
    ),
    TemplateColumn(
        "是否疑难", False, YES_NO[1], "填“是”或“否”；不填按“否”", choices=YES_NO, only_choices=True
    ),
    TemplateColumn(
        "12315工单号",
        False,
        "2026032040200123",
        f"由12315平台转办的案件填写平台工单号，{_limit(_CASE_TEXT, 'platform_ref')}",
    ),
    TemplateColumn("备注", False, "", _limit(_CASE_TEXT, "notes")),
)

_GENERAL_LINES = (
    "日期可写 2017-09-01、2017.9.1、2017/9/1、2017年9月1日 或 20170901，也可以用 Excel 的日期格式。",
    "不要合并单元格，不要在数据中间插入空行、小计行或合计行。",
    "导入前会逐行检查，有问题的行不会写入，其余行照常导入；可下载“问题行”文件，按其中的“问题说明”修改后再导入。",
)


@dataclass(frozen=True)
class _Template:
    sheet: str
    one_row: str
    """What one row is, with its measure word ("一个站点", "一条调解记录")."""
    columns: tuple[TemplateColumn, ...]
    extra_lines: tuple[str, ...]


TEMPLATES: dict[TemplateKind, _Template] = {
    "stations": _Template(
        "站点名册",
        "一个站点",
        STATION_COLUMNS,
        (
            "与系统中已有站点相同（站点编号相同，或统一社会信用代码和五进类别相同，或名称和地址相同）的行"
            "会更新该站点；空白单元格不会清除已有内容。",
        ),
    ),
    "cases": _Template(
        "调解记录",
        "一条调解记录",
        CASE_COLUMNS,
        (
            "金额以元为单位填写数字，如 1299.50。",
            "办理中的案件，处理结果、办结日期和挽回损失留空。",
        ),
    ),
}


def template_columns(kind: TemplateKind) -> tuple[TemplateColumn, ...]:
    """The columns of a template, in sheet order (the import wizard can list them too)."""
    return TEMPLATES[kind].columns


def write_template(kind: TemplateKind, out: Path) -> None:
    """Write the blank import template for `kind` to `out` (replaced only once complete)."""
    template = TEMPLATES[kind]
    workbook = Workbook()
    workbook.properties.creator = PRODUCER
    workbook.properties.lastModifiedBy = PRODUCER
    workbook.properties.title = f"{template.sheet}导入模板"
    data = workbook.active
    assert data is not None
    data.title = template.sheet
    _fill_data_sheet(data, template.columns)
    _fill_instructions(workbook.create_sheet(INSTRUCTIONS_SHEET), template)
    write_with(out, workbook.save)


# ---------------------------------------------------------------------------------------------
# The sheet to fill in
# ---------------------------------------------------------------------------------------------


def _fill_data_sheet(sheet: Worksheet, columns: Sequence[TemplateColumn]) -> None:
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        _heading(sheet, index, column)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(column)
        dimension.number_format = CELL_FORMATS[column.cell_format]
        if column.choices:
            sheet.add_data_validation(_drop_down(column, f"{letter}2:{letter}{LAST_ROW}"))
    sheet.freeze_panes = "A2"


def _heading(sheet: Worksheet, index: int, column: TemplateColumn) -> None:
    cell = sheet.cell(1, index, column.heading)
    cell.font = REQUIRED_FONT if column.required else HEADING_FONT
    cell.fill = HEADER_FILL
    cell.alignment = HEADING_ALIGNMENT
    need = "必填" if column.required else "选填"
    example = f"\n例：{column.example}" if column.example else ""
    comment = Comment(f"{need}。{column.rule}{example}", PRODUCER)
    comment.width, comment.height = 260, 130
    cell.comment = comment


def _width(column: TemplateColumn) -> float:
    """Wide enough for the heading and the example, so a typical value shows whole."""
    wanted = max(_display_width(column.heading) + 4, _display_width(column.example) + 2, 10)
    return min(wanted, MAX_WIDTH)


def _drop_down(column: TemplateColumn, cells: str) -> DataValidation:
    """A drop-down of `column.choices` over `cells`; strict or only a suggestion."""
    validation = DataValidation(
        type="list",
        formula1=_list_formula(column.choices),
        allow_blank=True,
        showErrorMessage=column.only_choices,
        errorStyle="stop",
        errorTitle=column.heading,
        error=f"请从下拉列表中选择：{'、'.join(column.choices)}",
    )
    validation.add(cells)
    return validation


def _list_formula(choices: Sequence[str]) -> str:
    """The in-cell list formula ("a,b,c" in quotes); a list Excel would refuse is our bug."""
    if any("," in choice or '"' in choice for choice in choices):
        raise ValueError(f"下拉选项不能含逗号或引号：{choices!r}")
    formula = '"' + ",".join(choices) + '"'
    if len(formula) > LIST_FORMULA_LIMIT:
        raise ValueError(f"下拉选项过长（{len(formula)} 字符，Excel 最多 {LIST_FORMULA_LIMIT}）")
    return formula


# ---------------------------------------------------------------------------------------------
# 填写说明
# ---------------------------------------------------------------------------------------------


def _fill_instructions(sheet: Worksheet, template: _Template) -> None:
    """A title, numbered general rules, then one row per column: 列名 | 是否必填 | 填写要求 | 示例."""
    sheet.cell(1, 1, f"{template.sheet}导入模板填写说明").font = TITLE_FONT
    lines = (
        f"在“{template.sheet}”工作表中填写，从第 2 行起一行{template.one_row}；请勿修改第 1 行的列名，"
        "不需要的列可以留空。",
        "红色列名为必填项；鼠标停在列名上可查看该列的填写要求，各列要求和示例见下表。",
        *_GENERAL_LINES,
        *template.extra_lines,
    )
    for number, line in enumerate(lines, start=1):
        sheet.cell(1 + number, 1, f"{number}. {line}")
    table_top = len(lines) + 3
    for index, (heading, width) in enumerate(
        zip(INSTRUCTION_HEADINGS, INSTRUCTION_WIDTHS, strict=True), start=1
    ):
        cell = sheet.cell(table_top, index, heading)
        cell.font = HEADING_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADING_ALIGNMENT
        sheet.column_dimensions[get_column_letter(index)].width = width
    wrap = Alignment(vertical="top", wrap_text=True)
    for offset, column in enumerate(template.columns, start=1):
        row = table_top + offset
        values = (column.heading, "必填" if column.required else "选填", column.rule, column.example)
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row, index, value or None)
            cell.alignment = wrap
            cell.number_format = "@"
        if column.required:
            sheet.cell(row, 2).font = REQUIRED_FONT
