"""Shared PDF building blocks: paper geometry, paragraph styles, grid tables, page decoration and
a document writer for independently page-numbered sections.

Why a kit: the station inspection report and the summary tables must look like one family of
documents (same font, margins, footer, greys), so the station report and any later summary
renderer take their styles and their "第 x 页 共 y 页" footer from here.

Why sections: a batch prints a thousand stations into one PDF for one print job, yet each
station's pages are numbered on their own ("第 1 页 共 3 页" restarts per station). The page
total is drawn through a form XObject that each page references before it exists and that is
defined once the section's last page is known, so a batch is laid out in a single pass,
consuming its sections lazily, without keeping any page or story of earlier sections around.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFName, PDFStream
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate, Paragraph, Table, TableStyle

from stationdesk.reports.fonts import printable, register_font

# -- paper ------------------------------------------------------------------------------------

PAGE_SIZE: tuple[float, float] = A4
MARGIN = 18 * mm
"""Left and right margins: room for a binder's holes and for office printers' unprintable edge."""
TOP_MARGIN = 15 * mm
BOTTOM_MARGIN = 14 * mm
"""Top and bottom are a little narrower: the running header and the footer sit in them, and every
millimetre counts towards keeping a typical station on one sheet."""
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE_SIZE[1] - TOP_MARGIN - BOTTOM_MARGIN
HEADER_BASELINE = PAGE_SIZE[1] - 9.5 * mm
FOOTER_BASELINE = 8 * mm

# -- ink ----------------------------------------------------------------------------------------

INK = colors.black
MUTED = colors.HexColor("#505050")
RULE = colors.HexColor("#333333")
SHADE = colors.HexColor("#EBEBEB")
"""Label and header cells: light enough to stay readable on a worn office laser printer."""
ALERT = colors.HexColor("#A00000")
"""未达标, ✘ and status notes: dark red, still clearly darker than body text on greyscale."""
GOOD = colors.HexColor("#1E5E1E")

BODY_SIZE = 9.5
CELL_SIZE = 8.5
SMALL_SIZE = 8.0


def markup(text: str) -> str:
    """`text` made safe for a Paragraph: characters the font lacks become "?", & < > escaped."""
    return escape(printable(text))


def font() -> str:
    """The only font a report uses (registered on first use)."""
    return register_font()


# -- paragraph styles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of every report, built once per process.

    All wrap Chinese text anywhere (wordWrap "CJK"): a 60-character station name has no spaces to
    break at and must still stay inside its cell.
    """

    body: ParagraphStyle
    alert: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_center: ParagraphStyle
    head: ParagraphStyle
    label: ParagraphStyle


def _style(
    name: str, size: float, *, align: int = TA_LEFT, color: colors.Color = INK, leading: float = 1.3
) -> ParagraphStyle:
    return ParagraphStyle(
        name,
        fontName=font(),
        fontSize=size,
        leading=round(size * leading, 1),
        alignment=align,
        textColor=color,
        wordWrap="CJK",
        splitLongWords=True,
    )


@cache
def styles() -> Styles:
    """The shared styles (cached: building ParagraphStyles per report would cost per page)."""
    return Styles(
        body=_style("body", BODY_SIZE),
        alert=_style("alert", BODY_SIZE + 1, color=ALERT),
        cell=_style("cell", CELL_SIZE, leading=1.15),
        cell_right=_style("cell_right", CELL_SIZE, align=TA_RIGHT, leading=1.15),
        cell_center=_style("cell_center", CELL_SIZE, align=TA_CENTER, leading=1.15),
        head=_style("head", CELL_SIZE, align=TA_CENTER, leading=1.15),
        label=_style("label", CELL_SIZE, leading=1.15),
    )


class CellParagraph(Paragraph):
    """A Paragraph that breaks its lines once per width.

    Tables wrap every cell twice (to size the rows, then again to draw them), and breaking CJK
    text into lines is the costliest step of a report; remembering the breaks per width halves
    it, and a cached cell ("0.00", "办理中", a column header) is never broken again in a batch.
    """

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__(text, style)
        self._breaks: dict[float, tuple[Any, ...]] = {}

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        known = self._breaks.get(availWidth)
        if known is not None:
            self.width, self.height, self.blPara, self._wrapWidths = known
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        if hasattr(self, "blPara"):
            self._breaks[availWidth] = (self.width, self.height, self.blPara, self._wrapWidths)
        return width, height


_CACHE_SIZE = 1024
_cells = threading.local()


