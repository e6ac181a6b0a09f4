"""记录检查: a visit or a phone spot-check (现场检查 / 电话抽查) of one station.

The check is what the zombie rule 联系不上 reads: if nobody answered at the station's latest
check, the station is flagged. So "联系得上" has no default — a default would record an answer
nobody gave — and the form is checked as typed with the service's own rules (date not after
today, inspector named, a known method); the service still decides.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import parse_user_date
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import stations, zombies
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import FormField

NOTE_STYLE = "color: #555; font-size: 9pt;"
RULE_NOTE = "最近一次检查“联系不上”的站点，在僵尸站点排查中按“联系不上”规则列为疑似僵尸站点。"
REACHABLE, UNREACHABLE = "联系得上", "联系不上（电话无人接听、空号，或现场找不到人）"


class SiteCheckDialog(QDialog):
    """Records one check through `zombies.record_site_check`; emits `saved(check_id)`."""

    saved = Signal(int)

    def __init__(
        self, db: Database, station_id: int, actor: str, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._db, self._station_id, self._actor, self._today = db, station_id, actor, today
        self._touched: set[str] = set()
        detail = stations.get_station(db, station_id)
        self.setWindowTitle(f"记录检查 — {detail.draft.code} {detail.draft.name}")
        self.checked_on = QLineEdit(today.isoformat(), placeholderText="如 2026-11-20")
        self.checked_on.setMaximumWidth(160)
        self.methods = QButtonGroup(self)
        self.method_buttons: dict[str, QRadioButton] = {}
        for method in zombies.CHECK_METHODS:
            button = QRadioButton(method)
            self.methods.addButton(button)
            self.method_buttons[method] = button
        self.method_buttons[zombies.CHECK_METHODS[0]].setChecked(True)
        self.inspector = QLineEdit(placeholderText="检查人姓名")
        self.inspector.setMaximumWidth(240)
        self.reachability = QButtonGroup(self)
        self.reachable_button, self.unreachable_button = QRadioButton(REACHABLE), QRadioButton(UNREACHABLE)
        for button in (self.reachable_button, self.unreachable_button):
            self.reachability.addButton(button)
        self.findings = QPlainTextEdit()
        self.findings.setPlaceholderText("如：现场已改为其他店铺，未见站点标牌；站长电话空号")
        self.findings.setMaximumHeight(90)
        self.fields = {
            "checked_on": FormField("checked_on", "检查日期", self.checked_on, required=True),
            "method": FormField("method", "检查方式", self._row(list(self.method_buttons.values())), required=True),
            "inspector": FormField("inspector", "检查人", self.inspector, required=True),
            "reachable": FormField("reachable", "联系情况", self._row([self.reachable_button, self.unreachable_button]),
                                   required=True),
            "findings": FormField("findings", "检查情况", self.findings),
        }  # fmt: skip
        self.pending = QLabel()
        self.pending.setStyleSheet(NOTE_STYLE)
        self.pending.setWordWrap(True)
        self.ok_button = QPushButton("保存检查记录")
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton("取消")
        self._build(f"{detail.draft.code}　{detail.draft.name}（{detail.county_name}）")
        self.checked_on.textChanged.connect(lambda _t: self._edited("checked_on"))
        self.inspector.textChanged.connect(lambda _t: self._edited("inspector"))
        self.methods.buttonToggled.connect(lambda *_a: self._edited("method"))
        self.reachability.buttonToggled.connect(lambda *_a: self._edited("reachable"))
        self.ok_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.validate()

    @staticmethod
    def _row(buttons: list[QRadioButton]) -> QWidget:
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        for button in buttons:
            line.addWidget(button)
        line.addStretch(1)
        return holder

    def _build(self, station: str) -> None:
        heading = QLabel(station)
        heading.setStyleSheet("font-weight: bold;")
        note = QLabel(RULE_NOTE)
        note.setStyleSheet(NOTE_STYLE)
        note.setWordWrap(True)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(3)
        for number, field in enumerate(self.fields.values()):
            top = Qt.AlignmentFlag.AlignTop if field.widget is self.findings else Qt.AlignmentFlag(0)
            grid.addWidget(field.caption, number * 2, 0, top)
            grid.addWidget(field.widget, number * 2, 1)
            grid.addWidget(field.message, number * 2 + 1, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pending, 1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(grid)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def method(self) -> str:
        return next((m for m, b in self.method_buttons.items() if b.isChecked()), "")

    def reachable(self) -> bool | None:
        if self.reachable_button.isChecked():
            return True
        return False if self.unreachable_button.isChecked() else None

    def problems(self) -> dict[str, str]:
        """The service's checks, plus the one answer it cannot default: reached or not."""
        problems: dict[str, str] = {}
        try:
            day = parse_user_date(self.checked_on.text())
        except ValueError as exc:
            problems["checked_on"] = str(exc)
        else:
            if day is None:
                problems["checked_on"] = "请填写检查日期"
            elif day > self._today:
                problems["checked_on"] = f"检查日期不能晚于今天（{self._today.isoformat()}）"
        if not self.inspector.text().strip():
            problems["inspector"] = "请填写检查人"
        if not self.method():
            problems["method"] = "请选择检查方式"
        if self.reachable() is None:
            problems["reachable"] = "请选择是否联系得上"
        return problems

    def validate(self) -> bool:
        problems = self.problems()
        for key, field in self.fields.items():
            field.show_problem(problems.get(key) if key in self._touched else None)
        waiting = [text for key, text in problems.items() if key not in self._touched]
        self.pending.setText("尚需：" + "；".join(waiting) if waiting else "")
        self.ok_button.setEnabled(not problems)
        self.ok_button.setToolTip("\n".join(problems.values()))
        return not problems

    def save(self) -> bool:
        if not self.validate():
            self._touched.update(self.fields)
            self.validate()
            return False
        try:
            check_id = zombies.record_site_check(
                self._db, self._station_id, parse_user_date(self.checked_on.text()), self.method(),
                self.inspector.text(), bool(self.reachable()), self.findings.toPlainText(), self._actor, self._today,
            )  # fmt: skip
        except ValidationFailed as exc:
            for key, text in exc.problems.items():
                if key in self.fields:
                    self.fields[key].show_problem(text)
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self.saved.emit(check_id)
        self.accept()
        return True
