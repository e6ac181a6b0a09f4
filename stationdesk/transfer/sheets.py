"""Reading the spreadsheets bureau staff have: .xlsx/.xlsm/.xls/.ods through calamine, .csv/.txt
through the csv module, one sheet at a time as plain cell values.

Why by content, not by name: files arrive renamed, by e-mail, from web systems that save a
tab-separated text as ".xls" and from colleagues who add ".xlsx" to a PDF. The first bytes say
what a file is: "PK" a zip (xlsx, ods), D0 CF 11 E0 an OLE container (xls, or an xlsx that Office
encrypted with a password), anything else is read as text if it is text. Every failure becomes a
`SpreadsheetError` in Chinese that names the file; no reader exception escapes raw.

Cells come back as the user sees them, not normalised (that is `domain.import_columns`' job):
merged cells repeat their value over the whole range, blank cells are None.

calamine aborts the whole process (no exception) when a sheet claims more cells than memory
holds: a stray character in XFD1048576, a cut-short or damaged .xls. The checks in "Sizes checked
before calamine builds a sheet" refuse such files with a message first, for .xlsx and .xls; .ods
and .xlsb go to calamine unchecked.
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Protocol
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

from stationdesk.errors import UserError

CellValue = str | int | float | bool | date | datetime | None

_HEAD_BYTES = 64 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Office keeps a password-protected xlsx as an OLE container with this stream in it.
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
# The stream that holds an .xls workbook (BIFF8 "Workbook", BIFF5 "Book"); a .doc has neither.
_WORKBOOK_MARKS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_ZIPPED_WORKBOOK_PARTS = frozenset({"xl/workbook.xml", "xl/workbook.bin", "content.xml"})
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"Rar!", b"7z\xbc\xaf", b"{\\rtf", b"MZ")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_CSV_DELIMITERS = (",", "\t", ";")
_SNIFF_CHARS = 32 * 1024
# Beyond 2**53 a double no longer holds every integer exactly; such numbers are left as floats.
_EXACT_INTEGERS = 2**53


@dataclass(frozen=True)
class SheetData:
    """One sheet's cells.

    `rows[i][j]` is the cell in spreadsheet row i + 1, column j + 1: leading empty rows and columns
    are kept so that messages can quote the row numbers Excel shows. Trailing empty rows and
    columns are gone, and every row has the same length.
    """

    name: str
    rows: list[list[CellValue]]


class SpreadsheetError(UserError):
    """A file that cannot be read as a spreadsheet, or a sheet that is not there or is empty."""


def sheet_names(path: Path) -> list[str]:
    """The sheets a user can choose from, in workbook order: visible worksheets (hidden sheets
    usually hold the lists behind drop-downs; chart sheets hold no cells). A CSV has one sheet,
    named after the file."""
    with _opened(path) as source:
        return source.names()


def read_sheet(path: Path, sheet: str | int | None = None) -> SheetData:
    """The cells of `sheet` (a name, an index into `sheet_names`, or None for the first sheet that
    has anything in it). Raises `SpreadsheetError` for an unreadable file, an unknown sheet or an
    empty one."""
    with _opened(path) as source:
        names = source.names()
        if sheet is None:
            return _first_with_data(path, source, names)
        name = _resolve(path, source, names, sheet)
        rows = source.rows(name)
        if not rows:
            raise SpreadsheetError(
                f"“{path.name}”的工作表“{name}”是空的", hint=_other_sheets_hint(names, name)
            )
        return SheetData(name, rows)


class _Source(Protocol):
    def names(self) -> list[str]: ...

    def all_names(self) -> list[str]: ...

    def rows(self, name: str) -> list[list[CellValue]]: ...


def _first_with_data(path: Path, source: _Source, names: Sequence[str]) -> SheetData:
    for name in names:
        rows = source.rows(name)
        if rows:
            return SheetData(name, rows)
    if not names:
        raise SpreadsheetError(f"“{path.name}”中没有工作表")
    listed = "".join(f"“{name}”" for name in names)
    verb = "是" if len(names) == 1 else "都是"
    raise SpreadsheetError(f"“{path.name}”的工作表{listed}{verb}空的", hint="请确认选择的文件是否正确")


def _resolve(path: Path, source: _Source, names: list[str], sheet: str | int) -> str:
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return names[sheet]
        raise SpreadsheetError(f"“{path.name}”中没有第 {sheet + 1} 个工作表", hint=_sheets_hint(names))
    for candidate in (sheet, sheet.strip()):
        if candidate in source.all_names():
            return candidate
    raise SpreadsheetError(f"“{path.name}”中没有名为“{sheet}”的工作表", hint=_sheets_hint(names))


def _sheets_hint(names: Sequence[str]) -> str:
    return f"现有工作表：{'、'.join(names)}" if names else "该文件中没有工作表"


def _other_sheets_hint(names: Sequence[str], empty: str) -> str:
    others = [name for name in names if name != empty]
    return f"请选择其他工作表：{'、'.join(others)}" if others else "请确认选择的文件是否正确"


# ---------------------------------------------------------------------------------------------
# Opening: what the file is


@contextmanager
def _opened(path: Path) -> Iterator[_Source]:
    head = _read_head(path)
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        with _Workbook.open(path, head) as workbook:
            yield workbook
    else:
        yield _Text.open(path, head)


def _read_head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES)
    except FileNotFoundError:
        raise SpreadsheetError(f"找不到文件“{path.name}”", hint=f"请确认文件仍在 {path.parent} 中") from None
    except IsADirectoryError:
        raise SpreadsheetError(f"“{path.name}”是文件夹，不是表格文件") from None
    except PermissionError:
        raise SpreadsheetError(
            f"没有权限读取文件“{path.name}”", hint="文件可能正被其他程序独占打开，请关闭后重试"
        ) from None
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件“{path.name}”：{exc.strerror or exc}") from exc
    if not head:
        raise SpreadsheetError(f"文件“{path.name}”是空的（0 字节）", hint="文件可能没有保存或复制完整")
    return head


def _not_a_spreadsheet(path: Path) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{path.name}”不是 Excel 或 CSV 文件", hint="请选择 .xlsx、.xls、.ods 或 .csv 格式的表格文件"
    )


def _damaged(path: Path) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{path.name}”已损坏或不完整，无法读取",
        hint="文件可能没有下载或复制完整；请重新获取文件，或在 Excel 中打开后另存再导入",
    )


def _password_protected(path: Path) -> SpreadsheetError:
    return SpreadsheetError(
        f"文件“{path.name}”受密码保护，请在 Excel 中取消密码后再导入",
        hint="在 Excel 中：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码后保存",
    )


def _is_reader_failure(exc: BaseException) -> bool:
    """True for errors of the Rust reader. A panic inside it (seen on corrupt .xls files) arrives
    as pyo3's PanicException, which derives from BaseException so that `except Exception` lets
    it through; it must become a "damaged file" message like any other reader error."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


