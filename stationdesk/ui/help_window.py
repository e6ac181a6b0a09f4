"""帮助 (F1): the user manual (docs/用户手册.md) in a window of its own, opened at the section about
the screen the user is on.

Why the Markdown file itself: it is the manual people read on the web and print, the same text
and the same screenshots; Qt renders Markdown, so there is no second copy to keep in step. A
section is found by its heading text, which is the page's name in the navigation ("站点台账").
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from stationdesk.config import DOCS

MANUAL = DOCS / "用户手册.md"
TITLE = "用户手册"
IMAGE_WIDTH = 720


def headings(browser: QTextBrowser) -> dict[str, int]:
    """Heading text → its position in the document, for every heading of the manual."""
    found: dict[str, int] = {}
    block = browser.document().begin()
    while block.isValid():
        if block.blockFormat().headingLevel() > 0:
            found.setdefault(block.text().strip(), block.position())
        block = block.next()
    return found


def fit_images(browser: QTextBrowser, width: int) -> None:
    """Show each screenshot `width` pixels wide (height in proportion): a 1280-pixel window
    picture must not push the text sideways out of a manual window."""
    document = browser.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isImageFormat():
                image = fragment.charFormat().toImageFormat()
                image.setWidth(width)
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            iterator += 1
        block = block.next()


class HelpWindow(QDialog):
    """The manual, scrolled to a section; stays open beside the main window (not modal)."""

    def __init__(self, manual: Path = MANUAL, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.resize(820, 760)
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        try:
            text = manual.read_text(encoding="utf-8")
        except OSError:
            text = f"# {TITLE}\n\n找不到用户手册文件：{manual}。请向维护人员索取。"
        self.browser.document().setBaseUrl(QUrl.fromLocalFile(str(manual.parent) + "/"))
        self.browser.setMarkdown(text)
        fit_images(self.browser, IMAGE_WIDTH)
        self._sections = headings(self.browser)
        buttons = QDialogButtonBox()
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

    @property
    def sections(self) -> list[str]:
        return list(self._sections)

    def show_section(self, title: str) -> bool:
        """Scroll so the heading `title` is at the top; False (and the top of the manual) when
        the manual has no such section."""
        position = self._sections.get(title)
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(position or 0)
        self.browser.setTextCursor(cursor)
        top = 0.0
        if position is not None:
            block = self.browser.document().findBlock(position)
            top = self.browser.document().documentLayout().blockBoundingRect(block).top()
        self.browser.verticalScrollBar().setValue(int(top))
        return position is not None
