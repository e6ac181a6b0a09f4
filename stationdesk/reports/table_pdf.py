"""Summary tables (汇总表) as PDF, laid out the way a bureau's paper summary looks.

Why these choices: the paper goes to leadership and the province, so it follows the shape of a
government summary (bureau line, big centered title, period, 填报单位/打印日期, a ruled grid,
"第 x 页 共 y 页"). Only the bundled font is used, everywhere, so the PDF prints the same on any
office PC. Every cell is a Paragraph so a long county or station name wraps inside its column
instead of running off the page, and the header rows repeat on every page of a long list.

`cell_text` is used by the .xlsx export as well (one place for how a value reads).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from fractions import Fraction
from functools import partial
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from stationdesk.reports import formatting
from stationdesk.reports.chart_pdf import chart_flowables
from stationdesk.reports.files import write_atomically
from stationdesk.reports.fonts import printable, register_font
from stationdesk.reports.pdf_kit import beside_logo
from stationdesk.services.report_types import Cell, Column, ColumnKind, HeaderGroup, TableReport

PRODUCER = "StationDesk"
TOTAL_LABEL = "合计"
PARAGRAPHS_HEADING = "情况说明"

MARGIN_X = 15 * mm
MARGIN_TOP = 14 * mm
MARGIN_BOTTOM = 16 * mm
FOOTER_Y = 8 * mm
FOOTER_SIZE = 8
CELL_SIZE = 9
CELL_PADDING = 3
WRAP_SLACK = 0.5
"""Points kept free when pre-breaking lines, so ReportLab's own check never breaks them again."""

GRID_COLOUR = colors.HexColor("#333333")
HEADER_FILL = colors.HexColor("#e3e3e3")
TOTAL_FILL = colors.HexColor("#cfcfcf")
NOTE_COLOUR = colors.HexColor("#444444")

NUMERIC_KINDS: frozenset[ColumnKind] = frozenset({"int", "change", "money", "wan", "rate"})

_WORD = re.compile(r"[0-9A-Za-z.,:%/_#+\-]+|\s+|.", re.DOTALL)
_CANNOT_START = frozenset("，。、；：？！）」』】〕》〉’”%‰℃·…—,.;:?!)]}")
_CANNOT_END = frozenset("（「『【〔《〈‘“([{")

# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def table_report_pdf(report: TableReport) -> bytes:
    """The report as PDF bytes (A4, landscape when the report asks for it)."""
    font = register_font()
    pagesize = landscape(A4) if report.landscape else A4
    buffer = BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=printable(report.title),
        subject=printable(report.subtitle),
        author=PRODUCER,
        creator=PRODUCER,
        pageCompression=1,
        # The canvas starts every page with a font selection; without this it names Helvetica
        # and pdffonts would list a non-embedded base-14 font in a file that never draws it.
        initialFontName=font,
    )
    # No frame padding: the table, the 填报单位 line and the paragraphs share the margins exactly.
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, 0, 0, 0, 0, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    styles = _Styles(font)
    story: list[Flowable] = [
        *_heading(report, styles, doc.width),
        _table(report, styles, doc.width),
        *_closing(report, styles, doc.width),
        *_charts(report, font, doc.width),
    ]
    doc.build(story, canvasmaker=_numbered_canvas(report.title, font))
    return buffer.getvalue()


def write_table_report_pdf(report: TableReport, out: Path) -> None:
    """Write the report's PDF to `out`, replacing it only once the whole file is written."""
    write_atomically(out, table_report_pdf(report))


def cell_text(column: Column, value: Cell) -> str:
    """How one value of `column` reads on paper ("1,234.50", "93.8%", "—", "2026-03-01").

    A str is shown as given in any column (a service may put "—" or "不适用" in a number
    column); anything else must fit the column's kind, otherwise TypeError names the column,
    because a silently misprinted figure on a report to the province is worse than no report.
    """
    if isinstance(value, str):
        return value
    if value is None:
        return formatting.rate(None) if column.kind == "rate" else ""
    formatter = _FORMATTERS[column.kind]
    accepted = _ACCEPTED[column.kind]
    if isinstance(value, bool) or not isinstance(value, accepted):
        raise TypeError(f"列“{column.title}”（{column.kind}）不能显示 {value!r}")
    return formatter(value)


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

