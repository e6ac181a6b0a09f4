"""Any list in the app (站点台账, 调解记录, 先行赔付 …) as an .xlsx of its current filtered view.

Why this shape: staff sort, filter, sum and re-import these files, or turn them into CSV, so row 1
holds the headings and nothing sits above or below the data (the filter description goes into
the file's properties, not the sheet). Numbers are real numbers (fen become 元), dates real dates,
and codes stay text (站点编号 "3204020001" keeps its leading digits, a credit code its 18
characters). Text is never a formula: a name pasted as "=cmd|..." stays text in anyone's Excel.

The sheet is streamed (openpyxl write-only): 20,000 rows × 15 columns take a few seconds with flat
memory. A streamed row cannot be touched again, so column widths come from a sample of the first
rows, and every styled cell reuses one of a few prepared styles instead of building its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from itertools import chain, islice
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from stationdesk.reports.files import write_with
from stationdesk.reports.table_pdf import PRODUCER, cell_text
from stationdesk.reports.table_xlsx import (
    _FORMULA_LEADS,
    HEADER_FILL,
    NUMBER_FORMATS,
    _display_width,
    _put_text,
    sheet_name,
)
from stationdesk.services.report_types import Cell, Column, ColumnKind

PROGRESS_EVERY = 500
"""Rows between two progress reports (and chances to cancel)."""
WIDTH_SAMPLE = 200
"""Rows looked at to size the columns; later rows are streamed without being measured."""
MIN_WIDTH = 6.0
MAX_WIDTH = 60.0
VALUE_PADDING = 2.0
HEADING_PADDING = 4.0
"""Room for the auto-filter's drop-down button beside a heading."""
LANDSCAPE_ABOVE = 8
"""More columns than this print on landscape paper."""

HEADING_FONT = Font(bold=True)
HEADING_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)

Converter = Callable[[Cell], object]
"""One column's value → what the streamed row holds: None, a plain str, or a prepared cell."""


class ExportCancelled(Exception):
    """The user stopped the export; no file was written and nothing was left behind."""

    def __init__(self) -> None:
        super().__init__("已取消导出，未生成文件")


@dataclass(frozen=True)
class ListExport:
    """A list as the screen shows it after filtering: headings with kinds, then the raw rows."""

    title: str
    """Sheet and workbook title, e.g. "站点台账"."""
    columns: tuple[Column, ...]
    rows: Iterable[tuple[Cell, ...]]
    """Raw values (money as int fen, rates as Fraction); may be a generator read lazily."""
    total: int | None = None
    """How many rows `rows` yields, when known, for the progress bar."""
    note: str = ""
    """What the list is ("筛选条件：天宁区；个人信息已隐去"); kept in the file's properties."""


