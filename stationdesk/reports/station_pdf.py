"""The station inspection report (站点检查报告) as PDF: one A4 page per typical station that an
inspector takes on site, fills in by hand and signs.

Why it looks the way it does: it is filed as a government document, so it reads like a printed
form (centred title, numbered sections, ruled grids with shaded label cells, an empty box for the
inspector's findings and lines to sign on). Long cases lists run on to further pages with the
table header repeated and a running header naming the station, and every page says
"第 x 页 共 y 页" for its own station even inside a batch of a thousand.

Pure layout: the data comes fully prepared in `StationReport`; nothing here reads the database.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Spacer, Table

from stationdesk.reports import formatting
from stationdesk.reports.files import atomic_stream
from stationdesk.reports.fonts import CROSS, TICK
from stationdesk.reports.pdf_kit import (
    ALERT,
    CELL_SIZE,
    FRAME_WIDTH,
    GOOD,
    MUTED,
    RULE,
    SHADE,
    SMALL_SIZE,
    DocInfo,
    Section,
    SignOff,
    TextLine,
    WritingBox,
    beside_logo,
    font,
    grid,
    markup,
    para,
    rich,
    styles,
    write_sections,
)
from stationdesk.services.report_types import (
    CaseLine,
    FacilityLine,
    IndicatorLine,
    LabelledValue,
    StationReport,
)

TITLE = "消费维权服务站检查报告"
NONE_MARK = "—"
FINDINGS_HEIGHT = 50 * mm
FINDINGS_MIN_HEIGHT = 36 * mm
"""The findings box takes what the page has left between these: room for four to six
handwritten lines, and a typical station's report still ends on its first sheet."""

_GAP = 1.6 * mm
"""Space above each section heading: small, so that a typical station stays on one page."""


class ReportCancelled(Exception):
    """The user cancelled a batch; no file was written."""


# -- public API ---------------------------------------------------------------------------------


def write_station_reports(
    reports: Iterable[StationReport],
    out: Path,
    *,
    on_progress: Callable[[int], bool] | None = None,
) -> int:
    """Write every report into ONE PDF at `out` (one print job for a batch); returns pages written.

    `reports` is consumed lazily, one station at a time, so a thousand stations never sit in
    memory together. `on_progress(n_done)` is called after each station; returning False
    (exactly; None continues) cancels: ReportCancelled is raised and nothing is left at `out`,
    not even a temporary file. The PDF is written beside `out` and moved into place only when
    complete, so a failure never leaves a truncated file a user might print.
    """
    first: list[StationReport] = []
    count = 0

    def sections() -> Iterator[Section]:
        nonlocal count
        for report in reports:
            if not first:
                first.append(report)
            count += 1
            yield _station_section(report)

    def progress(done: int) -> None:
        if on_progress is not None and on_progress(done) is False:
            raise ReportCancelled(f"已取消：{done} 个站点已排版，未保存文件")

    def info() -> DocInfo:
        return _batch_info(first[0], count)

    with atomic_stream(out) as handle:
        return write_sections(sections(), handle, info, after_section=progress)


def station_report_pdf(report: StationReport) -> bytes:
    """One station's report as PDF bytes (preview, or saving a single station)."""
    buffer = io.BytesIO()
    write_sections([_station_section(report)], buffer, lambda: _batch_info(report, 1))
    return buffer.getvalue()


def _station_section(report: StationReport) -> Section:
    """One station's report as a page-numbered section (a batch is a sequence of these)."""
    who = f"{report.code} {report.name}"
    return Section(
        story=_station_story(report),
        footer_left=who,
        footer_right=f"打印日期：{formatting.chinese_day(report.printed_on)}",
        running_header=f"站点检查报告（续）  {who}",
    )


def _batch_info(report: StationReport, count: int) -> DocInfo:
    title = f"{report.year}年度{TITLE}"
    if count == 1:
        title += f" {report.code} {report.name}"
    else:
        title += f"（{count} 个站点）"
    return DocInfo(
        title=title,
        author=report.bureau_name,
        subject=formatting.period(report.period_start, report.period_end),
    )


# -- the story ------------------------------------------------------------------------------------


def _station_story(report: StationReport) -> list[Flowable]:
    """Every flowable of one station's report, top to bottom."""
    return [
        *_title_block(report),
        *_identity_block(report),
        *_facilities_block(report),
        *_indicators_block(report),
        *_standing_block(report),
        *_cases_block(report),
        _findings_and_signatures(),
    ]


def _heading(number: str, text: str, note: str = "") -> TextLine:
    return TextLine(
        f"{number}、{text}", 9.5, align="left", note=note, space_before=_GAP, space_after=0.6 * mm
    )


