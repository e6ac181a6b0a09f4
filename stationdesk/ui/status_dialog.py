"""变更状态/级别: the only way a station's status or level changes — with reason and date."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.station_lifecycle import (
    StationAction,
    available_actions,
    plan_change,
    validate_change_request,
)
from stationdesk.domain.vocabulary import StationLevel, StationStatus
from stationdesk.errors import UserError
from stationdesk.services import stations
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import ERROR_STYLE


class StatusDialog(QDialog):
    """Asks for the action, reason, effective date and document number; applies it on OK."""

    def __init__(self, db: Database, station_id: int, actor: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._station_id, self._actor, self._today = db, station_id, actor, today
        detail = stations.get_station(db, station_id)
        self._established = detail.draft.established_on
        self._status, self._level = StationStatus(detail.status), StationLevel(detail.draft.level)
        self.setWindowTitle(f"变更状态/级别 — {detail.code} {detail.name}")
        self.current = QLabel(f"当前：{self._status.label}，{self._level.label}")
        self.action = QComboBox()
        for action in available_actions(self._status, self._level):
            self.action.addItem(action.label, action.value)
        self.preview = QLabel()
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("必填：为什么变更，例如“依托单位已停业，站点名存实亡”")
        self.reason.setMaximumHeight(90)
        self.effective_on = QLineEdit(today.isoformat())
        self.document_no = QLineEdit(placeholderText="如 常天市监〔2026〕8号（可不填）")
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.ok = QPushButton("确定变更")
        cancel = QPushButton("取消")
        self.ok.clicked.connect(self.apply)
        cancel.clicked.connect(self.reject)
        form = QFormLayout()
        form.addRow("", self.current)
        form.addRow("变更为 *", self.action)
        form.addRow("", self.preview)
        form.addRow("原因 *", self.reason)
        form.addRow("生效日期 *", self.effective_on)
        form.addRow("文号", self.document_no)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        for signal in (self.action.currentIndexChanged, self.reason.textChanged, self.effective_on.textChanged):
            signal.connect(self.validate)
        self.validate()
        self.resize(520, 360)

    def _problems(self) -> tuple[dict[str, str], date | None]:
        try:
            day = parse_user_date(self.effective_on.text())
        except ValueError as exc:
            return {"effective_on": str(exc)}, None
        return validate_change_request(self.reason.toPlainText(), day, self._today, self._established), day

    def validate(self) -> bool:
        if self.action.count() == 0:
            self.message.setText("该站点当前没有可执行的变更")
            self.ok.setEnabled(False)
            return False
        change = plan_change(StationAction(self.action.currentData()), self._status, self._level)
        self.preview.setText(change.describe())
        problems, _day = self._problems()
        self.message.setText("；".join(problems.values()))
        self.ok.setEnabled(not problems)
        return not problems

    def apply(self) -> None:
        problems, day = self._problems()
        if problems or not self.validate():
            return
        try:
            stations.change_station_status(
                self._db, self._station_id, StationAction(self.action.currentData()),
                reason=self.reason.toPlainText(), effective_on=day, actor=self._actor, today=self._today,
                document_no=self.document_no.text())
        except UserError as exc:
            dialogs.show_error(self, exc)
            return
        self.accept()
