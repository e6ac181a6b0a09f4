"""Summary tables as PDF, checked on the real file with poppler: what prints, in which font, on
how many pages, and that nothing runs off the paper."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from stationdesk.reports.fonts import FONT, missing_glyphs
from stationdesk.reports.table_pdf import (
    MARGIN_X,
    cell_text,
    table_report_pdf,
    write_table_report_pdf,
)
from stationdesk.services.report_types import Cell, Column, ColumnKind, HeaderGroup, TableReport
from tests.conftest import Poppler
from tests.reports.samples import CATEGORIES, COUNTIES, LEVELS


def grouped_report(*, landscape: bool = True) -> TableReport:
    """12 counties × (3 categories × 3 levels), with money, rate and a totals row."""
    columns = (
        Column("县（区）", "text", 2),
        *(Column(level, "int") for _ in CATEGORIES for level in LEVELS),
        Column("挽回损失（元）", "money", 1.8),
        Column("达标率", "rate", 1.1),
    )
    rows = [
        (county, *range(index, index + 9), 123_450, Fraction(15, 16)) for index, county in enumerate(COUNTIES)
    ]
    rows.append(("开发区", 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, None))
    return TableReport(
        title="全市维权服务站点分布汇总表",
        subtitle="2026年1月1日至2026年6月30日",
        bureau_name="某某市市场监督管理局",
        printed_on=date(2026, 7, 3),
        columns=columns,
        rows=rows,
        total=(None, *([99] * 9), 1_358_950, Fraction(2, 3)),
        header_groups=(
            HeaderGroup("县（区）", 1),
            *(HeaderGroup(c, 3) for c in CATEGORIES),
            *[HeaderGroup("", 1)] * 2,
        ),
        landscape=landscape,
        paragraphs=("城关区：受理投诉 120 件，自行调解 98 件，调解成功率 92.3%，挽回经济损失 12.35 万元。",),
        notes=("注：达标率“—”表示本期无检查数据。",),
    )


def list_report(rows: int, *, last_column_name: str = "") -> TableReport:
    """A station list; the last column (the page's right edge) holds a name when one is given."""
    columns = (
        Column("序号", "int", 0.6),
        Column("站点编号", "text", 1.3),
        Column("县（区）", "text", 1),
        Column("建站日期", "date", 1.1),
        Column("站点名称", "text", 2.5),
    )
    body = [
        (
            n + 1,
            f"ZD{n:06d}",
            COUNTIES[n % len(COUNTIES)],
            date(2021, 1, 1),
            last_column_name or "华联超市维权服务站",
        )
        for n in range(rows)
    ]
    return TableReport(
        title="维权服务站点名录",
        subtitle="截至2026年6月30日",
        bureau_name="",
        printed_on=date(2026, 7, 1),
        columns=columns,
        rows=body,
    )


PdfOf = Callable[..., Path]


@pytest.fixture
def pdf_of(tmp_path: Path) -> PdfOf:
    def render(report: TableReport, name: str = "report.pdf") -> Path:
        out = tmp_path / name
        write_table_report_pdf(report, out)
        return out

    return render


def squeeze(text: str) -> str:
    """Text without whitespace: pdftotext drops or keeps the spaces between Chinese words at will."""
    return re.sub(r"\s+", "", text)


def pdf_info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return {
        key: value.strip() for key, value in (line.split(":", 1) for line in out.splitlines() if ":" in line)
    }


def words(pdf: Path) -> tuple[float, list[tuple[float, float, float, str]]]:
    """pdftotext -bbox: the first page's width and its words as (xMin, yMin, xMax, text)."""
    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', html).group(1))  # type: ignore[union-attr]
    found = [
        (float(x0), float(y0), float(x1), text)
        for x0, y0, x1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', html
        )
    ]
    return width, found


# ---------------------------------------------------------------------------------------------


