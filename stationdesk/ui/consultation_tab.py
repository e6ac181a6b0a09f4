"""The station page's 咨询/来访 tab: an entry row for quick registration and the station's list.

Stations log consultations in bulk (often a day's or a quarter's tally at once), so entry is one
row that stays filled in after 登记 except for what changes per record, and Enter registers.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import parse_user_date
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import cases, consultations
from stationdesk.services.consultations import ANSWER_CHOICES, LABELS, MAX_TALLY, ConsultationEntry
from stationdesk.store.database import Database
from stationdesk.ui import dialogs, rights
from stationdesk.ui.form_field import ERROR_STYLE
from stationdesk.ui.list_model import ListColumn, ListModel, list_table

SHOWN_LIMIT = 500
COUNT_TIP = "按日或按期汇总登记时填写合计次数"


def consultation_columns() -> list[ListColumn[ConsultationEntry]]:
    return [
        ListColumn("日期", 96, lambda r: r.consulted_on.isoformat(), lambda r: (r.consulted_on, r.id)),
        ListColumn("咨询内容", 200, lambda r: r.topic),
        ListColumn("答复方式", 150, lambda r: r.how_answered),
        ListColumn("答复人", 90, lambda r: r.answered_by),
        ListColumn("次数", 70, lambda r: f"{r.count:,}", lambda r: r.count, numeric=True),
        ListColumn("录入人", 80, lambda r: r.entered_by),
    ]


def _editable_combo(choices: list[str] | tuple[str, ...], placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(list(choices))
    combo.lineEdit().setPlaceholderText(placeholder)
    return combo


class ConsultationTab(QWidget):
    """Register consultations for one station and list them. Emits `changed` after each one."""

    changed = Signal()

    def __init__(self, db: Database, station_id: int, actor: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._station_id, self._actor, self._today = db, station_id, actor, today
        self.consulted_on = QLineEdit(today.isoformat())
        self.consulted_on.setPlaceholderText("如 2026-11-24")
        self.consulted_on.setMaximumWidth(110)
        self.topic = _editable_combo([c.name for c in cases.goods_categories(db)], "选择或输入")
        self.topic.setCurrentIndex(-1)
        self.how_answered = _editable_combo(ANSWER_CHOICES, "选择或输入")
        self.answered_by = QLineEdit(actor)
        self.answered_by.setMaximumWidth(110)
        self.count = QSpinBox(minimum=1, maximum=MAX_TALLY, value=1)
        self.count.setToolTip(COUNT_TIP)
        self.count.setMinimumWidth(80)
        self.add_button = QPushButton("登记")
        self.add_button.clicked.connect(self.add)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        self.model: ListModel[ConsultationEntry] = ListModel(consultation_columns())
        self.table = list_table(self.model)
        self.total = QLabel()
        self._layout()
        self.reload()

    def _layout(self) -> None:
        entry = self.entry = QWidget()
        grid = QGridLayout(entry)
        grid.setContentsMargins(0, 0, 0, 0)
        widgets: list[tuple[str, QWidget]] = [
            ("日期", self.consulted_on), ("咨询内容", self.topic), ("答复方式", self.how_answered),
            ("答复人", self.answered_by), ("次数", self.count),
        ]
        for column, (caption, widget) in enumerate(widgets):
            label = QLabel(caption)
            label.setBuddy(widget)
            grid.addWidget(label, 0, column)
            grid.addWidget(widget, 1, column)
        grid.addWidget(self.add_button, 1, len(widgets))
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 2)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            action = QAction(entry, shortcut=QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(self.add)
            entry.addAction(action)
        self.entry_row = entry
        layout = QVBoxLayout(self)
        layout.addWidget(entry)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total)

    def reload(self) -> None:
        """Re-read the station's most recent consultations (at most SHOWN_LIMIT) and the total."""
        rows = consultations.consultations_of_station(self._db, self._station_id, limit=SHOWN_LIMIT)
        self.model.set_rows(rows)
        records, total = consultations.consultation_totals(self._db, self._station_id)
        note = f"（列表只显示最近的 {SHOWN_LIMIT} 条）" if records > len(rows) else ""
        self.total.setText(f"记录 {records:,} 条，合计 {total:,} 次{note}")

    def _show_problems(self, problems: dict[str, str]) -> None:
        text = "；".join(f"{LABELS.get(key, key)}：{value}" for key, value in problems.items())
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_writable(self, writable: bool) -> None:
        rights.show_only_if(writable, self.entry)

    def add(self) -> bool:
        """Register what the entry row holds; on a refusal show why by field and keep the row."""
        problems: dict[str, str] = {}
        try:
            day = parse_user_date(self.consulted_on.text())
        except ValueError as exc:
            problems["consulted_on"] = str(exc)
            day = None
        if not self.count.hasAcceptableInput():
            # WORKAROUND: QSpinBox keeps its last valid value while the text shows e.g. "0".
            problems["count"] = f"次数应在 1 至 {MAX_TALLY:,} 之间"
        if problems:
            self._show_problems(problems)
            return False
        try:
            consultations.add_consultation(
                self._db, self._station_id, day, self.topic.currentText(), self.how_answered.currentText(),
                self.answered_by.text(), self.count.value(), self._actor, self._today,
            )
        except ValidationFailed as exc:
            self._show_problems(exc.problems)
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self._show_problems({})
        self.topic.setCurrentIndex(-1)
        self.topic.clearEditText()
        self.count.setValue(1)
        self.topic.setFocus()
        self.reload()
        self.changed.emit()
        return True
