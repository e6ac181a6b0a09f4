"""Every message box the app shows goes through here, so tests can replace them (monkeypatch)
and so the wording and buttons stay consistent (保存 / 取消 / 关闭)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from stationdesk.errors import UserError
from stationdesk.logsetup import report_bug


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    return box


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "确定", no: str = "取消") -> bool:
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes_button


def show_error(parent: QWidget | None, exc: BaseException, context: str = "") -> None:
    """A user error shows its own message; anything else is logged and shown as an apology."""
    if isinstance(exc, UserError):
        warn(parent, "无法完成", str(exc))
    else:
        warn(parent, "出错了", report_bug(exc, context))


def save_path(parent: QWidget | None, title: str, suggested: Path, file_filter: str) -> Path | None:
    """Where to save a file (the system's dialog); None when the user cancelled."""
    chosen, _selected = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    return Path(chosen) if chosen else None


def open_path(parent: QWidget | None, title: str, start: Path, file_filter: str) -> Path | None:
    """An existing file to read (the system's dialog); None when the user cancelled."""
    chosen, _selected = QFileDialog.getOpenFileName(parent, title, str(start), file_filter)
    return Path(chosen) if chosen else None


def folder_path(parent: QWidget | None, title: str, start: Path) -> Path | None:
    """A folder to write many files into; None when the user cancelled."""
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
    return Path(chosen) if chosen else None


def open_externally(path: Path) -> bool:
    """Open a file or folder with the program the system associates with it (PDF reader, Excel)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
