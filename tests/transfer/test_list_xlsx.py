"""Lists exported as .xlsx: reopened with openpyxl (types, formats, safe text, layout), cancelled
half-way (nothing left behind), and read by a different program (LibreOffice turns the file into
CSV and every cell must come out as the app meant it)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from stationdesk.errors import EnvironmentProblem
from stationdesk.reports.table_pdf import cell_text
from stationdesk.services.report_types import Cell, Column
from stationdesk.transfer.list_xlsx import ExportCancelled, ListExport, write_list_xlsx

INJECTIONS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)")
CREDIT_CODE = "91320402MA1N8QX4UB"

COLUMNS = (
    Column("站点编号", "text"),
    Column("站点名称", "text", 3),
    Column("统一社会信用代码", "text"),
    Column("受理（件）", "int"),
    Column("挽回损失（元）", "money"),
    Column("先行赔付资金（万元）", "wan"),
    Column("调解成功率", "rate"),
    Column("建站日期", "date"),
)
ROWS: list[tuple[Cell, ...]] = [
    ("3204020001", "常州市天宁区某某超市消费维权服务站", CREDIT_CODE, 1234, 123_450, 12_345_678, Fraction(15, 16),
     date(2017, 9, 1)),
    ("0012", INJECTIONS[0], "320402199001011234", 0, 0, 0, None, None),
    ("3204020003", ' 逗号, "引号"\n换行 ', "", -5, -1, 9_999_999_999, Fraction(2, 3), date(1999, 12, 31)),
    ("3204\x07020004", "响铃\x07字符", None, 1_234_567, 1, 1, Fraction(1, 1000), date(2026, 1, 1)),
    (INJECTIONS[1], INJECTIONS[2], INJECTIONS[3], "—", "—", None, "—", "不详"),
    ("#N/A", "站", "Z" * 3, 7, 99_999_999_99, 10**12, 1, date(2026, 2, 28)),
]  # fmt: skip
"""Every kind, a value of each awkward sort: leading zeros, long digit strings, formulas, CSV
metacharacters, control characters, placeholders in number columns, negatives, extremes."""


BASE = ListExport("站点台账", COLUMNS, ROWS, total=len(ROWS))


def export(**changes: Any) -> ListExport:
    return replace(BASE, **changes)


def reopen(path: Path) -> Worksheet:
    sheet = load_workbook(path).active
    assert isinstance(sheet, Worksheet)
    return sheet


def written(tmp_path: Path, list_export: ListExport | None = None) -> Worksheet:
    out = tmp_path / "list.xlsx"
    write_list_xlsx(list_export or export(), out)
    return reopen(out)


# ---------------------------------------------------------------------------------------------
# The file as openpyxl reads it back
# ---------------------------------------------------------------------------------------------


def test_row_one_is_the_headings_bold_on_grey_and_frozen(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    assert [cell.value for cell in sheet[1]] == [column.title for column in COLUMNS]
    heading = sheet["B1"]
    assert heading.font.b and heading.alignment.wrap_text
    assert heading.fill.fgColor.rgb.endswith("E3E3E3")
    assert sheet.freeze_panes == "A2"
    assert sheet.title == "站点台账"
    assert sheet.max_row == 1 + len(ROWS)


def test_numbers_and_dates_are_real_with_excel_formats(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    count, money, wan, rate, day = (sheet.cell(2, column) for column in range(4, 9))
    assert (count.value, count.data_type, count.number_format) == (1234, "n", "#,##0")
    assert isinstance(count.value, int)
    assert (money.value, money.number_format) == (1234.5, "#,##0.00")
    assert (wan.value, wan.number_format) == (pytest.approx(12.345678), "#,##0.00")
    assert (rate.value, rate.number_format) == (0.9375, "0.0%")
    assert day.is_date and day.value == datetime(2017, 9, 1) and day.number_format == "yyyy-mm-dd"
    negative = sheet.cell(4, 5)
    assert (negative.value, negative.number_format) == (-0.01, "#,##0.00")
    assert sheet.cell(7, 7).value == 1  # a whole rate (100%) stays a number


def test_codes_stay_text_with_leading_zeros_and_every_character(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    for row, code in ((2, "3204020001"), (3, "0012")):
        cell = sheet.cell(row, 1)
        assert (cell.value, cell.data_type) == (code, "s")
    credit, long_digits = sheet.cell(2, 3), sheet.cell(3, 3)
    assert (credit.value, credit.data_type) == (CREDIT_CODE, "s")
    assert (long_digits.value, long_digits.data_type) == ("320402199001011234", "s")


def test_text_that_looks_like_a_formula_or_an_error_stays_text(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    cells = [sheet.cell(3, 2), sheet.cell(6, 1), sheet.cell(6, 2), sheet.cell(6, 3)]
    for cell, text in zip(cells, INJECTIONS, strict=True):
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix  # Excel's leading apostrophe: still text after editing
    error_like = sheet.cell(7, 1)
    assert (error_like.value, error_like.data_type) == ("#N/A", "s")


def test_control_characters_are_dropped_and_other_text_kept_exactly(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    assert sheet.cell(5, 1).value == "3204020004"
    assert sheet.cell(5, 2).value == "响铃字符"
    assert sheet.cell(4, 2).value == ' 逗号, "引号"\n换行 '


def test_placeholders_in_number_columns_are_text_and_missing_values_empty(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    assert [sheet.cell(6, column).value for column in range(4, 9)] == ["—", "—", None, "—", "不详"]
    assert sheet.cell(6, 4).data_type == "s"
    assert sheet.cell(3, 7).value is None and sheet.cell(3, 8).value is None
    assert sheet.cell(4, 3).value is None  # "" is an empty cell, not an empty string


def test_auto_filter_covers_the_headings_and_every_row(tmp_path: Path) -> None:
    assert written(tmp_path).auto_filter.ref == f"A1:H{1 + len(ROWS)}"
    empty = written(tmp_path, export(rows=[], total=0))
    assert empty.auto_filter.ref == "A1:H1"
    assert empty.max_row == 1


def test_columns_are_as_wide_as_their_content_counting_chinese_double(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGH"}
    name = "常州市天宁区某某超市消费维权服务站"
    assert widths["B"] == pytest.approx(2 * len(name) + 2)
    assert widths["C"] == pytest.approx(len("320402199001011234") + 2)
    assert widths["F"] == pytest.approx(2 * len("先行赔付资金（万元）") + 4)  # heading + filter button
    assert all(6 <= width <= 60 for width in widths.values())
    assert all(width > 8.43 for width in widths.values())  # wider than Excel's default column


def test_a_very_long_value_is_capped_and_a_short_column_has_a_minimum(tmp_path: Path) -> None:
    sheet = written(
        tmp_path, export(columns=(Column("名"), Column("n", "int")), rows=[("长" * 100, 1)], total=1)
    )
    assert sheet.column_dimensions["A"].width == 60
    assert sheet.column_dimensions["B"].width == 6


def test_note_goes_into_the_properties_not_the_sheet(tmp_path: Path) -> None:
    out = tmp_path / "list.xlsx"
    note = "筛选条件：天宁区；个人信息已隐去"
    write_list_xlsx(export(note=note), out)
    workbook = load_workbook(out)
    assert workbook.properties.creator == "StationDesk"
    assert workbook.properties.title == "站点台账"
    assert workbook.properties.description == note
    sheet = workbook.active
    assert sheet is not None
    assert note not in {cell.value for row in sheet.iter_rows() for cell in row}


def test_sheet_prints_one_page_wide_with_the_headings_repeated(tmp_path: Path) -> None:
    sheet = written(tmp_path)
    assert sheet.page_setup.orientation == "portrait"  # 8 columns
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "1:1"
    wide = (*COLUMNS, Column("备注"))
    rows = [(*row, "") for row in ROWS]
    assert written(tmp_path, export(columns=wide, rows=rows)).page_setup.orientation == "landscape"


def test_sheet_title_is_made_acceptable_to_excel(tmp_path: Path) -> None:
    assert written(tmp_path, export(title="调解记录[2026/03]")).title == "调解记录_2026_03_"


# ---------------------------------------------------------------------------------------------
# Progress, cancelling and failures
# ---------------------------------------------------------------------------------------------


def many(count: int) -> Iterator[tuple[Cell, ...]]:
    for number in range(count):
        yield (f"{number:010d}", "站", number, number, number, None, None, date(2026, 1, 1))


@pytest.fixture
def openpyxl_scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder openpyxl streams rows into, private to the test so leftovers can be seen."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    return scratch


def test_progress_is_reported_every_500_rows_and_at_the_end(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    count = write_list_xlsx(
        export(rows=many(1200), total=1200),
        tmp_path / "a.xlsx",
        on_progress=lambda done, total: calls.append((done, total)) is None,
    )
    assert count == 1200
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]
    calls.clear()
    write_list_xlsx(
        export(rows=many(1000), total=None),
        tmp_path / "b.xlsx",
        on_progress=lambda done, total: calls.append((done, total)) is None,
    )
    assert calls == [(500, 0), (1000, 0)]  # total unknown: 0; no repeated last call


def test_cancelling_raises_and_leaves_no_file_and_no_temporary_file(
    tmp_path: Path, openpyxl_scratch: Path
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    rows = many(5000)
    with pytest.raises(ExportCancelled):
        write_list_xlsx(
            export(rows=rows, total=5000), folder / "list.xlsx", on_progress=lambda done, _total: done < 1000
        )
    assert list(folder.iterdir()) == []
    assert list(openpyxl_scratch.iterdir()) == []
    assert len(list(rows)) == 4000  # stopped reading at the cancel


def test_cancelling_keeps_the_file_that_was_there(tmp_path: Path) -> None:
    out = tmp_path / "list.xlsx"
    out.write_bytes(b"earlier export")
    with pytest.raises(ExportCancelled):
        write_list_xlsx(export(), out, on_progress=lambda _done, _total: False)
    assert out.read_bytes() == b"earlier export"
    assert list(tmp_path.iterdir()) == [out]


def test_a_value_of_the_wrong_kind_names_its_column_and_writes_nothing(
    tmp_path: Path, openpyxl_scratch: Path
) -> None:
    bad = [*many(300), ("1", "站", "", 1.5, 0, 0, None, None)]  # after the rows sampled for widths
    with pytest.raises(TypeError, match="受理（件）"):
        write_list_xlsx(export(rows=bad), tmp_path / "list.xlsx")
    assert not (tmp_path / "list.xlsx").exists()
    assert list(openpyxl_scratch.iterdir()) == []


def test_a_row_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="列表有 8 列"):
        write_list_xlsx(export(rows=[("1", "站")]), tmp_path / "list.xlsx")


def test_a_missing_folder_is_an_environment_problem(tmp_path: Path, openpyxl_scratch: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="不存在"):
        write_list_xlsx(export(), tmp_path / "gone" / "list.xlsx")
    assert list(openpyxl_scratch.iterdir()) == []


def test_a_list_without_columns_is_a_bug(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="没有列"):
        write_list_xlsx(export(columns=(), rows=[]), tmp_path / "list.xlsx")


# ---------------------------------------------------------------------------------------------
# A different program reads it: LibreOffice converts the export to CSV
# ---------------------------------------------------------------------------------------------

CSV_FILTER = "Text - txt - csv (StarCalc)"
RAW_OPTIONS = "44,34,76,1,,0,false,true,false"
"""Comma, double quote, UTF-8, from line 1, no import formats, default language, quote only the
text that needs it, (import-only token), and the 9th token false: values as stored, not as
shown, so a number comes out in full, without thousands separators."""
SHOWN_OPTIONS = "44,34,76,1,,0,false,true,true"
"""The same, but every cell as its number format shows it (what a user sees in the sheet)."""


@pytest.fixture(scope="module")
def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if os.environ.get("STATIONDESK_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(
                "LibreOffice (soffice) is required (STATIONDESK_REQUIRE_LIBREOFFICE=1) but not installed"
            )
        pytest.skip("LibreOffice (soffice) is not installed")
    return exe


def libreoffice_csv(soffice: str, xlsx: Path, options: str, work: Path) -> list[list[str]]:
    """`xlsx` converted to CSV by LibreOffice with a private profile (concurrent runs don't
    share one), in an English number locale so separators are "," and "."."""
    out = work / f"csv-{options.replace(',', '_')}"
    command = [
        soffice,
        f"-env:UserInstallation={(work / 'lo-profile').as_uri()}",
        "--headless",
        "--convert-to",
        f"csv:{CSV_FILTER}:{options}",
        "--outdir",
        str(out),
        str(xlsx),
    ]
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env, check=False)
    produced = out / f"{xlsx.stem}.csv"
    assert result.returncode == 0 and produced.exists(), result.stdout + result.stderr
    with produced.open(encoding="utf-8", newline="") as stream:
        return list(csv.reader(stream))


def libreoffice_number(value: float) -> str:
    """A number as LibreOffice writes a stored value: up to 15 significant digits, no exponent,
    no trailing zeros ("1234.5", "-0.01", "66.6666666666667")."""
    return f"{Decimal(format(value, '.15g')):f}"


def raw_text(column: Column, value: Cell) -> str:
    """What the CSV must hold for a stored value: text as written (control characters gone),
    numbers in full (fen as 元 or 万元), a rate as its percentage, a date in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\x07", "")
    if column.kind == "money":
        assert isinstance(value, int)
        return libreoffice_number(value / 100)
    if column.kind == "wan":
        assert isinstance(value, int)
        return libreoffice_number(value / 1_000_000)
    if column.kind == "rate":
        assert isinstance(value, Fraction | int)
        return libreoffice_number(float(value) * 100) + "%"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def shown_text(column: Column, value: Cell) -> str:
    """What the CSV must hold as shown: exactly what the app prints on paper ("1,234.50",
    "93.8%", "2017-09-01"); an empty cell stays empty (paper prints a missing rate as "—")."""
    if value is None:
        return ""
    return cell_text(column, value).replace("\x07", "")