# ---------------------------------------------------------------------------------------------
# Workbooks (xlsx, xlsm, xlsb, xls, ods)


class _Workbook:
    """A workbook opened by calamine, which detects the format from the bytes (not the name)."""

    def __init__(self, path: Path, head: bytes, book: CalamineWorkbook) -> None:
        self.path = path
        self.head = head
        self.book = book

    @classmethod
    @contextmanager
    def open(cls, path: Path, head: bytes) -> Iterator[_Workbook]:
        if head.startswith(_OLE_MAGIC) and _ENCRYPTED_MARK in head:
            raise _password_protected(path)
        try:
            book = _load(path, head)
        except SpreadsheetError:
            raise
        except OSError as exc:
            raise SpreadsheetError(f"无法读取文件“{path.name}”：{exc.strerror or exc}") from exc
        except BaseException as exc:
            if not _is_reader_failure(exc):
                raise
            raise _explain_failure(path, head, exc) from exc
        with book:
            yield cls(path, head, book)

    def all_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets_metadata if sheet.typ == SheetTypeEnum.WorkSheet]

    def names(self) -> list[str]:
        visible = [
            sheet.name
            for sheet in self.book.sheets_metadata
            if sheet.typ == SheetTypeEnum.WorkSheet and sheet.visible == SheetVisibleEnum.Visible
        ]
        return visible or self.all_names()

    def rows(self, name: str) -> list[list[CellValue]]:
        if self.head.startswith(_ZIP_MAGIC):
            _check_xlsx_sheet(self.path, name)
        try:
            sheet = self.book.get_sheet_by_name(name)
            cells = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges or []
        except BaseException as exc:
            if not _is_reader_failure(exc):
                raise
            raise _explain_failure(self.path, self.head, exc) from exc
        rows = [[_cell(value) for value in row] for row in cells]
        _fill_merged(rows, merged)
        return _trimmed(rows)


