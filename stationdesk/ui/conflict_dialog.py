"""Shown when a station was saved elsewhere after this form was opened: both versions side by
side, and a choice that loses neither (my edits on top of theirs, or theirs as saved)."""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from stationdesk.domain.station_rules import (
    FIELD_LABELS,
    StationDraft,
    changed_keys,
    display_field,
    merge_drafts,
)
from stationdesk.services.stations import StationDetail
from stationdesk.ui.timefmt import local_time

CLASH = QBrush(QColor("#fde2e1"))


class ConflictDialog(QDialog):
    KEEP_MINE, TAKE_THEIRS, CANCEL = 1, 2, 0

    def __init__(self, base: StationDraft, theirs: StationDetail, mine: StationDraft) -> None:
        super().__init__()
        self.setWindowTitle("站点已被他人修改")
        self.choice = self.CANCEL
        self.merged, clashes = merge_drafts(base, theirs.draft, mine)
        keys = [k for k in changed_keys(base, theirs.draft) + changed_keys(base, mine)]
        keys = list(dict.fromkeys(keys))
        self.table = QTableWidget(len(keys), 4)
        self.table.setHorizontalHeaderLabels(
            ["项目", "您打开时", f"{theirs.updated_by or '对方'}保存的", "您的修改"]
        )
        for row, key in enumerate(keys):
            values = [
                FIELD_LABELS.get(key, key),
                display_field(key, getattr(base, key)),
                display_field(key, getattr(theirs.draft, key)),
                display_field(key, getattr(mine, key)),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if key in clashes:
                    item.setBackground(CLASH)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        note = QLabel(
            f"您打开此站点后，{theirs.updated_by or '他人'}于 {local_time(theirs.updated_at)} 保存了修改。\n"
            "“保留双方修改”会在对方的版本上应用您改动过的项目；红色的项目双方都改了，将以您的为准。"
        )
        note.setWordWrap(True)
        keep = QPushButton("保留双方修改并保存")
        take = QPushButton("放弃我的修改，载入最新")
        back = QPushButton("取消")
        keep.clicked.connect(lambda: self._done(self.KEEP_MINE))
        take.clicked.connect(lambda: self._done(self.TAKE_THEIRS))
        back.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (keep, take, back):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.resize(760, 360)

    def _done(self, choice: int) -> None:
        self.choice = choice
        self.accept()

    @classmethod
    def ask(
        cls, parent: object, base: StationDraft, theirs: StationDetail, mine: StationDraft
    ) -> tuple[int, StationDraft]:
        dialog = cls(base, theirs, mine)
        dialog.exec()
        return dialog.choice, dialog.merged
