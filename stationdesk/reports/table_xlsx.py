"""Summary tables (汇总表) as an Excel workbook the bureau's staff keep working in.

Why this shape: they sort, sum and paste these figures into their own sheets, so every number is
a real number (fen become 元 or 万元, rates a fraction shown as a percentage, dates real dates),
and the sheet prints like the PDF from Excel itself (title rows repeated, one page wide, the
orientation of the paper version). Text is always written as text: a station name pasted as
"=cmd|..." must never become a formula in someone's Excel.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from stationdesk.reports import formatting
from stationdesk.reports.files import write_with
from stationdesk.reports.table_pdf import (
    PARAGRAPHS_HEADING,
    PRODUCER,
    TOTAL_LABEL,
    cell_text,
    check_header_groups,
    merged_down_title,
)
from stationdesk.services.report_types import Cell, Column, ColumnKind, HeaderGroup, TableReport

DEFAULT_SHEET = "汇总"
SHEET_NAME_LIMIT = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

NUMBER_FORMATS: dict[ColumnKind, str] = {
    "int": "#,##0",
    "change": '+#,##0;-#,##0;"持平"',
    "money": "#,##0.00",
    "wan": "#,##0.00",
    "rate": "0.0%",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}

MIN_WIDTH = 6.0
MAX_WIDTH = 48.0
RELATIVE_WIDTH_UNIT = 6.0
"""Excel width given per unit of Column.width when the content is narrower."""
HEADER_WIDTH_CAP = 10.0
"""Column titles wrap in their cells, so a long title widens its column only this far."""
LINE_HEIGHT = 15.0

THIN = Side(style="thin", color="000000")
MEDIUM = Side(style="medium", color="000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TOTAL_BORDER = Border(left=THIN, right=THIN, top=MEDIUM, bottom=THIN)
HEADER_FILL = PatternFill("solid", start_color="E3E3E3", end_color="E3E3E3")
TOTAL_FILL = PatternFill("solid", start_color="F0F0F0", end_color="F0F0F0")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=16)
SUBTITLE_FONT = Font(size=12)
NOTE_FONT = Font(size=9, color="555555")

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def write_table_report_xlsx(report: TableReport, out: Path) -> None:
    """Write the report as a one-sheet .xlsx to `out`, replacing it only once the file is complete."""
    workbook = table_report_workbook(report)
    write_with(out, workbook.save)


def table_report_workbook(report: TableReport) -> Workbook:
    """The report as an openpyxl Workbook (built in memory; nothing touches the disk)."""
    workbook = Workbook()
    workbook.properties.creator = PRODUCER
    workbook.properties.lastModifiedBy = PRODUCER
    workbook.properties.title = report.title
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_name(report.sheet_name)
    _fill_sheet(sheet, report)
    return workbook


def sheet_name(name: str) -> str:
    """`name` as Excel accepts a sheet name: no []:*?/\\, no leading/trailing apostrophe, ≤ 31."""
    cleaned = _SHEET_FORBIDDEN.sub("_", ILLEGAL_CHARACTERS_RE.sub("", name)).strip().strip("'")
    cleaned = cleaned[:SHEET_NAME_LIMIT].rstrip().rstrip("'")
    if not cleaned or cleaned.casefold() == "history":  # "History" is reserved by Excel
        return DEFAULT_SHEET
    return cleaned


# ---------------------------------------------------------------------------------------------
# Sheet layout
# ---------------------------------------------------------------------------------------------


class _Layout:
    """Row numbers of the parts of the sheet (1-based, as Excel counts)."""

    def __init__(self, report: TableReport) -> None:
        self.width = len(report.columns)
        self.first_header = 4
        self.header_rows = 2 if report.header_groups else 1
        self.first_body = self.first_header + self.header_rows
        self.total_row = self.first_body + len(report.rows) if report.total is not None else None
        self.after_table = self.first_body + len(report.rows) + (report.total is not None)

    @property
    def last_header(self) -> int:
        return self.first_body - 1


def _fill_sheet(sheet: Worksheet, report: TableReport) -> None:
    if not report.columns:
        raise ValueError("汇总表没有列")
    layout = _Layout(report)
    widths = _column_widths(report)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    _write_heading(sheet, report, layout)
    _write_header(sheet, report.columns, report.header_groups, layout)
    _write_body(sheet, report, layout, widths)
    _write_closing(sheet, report, layout, sum(widths))
    sheet.freeze_panes = sheet.cell(layout.first_body, 1).coordinate
    _set_up_printing(sheet, report, layout)


def _write_heading(sheet: Worksheet, report: TableReport, layout: _Layout) -> None:
    """Title (A1) and subtitle (A2) merged across the table, then 填报单位 left, 打印日期 right."""
    _merged_text(
        sheet, 1, layout.width, report.title, TITLE_FONT, Alignment(horizontal="center", vertical="center")
    )
    sheet.row_dimensions[1].height = 30
    _merged_text(sheet, 2, layout.width, report.subtitle, SUBTITLE_FONT, Alignment(horizontal="center"))
    left = f"填报单位：{report.bureau_name}" if report.bureau_name else ""
    right = f"打印日期：{formatting.chinese_day(report.printed_on)}"
    if layout.width == 1:
        _put_text(sheet.cell(3, 1), f"{left}  {right}".strip())
        return
    split = (layout.width + 1) // 2
    _put_text(sheet.cell(3, 1), left)
    _put_text(sheet.cell(3, split + 1), right).alignment = Alignment(horizontal="right")
    if split > 1:
        sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=split)
    if layout.width > split + 1:
        sheet.merge_cells(start_row=3, start_column=split + 1, end_row=3, end_column=layout.width)


def _write_header(
    sheet: Worksheet, columns: Sequence[Column], groups: Sequence[HeaderGroup], layout: _Layout
) -> None:
    """Group titles merged over their columns (a lone column's title merged down), then column titles."""
    title_row = layout.last_header
    for index, column in enumerate(columns, start=1):
        _header_cell(sheet, title_row, index, column.title)
    if not groups:
        return
    check_header_groups(columns, groups)
    top = layout.first_header
    start = 1
    for group in groups:
        end = start + group.span - 1
        _header_cell(sheet, top, start, group.title)
        for index in range(start + 1, end + 1):
            _header_cell(sheet, top, index, "")
        alone = merged_down_title(group, columns[start - 1])
        if alone is not None:
            _put_text(sheet.cell(top, start), alone)
            _put_text(sheet.cell(title_row, start), "")
            sheet.merge_cells(start_row=top, start_column=start, end_row=title_row, end_column=start)
        elif group.span > 1:
            sheet.merge_cells(start_row=top, start_column=start, end_row=top, end_column=end)
        start = end + 1


def _header_cell(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = _put_text(sheet.cell(row, column), text)
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.border = GRID
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_body(sheet: Worksheet, report: TableReport, layout: _Layout, widths: Sequence[float]) -> None:
    columns = report.columns
    for offset, row in enumerate(report.rows):
        _write_row(sheet, layout.first_body + offset, columns, row, widths)
    if report.total is not None and layout.total_row is not None:
        total = _labelled_total(columns, report.total)
        _write_row(sheet, layout.total_row, columns, total, widths)
        for index in range(1, layout.width + 1):
            cell = sheet.cell(layout.total_row, index)
            cell.font = BOLD
            cell.fill = TOTAL_FILL
            cell.border = TOTAL_BORDER
        if total[0] == TOTAL_LABEL:
            sheet.cell(layout.total_row, 1).alignment = Alignment(horizontal="center", vertical="center")


def _labelled_total(columns: Sequence[Column], total: Sequence[Cell]) -> tuple[Cell, ...]:
    """The totals row with "合计" in its first cell when the service left that cell blank."""
    cells = tuple(total)
    if cells and columns[0].kind == "text" and cells[0] in (None, ""):
        return (TOTAL_LABEL, *cells[1:])
    return cells


def _write_row(
    sheet: Worksheet, row_number: int, columns: Sequence[Column], row: Sequence[Cell], widths: Sequence[float]
) -> None:
    if len(row) != len(columns):
        raise ValueError(f"一行有 {len(row)} 个值，表格有 {len(columns)} 列：{row!r}")
    for index, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
        cell = sheet.cell(row_number, index)
        _put_value(cell, column, value, widths[index - 1])
        cell.border = GRID


def _put_value(cell: SheetCell, column: Column, value: Cell, width: float) -> None:
    """One value as Excel should hold it: a number with its format, a date, or text."""
    text = cell_text(column, value)  # validates the value against the column's kind
    if isinstance(value, str) or column.kind == "text":
        _put_text(cell, text)
        cell.alignment = _text_alignment(column.kind, text, width)
        return
    if value is None:
        if column.kind == "rate":
            _put_text(cell, text)
            cell.alignment = Alignment(horizontal="center", vertical="center")
        return
    cell.value = _excel_number(column.kind, value)
    cell.number_format = NUMBER_FORMATS[column.kind]
    horizontal = "center" if column.kind == "date" else "right"
    cell.alignment = Alignment(horizontal=horizontal, vertical="center")


def _excel_number(kind: ColumnKind, value: int | Fraction | date) -> int | float | date:
    """Fen become 元 or 万元, a rate its fraction; Excel's number format does the showing."""
    if kind == "money":
        assert isinstance(value, int)
        return value / 100
    if kind == "wan":
        assert isinstance(value, int)
        return value / 1_000_000
    if kind == "rate":
        assert isinstance(value, Fraction | int)
        return float(value)
    return value


def _text_alignment(kind: ColumnKind, text: str, width: float) -> Alignment:
    """Text left (a placeholder like "—" in a number column centered); wrap what outgrows its column."""
    horizontal = "left" if kind == "text" else "center"
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=_display_width(text) > width - 1)


def _write_closing(sheet: Worksheet, report: TableReport, layout: _Layout, total_width: float) -> None:
    """A blank row, then 情况说明 and one merged, wrapped row per paragraph; notes in small print."""
    row = layout.after_table + 1
    if report.paragraphs:
        _merged_text(sheet, row, layout.width, PARAGRAPHS_HEADING, BOLD, Alignment(horizontal="left"))
        row += 1
        for text in report.paragraphs:
            _closing_row(sheet, row, layout.width, text, total_width, Font())
            row += 1
    for text in report.notes:
        _closing_row(sheet, row, layout.width, text, total_width, NOTE_FONT)
        row += 1


def _closing_row(sheet: Worksheet, row: int, width: int, text: str, total_width: float, font: Font) -> None:
    """A merged, wrapped row; its height is set from the text because Excel never fits merged rows."""
    alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    _merged_text(sheet, row, width, text, font, alignment)
    lines = sum(
        max(1, math.ceil(_display_width(part) / max(total_width - 2, 1))) for part in text.split("\n")
    )
    sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 3


def _merged_text(sheet: Worksheet, row: int, width: int, text: str, font: Font, alignment: Alignment) -> None:
    cell = _put_text(sheet.cell(row, 1), text)
    cell.font = font
    cell.alignment = alignment
    if width > 1:
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _put_text(cell: SheetCell, text: str) -> SheetCell:
    """Write `text` as text, whatever it starts with.

    openpyxl stores a string starting with "=" as a formula; a pasted station name such as
    "=cmd|' /C calc'!A0" would then run in the user's Excel. The cell is forced to a string and
    marked quotePrefix (Excel's leading apostrophe), so it stays text even when edited; the
    same goes for "+", "-" and "@", which Excel reads as formulas when typed. Control
    characters (invalid in the file format; they come in with pasted text) are dropped.
    """
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
    cell.value = cleaned or None  # an empty cell, not an empty inline string
    if cleaned:
        cell.data_type = "s"
        cell.quotePrefix = cleaned.startswith(_FORMULA_LEADS)
    return cell


# ---------------------------------------------------------------------------------------------
# Column widths and printing
# ---------------------------------------------------------------------------------------------


def _display_width(text: str) -> float:
    """Width in Excel's units (about one Latin digit): CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_widths(report: TableReport) -> list[float]:
    """Each column as wide as its longest shown value (titles wrap, so they count up to a cap).

    The report's relative width sets a floor, so a column left blank for handwriting (处置说明)
    keeps the room the paper version gives it.
    """
    columns = report.columns
    rows = [*report.rows, *([report.total] if report.total is not None else [])]
    widths = []
    for index, column in enumerate(columns):
        longest = max(
            (_display_width(cell_text(column, row[index])) for row in rows if len(row) == len(columns)),
            default=0,
        )
        title = min(_display_width(column.title), HEADER_WIDTH_CAP)
        floor = max(MIN_WIDTH, column.width * RELATIVE_WIDTH_UNIT)
        widths.append(min(max(longest + 2, title + 2, floor), MAX_WIDTH))
    _widen_for_groups(widths, report.header_groups)
    return widths


def _widen_for_groups(widths: list[float], groups: Sequence[HeaderGroup]) -> None:
    """Share out extra width so each group title fits over the columns it spans."""
    start = 0
    for group in groups:
        span = slice(start, start + group.span)
        short = _display_width(group.title) + 2 - sum(widths[span])
        if short > 0 and group.span > 0:
            for index in range(span.start, min(span.stop, len(widths))):
                widths[index] += short / group.span
        start += group.span


def _set_up_printing(sheet: Worksheet, report: TableReport, layout: _Layout) -> None:
    """Print from Excel like the PDF: A4 in the report's orientation, one page wide, headers repeated."""
    setup = sheet.page_setup
    setup.orientation = "landscape" if report.landscape else "portrait"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{layout.first_header}:{layout.last_header}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = 0.6
    sheet.page_margins.bottom = 0.7
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.size = 9
    sheet.oddFooter.left.text = report.title.replace("&", "&&")
    sheet.oddFooter.left.size = 9