def rich(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of ready-made markup (escape plain parts with `markup`), shared when repeated.

    One instance may stand in many cells and many reports: a table wraps a cell right before
    drawing it, so sharing is safe within a thread; the cache is per thread (a preview may be
    drawn while a batch runs) and bounded, so a batch's memory stays flat.
    """
    cache: OrderedDict[tuple[str, ParagraphStyle], Paragraph] | None = getattr(_cells, "cache", None)
    if cache is None:
        cache = _cells.cache = OrderedDict()
    key = (text, style)
    found = cache.get(key)
    if found is not None:
        cache.move_to_end(key)
        return found
    made = cache[key] = CellParagraph(text, style)
    if len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return made


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of plain `text` (made printable and escaped)."""
    return rich(markup(text), style)


def fit_text(text: str, size: float, width: float) -> str:
    """`text` made printable and cut with "…" to fit `width` on one line (running header, footer)."""
    face = font()
    text = printable(text)
    if stringWidth(text, face, size) <= width:
        return text
    ellipsis_width = stringWidth("…", face, size)
    kept, used = [], 0.0
    for ch in text:
        used += stringWidth(ch, face, size)
        if used + ellipsis_width > width:
            break
        kept.append(ch)
    return "".join(kept) + "…"


# -- single-line flowables --------------------------------------------------------------------


class TextLine(Flowable):
    """One line of text (title, section heading) with an optional small note at the right.

    The bundled font has no bold face, so `bold` strokes the glyph outlines (text render mode 2)
    with a hairline, which prints as a convincing semi-bold. A line too wide for the frame
    shrinks its size rather than overflow the margin.
    """

    def __init__(
        self,
        text: str,
        size: float,
        *,
        align: str = "center",
        bold: bool = True,
        note: str = "",
        space_before: float = 0,
        space_after: float = 0,
        color: colors.Color = INK,
    ) -> None:
        super().__init__()
        self.text = printable(text)
        self.note = printable(note)
        self.base_size = self.size = size
        self.align = align
        self.bold = bold
        self.color = color
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._width = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        note_width = stringWidth(self.note, font(), SMALL_SIZE) + 6 if self.note else 0
        needed = stringWidth(self.text, font(), self.base_size)
        self.size = min(self.base_size, self.base_size * (availWidth - note_width) / max(needed, 1))
        self._width = availWidth
        self.width, self.height = availWidth, self.size * 1.2
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        baseline = self.size * 0.3
        canv.setFillColor(self.color)
        # The render mode is graphics state: confine it, or the note drawn after turns bold too.
        canv.saveState()
        text = canv.beginText()
        text.setFont(font(), self.size)
        if self.bold:
            canv.setStrokeColor(self.color)
            canv.setLineWidth(self.size / 38)
            text.setTextRenderMode(2)
        x = (self._width - stringWidth(self.text, font(), self.size)) / 2 if self.align == "center" else 0.0
        text.setTextOrigin(x, baseline)
        text.textOut(self.text)
        canv.drawText(text)
        canv.restoreState()
        if self.note:
            canv.setFont(font(), SMALL_SIZE)
            canv.drawRightString(self._width, baseline, self.note)


class WritingBox(Flowable):
    """An empty ruled box for handwriting, with its title in the top-left corner.

    Faint guide lines every 8 mm keep an inspector's handwriting level and show at a glance
    that the box is meant to be written in. The box is elastic between `min_height` and
    `height`: it takes what the page has left, within those bounds.
    """

    LINE_GAP = 8 * mm

    def __init__(self, title: str, height: float, min_height: float | None = None) -> None:
        super().__init__()
        self.title = printable(title)
        self.max_height = height
        self.min_height = height if min_height is None else min_height

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = max(self.min_height, min(self.max_height, availHeight))
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.setStrokeColor(RULE)
        canv.setLineWidth(0.8)
        canv.rect(0, 0, self.width, self.height)
        canv.setFillColor(INK)
        canv.setFont(font(), BODY_SIZE)
        canv.drawString(4, self.height - BODY_SIZE - 3, self.title)
        canv.setStrokeColor(colors.HexColor("#BBBBBB"))
        canv.setLineWidth(0.4)
        canv.setDash(1, 2)
        y = self.height - BODY_SIZE - 6 - self.LINE_GAP
        while y > 4:
            canv.line(6, y, self.width - 6, y)
            y -= self.LINE_GAP


class SignOff(Flowable):
    """A writing box with signature lines under it, as one block that never splits.

    Being a single flowable does what KeepTogether would (signatures are never orphaned on a
    page of their own) and more: when the page is short, the box shrinks towards its minimum
    height to stay on it, rather than pushing box and signatures onto a sheet of their own.
    """

    def __init__(
        self, box: WritingBox, signatures: Flowable, *, gap: float = 1.5 * mm, space_before: float = 0
    ) -> None:
        super().__init__()
        self.box = box
        self.signatures = signatures
        self.gap = gap
        self.spaceBefore = space_before

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        _, signatures_height = self.signatures.wrap(availWidth, availHeight)
        _, box_height = self.box.wrap(availWidth, availHeight - signatures_height - self.gap)
        self.width, self.height = availWidth, box_height + self.gap + signatures_height
        return self.width, self.height

    def draw(self) -> None:
        self.box.drawOn(self.canv, 0, self.height - self.box.height)
        self.signatures.drawOn(self.canv, 0, 0)


# -- tables -------------------------------------------------------------------------------------


def grid(
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    header_rows: int = 1,
    repeat_header: bool = False,
    extra: Iterable[tuple[Any, ...]] = (),
) -> Table:
    """A ruled table in the house style: thin black grid, shaded header rows, tight padding.

    The table's own default font is set too (TableStyle FONT), so no stray string cell can ever
    pull Helvetica into the PDF.
    """
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font(), CELL_SIZE),
        ("GRID", (0, 0), (-1, -1), 0.4, RULE),
        ("BOX", (0, 0), (-1, -1), 0.8, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 0.6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.4),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), SHADE))
    commands.extend(extra)
    return Table(
        [list(row) for row in rows],
        colWidths=list(widths),
        style=TableStyle(commands),
        repeatRows=header_rows if repeat_header else 0,
        hAlign="LEFT",
    )