def _load(path: Path, head: bytes) -> CalamineWorkbook:
    """calamine's workbook; an .xls is checked first, because calamine parses all its sheets at once."""
    if head.startswith(_OLE_MAGIC):
        content = _read_all(path)
        _check_xls(path, content)
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    with path.open("rb") as stream:
        return CalamineWorkbook.from_filelike(stream)


def _explain_failure(path: Path, head: bytes, exc: BaseException) -> SpreadsheetError:
    """Why calamine could not read the file, in words the user can act on."""
    if isinstance(exc, PasswordError):
        return _password_protected(path)
    if head.startswith(_OLE_MAGIC):
        content = _read_all(path)
        if _ENCRYPTED_MARK in content:
            return _password_protected(path)
        return (
            _damaged(path) if any(mark in content for mark in _WORKBOOK_MARKS) else _not_a_spreadsheet(path)
        )
    try:
        with zipfile.ZipFile(path) as archive:
            parts = set(archive.namelist())
    except Exception:  # zipfile on a damaged archive: BadZipFile, NotImplementedError, zlib.error …
        return _damaged(path)
    return _damaged(path) if parts & _ZIPPED_WORKBOOK_PARTS else _not_a_spreadsheet(path)


def _read_all(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(f"无法读取文件“{path.name}”：{exc.strerror or exc}") from exc


def _cell(value: object) -> CellValue:
    """One calamine value as a `CellValue`.

    Excel keeps every number as a double, so calamine returns 13812345678.0 for a phone number
    typed as a number and 3204020001.0 for a station code: the user typed an integer, and str()
    of the cell must not grow a ".0". Integral floats become int; other floats stay as they are.
    Blank and whitespace-only text is None; a stray BOM (pasted from a UTF-8 file) is removed.
    """
    if isinstance(value, str):
        text = value.replace("\ufeff", "") if "\ufeff" in value else value
        return text if text.strip() else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _EXACT_INTEGERS else value
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | date):
        return value  # int, bool, date, datetime
    return str(value)


