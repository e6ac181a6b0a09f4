"""从备份恢复: choose one of a database file's backups, when the file cannot be opened (damaged)
or from 设置 → 备份与恢复. Choosing replaces nothing yet: the app checks the backup and restores
it (ui.app), keeping the replaced file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from stationdesk.services.backups import Backup
from stationdesk.ui.backup_tab import BackupList
from stationdesk.ui.standards_editor import NOTE_STYLE

EXPLANATION = (
    "恢复前会先检查所选备份是否完好（完整性检查），检查通过才替换数据库文件；"
    "被替换的文件改名保留在原处，不会删除。恢复前请确认其他电脑没有打开此数据库。"
)


class RestoreDialog(QDialog):
    """The backups of one database file, newest first and preselected."""

    def __init__(self, found: list[Backup], database: Path, message: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("从备份恢复")
        self.resize(720, 420)
        heading = QLabel(message or f"数据库：{database}")
        heading.setWordWrap(True)
        explanation = QLabel(EXPLANATION)
        explanation.setWordWrap(True)
        explanation.setStyleSheet(NOTE_STYLE)
        self.list = BackupList()
        self.list.set_backups(found)
        if found:
            self.list.table.selectRow(0)
        else:
            self.list.empty.setText(f"没有找到“{database.name}”的备份。")
        self.buttons = QDialogButtonBox()
        self.restore_button = self.buttons.addButton("恢复所选备份", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.table.selectionModel().selectionChanged.connect(self._update)
        self.list.table.doubleClicked.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(explanation)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        self.restore_button.setEnabled(self.chosen() is not None)

    def chosen(self) -> Backup | None:
        return self.list.selected()
