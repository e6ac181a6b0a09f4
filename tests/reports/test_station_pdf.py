"""The station inspection report PDF, checked on the real output with poppler (pdffonts,
pdftotext, pdfinfo): fonts, text, page numbering per station, wrapping, cancel, size."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from stationdesk.reports.fonts import FONT
from stationdesk.reports.station_pdf import ReportCancelled, station_report_pdf, write_station_reports
from stationdesk.services.report_types import (
    CaseLine,
    FacilityLine,
    FundSummary,
    IndicatorLine,
    LabelledValue,
    StationReport,
)

MM = 72 / 25.4
CONSUMERS = ("张**", "李*", "王**", "陈**", "刘*")
RESULTS = ("调解成功", "办理中", "调解不成功", "移交", "终止")
SUBJECTS = (
    "家用电器 · 苏宁易购天宁店",
    "食品 · 百润超市青龙店",
    "预付卡消费 · 福满家纺",
    "汽车及零部件 · 润家汽车",
)


def case_lines(count: int, year: int = 2026) -> tuple[CaseLine, ...]:
    start = date(year, 1, 2)
    return tuple(
        CaseLine(
            number=f"{year}-{9000 + i:07d}",
            received_on=start + timedelta(days=i % 360),
            consumer=CONSUMERS[i % len(CONSUMERS)],
            subject=SUBJECTS[i % len(SUBJECTS)],
            result=RESULTS[i % len(RESULTS)],
            closed_on=None if i % len(RESULTS) == 1 else start + timedelta(days=i % 360 + 3),
            recovered_fen=(i * 12_345) % 2_000_000,
        )
        for i in range(count)
    )


def make_report(
    *,
    code: str = "3204020037",
    name: str = "百润超市青龙店消费维权服务站",
    address: str = "天宁区芦溪西路262号",
    cases: int = 15,
    cases_total: int | None = None,
    **changes: Any,
) -> StationReport:
    """A typical station's report, as the services fill it (16 register facts, 9 facilities, 9
    indicators); `changes` replace any field."""
    identity = (
        LabelledValue("站点名称", name),
        LabelledValue("站点编号", code),
        LabelledValue("五进类别", "进超市"),
        LabelledValue("站点形式", "消费维权服务站"),
        LabelledValue("示范级别", "市级示范站"),
        LabelledValue("运行状态", "正常运行"),
        LabelledValue("依托单位", "常州百润商业管理有限公司"),
        LabelledValue("统一社会信用代码", "91320402MAC48TA5XT"),
        LabelledValue("依托单位状态", "正常"),
        LabelledValue("所属辖区", "天宁区 青龙街道"),
        LabelledValue("地址", address),
        LabelledValue("监管所", "天宁区市场监督管理局青龙市场监管所"),
        LabelledValue("联系人", "李超"),
        LabelledValue("联系电话", "18802151312"),
        LabelledValue("建站日期", "2021-05-31"),
        LabelledValue("挂牌日期", "2021-07-10"),
    )
    facilities = (
        FacilityLine("统一标牌/牌匾", True, True),
        FacilityLine("固定场所（调解区）", True, True),
        FacilityLine("公开联系电话", True, True),
        FacilityLine("投诉登记簿/台账", True, False),
        FacilityLine("制度上墙（首问负责、先行赔付、和解/调解、回访）", True, True),
        FacilityLine("宣传栏/公示栏", True, True),
        FacilityLine("站长与联络员", True, True),
        FacilityLine("电脑/网络", False, True),
        FacilityLine("先行赔付资金到位", True, False),
    )
    indicators = (
        IndicatorLine("受理投诉", "81 件", "已办结 72 件", "≥ 5 件", True),
        IndicatorLine("自行调解率", "93.8%", "61/65", "≥ 90%", True),
        IndicatorLine("调解成功率", "78.5%", "51/65", "≥ 80%", False),
        IndicatorLine("回访满意率", "91.3%", "21/23", "≥ 95%", False),
        IndicatorLine("按时办结率", "97.2%", "70/72", "不作要求", None),
        IndicatorLine("先行赔付", "已实行", "赔付 3 起", "必须实行", True),
        IndicatorLine("挽回经济损失", "42,250.00 元", "", "—", None),
        IndicatorLine("超期未办结", "6 件", "", "—", None),
        IndicatorLine("接待咨询", "175 次", "", "—", None),
    )
    lines = case_lines(cases)
    report = StationReport(
        bureau_name="常州市天宁区市场监督管理局",
        year=2026,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        printed_on=date(2026, 11, 24),
        code=code,
        name=name,
        identity=identity,
        level_label="市级示范站",
        facilities=facilities,
        facilities_rate="75.0%（6/8）",
        indicators=indicators,
        fund=FundSummary(True, 1_000_000, 862_500, 3, 137_500, 50_000),
        cases=lines,
        cases_total=len(lines) if cases_total is None else cases_total,
        reexam=(LabelledValue("复核年度", "2025 年"), LabelledValue("综合得分", "87 分")),
        zombie_flags=("7 件案件超期未结，最久已超期 145 天",),
    )
    return replace(report, **changes)


def save(tmp_path: Path, report: StationReport, name: str = "report.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(station_report_pdf(report))
    return path


def compact(text: str) -> str:
    """pdftotext output without any whitespace (small CJK text loses its spaces in extraction)."""
    return re.sub(r"\s+", "", text)


def page_footer(text: str) -> tuple[int, int]:
    found = re.findall(r"第 (\d+) 页 共 (\d+) 页", text)
    assert len(found) == 1, text
    return int(found[0][0]), int(found[0][1])


def page_texts(poppler: Any, pdf: Path) -> list[str]:
    return [poppler.text(pdf, first=n, last=n) for n in range(1, poppler.pages(pdf) + 1)]


# -- fonts, metadata, size ------------------------------------------------------------------------


def test_only_the_bundled_font_embedded_as_subset(poppler: Any, tmp_path: Path) -> None:
    fonts = poppler.fonts(save(tmp_path, make_report()))
    assert fonts
    for found in fonts:
        assert re.fullmatch(rf"[A-Z]{{6}}\+{FONT}(-\d+)?", found["name"]), found
        assert (found["emb"], found["sub"]) == ("yes", "yes"), found


def test_metadata_names_the_report_and_the_bureau(poppler: Any, tmp_path: Path) -> None:
    pdf = save(tmp_path, make_report())
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Title:\s+2026年度.*检查报告 3204020037 百润超市青龙店消费维权服务站$", info, re.M)
    assert re.search(r"^Author:\s+常州市天宁区市场监督管理局$", info, re.M)
    assert re.search(r"^Creator:\s+StationDesk$", info, re.M)


def test_a_typical_station_is_one_small_a4_page(poppler: Any, tmp_path: Path) -> None:
    pdf = save(tmp_path, make_report(cases=15, cases_total=81))
    assert poppler.pages(pdf) == 1
    width, height = poppler.page_size(pdf)
    assert (round(width), round(height)) == (595, 842)
    assert pdf.stat().st_size <= 80_000


# -- what the page says ---------------------------------------------------------------------------


def test_the_report_prints_its_facts(poppler: Any, tmp_path: Path) -> None:
    text = poppler.text(save(tmp_path, make_report(cases=15, cases_total=81)))
    for expected in (
        "百润超市青龙店消费维权服务站",
        "3204020037",
        "常州市天宁区市场监督管理局",
        "张**",
        "93.8%",
        "2026-0009014",
        "10,000.00",  # committed fund, fen → yuan
        "8,625.00",
        "第 1 页 共 1 页",
    ):
        assert expected in text, expected
    assert text.count("未达标") == 2
    assert text.count("达标") == 2 + 3  # the two 未达标 and three plain 达标
    squeezed = compact(text)
    assert "复核年度：2025年" in squeezed and "7件案件超期未结" in squeezed
    assert "最近15件（本期共81件）" in squeezed
    assert "检查人员（签字）" in squeezed and "站点负责人（签字）" in squeezed
    assert "检查意见（检查人员填写）" in squeezed


def test_empty_sections_say_so(poppler: Any, tmp_path: Path) -> None:
    report = make_report(
        cases=0, reexam=(), zombie_flags=(), status_note="该站点于 2026-03-01 已撤销（摘牌）"
    )
    pdf = save(tmp_path, report)
    assert re.search(r"僵尸站点提示\s+无\s", poppler.text(pdf, layout=True))
    text = compact(poppler.text(pdf))
    assert "本年度未复核" in text
    assert "本期无调解记录" in text and "本期共0件" in text
    assert "该站点于2026-03-01已撤销（摘牌）" in text


def test_all_cases_listed_says_only_the_total(poppler: Any, tmp_path: Path) -> None:
    text = compact(poppler.text(save(tmp_path, make_report(cases=4))))
    assert "本期共4件" in text
    assert "最近" not in text


def test_unprintable_characters_become_question_marks(poppler: Any, tmp_path: Path) -> None:
    text = poppler.text(save(tmp_path, make_report(name="𠀀记百货消费维权服务站", cases=200)))
    assert text.count("?记百货消费维权服务站") >= 1 + 1 + 1  # register, footers, running headers
    assert "𠀀" not in text


def test_markup_characters_print_as_written(poppler: Any, tmp_path: Path) -> None:
    text = poppler.text(save(tmp_path, make_report(name="A&B <五金> 消费维权服务站")))
    assert "A&B <五金> 消费维权服务站" in text


# -- long content -------------------------------------------------------------------------------


def words(pdf: Path) -> list[tuple[float, float, str]]:
    """(xMin, xMax, text) of every word poppler finds on every page."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>'
    return [(float(a), float(b), t) for a, b, t in re.findall(pattern, html)]


