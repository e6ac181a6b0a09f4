"""Reading the spreadsheets bureaus actually have: real files built here with openpyxl (and, where
LibreOffice is installed, converted to .xls and .ods), CSVs in the encodings Excel writes, and the
broken, renamed and protected files users pick by mistake."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.styles import Font

from stationdesk.transfer.sheets import SpreadsheetError, read_sheet, sheet_names

TITLE = "2024年常州市消费维权服务站名册"
HEADER = ["序号", "站点名称", "县区", "依托单位", "联系电话", "建站日期", "站点编号", "备注"]
# fmt: off
BODY: list[list[object]] = [
    [1, "红梅超市维权站", "天宁区", "红梅超市有限公司", 13812345678, date(2017, 9, 1), 3204020001, "\ufeff首站"],
    [2, "南大街商场维权站", None, "南大街商场", "０５１９-８８８８１２３４", datetime(2018, 3, 5, 9, 30), 3204020002],
    [3, "天宁农贸市场维权站", None, "天宁农贸市场", 13900001111, date(2019, 1, 2), 3204020003, "  "],
    [4, "钟楼景区维权站", "钟楼区", "钟楼景区管理处", 12.5, None, 3204040001],
]
# fmt: on


def _roster_workbook() -> Workbook:
    """A roster as bureaus lay it out: a merged title row, the header, 县区 merged down."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "名册"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:H1")
    sheet.append(HEADER)
    for row in BODY:
        sheet.append(row)
    sheet.merge_cells("C3:C5")
    sheet["L20"] = "   "  # a cell that only holds spaces is as empty as it looks
    second = workbook.create_sheet("说明")
    second["B3"] = "填表说明"
    second["C4"] = "县区请填写全称"
    workbook.create_sheet("空表")
    hidden = workbook.create_sheet("字典")
    hidden["A1"] = "进商场"
    hidden.sheet_state = "hidden"
    return workbook


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "名册.xlsx"
    _roster_workbook().save(path)
    return path


def _error(path: Path, sheet: str | int | None = None) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as caught:
        read_sheet(path, sheet)
    return caught.value


def test_the_first_sheet_is_read_with_its_values_as_typed(roster: Path) -> None:
    data = read_sheet(roster)

    assert data.name == "名册"
    assert data.rows[1] == HEADER
    assert data.rows[2] == [
        1,
        "红梅超市维权站",
        "天宁区",
        "红梅超市有限公司",
        13812345678,
        date(2017, 9, 1),
        3204020001,
        "首站",
    ]
    assert data.rows[3][4] == "０５１９-８８８８１２３４", "full-width digits are the domain's to fold"
    assert data.rows[3][5] == datetime(2018, 3, 5, 9, 30)


def test_whole_numbers_come_back_as_int_so_codes_and_phones_print_without_point_zero(roster: Path) -> None:
    row = read_sheet(roster).rows[2]

    assert type(row[4]) is int and str(row[4]) == "13812345678"
    assert type(row[6]) is int and str(row[6]) == "3204020001"
    assert read_sheet(roster).rows[5][4] == 12.5


def test_merged_cells_repeat_their_value_over_the_whole_range(roster: Path) -> None:
    rows = read_sheet(roster).rows

    assert rows[0] == [TITLE] * 8
    assert [row[2] for row in rows[2:6]] == ["天宁区", "天宁区", "天宁区", "钟楼区"]


def test_trailing_empty_rows_and_columns_are_trimmed_and_rows_are_rectangular(roster: Path) -> None:
    rows = read_sheet(roster).rows

    assert len(rows) == 6, "the spaces-only cell in L20 does not make 20 rows"
    assert {len(row) for row in rows} == {8}
    assert rows[4][7] is None and rows[3][7] is None, "blank and spaces-only cells are None"


def test_row_and_column_indexes_match_the_spreadsheet_so_messages_can_quote_row_numbers(roster: Path) -> None:
    data = read_sheet(roster, "说明")

    assert data.rows[2][1] == "填表说明"  # B3
    assert data.rows[3][2] == "县区请填写全称"  # C4
    assert data.rows[0] == [None, None, None]