def _fill_merged(
    rows: list[list[CellValue]], ranges: Sequence[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    """Give every cell of a merged range the top-left value, as the user sees it: a 县区 merged
    down ten rows belongs to all ten. Ranges reaching past the data are clipped to it."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]) or rows[top][left] is None:
            continue
        value = rows[top][left]
        for row in rows[top : min(bottom, len(rows) - 1) + 1]:
            end = min(right, len(row) - 1) + 1
            row[left:end] = [value] * (end - left)


def _used_width(row: Sequence[CellValue]) -> int:
    for index in range(len(row) - 1, -1, -1):
        if row[index] is not None:
            return index + 1
    return 0


def _trimmed(rows: list[list[CellValue]]) -> list[list[CellValue]]:
    """`rows` without trailing empty rows and columns, every row padded to the same width."""
    height = width = 0
    for index, row in enumerate(rows):
        used = _used_width(row)
        if used:
            height, width = index + 1, max(width, used)
    return [row[:width] if len(row) >= width else row + [None] * (width - len(row)) for row in rows[:height]]


# ---------------------------------------------------------------------------------------------
# Sizes checked before calamine builds a sheet
#
# calamine allocates the whole rectangle from the first to the farthest cell in one go, and a
# failed allocation aborts the process: no exception, the app simply vanishes. A roster with one
# stray character in XFD1048576 (it happens: a key pressed after Ctrl+End) asks for 500 GB; a
# damaged .xls whose DIMENSIONS or cell records lie asks for as much (found by reading thousands
# of damaged copies, as tests/transfer/test_sheets.py still does). Such files are refused here
# with a message instead.

# 200,000 rows × 50 columns: beyond any roster or ledger, still a few hundred MB to read.
_MAX_CELLS = 10_000_000
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="(?:[A-Za-z]+\d+:)?([A-Za-z]+)(\d+)"')
# A cell's opening tag: its column letters, its row, and how it ends: "/>" or "></c>" for a cell
# with formatting only (no value), ">" when a value follows.
_CELL_TAG = re.compile(rb'<(?:\w+:)?c (?:[^>]*? )?r="([A-Za-z]+)(\d+)"[^>]*?(/>|></(?:\w+:)?c>|>)')
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_CHUNK = 1 << 20


def _too_large(path: Path, rows: int, columns: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"“{path.name}”中的工作表范围过大（数据一直延伸到 {_cell_name(rows, columns)}），无法导入",
        hint="可能在远离数据的位置误填了内容或空格；请在 Excel 中删除数据以外多余的行和列，保存后再导入",
    )


def _cell_name(rows: int, columns: int) -> str:
    """The A1-style name of the cell in row `rows`, column `columns` (both from 1)."""
    letters = ""
    while columns > 0:
        columns, remainder = divmod(columns - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{rows}"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _check_xlsx_sheet(path: Path, name: str) -> None:
    """Refuse an .xlsx sheet whose cells reach too far. The <dimension> Excel writes at the top of
    the sheet settles it in most files; only when it is large (or missing) are the cells scanned."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _xlsx_sheet_part(archive, name)
            extent = _xlsx_extent(archive, part) if part is not None else None
    except Exception:  # a damaged archive (zipfile raises half a dozen kinds): calamine reports it
        return
    if extent is not None and extent[0] * extent[1] > _MAX_CELLS:
        raise _too_large(path, *extent)


def _xlsx_sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip entry of the sheet called `name`, via the workbook and its relationships."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    sheets = (e for e in book.iter() if e.tag.rpartition("}")[2] == "sheet" and e.get("name") == name)
    sheet_id = next((e.get(_RELATIONSHIP_ID) for e in sheets), None)
    target = next((e.get("Target") for e in rels.iter() if sheet_id and e.get("Id") == sheet_id), None)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _xlsx_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(last row, last column) of the sheet: as declared when that is small, else as scanned."""
    with archive.open(part) as stream:
        declared = _DIMENSION.search(stream.read(8192))
    if declared is not None:
        extent = int(declared[2]), _column_number(declared[1])
        if extent[0] * extent[1] <= _MAX_CELLS:
            return extent
    return _xlsx_scanned_extent(archive, part)


def _xlsx_scanned_extent(archive: zipfile.ZipFile, part: str) -> tuple[int, int]:
    """(last row, last column) over the cells that hold something (<c …/> is formatting only)."""
    rows = columns = 0
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            data = tail + chunk
            cut = data.rfind(b">") + 1
            filled = [(letters, row) for letters, row, end in _CELL_TAG.findall(data, 0, cut) if end == b">"]
            rows = max(rows, _largest(int, {row for _letters, row in filled}))
            columns = max(columns, _largest(_column_number, {letters for letters, _row in filled}))
            tail = data[cut:]
    return rows, columns


def _largest(number: Callable[[bytes], int], texts: Iterable[bytes]) -> int:
    return max(map(number, texts), default=0)


# .xls: the BIFF records calamine trusts for its allocations, read from the OLE container.
_BIFF_EOF = 0x000A
_BIFF_FILEPASS = 0x002F  # the workbook is encrypted from here on
_BIFF_BOUNDSHEET = 0x0085  # a sheet's name and where its records start
_BIFF_SST = 0x00FC  # the shared strings, with their count
_BIFF_CONTINUE = 0x003C
_BIFF_DIMENSIONS = 0x0200
_XLS_ROWS, _XLS_COLUMNS = 65_536, 256  # an .xls cannot hold more
_BIFF_MULRK = 0x00BD  # several numbers in one row: the last column is in its last two bytes
# Records that put a value in a cell (row and column in their first four bytes): Number, Label,
# BoolErr, RK, LabelSst, Formula, MulRk.
_BIFF_CELLS = frozenset({0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x0006, _BIFF_MULRK})


def _check_xls(path: Path, content: bytes) -> None:
    """Refuse an .xls that is encrypted, or whose sizes would make calamine abort (see above).

    A container this reader cannot follow is refused as damaged rather than handed to calamine,
    which would follow the same numbers unchecked (see `_Ole`). An OLE file without a workbook
    stream (a .doc, an encrypted .xlsx) goes on to calamine, whose error says which.
    """
    try:
        stream = _Ole(content).stream(("Workbook", "Book"))
    except (ValueError, struct.error):
        raise (_password_protected(path) if _ENCRYPTED_MARK in content else _damaged(path)) from None
    if stream is None:
        return
    records = list(_biff_records(stream, 0, stop=_BIFF_EOF))
    for index, (kind, data) in enumerate(records):
        if kind == _BIFF_FILEPASS and data[:2] != b"\x00\x00":
            raise _password_protected(path)
        if kind == _BIFF_SST and not _sst_fits(data, records[index + 1 :]):
            raise _damaged(path)
    for kind, data in records:
        if kind == _BIFF_BOUNDSHEET and len(data) >= 4:
            _check_xls_sheet(path, stream, struct.unpack_from("<I", data)[0])


def _check_xls_sheet(path: Path, stream: bytes, position: int) -> None:
    """Walk one sheet's records as calamine will: its DIMENSIONS, and every cell, because calamine
    sizes the sheet by its farthest cell (a damaged cell record can claim column 65535)."""
    last_row = last_column = -1
    end = len(stream)
    while position + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, position)
        body, position = position + 4, position + 4 + length
        if position > end or kind == _BIFF_EOF:
            break
        if kind in _BIFF_CELLS and length >= 6:
            row, column = struct.unpack_from("<HH", stream, body)
            if kind == _BIFF_MULRK:
                (column,) = struct.unpack_from("<H", stream, position - 2)
            last_row, last_column = max(last_row, row), max(last_column, column)
        elif kind == _BIFF_DIMENSIONS:
            _check_xls_dimensions(path, stream[body:position])
    if last_column >= _XLS_COLUMNS:
        raise _damaged(path)
    if (last_row + 1) * (last_column + 1) > _MAX_CELLS:
        raise _too_large(path, last_row + 1, last_column + 1)


def _check_xls_dimensions(path: Path, data: bytes) -> None:
    extent = _xls_dimensions(data)
    if extent is None:
        return
    first_row, first_column, last_row, last_column = extent
    if not first_row <= last_row < _XLS_ROWS or not first_column <= last_column < _XLS_COLUMNS:
        raise _damaged(path)  # calamine would subtract past zero and ask for 2**32 rows
    if (last_row + 1) * (last_column + 1) > _MAX_CELLS:
        raise _too_large(path, last_row + 1, last_column + 1)


def _biff_records(stream: bytes, position: int, stop: int) -> Iterator[tuple[int, bytes]]:
    """(record type, data) from `position` up to the `stop` record or a record cut short."""
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        data = stream[position + 4 : position + 4 + length]
        if len(data) < length:
            return
        yield kind, data
        if kind == stop:
            return
        position += 4 + length


def _sst_fits(data: bytes, following: Sequence[tuple[int, bytes]]) -> bool:
    """True if the shared-string table's count is possible: each string takes at least 3 bytes."""
    if len(data) < 8:
        return True  # calamine reports the short record itself
    count = struct.unpack_from("<i", data, 4)[0]
    available = len(data) - 8
    for kind, more in following:
        if kind != _BIFF_CONTINUE:
            break
        available += len(more)
    return 0 <= count * 3 <= available


def _xls_dimensions(data: bytes) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) as calamine reads DIMENSIONS (0-based)."""
    if len(data) == 14:
        first_row, row_limit, first_column, column_limit = struct.unpack_from("<IIHH", data)
    elif len(data) == 10:
        first_row, row_limit, first_column, column_limit = struct.unpack_from("<HHHH", data)
    else:
        return None
    if row_limit >= 1 and column_limit >= 1:
        return first_row, first_column, row_limit - 1, column_limit - 1
    return first_row, first_column, first_row, first_column


# The OLE container, read the way calamine reads it. calamine (0.37, from its source) trusts sector
# numbers and sizes: a sector past the end of the file makes it grow a buffer to that offset
# (terabytes), a looping chain makes it read for ever. Every sector and size it uses is checked first.
_RESERVED_SECTORS = 0xFFFFFFFA  # from here up a sector id is a marker, not a sector
_DIFAT_SECTOR = 0xFFFFFFFC  # calamine reads every DIFAT entry below this one
_END_OF_CHAIN = 0xFFFFFFFE  # the only marker that ends a chain for calamine
_MINI_SECTOR = 64
_MINI_STREAM_CUTOFF = 4096  # calamine's, whatever the header says


class _Ole:
    """Just enough of the OLE compound file format ([MS-CFB]) to take the workbook out of an .xls,
    following calamine's reading of it. Raises ValueError (or struct.error) on anything that
    would send calamine out of the file."""

    def __init__(self, content: bytes) -> None:
        self.content = content
        sector_shift, mini_shift = struct.unpack_from("<HH", content, 30)
        if sector_shift not in (9, 12) or mini_shift != 6:
            raise ValueError("sector size")
        self.size = 1 << sector_shift
        directory_sectors, fat_sectors, directory_start = struct.unpack_from("<III", content, 40)
        mini_fat_start, mini_fat_sectors, difat_start, difat_sectors = struct.unpack_from(
            "<IIII", content, 60
        )
        # calamine reserves memory by these counts. Each must fit the file; a mini-FAT sector
        # maps 16 sectors' worth of mini stream, which lives in the file too.
        if max(directory_sectors, fat_sectors, difat_sectors) * self.size > len(content):
            raise ValueError("sector counts beyond the end of the file")
        if mini_fat_sectors > len(content) // (16 * self.size) + 1:
            raise ValueError("mini FAT larger than the file could use")
        self.fat = self._fat(list(struct.unpack_from("<109I", content, 76)), difat_start)
        self.entries = self._directory(self._read(directory_start, self.fat))
        self.mini_stream, self.mini_fat = b"", ()
        if mini_fat_sectors:
            _root, root_start, root_size = self.entries[0]
            if root_size > len(content):
                raise ValueError("mini stream larger than the file")
            mini_stream = self._read(root_start, self.fat)
            self.mini_stream = mini_stream[:root_size] if root_size else mini_stream
            self.mini_fat = self._words(self._read(mini_fat_start, self.fat))

    def _sector(self, sector_id: int) -> bytes:
        start = (sector_id + 1) * self.size
        if start >= len(self.content):
            raise ValueError("sector beyond the end of the file")
        return self.content[start : start + self.size]

    @staticmethod
    def _words(data: bytes) -> tuple[int, ...]:
        return struct.unpack(f"<{len(data) // 4}I", data[: len(data) // 4 * 4])

    def _fat(self, difat: list[int], next_sector: int) -> tuple[int, ...]:
        seen: set[int] = set()
        while next_sector < _RESERVED_SECTORS:
            if next_sector in seen:
                raise ValueError("DIFAT loop")
            seen.add(next_sector)
            words = self._words(self._sector(next_sector))
            difat.extend(words[:-1])
            next_sector = words[-1]
        fat: list[int] = []
        for sector_id in difat:
            if sector_id < _DIFAT_SECTOR:
                fat.extend(self._words(self._sector(sector_id)))
        return tuple(fat)

    @staticmethod
    def _chain(start: int, table: Sequence[int]) -> list[int]:
        chain: list[int] = []
        sector_id = start
        while sector_id != _END_OF_CHAIN:
            if sector_id >= len(table) or len(chain) > len(table):
                raise ValueError("broken sector chain")
            chain.append(sector_id)
            sector_id = table[sector_id]
        return chain

    def _read(self, start: int, table: Sequence[int]) -> bytes:
        return b"".join(self._sector(sector_id) for sector_id in self._chain(start, table))

    @staticmethod
    def _directory(data: bytes) -> list[tuple[str, int, int]]:
        """(name, first sector, size) of each entry; the name cut at its first NUL, as calamine
        does (it ignores the stored name length)."""
        entries = []
        for offset in range(0, len(data) - 127, 128):
            name = data[offset : offset + 64].decode("utf-16-le", "replace").partition("\0")[0]
            first_sector, size = struct.unpack_from("<II", data, offset + 116)
            entries.append((name, first_sector, size))
        if not entries:
            raise ValueError("no root entry")
        return entries

    def stream(self, names: Sequence[str]) -> bytes | None:
        """The first stream called one of `names` (in that order), or None if there is none."""
        found = next((entry for name in names for entry in self.entries if entry[0] == name), None)
        if found is None:
            return None
        _name, first_sector, size = found
        if size >= _MINI_STREAM_CUTOFF:
            data = self._read(first_sector, self.fat)
        else:
            data = b"".join(
                self._mini_sector(sector_id) for sector_id in self._chain(first_sector, self.mini_fat)
            )
        if len(data) < size:
            raise ValueError("stream shorter than its directory entry says")
        return data[:size]

    def _mini_sector(self, sector_id: int) -> bytes:
        start = sector_id * _MINI_SECTOR
        if start >= len(self.mini_stream):
            raise ValueError("mini sector beyond the mini stream")
        return self.mini_stream[start : start + _MINI_SECTOR]


# ---------------------------------------------------------------------------------------------
# Text (csv, txt, and "xls" files that web systems write as tab-separated text)


class _Text:
    """A delimited text file: one sheet, named after the file."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    @classmethod
    def open(cls, path: Path, head: bytes) -> _Text:
        if not head.startswith(_UTF16_BOMS) and (b"\x00" in head or head.startswith(_BINARY_MAGIC)):
            raise _not_a_spreadsheet(path)
        text = _decoded(path, _read_all(path))
        if text.lstrip().startswith("<"):
            raise SpreadsheetError(
                f"“{path.name}”是网页（HTML）或 XML 格式的表格，不是真正的 Excel 文件",
                hint="请用 Excel 或 WPS 打开它，另存为 .xlsx 后再导入",
            )
        if _mostly_control(text[:4096]):
            raise _not_a_spreadsheet(path)
        return cls(path, text)

    def names(self) -> list[str]:
        return [self.path.stem]

    def all_names(self) -> list[str]:
        return self.names()

    def rows(self, name: str) -> list[list[CellValue]]:
        delimiter = _delimiter(self.text[:_SNIFF_CHARS])
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=delimiter)
        try:
            rows: list[list[CellValue]] = [[_text_cell(field) for field in record] for record in reader]
        except csv.Error as exc:
            raise SpreadsheetError(
                f"“{self.path.name}”第 {reader.line_num} 行格式有误，无法读取",
                hint="请在 Excel 中打开后另存为 .xlsx 再导入",
            ) from exc
        return _trimmed(rows)