def test_only_the_bundled_font_is_used_embedded_and_subset(poppler: Poppler, pdf_of: PdfOf) -> None:
    fonts = poppler.fonts(pdf_of(grouped_report()))
    assert fonts
    for font in fonts:
        assert re.fullmatch(rf"[A-Z]{{6}}\+{FONT}(-\d+)?", font["name"]), font
        assert (font["emb"], font["sub"]) == ("yes", "yes"), font


def test_the_page_shows_title_headers_figures_and_totals(poppler: Poppler, pdf_of: PdfOf) -> None:
    text = poppler.text(pdf_of(grouped_report()))
    for expected in (
        "某某市市场监督管理局",
        "全市维权服务站点分布汇总表",
        "2026年1月1日至2026年6月30日",
        "填报单位：某某市市场监督管理局",
        "打印日期：2026年7月3日",
        *CATEGORIES,
        "省级",
        "安平县",
        "1,234.50",
        "13,589.50",
        "93.8%",
        "66.7%",
        "—",
        "合计",
        "情况说明",
        "挽回经济损失 12.35 万元",
        "注：达标率",
    ):
        assert expected in text, expected
    assert "第1页共1页" in squeeze(text)


def test_metadata_names_the_report_and_the_program(poppler: Poppler, pdf_of: PdfOf) -> None:
    info = pdf_info(pdf_of(grouped_report()))
    assert info["Title"] == "全市维权服务站点分布汇总表"
    assert info["Author"] == "StationDesk"
    assert info["Creator"] == "StationDesk"


def test_orientation_follows_the_report(poppler: Poppler, pdf_of: PdfOf) -> None:
    wide_w, wide_h = poppler.page_size(pdf_of(grouped_report(landscape=True), "wide.pdf"))
    tall_w, tall_h = poppler.page_size(pdf_of(grouped_report(landscape=False), "tall.pdf"))
    assert wide_w > wide_h
    assert tall_h > tall_w
    assert round(tall_w) == 595 and round(tall_h) == 842  # A4


def test_without_bureau_or_paragraphs_those_parts_are_left_out(poppler: Poppler, pdf_of: PdfOf) -> None:
    text = poppler.text(pdf_of(list_report(3)))
    assert "打印日期：2026年7月1日" in text
    assert "填报单位" not in text
    assert "情况说明" not in text
    assert "合计" not in text


@pytest.mark.slow
def test_two_thousand_rows_paginate_with_the_header_on_every_page(poppler: Poppler, pdf_of: PdfOf) -> None:
    pdf = pdf_of(list_report(2000))
    pages = poppler.pages(pdf)
    assert pages > 20
    texts = poppler.text(pdf).split("\f")[:pages]
    for number, page in enumerate(texts, start=1):
        assert "站点编号" in page and "建站日期" in page, f"header missing on page {number}"
        assert f"第{number}页共{pages}页" in squeeze(page)
    every = "".join(texts)
    assert all(f"ZD{n:06d}" in every for n in range(2000))
    assert "ZD001999" in texts[-1]


@pytest.mark.parametrize(
    "name", ["新民经济技术开发区管理委员会高新技术产业园区" * 3, "X" * 60, "1234567890" * 6]
)
def test_a_sixty_character_name_wraps_inside_the_page(pdf_of: PdfOf, name: str) -> None:
    """The name sits in the last column, at the page's right edge: unwrapped it would run off."""
    name = name[:60]
    width, found = words(pdf_of(list_report(2, last_column_name=name)))
    right_edge = width - MARGIN_X
    overflow = [(x1, text) for _, _, x1, text in found if x1 > right_edge + 0.5]
    assert not overflow, overflow
    last_column = MARGIN_X + (width - 2 * MARGIN_X) * 4 / 6.5
    pieces = [(y0, text) for x0, y0, _, text in found if x0 > last_column and text in name]
    assert "".join(text for _, text in pieces) == name * 2
    assert len({round(y0) for y0, _ in pieces}) >= 4, "each name wraps onto two lines or more"