def test_sheets_are_listed_in_order_without_hidden_ones_and_chosen_by_name_or_index(roster: Path) -> None:
    assert sheet_names(roster) == ["名册", "说明", "空表"]
    assert read_sheet(roster, 1).name == "说明"
    assert read_sheet(roster, " 说明 ").name == "说明"
    assert read_sheet(roster, "字典").rows == [["进商场"]], "a hidden sheet can still be read by name"


def test_an_unknown_sheet_is_refused_with_the_sheets_there_are(roster: Path) -> None:
    error = _error(roster, "汇总")

    assert "名册.xlsx" in error.message and "“汇总”" in error.message
    assert error.hint == "现有工作表：名册、说明、空表"
    assert "第 9 个" in _error(roster, 8).message


def test_asking_for_an_empty_sheet_points_to_the_others(roster: Path) -> None:
    error = _error(roster, "空表")

    assert error.message == "“名册.xlsx”的工作表“空表”是空的"
    assert "名册、说明" in error.hint


def test_the_first_sheet_with_data_is_taken_when_earlier_ones_are_empty(tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "封面"  # type: ignore[union-attr]
    workbook.create_sheet("数据")["A1"] = "站点名称"
    path = tmp_path / "skip.xlsx"
    workbook.save(path)

    assert read_sheet(path).name == "数据"


def test_a_workbook_whose_sheets_are_all_empty_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    Workbook().save(path)

    assert _error(path).message == "“空.xlsx”的工作表“Sheet”是空的"


def test_a_csv_in_utf8_with_bom_is_one_sheet_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "站点.csv"
    text = '站点名称,县区,备注\r\n红梅超市维权站,天宁区,"一行，\n两行"\r\n南大街商场,,\r\n,,\r\n'
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert sheet_names(path) == ["站点"]
    data = read_sheet(path)
    assert data.name == "站点"
    assert data.rows == [
        ["站点名称", "县区", "备注"],
        ["红梅超市维权站", "天宁区", "一行，\n两行"],
        ["南大街商场", None, None],
    ]
    assert read_sheet(path, "站点").rows == data.rows


def test_a_gbk_csv_written_by_chinese_excel_is_read_and_its_tab_delimiter_found(tmp_path: Path) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("站点名称\t地址\n红梅超市，天宁店\t常州市天宁区, 红梅路1号\n".encode("gbk"))

    assert read_sheet(path).rows == [["站点名称", "地址"], ["红梅超市，天宁店", "常州市天宁区, 红梅路1号"]]


def test_a_semicolon_csv_is_split_on_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "semi.txt"
    path.write_text("站点名称;电话\n红梅超市;0519-88881234\n", encoding="utf-8")

    assert read_sheet(path).rows[1] == ["红梅超市", "0519-88881234"]


def test_a_tab_separated_text_saved_as_xls_by_a_web_system_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "导出.xls"
    path.write_bytes("站点名称\t县区\n红梅超市\t天宁区\n".encode("gb18030"))

    assert read_sheet(path).rows == [["站点名称", "县区"], ["红梅超市", "天宁区"]]


def test_an_xlsx_named_csv_is_read_as_the_workbook_it_is(roster: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "really.csv"
    shutil.copy(roster, renamed)

    assert read_sheet(renamed).rows[1] == HEADER


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    error = _error(tmp_path / "不存在.xlsx")

    assert error.message == "找不到文件“不存在.xlsx”"


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "零.xlsx"
    path.write_bytes(b"")

    assert _error(path).message == "文件“零.xlsx”是空的（0 字节）"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", id="pdf"),
        pytest.param(random.Random(7).randbytes(4096), id="random-bytes"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)

    assert _error(path).message == "“x.xlsx”不是 Excel 或 CSV 文件"


def test_a_word_document_renamed_xlsx_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "通知.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")

    assert _error(path).message == "“通知.xlsx”不是 Excel 或 CSV 文件"


def test_an_html_table_saved_as_xls_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "平台导出.xls"
    path.write_text("<html><body><table><tr><td>站点名称</td></tr></table></body></html>", encoding="utf-8")

    error = _error(path)
    assert "平台导出.xls" in error.message and "HTML" in error.message
    assert "另存为 .xlsx" in error.hint


def test_a_truncated_xlsx_is_reported_as_damaged(roster: Path, tmp_path: Path) -> None:
    path = tmp_path / "半个.xlsx"
    content = roster.read_bytes()
    path.write_bytes(content[: len(content) // 2])

    error = _error(path)
    assert error.message == "“半个.xlsx”已损坏或不完整，无法读取"
    assert "重新获取" in error.hint


def test_a_password_protected_workbook_is_recognised_before_calamine_fails_on_it(tmp_path: Path) -> None:
    """Office saves an encrypted .xlsx as an OLE container holding an "EncryptedPackage" stream."""
    path = tmp_path / "加密.xlsx"
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(504)
    path.write_bytes(header + bytes(1024) + "EncryptedPackage".encode("utf-16-le") + bytes(2048))

    error = _error(path)
    assert error.message == "文件“加密.xlsx”受密码保护，请在 Excel 中取消密码后再导入"
    assert _error_of_names(path).message == error.message


def _error_of_names(path: Path) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as caught:
        sheet_names(path)
    return caught.value


def _in_child(code: str, *args: Path | int) -> str:
    """Run `code` in a fresh interpreter and return what it printed. Reading some files makes
    calamine abort the whole process (a failed allocation is not an exception); if a guard
    regresses, that child dies and the test fails, instead of the test run vanishing."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True, encoding="utf-8", timeout=300, cwd=Path(__file__).parents[2],
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "RUST_BACKTRACE": "0"},
    )  # fmt: skip
    assert done.returncode == 0, f"the reader killed the process ({done.returncode}): {done.stderr[-1500:]}"
    return done.stdout.strip()


_READ_ONE = """
import sys
from pathlib import Path
from stationdesk.transfer.sheets import SpreadsheetError, read_sheet
try:
    print(len(read_sheet(Path(sys.argv[1])).rows))
except SpreadsheetError as exc:
    print(exc.message)
"""

# Damages copies of a file the ways files get damaged (bytes overwritten, cut short, a block
# zeroed or garbled, numbers turned to 0 or 0xFFFFFFFF) and reads each: every one must be read or
# refused with a message naming it. Prints how many were refused.
_READ_DAMAGED = """
import random, sys
from pathlib import Path
from stationdesk.transfer.sheets import SpreadsheetError, read_sheet
original, folder, seed = Path(sys.argv[1]).read_bytes(), Path(sys.argv[2]), int(sys.argv[3])
rng, refused = random.Random(seed), 0
for number in range(150):
    damaged, how = bytearray(original), number % 4
    if how == 0:
        for _hit in range(rng.randint(1, 20)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    elif how == 1:
        damaged = damaged[: rng.randrange(len(damaged))]
    elif how == 2:
        start = rng.randrange(len(damaged) // 512) * 512
        damaged[start : start + 512] = rng.choice([bytes(512), rng.randbytes(512)])
    else:
        for _hit in range(rng.randint(1, 4)):
            at = rng.randrange(len(damaged) - 4)
            damaged[at : at + 4] = rng.choice([bytes(4), b"\\xff\\xff\\xff\\xff", b"\\xfe\\xff\\xff\\xff"])
    path = folder / f"坏{number}{Path(sys.argv[1]).suffix}"
    path.write_bytes(damaged)
    try:
        read_sheet(path)
    except SpreadsheetError as exc:
        assert path.name in exc.message, exc.message
        refused += 1
print(refused)
"""


def test_damaged_xlsx_files_give_a_message_never_a_raw_reader_error(roster: Path, tmp_path: Path) -> None:
    refused = int(_in_child(_READ_DAMAGED, roster, tmp_path, 3))

    assert refused > 75, "most damaged copies cannot be read"


def test_a_stray_cell_far_from_the_data_is_refused_instead_of_crashing_the_app(tmp_path: Path) -> None:
    """calamine would allocate A1:XFD1048576 at once (500 GB) and abort the process."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "站点名称"
    sheet["XFD1048576"] = " "
    path = tmp_path / "远处.xlsx"
    workbook.save(path)

    message = _in_child(_READ_ONE, path)
    assert message == "“远处.xlsx”中的工作表范围过大（数据一直延伸到 XFD1048576），无法导入"


def test_a_far_cell_that_is_only_formatted_does_not_count(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet["A1"] = "站点名称"
    sheet["XFD1048576"].font = Font(bold=True)
    path = tmp_path / "格式.xlsx"
    workbook.save(path)

    assert _in_child(_READ_ONE, path) == "1"


def test_a_workbook_written_without_a_dimension_record_is_read(tmp_path: Path) -> None:
    """openpyxl's write-only mode (like some exporters) writes no <dimension>; the cells are scanned."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名册")
    sheet.append(["站点名称", "县区"])
    sheet.append(["红梅超市", "天宁区"])
    path = tmp_path / "流式.xlsx"
    workbook.save(path)

    assert read_sheet(path).rows == [["站点名称", "县区"], ["红梅超市", "天宁区"]]


# ---------------------------------------------------------------------------------------------
# .xls and .ods, converted from the roster by LibreOffice where it is installed


def _convert(source: Path, target: str, out: Path) -> Path:
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        pytest.skip("LibreOffice is not installed: cannot make an .xls or .ods to read")
    profile = (out / "lo-profile").as_uri()
    subprocess.run(
        [office, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out / f"{source.stem}.{target}"


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("converted")
    source = folder / "名册.xlsx"
    _roster_workbook().save(source)
    return {target: _convert(source, target, folder) for target in ("xls", "ods")}


def test_an_xls_reads_like_the_xlsx_it_was_saved_from(converted: dict[str, Path], roster: Path) -> None:
    xls = read_sheet(converted["xls"])

    assert xls.rows == read_sheet(roster).rows
    assert sheet_names(converted["xls"]) == ["名册", "说明", "空表"]


def test_an_ods_is_read_with_its_values(converted: dict[str, Path]) -> None:
    rows = read_sheet(converted["ods"]).rows

    assert rows[1] == HEADER
    assert rows[2][1:7] == [
        "红梅超市维权站",
        "天宁区",
        "红梅超市有限公司",
        13812345678,
        date(2017, 9, 1),
        3204020001,
    ]


def test_damaged_xls_files_give_a_message_never_a_raw_reader_error(
    converted: dict[str, Path], tmp_path: Path
) -> None:
    """Some damaged .xls files make calamine panic (PanicException, a BaseException); those whose
    DIMENSIONS or cell records lie made it abort the process before the checks in front of it."""
    for seed in (5, 7):
        folder = tmp_path / str(seed)
        folder.mkdir()
        assert int(_in_child(_READ_DAMAGED, converted["xls"], folder, seed)) > 50


def test_an_xls_whose_dimensions_record_lies_is_damaged_not_fatal(
    converted: dict[str, Path], tmp_path: Path
) -> None:
    content = bytearray(converted["xls"].read_bytes())
    dimensions = content.find(b"\x00\x02\x0e\x00")  # the first sheet's DIMENSIONS record (BIFF8)
    assert dimensions > 0
    content[dimensions + 4 : dimensions + 8] = (54).to_bytes(4, "little")  # first row past the last
    path = tmp_path / "尺寸.xls"
    path.write_bytes(content)

    assert _in_child(_READ_ONE, path) == "“尺寸.xls”已损坏或不完整，无法读取"


def test_a_cut_short_xls_is_damaged_not_fatal(converted: dict[str, Path], tmp_path: Path) -> None:
    path = tmp_path / "半个.xls"
    path.write_bytes(converted["xls"].read_bytes()[:925])  # an interrupted copy or download

    assert _in_child(_READ_ONE, path) == "“半个.xls”已损坏或不完整，无法读取"


@pytest.mark.slow
def test_a_twenty_thousand_row_roster_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("名册")
    sheet.append([f"列{column}" for column in range(15)])
    for row in range(20_000):
        sheet.append([f"站点{row}", 3204020001 + row, 13812345678, 12.5, date(2020, 1, 1 + row % 28), "天宁区",
                      "红梅路1号", row, row * 1.5, "是", None, "备注", "甲", 1.0, "常州市"])  # fmt: skip
    workbook.save(path)

    started = time.perf_counter()
    data = read_sheet(path)
    print(f"read_sheet: 20,001 × 15 in {time.perf_counter() - started:.2f} s")

    assert len(data.rows) == 20_001
    assert data.rows[-1][:2] == ["站点19999", 3204040000]
