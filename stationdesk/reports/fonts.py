"""The bundled Chinese font for ReportLab: registered once, embedded as a subset in every PDF.

Why this font: office PCs' fonts vary and a fresh Linux machine has none; ReportLab embeds only
TrueType outlines (not the CFF of Noto CJK OTFs). WenQuanYi Micro Hei (Apache-2.0) is TrueType,
its digits are all the same width (tabular figures come for free), and it covers the symbols the
reports print (✓ ✘ ≥ ≤ — （）).
"""

from __future__ import annotations

from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from stationdesk.config import RESOURCES

FONT_FILE = RESOURCES / "fonts" / "wqy-microhei.ttc"
FONT = "WenQuanYiMicroHei"
"""The ReportLab name of the bundled font (bold is drawn by the layout, the face has no bold)."""

TICK = "✓"
CROSS = "✘"


@cache
def register_font() -> str:
    """Register the bundled font with ReportLab (once per process); returns its name."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))
    return FONT


@cache
def _covered() -> frozenset[int]:
    register_font()
    return frozenset(pdfmetrics.getFont(FONT).face.charWidths)


def missing_glyphs(text: str) -> set[str]:
    """Characters of `text` the font cannot draw (they would print as boxes); spaces aside."""
    covered = _covered()
    return {ch for ch in text if ord(ch) not in covered and not ch.isspace()}


@lru_cache(maxsize=8192)
def printable(text: str, replacement: str = "?") -> str:
    """`text` with every character the font lacks replaced, so no box ever reaches paper.

    Rare characters in names (生僻字 outside the font) become `replacement`; the register keeps
    the real name, only the print loses it. Cached: a batch prints the same labels thousands
    of times.
    """
    covered = _covered()
    return "".join(ch if ch.isspace() or ord(ch) in covered else replacement for ch in text)
