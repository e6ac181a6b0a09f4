"""设置 → 备份与恢复: the SQLite database's backups (time, reason, size), 立即备份, 恢复所选备份…,
how many are kept and where, 打开备份文件夹. A PostgreSQL database is backed up by its server's
administrator with pg_dump, which the tab says instead.

Restoring replaces the open database, so the tab only asks for it (`restore_requested`); the app,
which owns the open database, confirms, closes it, restores and reopens (ui.restoring).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stationdesk.errors import UserError
from stationdesk.services import backups, preferences
from stationdesk.services.backups import Backup
from stationdesk.services.opening import database_file
from stationdesk.services.preferences import MAX_BACKUP_KEEP
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.list_model import ListColumn, ListModel, list_table
from stationdesk.ui.shared_settings import save_changed
from stationdesk.ui.standards_editor import NOTE_STYLE
from stationdesk.ui.tasks import TaskRunner

SQLITE_NOTE = (
    "备份用 SQLite 在线备份复制数据库，并逐份做完整性检查。每天第一次打开、数据结构升级前和批量导入前自动备份；"
    "超出保留份数的旧备份自动删除。恢复时先检查所选备份是否完好，再替换数据库文件，被替换的文件改名保留在原处。"
)
POSTGRES_NOTE = (
    "本数据库在 PostgreSQL 服务器上，由服务器管理员用 pg_dump 定期备份、用 pg_restore 恢复，"
    "本程序不在这里备份或恢复。\n\n备份命令示例（在服务器上执行）：\n"
    "pg_dump --format=custom --file=stationdesk-20261124.dump stationdesk\n\n"
    "恢复到一个新建的空数据库：\n"
    "pg_restore --dbname=stationdesk_restored stationdesk-20261124.dump"
)
READ_ONLY_NOTE = "数据库以只读方式打开：不能在这里备份、恢复或修改设置，请在占用数据库的电脑上操作。"


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{max(size, 1) / 1024:.0f} KB"


def backup_columns() -> list[ListColumn[Backup]]:
    return [
        ListColumn("备份时间", 170, lambda b: f"{b.taken_at:%Y-%m-%d %H:%M:%S}", lambda b: b.taken_at),
        ListColumn("原因", 130, lambda b: b.reason_label),
        ListColumn("大小", 90, lambda b: _size(b.size), lambda b: b.size, numeric=True),
        ListColumn("文件", 320, lambda b: b.path.name),
    ]


class BackupList(QWidget):
    """The backups as a table (newest first), shared by this tab and the restore dialog."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: ListModel[Backup] = ListModel(backup_columns())
        self.table = list_table(self.model)
        self.empty = QLabel("还没有备份。")
        self.empty.setStyleSheet(NOTE_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)

    def set_backups(self, found: list[Backup]) -> None:
        chosen = self.selected()
        self.model.set_rows(found)
        self.empty.setVisible(not found)
        for row, backup in enumerate(self.model.rows):
            if chosen is not None and backup.path == chosen.path:
                self.table.selectRow(row)

    def selected(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None


class BackupTab(QWidget):
    """The 备份与恢复 tab. Emits `restore_requested(Backup)`; `saved` after the settings change."""

    restore_requested = Signal(object)
    saved = Signal()

    def __init__(self, db: Database, runner: TaskRunner, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._runner, self._actor = db, runner, actor
        self._database = database_file(db)
        self._stored: dict[str, Any] = {"backup_keep": backups.KEEP, "backup_folder": ""}
        self._folder_value = ""
        layout = QVBoxLayout(self)
        if self._database is None:
            note = QLabel(POSTGRES_NOTE)
            note.setWordWrap(True)
            note.setObjectName("postgresNote")
            note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy the commands
            layout.addWidget(note)
            layout.addStretch(1)
            self.list = None
            return
        self.list = BackupList()
        self.list.table.selectionModel().selectionChanged.connect(self._update)
        self.backup_button = QPushButton("立即备份")
        self.restore_button = QPushButton("恢复所选备份…")
        self.open_button = QPushButton("打开备份文件夹")
        self.keep = QSpinBox(minimum=1, maximum=MAX_BACKUP_KEEP, suffix=" 份")
        self.keep.setToolTip("自动备份和手动备份合计保留的份数；更少的份数在下次备份时生效")
        self.folder = QLineEdit(readOnly=True)
        self.folder_button = QPushButton("更改…")
        self.default_button = QPushButton("恢复默认位置")
        self.save_button = QPushButton("保存")
        self.revert_button = QPushButton("放弃修改")
        self.status = QLabel()
        self._layout(layout)
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.ask_restore)
        self.open_button.clicked.connect(self.open_folder)
        self.folder_button.clicked.connect(self.choose_folder)
        self.default_button.clicked.connect(lambda: self._set_folder(""))
        self.keep.valueChanged.connect(self._update)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)
        if db.read_only:
            for widget in (self.backup_button, self.restore_button, self.keep, self.folder_button,
                           self.default_button):  # fmt: skip
                widget.setEnabled(False)
        self.reload()

    def _layout(self, layout: QVBoxLayout) -> None:
        assert self.list is not None
        note = QLabel(READ_ONLY_NOTE if self._db.read_only else SQLITE_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: #8a5300;" if self._db.read_only else NOTE_STYLE)
        listed = QGroupBox("备份")
        listed_layout = QVBoxLayout(listed)
        listed_layout.addWidget(self.list)
        actions = QHBoxLayout()
        actions.addWidget(self.backup_button)
        actions.addWidget(self.restore_button)
        actions.addStretch(1)
        actions.addWidget(self.open_button)
        listed_layout.addLayout(actions)
        kept = QGroupBox("保留与位置（所有使用本数据库的电脑共用）")
        grid = QGridLayout(kept)
        grid.addWidget(QLabel("保留最近"), 0, 0)
        grid.addWidget(self.keep, 0, 1)
        grid.addWidget(QLabel("备份文件夹"), 1, 0)
        grid.addWidget(self.folder, 1, 1, 1, 2)
        grid.addWidget(self.folder_button, 1, 3)
        grid.addWidget(self.default_button, 1, 4)
        grid.setColumnStretch(2, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout.addWidget(note)
        layout.addWidget(listed, 1)
        layout.addWidget(kept)
        layout.addLayout(buttons)

    # --- the list --------------------------------------------------------------------------------

    @property
    def folder_path(self) -> Path | None:
        return None if self.list is None else backups.backup_folder(self._db)

    def refresh(self) -> None:
        """Re-read the backup folder (cheap: a directory listing)."""
        if self.list is None or self._database is None:
            return
        folder = backups.backup_folder(self._db)
        self.list.set_backups(backups.backups(folder, self._database))
        self.list.empty.setText(f"“{folder}”中还没有本数据库的备份。")
        self._update()

    def backup_now(self) -> None:
        def done(taken: Backup) -> None:
            self.refresh()
            self.status.setText(f"已备份：{taken.path.name}")

        self._runner.run(
            lambda _ctx: backups.backup_now(self._db, "manual"),
            on_done=done,
            on_error=lambda exc: dialogs.show_error(self, exc, "backup"),
            progress_parent=self,
            progress_title="正在备份数据库…",
        )

    def ask_restore(self) -> None:
        chosen = self.list.selected() if self.list is not None else None
        if chosen is not None:
            self.restore_requested.emit(chosen)

    def open_folder(self) -> None:
        folder = self.folder_path
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            dialogs.show_error(self, UserError(f"无法创建备份文件夹“{folder}”：{exc.strerror or exc}"))
            return
        dialogs.open_externally(folder)

    # --- retention and folder (shared settings) ---------------------------------------------------

    def reload(self) -> None:
        if self.list is None:
            return
        self._stored = {key: preferences.get(self._db, key) for key in ("backup_keep", "backup_folder")}
        self.keep.setValue(int(self._stored["backup_keep"]))
        self._show_folder(str(self._stored["backup_folder"]))
        self.refresh()

    def _show_folder(self, chosen: str) -> None:
        self._folder_value = chosen
        assert self._database is not None
        shown = chosen or str(backups.default_folder(self._database))
        self.folder.setText(shown if chosen else f"{shown}（默认：数据库旁）")
        self.folder.setCursorPosition(0)
        self.folder.setToolTip(shown)
        self._update()

    def choose_folder(self) -> None:
        start = Path(self._folder_value) if self._folder_value else self.folder_path or Path.home()
        chosen = dialogs.folder_path(self, "选择备份文件夹", start)
        if chosen is not None:
            self._set_folder(str(chosen))

    def _set_folder(self, chosen: str) -> None:
        self._show_folder(chosen)

    def values(self) -> dict[str, Any]:
        return {"backup_keep": self.keep.value(), "backup_folder": self._folder_value}

    @property
    def is_dirty(self) -> bool:
        return self.list is not None and self.values() != self._stored

    def _update(self) -> None:
        if self.list is None:
            return
        writable = not self._db.read_only
        self.restore_button.setEnabled(writable and self.list.selected() is not None)
        self.save_button.setEnabled(writable and self.is_dirty)
        self.revert_button.setEnabled(self.is_dirty)
        self.default_button.setEnabled(writable and bool(self._folder_value))
        if self.is_dirty:
            self.status.clear()

    def save(self) -> bool:
        changed = save_changed(self, self._db, self._actor, self.values(), self._stored)
        if changed is None:
            return False
        self.reload()
        self.status.setText("已保存，所有电脑即时生效")
        self.saved.emit()
        return True