# -- documents of page-numbered sections --------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """One independently page-numbered part of a PDF (one station's report, one summary table).

    `footer_left` / `footer_right` are printed small on every page beside the centred
    "第 x 页 共 y 页"; `running_header` heads pages 2+ (continuation pages), "" for none.
    """

    story: list[Flowable]
    footer_left: str
    footer_right: str
    running_header: str = ""


@dataclass(frozen=True)
class DocInfo:
    """PDF metadata (File ▸ Properties): what the document is and which bureau issued it."""

    title: str
    author: str
    subject: str = ""


class _PagedCanvas(Canvas):
    """A canvas that compresses each page's content stream as soon as the page is finished.

    ReportLab keeps every page's text uncompressed until `save()`; for a thousand-page batch that
    is tens of megabytes. Compressed at once, a page costs a few kilobytes (measured: a batch of
    1,000 pages grows the process by 18 MB instead of 43 MB). The stream is plain Flate, without
    the ASCII85 layer ReportLab adds by default, which only makes pages a quarter larger.
    """

    def showPage(self) -> None:
        super().showPage()
        page = self._doc.Pages.pages[-1]
        if getattr(page, "stream", None) and not getattr(page, "Contents", None):
            content = page.stream.encode("utf8") if isinstance(page.stream, str) else page.stream
            page.Contents = PDFStream(
                PDFDictionary({"Filter": PDFName("FlateDecode")}), zlib.compress(content)
            )
            page.stream = None


class _SectionDocument(BaseDocTemplate):
    """A doc template fed one section at a time, numbering pages within each section."""

    def __init__(self, target: str | BinaryIO) -> None:
        super().__init__(
            target,
            pagesize=PAGE_SIZE,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=TOP_MARGIN,
            bottomMargin=BOTTOM_MARGIN,
            pageCompression=1,
            initialFontName=font(),
            initialFontSize=BODY_SIZE,
            creator="StationDesk",
            producer="StationDesk (ReportLab)",
        )
        frame = Frame(MARGIN, BOTTOM_MARGIN, FRAME_WIDTH, FRAME_HEIGHT, 0, 0, 0, 0, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=self._decorate)])
        self._section: Section | None = None
        self._first_page = 1
        self._total_form = ""

    def lay_out(self, section: Section, index: int) -> int:
        """Lay out `section` on fresh pages; returns how many pages it took."""
        self._section, self._first_page, self._total_form = section, self.page + 1, f"SectionPages{index}"
        story = list(section.story)
        while story:
            self.clean_hanging()
            self.handle_flowable(story)
        self.clean_hanging()
        self.handle_pageBreak()
        pages = self.page - self._first_page + 1
        self._define_total(pages)
        return pages

    def _define_total(self, pages: int) -> None:
        """Define the form every page of the section already references: "{pages} 页"."""
        canv = self.canv
        canv.beginForm(self._total_form, 0, -3, 80, SMALL_SIZE + 4)
        canv.setFillColor(MUTED)
        canv.setFont(font(), SMALL_SIZE)
        _draw_spaced(canv, 0, 0, [str(pages), "页"])
        canv.endForm()

    def _decorate(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        """Running header (continuation pages) and footer, drawn as each page ends."""
        section = self._section
        assert section is not None
        number = self.page - self._first_page + 1
        canv.saveState()
        canv.setFillColor(MUTED)
        canv.setStrokeColor(MUTED)
        canv.setFont(font(), SMALL_SIZE)
        if number > 1 and section.running_header:
            canv.drawString(
                MARGIN, HEADER_BASELINE, fit_text(section.running_header, SMALL_SIZE, FRAME_WIDTH)
            )
            canv.setLineWidth(0.4)
            canv.line(MARGIN, HEADER_BASELINE - 3.5, PAGE_SIZE[0] - MARGIN, HEADER_BASELINE - 3.5)
        head = ["第", str(number), "页", "共"]
        # The total is not known yet: centre as if it had as many digits as this page's number.
        start = (PAGE_SIZE[0] - _spaced_width([*head, str(number), "页"])) / 2
        form_x = _draw_spaced(canv, start, FOOTER_BASELINE, head)
        canv.saveState()
        canv.translate(form_x, FOOTER_BASELINE)
        canv.doForm(self._total_form)
        canv.restoreState()
        side = start - MARGIN - 12
        canv.drawString(MARGIN, FOOTER_BASELINE, fit_text(section.footer_left, SMALL_SIZE, side))
        canv.drawRightString(
            PAGE_SIZE[0] - MARGIN, FOOTER_BASELINE, fit_text(section.footer_right, SMALL_SIZE, side)
        )
        canv.restoreState()


_TOKEN_GAP = 0.45 * SMALL_SIZE
"""Gap between "第", the number, "页"…: wider than the font's space, because text extraction
(pdftotext, screen readers, a search for "第 2 页") only sees a word break beyond about 0.4 em."""


def _spaced_width(tokens: Sequence[str]) -> float:
    return sum(stringWidth(t, font(), SMALL_SIZE) for t in tokens) + _TOKEN_GAP * len(tokens)


def _draw_spaced(canv: Canvas, x: float, y: float, tokens: Sequence[str]) -> float:
    """Draw `tokens` left to right with a gap after each; returns where the next one would go."""
    for token in tokens:
        canv.drawString(x, y, token)
        x += stringWidth(token, font(), SMALL_SIZE) + _TOKEN_GAP
    return x


def write_sections(
    sections: Iterable[Section],
    target: str | BinaryIO,
    info: Callable[[], DocInfo],
    *,
    after_section: Callable[[int], None] | None = None,
) -> int:
    """Lay `sections` out into one PDF written to `target` (a path or binary file); returns pages.

    `sections` is consumed lazily, one at a time: only the section being laid out is in memory.
    `after_section(n_done)` runs after each section and may raise to abandon the document
    (nothing is saved then). `info` is asked for the metadata once every section is laid out,
    so a batch can describe itself by its final count.
    """
    doc = _SectionDocument(target)
    doc._startBuild(canvasmaker=_PagedCanvas)
    doc.canv._doctemplate = doc
    pages = done = 0
    for done, section in enumerate(sections, start=1):
        pages += doc.lay_out(section, done)
        if after_section is not None:
            after_section(done)
    if not done:
        raise ValueError("a PDF needs at least one section")
    meta = info()
    doc.canv.setTitle(meta.title)
    doc.canv.setAuthor(meta.author)
    doc.canv.setSubject(meta.subject)
    doc._endBuild()
    return pages


LOGO_HEIGHT = 14 * mm


def beside_logo(logo: bytes, content: list[Flowable], width: float) -> list[Flowable]:
    """`content` (the bureau and title lines) with the bureau's logo at its left, the lines kept
    centred on the page by an empty column of the logo's width at the right. No logo: as is."""
    if not logo:
        return content
    from io import BytesIO

    from reportlab.platypus import Image

    image = Image(BytesIO(logo), width=LOGO_HEIGHT * 2, height=LOGO_HEIGHT, kind="proportional")
    side = LOGO_HEIGHT * 2 + 2 * mm
    table = Table([[image, content, ""]], colWidths=[side, width - 2 * side, side])
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (0, 0), (0, 0), "LEFT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
    ]))  # fmt: skip
    return [table]