_FORMATTERS: dict[ColumnKind, Callable[[Any], str]] = {
    "text": str,
    "int": formatting.count,
    "change": formatting.change,
    "money": formatting.yuan,
    "wan": formatting.wan,
    "rate": formatting.rate,
    "date": formatting.day,
    "datetime": formatting.moment,
}
_ACCEPTED: dict[ColumnKind, type | tuple[type, ...]] = {
    "text": (int, date),
    "int": int,
    "change": int,
    "money": int,
    "wan": int,
    "rate": (Fraction, int),
    "date": date,
    "datetime": datetime,
}


def _markup(text: str) -> str:
    """Text made safe for a Paragraph: only drawable characters, XML-escaped, line breaks kept."""
    return escape(printable(text)).replace("\n", "<br/>")


def _cell_markup(text: str, font: str, width: float, size: float = CELL_SIZE, indent: float = 0) -> str:
    """Text broken into lines that fit `width` (the first line `indent` narrower), as Paragraph markup.

    Why not leave it to ReportLab's CJK wrapping: it breaks between any two characters, so
    "受理投诉（件）" becomes "受理投诉（ / 件）", a closing bracket is hung past the cell's edge
    and a line may start with a space. Here a bracketed unit, a number ("1,234.50") or a code
    ("ZD000001") stays whole when it can, and a line never starts with closing punctuation or
    ends with an opening one.
    """
    lines: list[str] = []
    for part in printable(text).split("\n"):
        lines += _break_lines(
            part,
            partial(stringWidth, fontName=font, fontSize=size),
            width,
            width - indent if not lines else width,
        )
    return "<br/>".join(escape(line) for line in lines)


