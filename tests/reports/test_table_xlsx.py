"""Summary tables as .xlsx, reopened with openpyxl: real numbers with their formats, merged
titles, safe text, and a sheet that prints from Excel like the paper version."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from stationdesk.reports.table_xlsx import sheet_name, write_table_report_xlsx
from stationdesk.services.report_types import Column, HeaderGroup, TableReport
from tests.reports.samples import CATEGORIES, COUNTIES, LEVELS

INJECTIONS = ("=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)")


def grouped_report(*, landscape: bool = True) -> TableReport:
    columns = (
        Column("县（区）", "text", 2),
        *(Column(level, "int") for _ in CATEGORIES for level in LEVELS),
        Column("挽回损失（元）", "money"),
        Column("挽回损失（万元）", "wan"),
        Column("达标率", "rate"),
        Column("最近检查", "date"),
    )
    rows = [
        (county, *range(index, index + 9), 123_450, 12_345_678, Fraction(15, 16), date(2026, 3, index + 1))
        for index, county in enumerate(COUNTIES)
    ]
    rows.append(("开发区", *[0] * 9, 0, 0, None, None))
    return TableReport(
        title="全市维权服务站点分布汇总表",
        subtitle="2026年1月1日至2026年6月30日",
        bureau_name="某某市市场监督管理局",
        printed_on=date(2026, 7, 3),
        columns=columns,
        rows=rows,
        total=(None, *[1_234] * 9, 1_358_950, 135_802_458, Fraction(2, 3), None),
        header_groups=(
            HeaderGroup("县（区）", 1),
            *(HeaderGroup(c, 3) for c in CATEGORIES),
            HeaderGroup("挽回损失", 2),
            HeaderGroup("", 1),
            HeaderGroup("", 1),
        ),
        landscape=landscape,
        sheet_name="站点分布",
        paragraphs=(
            "城关区：受理投诉 120 件，自行调解 98 件，调解成功率 92.3%，挽回经济损失 12.35 万元，先行赔付 3 起 0.50 万元。",
        ),
        notes=("注：达标率“—”表示本期无检查数据。",),
    )


def simple_report(names: list[str], **changes: Any) -> TableReport:
    report = TableReport(
        title="站点名录",
        subtitle="截至2026年6月30日",
        bureau_name="",
        printed_on=date(2026, 7, 1),
        columns=(Column("站点编号", "text"), Column("站点名称", "text", 3), Column("投诉（件）", "int")),
        rows=[(f"ZD{n:06d}", name, n) for n, name in enumerate(names)],
    )
    return replace(report, **changes)


def reopen(report: TableReport, tmp_path: Path) -> Worksheet:
    out = tmp_path / "汇总.xlsx"
    write_table_report_xlsx(report, out)
    sheet = load_workbook(out).active
    assert sheet is not None
    return sheet


def merged(sheet: Worksheet) -> set[str]:
    return {str(cell_range) for cell_range in sheet.merged_cells.ranges}


# ---------------------------------------------------------------------------------------------


def test_title_subtitle_and_print_date_head_the_sheet(tmp_path: Path) -> None:
    sheet = reopen(grouped_report(), tmp_path)
    assert sheet.title == "站点分布"
    assert sheet["A1"].value == "全市维权服务站点分布汇总表"
    assert sheet["A2"].value == "2026年1月1日至2026年6月30日"
    assert {"A1:N1", "A2:N2"} <= merged(sheet)
    assert sheet["A3"].value == "填报单位：某某市市场监督管理局"
    assert "打印日期：2026年7月3日" in [cell.value for cell in sheet[3]]
    assert sheet["A1"].font.b


def test_header_groups_are_merged_over_their_columns(tmp_path: Path) -> None:
    sheet = reopen(grouped_report(), tmp_path)
    assert [sheet.cell(4, c).value for c in (1, 2, 5, 8, 11, 13, 14)] == [
        "县（区）",
        "进商场",
        "进市场",
        "进景区",
        "挽回损失",
        "达标率",
        "最近检查",
    ]
    assert {"A4:A5", "B4:D4", "E4:G4", "H4:J4", "K4:L4", "M4:M5", "N4:N5"} <= merged(sheet)
    assert [sheet.cell(5, c).value for c in range(2, 5)] == list(LEVELS)
    assert sheet.cell(5, 11).value == "挽回损失（元）"
    header = sheet["B5"]
    assert header.font.b and header.alignment.wrap_text
    assert header.fill.fgColor.rgb.endswith("E3E3E3")
    assert header.border.left.style == "thin"


def test_numbers_are_numbers_with_excel_formats(tmp_path: Path) -> None:
    sheet = reopen(grouped_report(), tmp_path)
    row = 6  # first county
    assert sheet.cell(row, 1).value == "城关区"
    count = sheet.cell(row, 3)
    assert count.value == 1 and isinstance(count.value, int) and count.number_format == "#,##0"
    money = sheet.cell(row, 11)
    assert money.value == pytest.approx(1234.50) and money.number_format == "#,##0.00"
    wan = sheet.cell(row, 12)
    assert wan.value == pytest.approx(12.345678) and wan.number_format == "#,##0.00"
    rate = sheet.cell(row, 13)
    assert rate.value == pytest.approx(0.9375) and rate.number_format == "0.0%"
    day = sheet.cell(row, 14)
    assert day.is_date and day.value == datetime(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert all(sheet.cell(row, c).data_type == "n" for c in range(2, 14))


def test_a_change_is_a_signed_number_shown_as_excel_would(tmp_path: Path) -> None:
    report = TableReport(
        title="每周动态", subtitle="", bureau_name="", printed_on=date(2026, 11, 24),
        columns=(Column("县区"), Column("增减", "change")), rows=[("天宁区", 3), ("钟楼区", -2), ("新北区", 0)],
    )  # fmt: skip
    path = tmp_path / "change.xlsx"
    write_table_report_xlsx(report, path)
    sheet = load_workbook(path).active
    assert sheet is not None
    names = ("天宁区", "钟楼区", "新北区")
    cells = [sheet.cell(row, 2) for row in range(1, sheet.max_row + 1) if sheet.cell(row, 1).value in names]
    assert [c.value for c in cells] == [3, -2, 0]
    assert {c.number_format for c in cells} == {'+#,##0;-#,##0;"持平"'}
    assert {c.alignment.horizontal for c in cells} == {"right"}


def test_missing_values_are_a_dash_for_rates_and_empty_for_dates(tmp_path: Path) -> None:
    sheet = reopen(grouped_report(), tmp_path)
    row = 6 + len(COUNTIES)
    assert sheet.cell(row, 1).value == "开发区"
    no_rate = sheet.cell(row, 13)
    assert (no_rate.value, no_rate.data_type, no_rate.alignment.horizontal) == ("—", "s", "center")
    assert sheet.cell(row, 14).value is None


def test_totals_row_is_labelled_and_bold(tmp_path: Path) -> None:
    report = grouped_report()
    sheet = reopen(report, tmp_path)
    row = 6 + len(report.rows)
    assert sheet.cell(row, 1).value == "合计"
    assert sheet.cell(row, 2).value == 1_234
    assert sheet.cell(row, 11).value == pytest.approx(13_589.50)
    assert sheet.cell(row, 13).value == pytest.approx(2 / 3)
    assert all(sheet.cell(row, c).font.b for c in range(1, 15))
    assert not sheet.cell(row - 1, 2).font.b


def test_panes_freeze_below_the_header_rows(tmp_path: Path) -> None:
    assert reopen(grouped_report(), tmp_path).freeze_panes == "A6"
    assert reopen(simple_report(["店"]), tmp_path).freeze_panes == "A5"


def test_paragraphs_and_notes_follow_a_blank_row_merged_and_wrapped(tmp_path: Path) -> None:
    report = grouped_report()
    sheet = reopen(report, tmp_path)
    after = 6 + len(report.rows) + 1  # totals row included
    assert all(cell.value is None for cell in sheet[after])
    assert sheet.cell(after + 1, 1).value == "情况说明"
    paragraph = sheet.cell(after + 2, 1)
    assert paragraph.value == report.paragraphs[0]
    assert paragraph.alignment.wrap_text
    assert f"A{after + 2}:N{after + 2}" in merged(sheet)
    assert sheet.cell(after + 3, 1).value == report.notes[0]


def test_sheet_prints_one_page_wide_with_header_rows_repeated(tmp_path: Path) -> None:
    sheet = reopen(grouped_report(landscape=True), tmp_path)
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows.replace("$", "") == "4:5"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert reopen(simple_report(["店"]), tmp_path).page_setup.orientation == "portrait"


def test_workbook_names_its_creator(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    write_table_report_xlsx(simple_report(["店"]), out)
    assert load_workbook(out).properties.creator == "StationDesk"


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    write_table_report_xlsx(simple_report(list(INJECTIONS), bureau_name="=HYPERLINK(1)"), out)
    sheet = load_workbook(out).active
    assert sheet is not None
    for offset, text in enumerate(INJECTIONS):
        cell = sheet.cell(5 + offset, 2)
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix
    with zipfile.ZipFile(out) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_control_characters_from_pasted_text_are_dropped(tmp_path: Path) -> None:
    sheet = reopen(simple_report(["华联\x01超市\x1f"]), tmp_path)
    assert sheet["B5"].value == "华联超市"


def test_columns_are_sized_from_their_content(tmp_path: Path) -> None:
    sheet = reopen(simple_report(["新民经济技术开发区管理委员会维权服务站", "店"]), tmp_path)
    code = sheet.column_dimensions["A"].width
    name = sheet.column_dimensions["B"].width
    assert code >= len("ZD000000")
    assert name >= 2 * len("新民经济技术开发区管理委员会维权服务站")
    assert name > code


def test_an_empty_column_keeps_its_relative_width(tmp_path: Path) -> None:
    report = simple_report(["店"])
    report = replace(
        report, columns=(*report.columns[:2], Column("说明", "text", 4)), rows=[("ZD1", "店", None)]
    )
    sheet = reopen(report, tmp_path)
    assert sheet.column_dimensions["C"].width >= 4 * 6
    assert sheet.column_dimensions["A"].width < 4 * 6


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("站点分布[2026/上半年]: 汇总*?", "站点分布_2026_上半年__ 汇总__"),
        ("很" * 40, "很" * 31),
        ("'引号'", "引号"),
        ("", "汇总"),
        ("History", "汇总"),
        ("汇总\\表", "汇总_表"),
    ],
)
def test_sheet_names_obey_excel_rules(given: str, expected: str) -> None:
    assert sheet_name(given) == expected


def test_the_sanitised_sheet_name_is_used(tmp_path: Path) -> None:
    sheet = reopen(simple_report(["店"], sheet_name="分布[2026/上半年]" + "很" * 40), tmp_path)
    assert sheet.title == ("分布_2026_上半年_" + "很" * 40)[:31]


# ---------------------------------------------------------------------------------------------
# Misuse and failed writes
# ---------------------------------------------------------------------------------------------


def test_header_groups_must_cover_the_columns(tmp_path: Path) -> None:
    report = replace(grouped_report(), header_groups=(HeaderGroup("县", 1),))
    with pytest.raises(ValueError, match="跨列数"):
        write_table_report_xlsx(report, tmp_path / "r.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_previous_file_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    write_table_report_xlsx(simple_report(["上月"]), out)
    before = out.read_bytes()
    broken = simple_report(["店"])
    broken = replace(broken, rows=[*broken.rows, ("ZD9", "坏值", object())])
    with pytest.raises(TypeError):
        write_table_report_xlsx(broken, out)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.xlsx"]


def test_an_interrupted_save_removes_its_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while the zip is being written (disk full, cancel) must not leave half a file."""

    def fail_midway(self: object, stream: BinaryIO) -> None:
        stream.write(b"PK\x03\x04half")
        raise OSError("disk gone")

    monkeypatch.setattr("openpyxl.workbook.workbook.Workbook.save", fail_midway)
    with pytest.raises(OSError, match="disk gone"):
        write_table_report_xlsx(simple_report(["店"]), tmp_path / "r.xlsx")
    assert list(tmp_path.iterdir()) == []
