"""回访: record a call-back on a closed case, and the list of cases to call today."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.case_rules import case_number
from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.follow_up_rules import FollowUpDraft, validate_follow_up
from stationdesk.domain.masking import mask_name
from stationdesk.domain.vocabulary import CaseOutcome, Satisfaction
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import cases, follow_ups
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import ERROR_STYLE


class FollowUpDialog(QDialog):
    """Date, person, reached or not, how satisfied, remarks; validated as the service does."""

    def __init__(self, db: Database, case_id: int, actor: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._case_id, self._actor, self._today = db, case_id, actor, today
        detail = cases.get_case(db, case_id)
        self._closed_on = detail.draft.closed_on if detail.draft.outcome else None
        self.setWindowTitle(f"登记回访 — 案件 {detail.number}")
        consumer = mask_name(detail.draft.consumer_name) or "（未留姓名）"
        self.case_label = QLabel(f"{detail.station_name}　消费者：{consumer}　办结：{self._closed_on or '未办结'}")
        self.visited_on = QLineEdit(today.isoformat())
        self.visitor = QLineEdit(actor)
        self.reached = QCheckBox("已联系上消费者")
        self.reached.setChecked(True)
        self.satisfaction = QComboBox()
        self.satisfaction.addItem("（请选择）", None)
        for level in Satisfaction:
            self.satisfaction.addItem(level.label, level.value)
        self.remarks = QLineEdit(placeholderText="如：对处理结果满意；电话无人接听")
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.ok = QPushButton("保存")
        self.ok.setDefault(True)
        cancel = QPushButton("取消")
        self.ok.clicked.connect(self.apply)
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("", self.case_label)
        form.addRow("回访日期 *", self.visited_on)
        form.addRow("回访人 *", self.visitor)
        form.addRow("", self.reached)
        form.addRow("满意度", self.satisfaction)
        form.addRow("备注", self.remarks)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.reached.toggled.connect(self._reached_changed)
        for signal in (self.visited_on.textChanged, self.visitor.textChanged, self.satisfaction.currentIndexChanged):
            signal.connect(self.validate)
        self.validate()
        self.resize(460, 300)

    def _reached_changed(self, reached: bool) -> None:
        self.satisfaction.setEnabled(reached)
        if not reached:
            self.satisfaction.setCurrentIndex(0)
        self.validate()

    def draft(self) -> tuple[FollowUpDraft, dict[str, str]]:
        problems: dict[str, str] = {}
        try:
            visited = parse_user_date(self.visited_on.text())
        except ValueError as exc:
            visited, problems["visited_on"] = None, str(exc)
        draft = FollowUpDraft(
            case_id=self._case_id,
            visited_on=visited,
            visitor=self.visitor.text(),
            reached=self.reached.isChecked(),
            satisfaction=self.satisfaction.currentData() if self.reached.isChecked() else None,
            remarks=self.remarks.text(),
        )
        return draft, {**validate_follow_up(draft, self._closed_on, self._today), **problems}

    def validate(self) -> bool:
        _draft, problems = self.draft()
        self.message.setText("\n".join(problems.values()))
        self.ok.setEnabled(not problems)
        return not problems

    def apply(self) -> None:
        draft, problems = self.draft()
        if problems:
            return
        try:
            follow_ups.add_follow_up(self._db, draft, self._actor, self._today)
        except ValidationFailed as exc:
            self.message.setText("\n".join(exc.problems.values()))
            return
        except UserError as exc:
            dialogs.show_error(self, exc)
            return
        self.accept()


class TodaysFollowUpsDialog(QDialog):
    """The recently closed cases not yet called back: call, record, next.

    The phone is masked like everywhere; "显示电话" reveals it for the selected case (audited),
    since the caller needs the number.
    """

    open_case = Signal(int)
    visited = Signal(int)

    HEADERS = ("案件编号", "办结日期", "站点", "消费者", "电话", "处理结果", "被投诉经营者")

    def __init__(self, db: Database, actor: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor, self._today = db, actor, today
        self.setWindowTitle(f"今日回访 — {today.isoformat()}")
        self.hint = QLabel("以下为近期办结、尚未回访的案件（按办结先后）。请逐一电话回访并登记结果。")
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, len(self.HEADERS))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((110, 90, 200, 70, 120, 90)):
            self.table.setColumnWidth(column, width)
        self.visit_button = QPushButton("登记回访…")
        self.phone_button = QPushButton("显示电话")
        self.phone_button.setToolTip("显示所选案件消费者的完整电话，将记入操作日志")
        self.open_button = QPushButton("打开案件")
        close = QPushButton("关闭")
        self.visit_button.clicked.connect(self.visit_selected)
        self.phone_button.clicked.connect(self.reveal_selected)
        self.open_button.clicked.connect(lambda: self._with_selected(self.open_case.emit))
        self.table.doubleClicked.connect(lambda _i: self.visit_selected())
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.visit_button, self.phone_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.resize(900, 420)
        self.reload()

    def reload(self) -> None:
        rows = follow_ups.todays_follow_ups(self._db, self._today)
        self._ids = [row.id for row in rows]
        self.table.setRowCount(len(rows))
        for number, row in enumerate(rows):
            outcome = row.outcome or ""
            texts = (case_number(row.id, row.received_on), row.closed_on.isoformat() if row.closed_on else "",
                     row.station_name, row.consumer, row.phone, _outcome_label(outcome), row.operator_name)  # fmt: skip
            for column, text in enumerate(texts):
                self.table.setItem(number, column, QTableWidgetItem(text))
        if rows:
            self.table.selectRow(0)
        else:
            self.hint.setText("近期办结的案件都已回访，今天没有待回访的案件。")
        for button in (self.visit_button, self.phone_button, self.open_button):
            button.setEnabled(bool(rows))

    def _with_selected(self, action: object) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self._ids):
            action(self._ids[row])  # type: ignore[operator]

    def reveal_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._ids):
            return
        _name, phone = cases.reveal_consumer(self._db, self._ids[row], self._actor)
        self.table.setItem(row, 4, QTableWidgetItem(phone or "（未留电话）"))

    def visit_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._ids):
            return
        case_id = self._ids[row]
        if FollowUpDialog(self._db, case_id, self._actor, self._today, self).exec():
            self.visited.emit(case_id)
            self.reload()


def _outcome_label(code: str) -> str:
    return CaseOutcome(code).label if code else ""