def _title_block(report: StationReport) -> list[Flowable]:
    """Bureau, title, and the line naming the station, the period and the printing date."""
    head: list[Flowable] = []
    if report.bureau_name.strip():
        head.append(TextLine(report.bureau_name, 11.5, bold=False, space_after=1 * mm))
    head.append(TextLine(f"{report.year}年度 {TITLE}", 16, space_after=2 * mm))
    parts = beside_logo(report.bureau_logo, head, FRAME_WIDTH)
    s = styles()
    meta = [
        [
            rich(f"站点编号：{markup(report.code)}", s.cell),
            rich(
                f"检查期间：{markup(formatting.period(report.period_start, report.period_end))}",
                s.cell_center,
            ),
            rich(f"打印日期：{markup(formatting.chinese_day(report.printed_on))}", s.cell_right),
        ]
    ]
    widths = [FRAME_WIDTH * 0.27, FRAME_WIDTH * 0.46, FRAME_WIDTH * 0.27]
    parts.append(
        Table(meta, colWidths=widths, style=[("FONT", (0, 0), (-1, -1), font(), CELL_SIZE), *_no_padding()])
    )
    parts.append(HRFlowable(width="100%", thickness=1.2, color=RULE, spaceBefore=1.5, spaceAfter=0.8))
    parts.append(HRFlowable(width="100%", thickness=0.4, color=RULE, spaceBefore=0, spaceAfter=0))
    if report.status_note.strip():
        parts.append(Spacer(0, _GAP))
        parts.append(_status_box(report.status_note))
    return parts


def _no_padding() -> list[tuple[object, ...]]:
    return [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]


def _status_box(note: str) -> Table:
    """A removed or suspended station says so in a red-ruled box no reader can miss."""
    return grid(
        [[para(f"■ {note}", styles().alert)]],
        [FRAME_WIDTH],
        header_rows=0,
        extra=[
            ("BOX", (0, 0), (-1, -1), 1.2, ALERT),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ],
    )


# -- 一、站点基本情况 -------------------------------------------------------------------------------

_LABEL_WIDTH = 27 * mm
_VALUE_WIDTH = (FRAME_WIDTH - 2 * _LABEL_WIDTH) / 2


def _identity_block(report: StationReport) -> list[Flowable]:
    """The register's facts as label/value pairs, two pairs a row; long values get a whole row."""
    s = styles()
    rows: list[list[object]] = []
    spans: list[tuple[object, ...]] = []
    for pair in _pair_up(report.identity):
        row_index = len(rows)
        if len(pair) == 2:
            left, right = pair
            rows.append(
                [
                    para(left.label, s.label),
                    para(left.value, s.cell),
                    para(right.label, s.label),
                    para(right.value, s.cell),
                ]
            )
        else:
            (only,) = pair
            rows.append([para(only.label, s.label), para(only.value, s.cell), "", ""])
            spans.append(("SPAN", (1, row_index), (3, row_index)))
    widths = [_LABEL_WIDTH, _VALUE_WIDTH, _LABEL_WIDTH, _VALUE_WIDTH]
    shading = [("BACKGROUND", (0, 0), (0, -1), SHADE), ("BACKGROUND", (2, 0), (2, -1), SHADE)]
    block: list[Flowable] = [_heading("一", "站点基本情况")]
    if rows:
        block.append(grid(rows, widths, header_rows=0, extra=[*shading, *spans]))
    else:
        block.append(para("（无登记信息）", s.body))
    return block


def _is_long(item: LabelledValue) -> bool:
    """Whether a value would wrap in half a row (then it gets the whole row to itself)."""
    return stringWidth(item.value, font(), CELL_SIZE) > _VALUE_WIDTH - 6


def _pair_up(items: Sequence[LabelledValue]) -> Iterator[tuple[LabelledValue, ...]]:
    """Short items two by two, a long item alone on a whole row.

    A short item waiting for its partner is carried past a long item rather than left alone on
    a half-empty row: the grid stays dense and only that one item moves down a row.
    """
    pending: LabelledValue | None = None
    for item in items:
        if _is_long(item):
            yield (item,)
        elif pending is None:
            pending = item
        else:
            yield (pending, item)
            pending = None
    if pending is not None:
        yield (pending,)


# -- 二、硬件设施 ----------------------------------------------------------------------------------

_FACILITY_COLUMNS = 3