def test_long_name_and_address_wrap_inside_the_margins(poppler: Any, tmp_path: Path) -> None:
    name = "华" * 56 + "维权服务"
    address = "江苏省常州市天宁区" + "青" * 91
    pdf = save(tmp_path, make_report(name=name, address=address))
    width, _ = poppler.page_size(pdf)
    found = words(pdf)
    assert found
    assert max(x_max for _, x_max, _ in found) <= width - 15 * MM + 0.5
    assert min(x_min for x_min, _, _ in found) >= 15 * MM - 0.5
    text = poppler.text(pdf)
    assert text.count("华") >= 2 * 56  # identity value and title line, in full
    assert text.count("青") >= 91


# -- pages: many cases, batches -------------------------------------------------------------------


def test_200_cases_run_over_pages_with_the_header_repeated(poppler: Any, tmp_path: Path) -> None:
    pdf = save(tmp_path, make_report(cases=200))
    pages = page_texts(poppler, pdf)
    total = len(pages)
    assert total >= 4
    assert [page_footer(text) for text in pages] == [(n, total) for n in range(1, total + 1)]
    numbers: list[str] = []
    for index, text in enumerate(pages):
        listed = re.findall(r"2026-\d{7}", text)
        numbers += listed
        if listed:
            assert "受理编号" in text, f"page {index + 1} lists cases without the header"
        if index:
            assert "站点检查报告（续）" in text and "3204020037" in text
        else:
            assert "（续）" not in text
    assert numbers == [case.number for case in case_lines(200)]
    assert "检查人员（签字）" in compact(pages[-1])


