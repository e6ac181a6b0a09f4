"""设置 → 单位信息: the bureau's name and logo printed at the head of every report, and who
prepares them.

Shared settings (every PC prints the same header), checked by `services.preferences` like the
other shared settings.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
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

from stationdesk.domain.logo import decode_logo, encode_logo, logo_problem
from stationdesk.services import preferences
from stationdesk.services.preferences import MAX_BUREAU_NAME
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.shared_settings import save_changed
from stationdesk.ui.standards_editor import NOTE_STYLE

KEYS = ("bureau_name", "report_contact", "bureau_logo")
LOGO_PREVIEW_HEIGHT = 48


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
        self._logo = ""
        self.logo_preview = QLabel("（未设置）")
        self.logo_preview.setMinimumHeight(LOGO_PREVIEW_HEIGHT)
        self.logo_button = QPushButton("选择图片…")
        self.logo_button.setToolTip("PNG 或 JPG，不超过 300 KB；印在单位名称左侧，高约 14 毫米")
        self.logo_clear = QPushButton("清除")
        self.logo_button.clicked.connect(self.choose_logo)
        self.logo_clear.clicked.connect(lambda: self.set_logo(""))
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo_preview)
        logo_row.addWidget(self.logo_button)
        logo_row.addWidget(self.logo_clear)
        logo_row.addStretch(1)
        box = QGroupBox("单位信息")
        form = QFormLayout(box)
        form.addRow("单位名称", self.bureau_name)
        form.addRow("单位标志", logo_row)
        form.addRow("填报人及电话", self.report_contact)
        note = QLabel("单位名称和标志印在每份检查报告和汇总表的抬头；所有使用本数据库的电脑共用。")
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
        return {"bureau_name": self.bureau_name.text().strip(), "report_contact": self.report_contact.text().strip(),
                "bureau_logo": self._logo}  # fmt: skip

    def set_logo(self, encoded: str) -> None:
        self._logo = encoded
        pixmap = QPixmap()
        if encoded and pixmap.loadFromData(decode_logo(encoded)):
            self.logo_preview.setPixmap(pixmap.scaledToHeight(LOGO_PREVIEW_HEIGHT, Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_preview.setText("（未设置）")
        self.logo_clear.setEnabled(bool(encoded))
        self._update()

    def choose_logo(self) -> None:
        path = dialogs.open_path(self, "选择单位标志", Path.home(), "图片 (*.png *.jpg *.jpeg)")
        if path is None:
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            dialogs.warn(self, "无法读取图片", f"无法读取“{path.name}”：{exc.strerror or exc}")
            return
        if (problem := logo_problem(data)) is not None or QPixmap().loadFromData(data) is False:
            dialogs.warn(self, "无法使用这张图片", problem or f"“{path.name}”不是可以显示的图片")
            return
        self.set_logo(encode_logo(data))

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
        self.set_logo(self._stored["bureau_logo"])
        self._update()

    def save(self) -> bool:
        changed = save_changed(self, self._db, self._actor, self.values(), self._stored)
        if changed is None:
            return False
        self.reload()
        self.status.setText("已保存")
        self.saved.emit()
        return True