def test_libreoffice_reads_every_cell_as_written(soffice: str, tmp_path: Path) -> None:
    xlsx = tmp_path / "list.xlsx"
    write_list_xlsx(export(), xlsx)
    headings = [column.title for column in COLUMNS]

    raw = libreoffice_csv(soffice, xlsx, RAW_OPTIONS, tmp_path)
    assert raw[0] == headings
    assert raw[1:] == [[raw_text(c, v) for c, v in zip(COLUMNS, row, strict=True)] for row in ROWS]
    assert raw[1][4:7] == ["1234.5", "12.345678", "93.75%"]  # spelled out once, as a reader sees it

    shown = libreoffice_csv(soffice, xlsx, SHOWN_OPTIONS, tmp_path)
    assert shown[0] == headings
    assert shown[1:] == [[shown_text(c, v) for c, v in zip(COLUMNS, row, strict=True)] for row in ROWS]
    assert shown[1][3:8] == ["1,234", "1,234.50", "12.35", "93.8%", "2017-09-01"]


# ---------------------------------------------------------------------------------------------
# Size
# ---------------------------------------------------------------------------------------------

WIDE = (
    Column("站点编号"), Column("站点名称", "text", 3), Column("五进类别"), Column("站点形式"), Column("示范级别"),
    Column("所属县区"), Column("街道乡镇"), Column("依托单位", "text", 2), Column("统一社会信用代码"),
    Column("联系电话"), Column("建站日期", "date"), Column("2026年受理", "int"), Column("自行调解率", "rate"),
    Column("挽回损失（元）", "money"), Column("最近受理", "date"),
)  # fmt: skip


