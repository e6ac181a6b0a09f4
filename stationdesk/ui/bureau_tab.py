"""设置 → 单位信息: the bureau's name printed at the head of every report, and who prepares them.

Shared settings (every PC prints the same header), checked by `services.preferences` like the
other shared settings.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.errors import UserError
from stationdesk.services import preferences
from stationdesk.services.preferences import MAX_BUREAU_NAME
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.standards_editor import NOTE_STYLE

KEYS = ("bureau_name", "report_contact")


class BureauTab(QWidget):
    """Edits 单位名称 and 填报人; emits `saved` after a save."""

    saved = Signal()

    def __init__(self, db: Database, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor = db, actor
        self._stored: dict[str, str] = dict.fromkeys(KEYS, "")
        self.bureau_name = QLineEdit(placeholderText="例如：某某市市场监督管理局")
        self.report_contact = QLineEdit(placeholderText="例如：消保科 张三 0519-12345678")
        for edit in (self.bureau_name, self.report_contact):
            edit.setMaxLength(MAX_BUREAU_NAME)
            edit.textChanged.connect(self._update)
        box = QGroupBox("单位信息")
        form = QFormLayout(box)
        form.addRow("单位名称", self.bureau_name)
        form.addRow("填报人及电话", self.report_contact)
        note = QLabel("单位名称印在每份检查报告和汇总表的抬头；所有使用本数据库的电脑共用。")
        note.setStyleSheet(NOTE_STYLE)
        note.setWordWrap(True)
        self.save_button = QPushButton("保存")
        self.revert_button = QPushButton("放弃修改")
        self.status = QLabel()
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(box)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.reload()

    def values(self) -> dict[str, str]:
        return {"bureau_name": self.bureau_name.text().strip(), "report_contact": self.report_contact.text().strip()}

    @property
    def is_dirty(self) -> bool:
        return self.values() != self._stored

    def _update(self) -> None:
        self.save_button.setEnabled(self.is_dirty)
        self.revert_button.setEnabled(self.is_dirty)
        if self.is_dirty:
            self.status.clear()

    def reload(self) -> None:
        self._stored = {key: str(preferences.get(self._db, key) or "") for key in KEYS}
        self.bureau_name.setText(self._stored["bureau_name"])
        self.report_contact.setText(self._stored["report_contact"])
        self._update()

    def save(self) -> bool:
        changed = {key: value for key, value in self.values().items() if value != self._stored[key]}
        try:
            preferences.put_many(self._db, changed, self._actor)
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self.reload()
        self.status.setText("已保存")
        self.saved.emit()
        return True
