"""Preview of a report before it goes to paper: page through, zoom, print, save, or open it in
the PC's own PDF reader.

Why Qt's own PDF view (QtPdf, PDFium inside): the preview shows exactly the file that is printed
and saved, rendered the same on every PC whatever PDF reader it has (or none).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QSettings, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from stationdesk.errors import UserError
from stationdesk.reports.files import write_atomically
from stationdesk.ui import dialogs

FOLDER_KEY = "reports/folder"
GEOMETRY_KEY = "reports/preview_geometry"
PRINT_DPI = 300
"""Pages are rasterised for the printer at 300 dpi: sharp text, and an A4 page stays ~35 MB."""
ZOOM_STEP = 1.25


def last_folder(settings: QSettings) -> Path:
    """The folder the user last saved a report in (their Documents the first time)."""
    saved = settings.value(FOLDER_KEY)
    return Path(str(saved)) if saved else Path.home()


def remember_folder(settings: QSettings, path: Path) -> None:
    settings.setValue(FOLDER_KEY, str(path if path.is_dir() else path.parent))


FILE_KINDS = {".pdf": "PDF 文件 (*.pdf)", ".xlsx": "Excel 工作簿 (*.xlsx)", ".png": "PNG 图片 (*.png)"}


def ask_save_target(parent: QWidget, settings: QSettings, title: str, name: str, suffix: str) -> Path | None:
    """Where to save `name` + `suffix`: asked in the folder last used, the suffix added when the
    user typed a name without it; the folder remembered. None when the user cancelled."""
    target = dialogs.save_path(parent, title, last_folder(settings) / f"{name}{suffix}", FILE_KINDS[suffix])
    if target is None:
        return None
    if target.suffix.lower() != suffix:
        target = target.with_name(target.name + suffix)
    remember_folder(settings, target)
    return target


class PdfPreview(QDialog):
    """A PDF held in memory, shown page by page with 打印 / 另存为 / 用外部程序打开."""

    def __init__(self, data: bytes, title: str, filename: str, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"打印预览 — {title}")
        self._data, self._filename, self._settings = data, filename, settings
        self._bytes = QByteArray(data)
        self._buffer = QBuffer(self._bytes, self)
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.page_box = QSpinBox()
        self.page_box.setRange(1, max(1, self.document.pageCount()))
        self.page_box.setSuffix(f" ／ {self.document.pageCount()} 页")
        self.page_box.setPrefix("第 ")
        self.page_box.valueChanged.connect(self.go_to_page)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        self.zoom_label = QLabel()
        self._build_toolbar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view, 1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(8, 4, 8, 8)
        buttons.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        geometry = settings.value(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        else:
            self.resize(900, 1000)
        self._show_zoom()

    def _build_toolbar(self) -> None:
        bar = self.toolbar = QToolBar()
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.print_action = bar.addAction("打印…", self.print_document)
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)
        self.save_action = bar.addAction("另存为…", self.save_as)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.external_action = bar.addAction("用外部程序打开", self.open_external)
        bar.addSeparator()
        previous = bar.addAction("上一页", lambda: self.go_to_page(self.current_page()))
        previous.setShortcut(QKeySequence(Qt.Key.Key_PageUp))
        following = bar.addAction("下一页", lambda: self.go_to_page(self.current_page() + 2))
        following.setShortcut(QKeySequence(Qt.Key.Key_PageDown))
        bar.addWidget(self.page_box)
        bar.addSeparator()
        zoom_out = bar.addAction("缩小", lambda: self.zoom_by(1 / ZOOM_STEP))
        zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
        zoom_in = bar.addAction("放大", lambda: self.zoom_by(ZOOM_STEP))
        zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
        bar.addAction("适合宽度", lambda: self.set_zoom_mode(QPdfView.ZoomMode.FitToWidth))
        bar.addAction("整页", lambda: self.set_zoom_mode(QPdfView.ZoomMode.FitInView))
        bar.addWidget(self.zoom_label)

    # -- paging and zoom -----------------------------------------------------------------------
    def page_count(self) -> int:
        return self.document.pageCount()

    def current_page(self) -> int:
        """Zero-based, as QtPdf counts."""
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, number: int) -> None:
        """Show page `number` (one-based, as the spin box and the user count)."""
        number = max(1, min(number, self.page_count()))
        if number - 1 != self.current_page():
            self.view.pageNavigator().jump(number - 1, QPointF(), self.view.zoomFactor())

    def _page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)

    def zoom_by(self, factor: float) -> None:
        current = self.view.zoomFactor()
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(current * factor, 6.0)))
        self._show_zoom()

    def set_zoom_mode(self, mode: QPdfView.ZoomMode) -> None:
        self.view.setZoomMode(mode)
        self._show_zoom()

    def _show_zoom(self) -> None:
        mode = self.view.zoomMode()
        if mode == QPdfView.ZoomMode.FitToWidth:
            self.zoom_label.setText("  缩放：适合宽度")
        elif mode == QPdfView.ZoomMode.FitInView:
            self.zoom_label.setText("  缩放：整页")
        else:
            self.zoom_label.setText(f"  缩放：{self.view.zoomFactor() * 100:.0f}%")

    # -- output --------------------------------------------------------------------------------
    def save_as(self) -> Path | None:
        target = ask_save_target(self, self._settings, "保存为 PDF", Path(self._filename).stem, ".pdf")
        if target is None:
            return None
        try:
            write_atomically(target, self._data)
        except UserError as exc:
            dialogs.warn(self, "无法保存", str(exc))
            return None
        except OSError as exc:
            dialogs.warn(self, "无法保存", f"无法写入“{target}”：{exc.strerror or exc}。请检查文件是否被其他程序打开。")
            return None
        remember_folder(self._settings, target)
        return target

    def open_external(self) -> Path | None:
        """Write the PDF to the temporary folder and hand it to the system's PDF reader."""
        folder = Path(tempfile.gettempdir()) / "StationDesk"
        target = folder / self._filename
        try:
            folder.mkdir(parents=True, exist_ok=True)
            write_atomically(target, self._data)
        except (OSError, UserError) as exc:
            dialogs.warn(self, "无法打开", f"无法写入临时文件“{target}”：{exc}")
            return None
        if not dialogs.open_externally(target):
            dialogs.warn(self, "无法打开", f"这台电脑没有可以打开 PDF 的程序。文件已保存在：{target}")
        return target

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self._filename)
        printer.setFromTo(1, self.page_count())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("打印")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        """Paint the chosen pages onto `printer`, each scaled to the printable area keeping its
        proportions; returns how many were printed. Cancellable between pages."""
        first = max(1, printer.fromPage() or 1)
        last = min(self.page_count(), printer.toPage() or self.page_count())
        progress = QProgressDialog("正在发送到打印机…", "取消", 0, last - first + 1, self)
        progress.setMinimumDuration(400)
        painter = QPainter()
        if not painter.begin(printer):
            dialogs.warn(self, "无法打印", "打印机没有响应，请检查打印机设置。")
            return 0
        printed = 0
        try:
            for number in range(first, last + 1):
                if progress.wasCanceled():
                    break
                if printed:
                    printer.newPage()
                self._paint_page(painter, printer, number - 1)
                printed += 1
                progress.setValue(printed)
                QApplication.processEvents()
        finally:
            painter.end()
            progress.close()
        return printed

    def _paint_page(self, painter: QPainter, printer: QPrinter, index: int) -> None:
        points = self.document.pagePointSize(index)
        size = QSize(round(points.width() * PRINT_DPI / 72), round(points.height() * PRINT_DPI / 72))
        image = self.document.render(index, size)
        area = painter.viewport()
        scaled = size.scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        # Drawn into a rectangle, not scaled first: the printer gets the 300 dpi image itself,
        # never a copy blown up to its own (often 1,200 dpi) resolution.
        painter.drawImage(QRect(area.topLeft(), scaled), image)

    def done(self, result: int) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        super().done(result)