def _facilities_block(report: StationReport) -> list[Flowable]:
    """The checklist three items a row, each ✓ or ✘, required ones marked; the rate by the heading."""
    s = styles()
    cells: list[object] = [_facility_cell(line) for line in report.facilities]
    cells += [""] * (-len(cells) % _FACILITY_COLUMNS)
    rows = [cells[i : i + _FACILITY_COLUMNS] for i in range(0, len(cells), _FACILITY_COLUMNS)]
    note = f"{TICK} 具备　{CROSS} 不具备　　必备项目配备率：{report.facilities_rate or NONE_MARK}"
    heading = _heading("二", "硬件设施", note=note)
    if not rows:
        return [heading, para("（无设施清单）", s.body)]
    return [heading, grid(rows, [FRAME_WIDTH / _FACILITY_COLUMNS] * _FACILITY_COLUMNS, header_rows=0)]


def _facility_cell(line: FacilityLine) -> Paragraph:
    mark = (
        f'<font color="{GOOD.hexval()}">{TICK}</font>'
        if line.present
        else f'<font color="{ALERT.hexval()}">{CROSS}</font>'
    )
    required = f'<font color="{MUTED.hexval()}" size="{SMALL_SIZE}">（必备）</font>' if line.required else ""
    return rich(f"{mark} {markup(line.label)}{required}", styles().cell)


# -- 三、效能指标 ----------------------------------------------------------------------------------

_INDICATOR_TITLES = ("指标", "本期数值", "计算依据", "标准", "结论")
_INDICATOR_SHARES = (0.233, 0.243, 0.222, 0.168, 0.134)
"""Column widths as shares of one half of the frame (the indicators print two-up)."""


def _indicators_block(report: StationReport) -> list[Flowable]:
    """The indicators beside the standard, two-up: the first half down the left, the rest right.

    Two-up because nine indicators in one column cost four more rows than the page can spare
    when a typical station's fifteen cases must still fit on the same page.
    """
    s = styles()
    title = f"效能指标（对照{report.level_label}标准）" if report.level_label else "效能指标"
    lines = report.indicators
    if not lines:
        return [_heading("三", title), para("（无指标数据）", s.body)]
    half = (len(lines) + 1) // 2
    left, right = lines[:half], lines[half:]
    head = [para(t, s.head) for t in _INDICATOR_TITLES]
    blank: list[object] = [""] * len(_INDICATOR_TITLES)
    rows: list[list[object]] = [head + head]
    for i, line in enumerate(left):
        rows.append(_indicator_row(line) + (_indicator_row(right[i]) if i < len(right) else blank))
    widths = [FRAME_WIDTH / 2 * share for share in _INDICATOR_SHARES] * 2
    middle = len(_INDICATOR_TITLES) - 1
    return [
        _heading("三", title),
        grid(rows, widths, extra=[("LINEAFTER", (middle, 0), (middle, -1), 1.0, RULE)]),
    ]


def _indicator_row(line: IndicatorLine) -> list[object]:
    s = styles()
    return [
        para(line.label, s.cell),
        para(line.value, s.cell_right),
        para(line.counts or NONE_MARK, s.cell_center),
        para(line.standard or NONE_MARK, s.cell_center),
        _verdict(line.met),
    ]


def _verdict(met: bool | None) -> Paragraph:
    """达标 plain; 未达标 in dark red, so a failed bar is the first thing the eye finds."""
    s = styles()
    if met is None:
        return para(NONE_MARK, s.cell_center)
    if met:
        return para("达标", s.cell_center)
    return rich(f'<font color="{ALERT.hexval()}">未达标</font>', s.cell_center)


# -- 四、先行赔付、年度复核与僵尸站点提示 -------------------------------------------------------------

_FUND_TITLES = (
    "是否实行",
    "承诺金额（元）",
    "资金余额（元）",
    "赔付起数",
    "赔付金额（元）",
    "追偿金额（元）",
)


def _standing_block(report: StationReport) -> list[Flowable]:
    """First payouts, the last re-examination and zombie warnings in one labelled grid.

    One grid under one heading rather than three small sections: it keeps a typical station on
    one page, and leaves the cases table last, where it may run on to further pages.
    """
    s = styles()
    fund = report.fund
    span = len(_FUND_TITLES)
    rows: list[list[object]] = [
        [para("先行赔付", s.label), *(para(t, s.head) for t in _FUND_TITLES)],
        [
            "",
            para("是" if fund.in_scheme else "否", s.cell_center),
            para(formatting.yuan(fund.committed_fen), s.cell_right),
            para(formatting.yuan(fund.balance_fen), s.cell_right),
            para(f"{formatting.count(fund.payouts)} 起", s.cell_right),
            para(formatting.yuan(fund.payout_fen), s.cell_right),
            para(formatting.yuan(fund.recovered_fen), s.cell_right),
        ],
        [para("年度复核", s.label), _reexam_text(report.reexam), *[""] * (span - 1)],
        [para("僵尸站点提示", s.label), _zombie_text(report.zombie_flags), *[""] * (span - 1)],
    ]
    widths = [_LABEL_WIDTH] + [(FRAME_WIDTH - _LABEL_WIDTH) / span] * span
    extra = [
        ("SPAN", (0, 0), (0, 1)),
        ("SPAN", (1, 2), (-1, 2)),
        ("SPAN", (1, 3), (-1, 3)),
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
    ]
    return [_heading("四", "先行赔付、年度复核与僵尸站点提示"), grid(rows, widths, extra=extra)]