def _decoded(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM) if the bytes are valid UTF-8, else GB18030, which covers the GBK
    that Excel on Chinese Windows writes. Strict UTF-8 first: GBK bytes are almost never valid
    UTF-8, while UTF-8 bytes often decode as (wrong) GB18030. Excel's "Unicode text" is UTF-16."""
    if data.startswith(_UTF16_BOMS):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        f"无法识别“{path.name}”的文字编码", hint="请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入"
    )


def _mostly_control(sample: str) -> bool:
    """True for decoded binary: more than 1% control characters other than tab and line breaks."""
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n")
    return controls * 100 > len(sample)


def _delimiter(sample: str) -> str:
    """The delimiter that splits the most lines into the same number (> 1) of fields; a comma
    when none does (a one-column file). The Chinese comma "，" is not a candidate: it appears
    inside names and addresses."""
    best, best_score = ",", (0, 0)
    for delimiter in _CSV_DELIMITERS:
        widths: Counter[int] = Counter()
        try:
            for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter):
                if len(record) > 1:
                    widths[len(record)] += 1
        except csv.Error:
            continue
        if widths:
            width, lines = widths.most_common(1)[0]
            if (lines, width) > best_score:
                best, best_score = delimiter, (lines, width)
    return best


def _text_cell(field: str) -> CellValue:
    if "\ufeff" in field:
        field = field.replace("\ufeff", "")
    return field if field.strip() else None