def register_rows(count: int) -> Iterator[tuple[Cell, ...]]:
    for n in range(count):
        yield (
            f"32040{n:05d}", f"常州市天宁区某某超市第{n}分店消费维权服务站", "进超市", "消费维权服务站", "普通站点",
            "天宁区", "红梅街道", f"常州某某商贸有限公司{n}", CREDIT_CODE, "13912345678",
            date(2017, 1 + n % 12, 1 + n % 28), n % 300, Fraction(n % 97, 97) if n % 5 else None, n * 37,
            date(2026, 3, 1 + n % 28),
        )  # fmt: skip


@pytest.mark.slow
def test_twenty_thousand_rows_of_fifteen_columns(tmp_path: Path) -> None:
    out = tmp_path / "register.xlsx"
    started = time.perf_counter()
    count = write_list_xlsx(ListExport("站点台账", WIDE, register_rows(20_000), total=20_000), out)
    seconds = time.perf_counter() - started
    print(f"\n20,000 rows × 15 columns written in {seconds:.2f} s ({out.stat().st_size / 1e6:.1f} MB)")
    assert count == 20_000
    book = load_workbook(out, read_only=True)
    try:
        sheet = book.active
        assert sheet is not None
        last = next(sheet.iter_rows(min_row=20_001, max_row=20_001, values_only=True))
    finally:
        book.close()  # a read-only workbook holds the file open until closed
    assert last[0] == "3204019999" and last[13] == pytest.approx(19_999 * 37 / 100)