def test_bracketed_units_stay_together_when_a_title_wraps(pdf_of: PdfOf) -> None:
    columns = (
        Column("县（区）", "text", 3),
        Column("受理投诉（件）", "int", 1.05),
        Column("备注", "text", 6),
    )
    report = TableReport("表", "", "", date(2026, 1, 1), columns, [("城关区", 5, "")])
    _, found = words(pdf_of(report))
    texts = [text for *_, text in found]
    assert "受理投诉" in texts and "（件）" in texts


def test_markup_characters_and_glyphs_the_font_lacks_print_safely(poppler: Poppler, pdf_of: PdfOf) -> None:
    rare = "\U0002a6a5"
    assert missing_glyphs(rare), "the probe character must really be missing from the font"
    report = list_report(1, last_column_name=f"A&B<站>{rare}店")
    pdf = pdf_of(report)
    assert "A&B<站>?店" in poppler.text(pdf)
    assert all(FONT in font["name"] for font in poppler.fonts(pdf))


def test_page_streams_are_compressed() -> None:
    """Uncompressed, the text operators ("/F1 9 Tf") would be readable in the raw file."""
    data = table_report_pdf(list_report(2))
    assert data.startswith(b"%PDF-")
    assert b" Tf" not in data


# ---------------------------------------------------------------------------------------------
# Values and misuse
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "shown"),
    [
        ("int", 1234567, "1,234,567"),
        ("change", 1200, "+1,200"),
        ("change", -3, "-3"),
        ("change", 0, "持平"),
        ("money", 123450, "1,234.50"),
        ("wan", 1_234_500_000, "1,234.50"),
        ("rate", Fraction(15, 16), "93.8%"),
        ("rate", None, "—"),
        ("date", date(2026, 3, 1), "2026-03-01"),
        ("date", None, ""),
        ("money", None, ""),
        ("int", "不适用", "不适用"),
        ("text", 7, "7"),
    ],
)
def test_cell_text_formats_by_kind(kind: ColumnKind, value: Cell, shown: str) -> None:
    assert cell_text(Column("列", kind), value) == shown


@pytest.mark.parametrize(("kind", "value"), [("money", 1.5), ("int", True), ("date", 3), ("rate", 0.5)])
def test_a_value_that_does_not_fit_its_column_is_refused(kind: ColumnKind, value: object) -> None:
    with pytest.raises(TypeError, match="列"):
        cell_text(Column("列", kind), value)  # type: ignore[arg-type]


def test_header_groups_must_cover_the_columns() -> None:
    bad = replace(grouped_report(), header_groups=(HeaderGroup("县", 1), HeaderGroup("进商场", 3)))
    with pytest.raises(ValueError, match="跨列数"):
        table_report_pdf(bad)


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="列"):
        table_report_pdf(replace(list_report(1), rows=[(1, "ZD1")]))


# ---------------------------------------------------------------------------------------------
# Writing the file
# ---------------------------------------------------------------------------------------------


def test_writing_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "汇总.pdf"
    out.write_bytes(b"last month")
    write_table_report_pdf(list_report(3), out)
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.pdf"]


def test_a_failed_report_leaves_the_old_file_alone(tmp_path: Path) -> None:
    out = tmp_path / "汇总.pdf"
    out.write_bytes(b"last month")
    report = list_report(3)
    broken = replace(report, rows=[*report.rows, (4, "ZD4", "城关区", object(), "店")])
    with pytest.raises(TypeError):
        write_table_report_pdf(broken, out)
    assert out.read_bytes() == b"last month"
    assert [p.name for p in tmp_path.iterdir()] == ["汇总.pdf"]


def test_the_bureau_logo_heads_a_summary_too(poppler: Poppler, pdf_of: PdfOf) -> None:
    from dataclasses import replace

    from tests.reports.samples import tiny_png

    assert poppler.images(pdf_of(grouped_report())) == []
    assert poppler.images(pdf_of(replace(grouped_report(), bureau_logo=tiny_png(80, 40)))) == [(80, 40)]