def _reexam_text(lines: Sequence[LabelledValue]) -> Paragraph:
    if not lines:
        return para("本年度未复核", styles().cell)
    return rich("　".join(f"{markup(line.label)}：{markup(line.value)}" for line in lines), styles().cell)


def _zombie_text(flags: Sequence[str]) -> Paragraph:
    if not flags:
        return para("无", styles().cell)
    marked = (f'<font color="{ALERT.hexval()}">▲</font> {markup(flag)}' for flag in flags)
    return rich("<br/>".join(marked), styles().cell)


# -- 五、调解记录 ----------------------------------------------------------------------------------

_CASE_TITLES = ("受理编号", "受理日期", "消费者", "事由", "结果", "办结日期", "挽回损失（元）")
_CASE_WIDTHS = (23 * mm, 19.5 * mm, 13 * mm, 0.0, 18.5 * mm, 19.5 * mm, 23.5 * mm)


def _cases_caption(report: StationReport) -> str:
    total = max(report.cases_total, len(report.cases))
    if len(report.cases) < total:
        return f"最近 {len(report.cases)} 件（本期共 {formatting.count(total)} 件）"
    return f"本期共 {formatting.count(total)} 件"


def _cases_block(report: StationReport) -> list[Flowable]:
    """The cases table; it may run over several pages, its header repeated on each."""
    s = styles()
    heading = _heading("五", "调解记录", note=_cases_caption(report))
    if not report.cases:
        return [heading, para("本期无调解记录。", s.body)]
    widths = list(_CASE_WIDTHS)
    widths[3] = FRAME_WIDTH - sum(widths)
    rows: list[list[object]] = [
        [para(t, s.head) for t in _CASE_TITLES],
        *(_case_row(c) for c in report.cases),
    ]
    return [heading, grid(rows, widths, repeat_header=True)]


def _case_row(case: CaseLine) -> list[object]:
    s = styles()
    return [
        para(case.number, s.cell),
        para(formatting.day(case.received_on), s.cell_center),
        para(case.consumer, s.cell_center),
        para(case.subject, s.cell),
        para(case.result, s.cell_center),
        para(formatting.day(case.closed_on) or NONE_MARK, s.cell_center),
        para(formatting.yuan(case.recovered_fen), s.cell_right),
    ]


# -- 检查意见 + signatures -------------------------------------------------------------------------


def _findings_and_signatures() -> SignOff:
    """The findings box and the signature lines as one unsplittable block, so a signature never
    orphans (what KeepTogether would do); unlike KeepTogether the box may shrink to stay on the
    page, which KeepTogether's measuring with unlimited height would not allow."""
    box = WritingBox("检查意见（检查人员填写）：", FINDINGS_HEIGHT, min_height=FINDINGS_MIN_HEIGHT)
    return SignOff(box, _signature_table(), space_before=_GAP)


def _signature_table() -> Table:
    """Two signature lines ruled as blanks: 签字, then 日期 ____年__月__日."""
    s = styles()

    def line(role: str) -> list[object]:
        return [
            para(f"{role}（签字）：", s.cell_right),
            "",
            para("日期：", s.cell_right),
            "",
            para("年", s.cell_center),
            "",
            para("月", s.cell_center),
            "",
            para("日", s.cell_center),
        ]

    widths = [34 * mm, 44 * mm, 14 * mm, 18 * mm, 6 * mm, 11 * mm, 6 * mm, 11 * mm, 6 * mm]
    rule = [("LINEBELOW", (col, 0), (col, -1), 0.6, RULE) for col in (1, 3, 5, 7)]
    return Table(
        [line("检查人员"), line("站点负责人")],
        colWidths=widths,
        rowHeights=[6.5 * mm, 6.5 * mm],
        hAlign="LEFT",
        style=[
            ("FONT", (0, 0), (-1, -1), font(), CELL_SIZE),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            *_no_padding(),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            *rule,
        ],
    )