def test_a_batch_numbers_each_stations_pages_on_their_own(poppler: Any, tmp_path: Path) -> None:
    reports = [
        make_report(code="3204020001", name="甲站"),
        make_report(code="3204020002", name="乙站", cases=200),
        make_report(code="3204020003", name="丙站", cases=3),
    ]
    singles = [poppler.pages(save(tmp_path, r, f"{r.code}.pdf")) for r in reports]
    assert singles[0] == singles[2] == 1 and singles[1] > 1
    out = tmp_path / "batch.pdf"
    seen: list[int] = []
    written = write_station_reports(iter(reports), out, on_progress=lambda n: seen.append(n) is None)
    assert written == sum(singles) == poppler.pages(out)
    assert seen == [1, 2, 3]
    expected = [
        (code, n, total)
        for code, total in zip(("01", "02", "03"), singles, strict=True)
        for n in range(1, total + 1)
    ]
    footers = []
    for text in page_texts(poppler, out):
        code = re.findall(r"32040200(0\d) [甲乙丙]站", text)
        footers.append((code[-1], *page_footer(text)))
    assert footers == expected
    assert sorted(tmp_path.iterdir()) == sorted([out, *(tmp_path / f"{r.code}.pdf" for r in reports)])


def test_cancel_leaves_no_file_and_reads_no_further(tmp_path: Path) -> None:
    taken: list[str] = []

    def reports() -> Iterator[StationReport]:
        for i in range(50):
            report = make_report(code=f"32040200{i:02d}")
            taken.append(report.code)
            yield report

    out = tmp_path / "batch.pdf"
    with pytest.raises(ReportCancelled):
        write_station_reports(reports(), out, on_progress=lambda n: n < 1)
    assert list(tmp_path.iterdir()) == []
    assert taken == ["3204020000"]


def test_a_cancelled_batch_keeps_the_previous_file(tmp_path: Path) -> None:
    out = tmp_path / "batch.pdf"
    out.write_bytes(b"earlier")
    with pytest.raises(ReportCancelled):
        write_station_reports([make_report(), make_report()], out, on_progress=lambda n: False)
    assert out.read_bytes() == b"earlier"
    assert list(tmp_path.iterdir()) == [out]


def test_a_failing_report_leaves_no_file(tmp_path: Path) -> None:
    def reports() -> Iterator[StationReport]:
        yield make_report()
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        write_station_reports(reports(), tmp_path / "batch.pdf")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_batch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one"):
        write_station_reports([], tmp_path / "batch.pdf")
    assert list(tmp_path.iterdir()) == []


def test_the_bureau_logo_prints_beside_its_name_and_keeps_one_page(poppler: Any, tmp_path: Path) -> None:
    from tests.reports.samples import tiny_png

    plain = save(tmp_path, make_report(cases=15, cases_total=81), "plain.pdf")
    logo = save(tmp_path, replace(make_report(cases=15, cases_total=81), bureau_logo=tiny_png()), "logo.pdf")
    assert poppler.images(plain) == []
    assert poppler.images(logo) == [(60, 30)]
    assert poppler.pages(logo) == 1
    assert "常州市天宁区市场监督管理局" in poppler.text(logo)
