"""Every message box the app shows goes through here, so tests can replace them (monkeypatch)
and so the wording and buttons stay consistent (保存 / 取消 / 关闭)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QCheckBox, QFileDialog, QMessageBox, QWidget

from stationdesk.errors import UserError, classify_database_error
from stationdesk.logsetup import report_bug

if TYPE_CHECKING:
    from stationdesk.services.backups import Backup


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    if len(text) > 60:
        # WORKAROUND: QMessageBox wraps long text at about 300 px, breaking Chinese sentences
        # into many short lines ("（自 10:32 / 起）"); its label has this object name.
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 440px; }")
    return box


def inform(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text)
    box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn(parent: QWidget | None, title: str, text: str) -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.addButton("关闭", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warn_once(parent: QWidget | None, title: str, text: str, dismiss: str = "不再提醒") -> bool:
    """A warning with a "不再提醒" box; True when the user ticked it."""
    box = _box(parent, QMessageBox.Icon.Warning, title, text)
    box.addButton("知道了", QMessageBox.ButtonRole.AcceptRole)
    check = QCheckBox(dismiss)
    box.setCheckBox(check)
    box.exec()
    return check.isChecked()


def choose_backup(parent: QWidget | None, found: list[Backup], database: Path, message: str = "") -> Backup | None:
    """The restore dialog: which backup of `database` to restore; None when cancelled."""
    from stationdesk.ui.restore_dialog import RestoreDialog

    dialog = RestoreDialog(found, database, message, parent)
    return dialog.chosen() if dialog.exec() else None


def confirm(parent: QWidget | None, title: str, text: str, yes: str = "确定", no: str = "取消") -> bool:
    box = _box(parent, QMessageBox.Icon.Question, title, text)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is yes_button


def show_error(parent: QWidget | None, exc: BaseException, context: str = "") -> None:
    """A user error shows its own message; anything else is logged and shown as an apology."""
    problem = exc if isinstance(exc, UserError) else _database_problem(exc)
    if problem is not None:
        warn(parent, "无法完成", str(problem))
    else:
        warn(parent, "出错了", report_bug(exc, context))


def _database_problem(exc: BaseException) -> UserError | None:
    """A database driver's error the user can act on (read-only, disk full, locked), or None."""
    driver_error = getattr(exc, "orig", None) or exc
    if type(driver_error).__module__.split(".")[0] not in ("sqlite3", "pysqlite3", "psycopg", "psycopg2"):
        return None
    return classify_database_error(driver_error)


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
