"""The print preview on a real PDF: paging, zoom, save as, and printing to a real (PDF) printer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from stationdesk.reports.fonts import register_font
from stationdesk.ui import dialogs
from stationdesk.ui.pdf_preview import FOLDER_KEY, PdfPreview
from tests.conftest import Poppler


def three_pages() -> bytes:
    canvas = Canvas(None, pagesize=A4)  # type: ignore[arg-type]
    font = register_font()
    for number in range(1, 4):
        canvas.setFont(font, 14)
        canvas.drawString(72, 760, f"第 {number} 页 检查报告")
        canvas.showPage()
    return bytes(canvas.getpdfdata())


@pytest.fixture
def preview(qtbot: Any, qsettings: QSettings) -> PdfPreview:
    dialog = PdfPreview(three_pages(), "测试", "测试 报告.pdf", qsettings)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_pages_are_counted_and_paged_through(preview: PdfPreview) -> None:
    assert preview.page_count() == 3
    assert preview.page_box.maximum() == 3
    assert preview.page_box.suffix() == " ／ 3 页"
    preview.go_to_page(3)
    assert preview.current_page() == 2
    assert preview.page_box.value() == 3
    preview.go_to_page(99)  # past the end: the last page, no error
    assert preview.current_page() == 2


def test_zoom_in_and_back_to_fit(preview: PdfPreview) -> None:
    preview.set_zoom_mode(QPdfView.ZoomMode.Custom)
    before = preview.view.zoomFactor()
    preview.zoom_by(1.25)
    assert preview.view.zoomFactor() == pytest.approx(before * 1.25)
    assert preview.zoom_label.text().strip().endswith("%")
    preview.set_zoom_mode(QPdfView.ZoomMode.FitToWidth)
    assert preview.zoom_label.text().strip() == "缩放：适合宽度"


def test_save_as_writes_the_same_bytes_and_remembers_the_folder(
    preview: PdfPreview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qsettings: QSettings
) -> None:
    target = tmp_path / "out" / "报告"
    target.parent.mkdir()
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: target)
    saved = preview.save_as()
    assert saved == target.with_name("报告.pdf")
    assert saved.read_bytes() == preview._data
    assert qsettings.value(FOLDER_KEY) == str(target.parent)


def test_a_locked_file_is_a_message_not_a_crash(
    preview: PdfPreview, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: tmp_path / "missing" / "deeper" / "x.pdf")
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warnings.append(text))
    (tmp_path / "missing").write_text("a file where a folder should be")
    assert preview.save_as() is None
    assert warnings and "不存在" in warnings[0]


def test_printing_sends_every_page(preview: PdfPreview, tmp_path: Path, poppler: Poppler) -> None:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(printed))
    assert preview.print_to(printer) == 3
    assert poppler.pages(printed) == 3


def test_printing_a_page_range(preview: PdfPreview, tmp_path: Path, poppler: Poppler) -> None:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "two.pdf"
    printer.setOutputFileName(str(printed))
    printer.setFromTo(2, 3)
    assert preview.print_to(printer) == 2
    assert poppler.pages(printed) == 2