def _break_lines(text: str, measure: Callable[[str], float], width: float, first_width: float) -> list[str]:
    if measure(text) <= first_width:
        return [text]
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        room = first_width if not lines else width
        if measure(line + token) <= room:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while measure(line) > (width if lines else first_width) and len(line) > 1:
            head = _longest_prefix(line, measure, width if lines else first_width)
            lines.append(head)
            line = line[len(head) :]
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Pieces that should not be split: a run of Latin letters/digits, one CJK character, with
    closing punctuation glued to what precedes it and opening punctuation to what follows."""
    pieces = _WORD.findall(text)
    tokens: list[str] = []
    pending_open = ""
    for piece in pieces:
        if piece in _CANNOT_END:
            pending_open += piece
        elif piece in _CANNOT_START and tokens and not pending_open:
            tokens[-1] += piece
        else:
            tokens.append(pending_open + piece)
            pending_open = ""
    if pending_open:
        tokens.append(pending_open)
    return tokens


def _longest_prefix(text: str, measure: Callable[[str], float], width: float) -> str:
    """The longest start of `text` (at least one character) that fits: for a token wider than the cell."""
    end = 1
    while end < len(text) and measure(text[: end + 1]) <= width:
        end += 1
    return text[:end]


# ---------------------------------------------------------------------------------------------
# Styles
# ---------------------------------------------------------------------------------------------


class _Styles:
    """The paragraph styles of a summary, all in the bundled font (it is the only one embedded).

    wordWrap="CJK" lets a line break between any two characters, which Chinese text needs (it
    has no spaces) and which also keeps a long unbroken code or number inside its cell.
    """

    def __init__(self, font: str) -> None:
        def style(name: str, size: float, leading: float, **extra: Any) -> ParagraphStyle:
            return ParagraphStyle(
                name, fontName=font, fontSize=size, leading=leading, wordWrap="CJK", **extra
            )

        self.bureau = style("bureau", 12, 16, alignment=TA_CENTER, spaceAfter=2)
        self.title = style("title", 18, 24, alignment=TA_CENTER, spaceAfter=4)
        self.subtitle = style("subtitle", 11, 15, alignment=TA_CENTER)
        self.info_left = style("info_left", 10, 13, alignment=TA_LEFT)
        self.info_right = style("info_right", 10, 13, alignment=TA_RIGHT)
        self.header = style("header", CELL_SIZE, 11.5, alignment=TA_CENTER)
        self.cell_left = style("cell_left", CELL_SIZE, 11.5, alignment=TA_LEFT)
        self.cell_right = style("cell_right", CELL_SIZE, 11.5, alignment=TA_RIGHT)
        self.cell_centre = style("cell_centre", CELL_SIZE, 11.5, alignment=TA_CENTER)
        self.heading = style("heading", 12, 16, spaceBefore=10, spaceAfter=4, keepWithNext=1)
        self.paragraph = style("paragraph", 10.5, 17, firstLineIndent=21, spaceAfter=3)
        self.note = style("note", 8, 11, textColor=NOTE_COLOUR, spaceAfter=1)

    def for_kind(self, kind: ColumnKind) -> ParagraphStyle:
        if kind in NUMERIC_KINDS:
            return self.cell_right
        if kind == "date":
            return self.cell_centre
        return self.cell_left


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


def _heading(report: TableReport, styles: _Styles, width: float) -> list[Flowable]:
    """Bureau line, title, period, and the 填报单位 / 打印日期 line just above the table."""
    head: list[Flowable] = []
    if report.bureau_name:
        head.append(Paragraph(_markup(report.bureau_name), styles.bureau))
    head.append(Paragraph(_markup(report.title), styles.title))
    if report.subtitle:
        head.append(Paragraph(_markup(report.subtitle), styles.subtitle))
    story = beside_logo(report.bureau_logo, head, width)
    story.append(Spacer(1, 4 * mm))
    left = f"填报单位：{report.bureau_name}" if report.bureau_name else ""
    right = f"打印日期：{formatting.chinese_day(report.printed_on)}"
    info = Table(
        [[Paragraph(_markup(left), styles.info_left), Paragraph(_markup(right), styles.info_right)]],
        colWidths=[width * 0.6, width * 0.4],
    )
    info.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), styles.info_left.fontName, 10), *_no_padding()]))
    story += [info, Spacer(1, 1.5 * mm)]
    return story


def _no_padding() -> list[tuple[Any, ...]]:
    """Padding rules that make a layout table's text line up with the main table's edges."""
    return [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


def _table(report: TableReport, styles: _Styles, width: float) -> Table:
    """The ruled grid: header rows (repeated on every page), body rows, then the totals row."""
    columns = report.columns
    relative = sum(column.width for column in columns)
    if not columns or relative <= 0:
        raise ValueError("汇总表没有列（或列宽之和不是正数）")
    col_widths = [width * column.width / relative for column in columns]
    cells = _CellMaker(styles, [w - 2 * CELL_PADDING for w in col_widths])
    header, spans = _header_rows(columns, report.header_groups, cells)
    data: list[Sequence[Flowable | str]] = [*header, *(_body_row(columns, row, cells) for row in report.rows)]
    if report.total is not None:
        data.append(_total_row(columns, report.total, cells))
    table = Table(data, colWidths=col_widths, repeatRows=len(header), hAlign="CENTER")
    table.setStyle(_table_style(styles.cell_left.fontName, len(header), report.total is not None, spans))
    return table


class _CellMaker:
    """Makes the Paragraph of one cell, pre-broken to the width its column (or span) leaves for text."""

    def __init__(self, styles: _Styles, text_widths: list[float]) -> None:
        self.styles = styles
        self.font = styles.cell_left.fontName
        self.text_widths = text_widths

    def __call__(self, text: str, style: ParagraphStyle, first: int, span: int = 1) -> Paragraph:
        room = sum(self.text_widths[first : first + span]) + 2 * CELL_PADDING * (span - 1)
        return Paragraph(_cell_markup(text, self.font, room - WRAP_SLACK), style)


def _header_rows(
    columns: Sequence[Column], groups: Sequence[HeaderGroup], cells: _CellMaker
) -> tuple[list[list[Flowable | str]], list[tuple[Any, ...]]]:
    """The column titles, under a row of group titles when the report has header groups."""
    header = cells.styles.header
    titles: list[Flowable | str] = [
        cells(column.title, header, index) for index, column in enumerate(columns)
    ]
    if not groups:
        return [titles], []
    check_header_groups(columns, groups)
    top: list[Flowable | str] = [""] * len(columns)
    spans: list[tuple[Any, ...]] = []
    start = 0
    for group in groups:
        end = start + group.span - 1
        top[start] = cells(group.title, header, start, group.span)
        alone = merged_down_title(group, columns[start])
        if alone is not None:
            top[start], titles[start] = cells(alone, header, start), ""
            spans.append(("SPAN", (start, 0), (start, 1)))
        elif group.span > 1:
            spans.append(("SPAN", (start, 0), (end, 0)))
        start = end + 1
    return [top, titles], spans


def merged_down_title(group: HeaderGroup, column: Column) -> str | None:
    """The title of a one-column group that stands down over both header rows, else None.

    On paper "县（区）" or "合计" beside "进商场 / 进市场" is one tall cell: a one-column group
    with no title of its own, or over a column with none (or the same), is drawn that way.
    """
    if group.span != 1 or (group.title and column.title and group.title != column.title):
        return None
    return group.title or column.title


def check_header_groups(columns: Sequence[Column], groups: Sequence[HeaderGroup]) -> None:
    """ValueError unless the groups' spans cover the columns exactly (else titles would sit askew)."""
    spans = [group.span for group in groups]
    if any(span < 1 for span in spans) or sum(spans) != len(columns):
        raise ValueError(f"表头分组的跨列数 {spans} 与列数 {len(columns)} 不符")