def write_list_xlsx(
    export: ListExport, out: Path, *, on_progress: Callable[[int, int], bool] | None = None
) -> int:
    """Write `export` to `out` (replaced only once the file is complete); returns the rows written.

    `on_progress(done, total)` is called every PROGRESS_EVERY rows and once after the last row;
    `total` is 0 when the row count is unknown (show a busy indicator). Returning False stops the
    export with ExportCancelled, leaving no file behind.
    """
    columns = export.columns
    if not columns:
        raise ValueError("列表没有列")
    rows = iter(export.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    workbook = _workbook(export)
    sheet = workbook.create_sheet(sheet_name(export.title))
    try:
        _prepare_sheet(sheet, columns, _column_widths(columns, sample), export.title)
        sheet.append(_heading_cells(sheet, columns))
        written = _write_rows(sheet, columns, chain(sample, rows), export.total, on_progress)
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"
        write_with(out, workbook.save)
    except BaseException:
        _discard(sheet)
        raise
    return written


# ---------------------------------------------------------------------------------------------
# Workbook and sheet set-up (everything before the first row: a streamed sheet writes its top
# part, widths and frozen panes included, as soon as a row arrives)
# ---------------------------------------------------------------------------------------------


def _workbook(export: ListExport) -> Workbook:
    workbook = Workbook(write_only=True)
    properties = workbook.properties
    properties.creator = PRODUCER
    properties.lastModifiedBy = PRODUCER
    properties.title = export.title
    properties.description = export.note or None
    return workbook


def _prepare_sheet(
    sheet: WriteOnlyWorksheet, columns: Sequence[Column], widths: Sequence[float], title: str
) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    _set_up_printing(sheet, len(columns), title)


def _set_up_printing(sheet: WriteOnlyWorksheet, width: int, title: str) -> None:
    """Printed from Excel: A4, one page wide, headings on every page, page numbers in the footer."""
    setup = sheet.page_setup
    setup.orientation = "landscape" if width > LANDSCAPE_ABOVE else "portrait"
    setup.paperSize = 9  # A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.size = 9
    sheet.oddFooter.left.text = title.replace("&", "&&")
    sheet.oddFooter.left.size = 9


def _column_widths(columns: Sequence[Column], sample: Sequence[Sequence[Cell]]) -> list[float]:
    """Each column as wide as its heading or its widest sampled value as shown, within 6..60."""
    widths = []
    for index, column in enumerate(columns):
        longest = max(
            (_display_width(cell_text(column, row[index])) for row in sample if len(row) == len(columns)),
            default=0,
        )
        wanted = max(_display_width(column.title) + HEADING_PADDING, longest + VALUE_PADDING)
        widths.append(min(max(wanted, MIN_WIDTH), MAX_WIDTH))
    return widths


def _heading_cells(sheet: WriteOnlyWorksheet, columns: Sequence[Column]) -> list[SheetCell]:
    cells = []
    for column in columns:
        cell = _put_text(SheetCell(sheet, row=1, column=1), column.title)
        cell.font = HEADING_FONT
        cell.fill = HEADER_FILL
        cell.alignment = HEADING_ALIGNMENT
        cells.append(cell)
    return cells


# ---------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------


def _write_rows(
    sheet: WriteOnlyWorksheet,
    columns: Sequence[Column],
    rows: Iterator[tuple[Cell, ...]],
    total: int | None,
    on_progress: Callable[[int, int], bool] | None,
) -> int:
    converters = [_converter(sheet, column) for column in columns]
    width = len(columns)
    done = 0
    for row in rows:
        if len(row) != width:
            raise ValueError(f"第 {done + 1} 行有 {len(row)} 个值，列表有 {width} 列：{row!r}")
        sheet.append([convert(value) for convert, value in zip(converters, row, strict=True)])
        done += 1
        if done % PROGRESS_EVERY == 0:
            _report(on_progress, done, total)
    if done % PROGRESS_EVERY or not done:
        _report(on_progress, done, total)  # the last, partial step
    return done


def _report(on_progress: Callable[[int, int], bool] | None, done: int, total: int | None) -> None:
    if on_progress is not None and not on_progress(done, max(total, done) if total is not None else 0):
        raise ExportCancelled


def _converter(sheet: WriteOnlyWorksheet, column: Column) -> Converter:
    """How one column's values go into the sheet.

    Plain text goes in as a bare str (openpyxl's fastest path); numbers and dates go in as cells
    sharing one prepared style per number format, since building a style per cell is what makes
    streamed sheets slow. A str in a number column ("—", "不适用") is written as text.
    """
    if column.kind == "text":
        return lambda value: _text(sheet, column, value)
    style = _number_style(sheet, NUMBER_FORMATS[column.kind])
    to_excel = _EXCEL_VALUE[column.kind]
    accepted = _ACCEPTED[column.kind]

    def convert(value: Cell) -> object:
        if value is None:
            return None
        if isinstance(value, str):
            return _text(sheet, column, value)
        if isinstance(value, bool) or not isinstance(value, accepted):
            cell_text(column, value)  # raises TypeError naming the column
        return SheetCell(sheet, row=1, column=1, value=to_excel(value), style_array=style)

    return convert


def _number_style(sheet: WriteOnlyWorksheet, number_format: str) -> StyleArray:
    """The style of a cell showing `number_format`, registered once with the workbook."""
    cell = SheetCell(sheet, row=1, column=1)
    cell.number_format = number_format
    return cell._style


def _text(sheet: WriteOnlyWorksheet, column: Column, value: Cell) -> object:
    """Text as text: control characters dropped, and anything Excel would read as a formula or
    an error value ("=…", "+…", "-…", "@…", "#N/A") kept literal with a leading apostrophe."""
    if value is None:
        return None
    text = value if isinstance(value, str) else cell_text(column, value)
    cleaned = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not cleaned:
        return None
    if cleaned.startswith(_FORMULA_LEADS) or cleaned in ERROR_CODES:
        return _put_text(SheetCell(sheet, row=1, column=1), cleaned)
    return cleaned


def _fen_to_yuan(fen: int) -> float:
    return fen / 100


def _fen_to_wan(fen: int) -> float:
    return fen / 1_000_000


def _as_is(value: int | date) -> int | date:
    return value


def _rate(value: Fraction | int) -> float:
    return float(value)


_EXCEL_VALUE: dict[ColumnKind, Callable[..., object]] = {
    "int": _as_is,
    "money": _fen_to_yuan,
    "wan": _fen_to_wan,
    "rate": _rate,
    "date": _as_is,
    "datetime": _as_is,
    "change": _as_is,
}
_ACCEPTED: dict[ColumnKind, type | tuple[type, ...]] = {
    "int": int,
    "money": int,
    "wan": int,
    "rate": (Fraction, int),
    "date": date,
    "datetime": datetime,
    "change": int,
}


# ---------------------------------------------------------------------------------------------
# Clean-up
# ---------------------------------------------------------------------------------------------


def _discard(sheet: WriteOnlyWorksheet) -> None:
    """Delete the temporary file openpyxl streams the rows into; it only does so itself on save.

    Called while another exception (a cancel, a bad value, a locked file) is on its way out, so
    a failure to tidy up must not replace it. The row stream is closed before the file so that
    garbage collection never writes to a closed file later.
    """
    writer = sheet._writer
    if writer is None:
        return
    rows = sheet._rows
    with contextlib.suppress(Exception):
        if rows is not None:
            rows.close()
        writer.close()
    with contextlib.suppress(OSError, ValueError):
        writer.cleanup()