def _body_row(columns: Sequence[Column], row: Sequence[Cell], cells: _CellMaker) -> list[Flowable | str]:
    if len(row) != len(columns):
        raise ValueError(f"一行有 {len(row)} 个值，表格有 {len(columns)} 列：{row!r}")
    return [
        cells(cell_text(column, value), cells.styles.for_kind(column.kind), index)
        for index, (column, value) in enumerate(zip(columns, row, strict=True))
    ]


def _total_row(columns: Sequence[Column], total: Sequence[Cell], cells: _CellMaker) -> list[Flowable | str]:
    """The totals row, "合计" centered in its first cell (filled in when the service left it blank)."""
    row = _body_row(columns, total, cells)
    if columns and columns[0].kind == "text" and total[0] in (None, "", TOTAL_LABEL):
        row[0] = cells(TOTAL_LABEL, cells.styles.cell_centre, 0)
    return row


def _table_style(font: str, header_rows: int, has_total: bool, spans: list[tuple[Any, ...]]) -> TableStyle:
    last_header = header_rows - 1
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font, CELL_SIZE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("INNERGRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
        ("BOX", (0, 0), (-1, -1), 1, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, last_header), HEADER_FILL),
        ("LINEBELOW", (0, last_header), (-1, last_header), 1, GRID_COLOUR),
        *spans,
    ]
    if has_total:
        commands += [
            ("BACKGROUND", (0, -1), (-1, -1), TOTAL_FILL),
            ("LINEABOVE", (0, -1), (-1, -1), 1.2, GRID_COLOUR),
            ("LINEBELOW", (0, -1), (-1, -1), 1, GRID_COLOUR),
        ]
    return TableStyle(commands)


def _flowing(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    room = width - WRAP_SLACK
    return Paragraph(_cell_markup(text, style.fontName, room, style.fontSize, style.firstLineIndent), style)


def _closing(report: TableReport, styles: _Styles, width: float) -> list[Flowable]:
    """情况说明 paragraphs after the table, then the notes in small print."""
    story: list[Flowable] = []
    if report.paragraphs:
        story.append(Paragraph(PARAGRAPHS_HEADING, styles.heading))
        story += [_flowing(text, styles.paragraph, width) for text in report.paragraphs]
    if report.notes:
        story.append(Spacer(1, 3 * mm))
        story += [_flowing(text, styles.note, width) for text in report.notes]
    return story


def _charts(report: TableReport, font: str, width: float) -> list[Flowable]:
    """The report's charts after everything the table says, each full width.

    Last because the table is the document of record and the charts only illustrate it; each
    chart is one KeepTogether, so it starts on the next page when the rest of this one is too short.
    """
    story: list[Flowable] = []
    for chart in report.charts:
        story += chart_flowables(chart, width, font)
    return story


# ---------------------------------------------------------------------------------------------
# Footer: "第 x 页 共 y 页" needs the page count, so pages are held and drawn at save
# ---------------------------------------------------------------------------------------------


def _numbered_canvas(title: str, font: str) -> type[Canvas]:
    """A canvas class that keeps each finished page and stamps the footers once the count is known.

    Two passes over the page streams only (the layout runs once); summaries are tens of pages,
    so holding them in memory is cheap.
    """
    footer_title = printable(title)

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held_pages)
            for state in self._held_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            page_width = self._pagesize[0]
            number = f"第 {self.getPageNumber()} 页 共 {total} 页"
            self.saveState()
            self.setFont(font, FOOTER_SIZE)
            self.setFillColor(NOTE_COLOUR)
            self.drawCentredString(page_width / 2, FOOTER_Y, number)
            room = page_width / 2 - MARGIN_X - stringWidth(number, font, FOOTER_SIZE) / 2 - 6 * mm
            self.drawString(MARGIN_X, FOOTER_Y, _fit(footer_title, font, room))
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, font: str, room: float) -> str:
    """`text` cut with "…" so it fits in `room` points (a long title must not run into the page number)."""
    if stringWidth(text, font, FOOTER_SIZE) <= room:
        return text
    while text and stringWidth(text + "…", font, FOOTER_SIZE) > room:
        text = text[:-1]
    return text + "…" if text else ""
