"""The re-examination's small forms: 改判 (decide other than proposed), one station's score sheet,
and the reason asked before a closed round is reopened.

Each is checked while the user types by the same rules the service applies
(`reexam_rules.check_decision`, `scoring.check_scores`), so OK is enabled exactly when the
service would accept; the service still decides, and its refusal is shown in the form, which
stays open. The forms open window-modal with `open()`, never a nested `exec()` loop.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.reexam_rules import OUTCOME_ACTIONS, check_decision
from stationdesk.domain.scoring import FIRST_PAYOUT_POINTS, PERFORMANCE_POINTS, SECTIONS, check_scores
from stationdesk.domain.vocabulary import ReexamOutcome
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import reexam
from stationdesk.services.reexam import ReexamRow, ScoreEntry
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import ERROR_STYLE
from stationdesk.ui.score_grid import points_text

INFO_STYLE = "background: #eef4fb; border: 1px solid #b7cde6; padding: 6px;"
NOTE_STYLE = "color: #555; font-size: 9pt;"


def _message_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _show(label: QLabel, text: str | None) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


class _Form(QDialog):
    """OK/Cancel buttons at the bottom, `saved` after the service accepted."""

    saved = Signal()

    def __init__(self, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.ok_button = QPushButton(ok_text)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.clicked.connect(self.reject)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.ok_button)
        self.buttons.addWidget(self.cancel_button)

    def save(self) -> bool:
        raise NotImplementedError


def _station_info(row: ReexamRow) -> str:
    total = points_text(row.total, "未评分")
    return (f"{row.code}　{row.name}（{row.county}）\n系统建议：{row.proposed_text or '无'}　总分：{total}\n"
            f"建议理由：{'；'.join(row.reasons) or '无'}")  # fmt: skip


class DecisionDialog(_Form):
    """改判: the outcome (the proposal preselected), a reason required when it differs, 文号."""

    def __init__(self, db: Database, row: ReexamRow, actor: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(f"复核结论 — {row.code} {row.name}", "确认结论", parent)
        self._db, self._row, self._actor, self._today = db, row, actor, today
        info = QLabel(_station_info(row))
        info.setStyleSheet(INFO_STYLE)
        info.setWordWrap(True)
        self.outcome = QComboBox()
        for outcome in ReexamOutcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.outcome.setCurrentIndex(max(0, self.outcome.findData(row.proposed)))
        self.effect = QLabel()
        self.effect.setStyleSheet(NOTE_STYLE)
        self.reason_caption = QLabel()
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("改判时必填：为什么不采纳系统建议，例如“现场核查已整改到位”")
        self.reason.setMaximumHeight(90)
        self.reason_message = _message_label()
        self.outcome_message = _message_label()
        self.document_no = QLineEdit(placeholderText="如 常市监〔2026〕15号（可不填）")
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.addWidget(QLabel("复核结论 *"), 0, 0)
        grid.addWidget(self.outcome, 0, 1)
        grid.addWidget(self.outcome_message, 1, 1)
        grid.addWidget(self.effect, 2, 1)
        grid.addWidget(self.reason_caption, 3, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.reason, 3, 1)
        grid.addWidget(self.reason_message, 4, 1)
        grid.addWidget(QLabel("文号"), 5, 0)
        grid.addWidget(self.document_no, 5, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(self.buttons)
        self.outcome.currentIndexChanged.connect(self.validate)
        self.reason.textChanged.connect(self.validate)
        self.validate()
        self.resize(560, 380)

    def problems(self) -> dict[str, str]:
        return check_decision(self._row.proposed, self.outcome.currentData(), self.reason.toPlainText())

    def validate(self) -> bool:
        """Say at once what an override needs; OK only when the rule is satisfied."""
        chosen = ReexamOutcome(self.outcome.currentData())
        overriding = chosen.value != self._row.proposed
        self.reason_caption.setText("改判理由 *" if overriding else "理由")
        action = OUTCOME_ACTIONS[chosen]
        self.effect.setText(f"确认后站点将“{action.label}”，记入站点变更记录" if action else "确认后站点级别和状态不变")
        problems = self.problems()
        _show(self.reason_message, problems.get("reason"))
        _show(self.outcome_message, problems.get("outcome"))
        self.ok_button.setEnabled(not problems)
        self.ok_button.setToolTip("\n".join(problems.values()))
        return not problems

    def save(self) -> bool:
        if not self.validate():
            return False
        try:
            reexam.decide(self._db, self._row.id, self.outcome.currentData(), self.reason.toPlainText(),
                          self._actor, self._today, self.document_no.text())  # fmt: skip
        except ValidationFailed as exc:
            _show(self.reason_message, exc.problems.get("reason") or str(exc))
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self.saved.emit()
        self.accept()
        return True


class ScoreDialog(_Form):
    """One station's sheet: the on-site items A–C typed, D and E as computed, the totals live.

    Read-only once the outcome is confirmed or the round closed (the service refuses then)."""

    def __init__(self, db: Database, row: ReexamRow, actor: str, today: date, read_only: bool = False,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(f"现场评分 — {row.code} {row.name}", "保存评分", parent)
        self._db, self._row, self._actor, self._today = db, row, actor, today
        self._touched: set[str] = set()
        self.fields: dict[str, QLineEdit] = {}
        self._messages: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(0, 1)
        line = 0
        for section in dict.fromkeys(i.section for i in row.checklist):
            items = [i for i in row.checklist if i.section == section]
            heading = QLabel(f"{section} {SECTIONS.get(section, '')}（{sum(i.points for i in items)} 分）")
            heading.setStyleSheet("font-weight: bold;")
            grid.addWidget(heading, line, 0, 1, 4)
            line += 1
            for item in items:
                saved = row.scores.get(item.code)
                edit = QLineEdit("" if saved in (None, "") else points_text(Decimal(str(saved))))
                edit.setPlaceholderText(f"0–{item.points}")
                edit.setMaximumWidth(70)
                edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                method = QLabel(item.method)
                method.setStyleSheet(NOTE_STYLE)
                grid.addWidget(QLabel(item.label), line, 0)
                grid.addWidget(method, line, 1)
                grid.addWidget(edit, line, 2)
                grid.addWidget(QLabel(f"/ {item.points}"), line, 3)
                self._add(item.code, edit, grid, line + 1)
                line += 2
        self.inspector = QLineEdit(row.inspector, placeholderText="检查人姓名")
        self.inspected_on = QLineEdit(row.inspected_on.isoformat() if row.inspected_on else "",
                                      placeholderText="如 2026-11-20")  # fmt: skip
        for key, caption, edit in (("inspector", "检查人 *", self.inspector),
                                   ("inspected_on", "检查日期 *", self.inspected_on)):  # fmt: skip
            grid.addWidget(QLabel(caption), line, 0)
            grid.addWidget(edit, line, 1, 1, 3)
            self._add(key, edit, grid, line + 1)
            line += 2
        computed = QLabel(f"D {SECTIONS['D']}（按全年指标计算）：{points_text(row.performance)} / "
                          f"{sum(PERFORMANCE_POINTS.values())}　　E {SECTIONS['E']}："
                          f"{points_text(row.first_payout_points)} / {FIRST_PAYOUT_POINTS}")  # fmt: skip
        computed.setStyleSheet(NOTE_STYLE)
        self.totals = QLabel()
        self.totals.setStyleSheet(INFO_STYLE)
        self.full_button = QPushButton("全部填满分")
        self.full_button.clicked.connect(self.fill_full_marks)
        self.buttons.insertWidget(0, self.full_button)
        note = QLabel("未填写的项目按 0 分计。" if not read_only else "复核结论已确认或本轮已结束，评分只能查看。")
        note.setStyleSheet(NOTE_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(computed)
        layout.addWidget(self.totals)
        layout.addWidget(note)
        layout.addLayout(self.buttons)
        for edit in self.fields.values():
            edit.setReadOnly(read_only)
        self.full_button.setVisible(not read_only)
        self.ok_button.setVisible(not read_only)
        self.cancel_button.setText("关闭" if read_only else "取消")
        self.setMinimumWidth(500)
        self.validate()

    def _add(self, key: str, edit: QLineEdit, grid: QGridLayout, line: int) -> None:
        self.fields[key] = edit
        self._messages[key] = _message_label()
        grid.addWidget(self._messages[key], line, 0, 1, 4)
        edit.textChanged.connect(lambda _t, k=key: self._edited(k))

    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def scores(self) -> dict[str, str]:
        return {i.code: self.fields[i.code].text().strip() for i in self._row.checklist
                if self.fields[i.code].text().strip()}  # fmt: skip

    def problems(self) -> dict[str, str]:
        """The service's own checks, field by field (items, inspector, date)."""
        problems = check_scores(self._row.checklist, self.scores())
        if not self.inspector.text().strip():
            problems["inspector"] = "请填写检查人"
        try:
            day = parse_user_date(self.inspected_on.text())
        except ValueError as exc:
            problems["inspected_on"] = str(exc)
        else:
            if day is None:
                problems["inspected_on"] = "请填写检查日期"
            elif day > self._today:
                problems["inspected_on"] = f"检查日期不能晚于今天（{self._today.isoformat()}）"
        return problems

    def validate(self) -> bool:
        problems = self.problems()
        for key, label in self._messages.items():
            _show(label, problems.get(key) if key in self._touched else None)
        on_site = sum((Decimal(v) for k, v in self.scores().items() if k not in problems), Decimal(0))
        total = on_site + self._row.performance + self._row.first_payout_points
        full = sum(i.points for i in self._row.checklist)
        self.totals.setText(f"现场评分小计 {points_text(on_site)} / {full}　　总分 {points_text(total)}")
        self.ok_button.setEnabled(not problems)
        self.ok_button.setToolTip("\n".join(problems.values()))
        return not problems

    def fill_full_marks(self) -> None:
        for item in self._row.checklist:
            self.fields[item.code].setText(str(item.points))

    def save(self) -> bool:
        if not self.validate():
            self._touched.update(self.fields)
            self.validate()
            return False
        entry = ScoreEntry(self._row.id, self.scores(), self.inspector.text(), parse_user_date(self.inspected_on.text()))
        try:
            reexam.enter_scores(self._db, [entry], self._actor, self._today)
        except ValidationFailed as exc:
            self._touched.update(self.fields)
            for key, text in exc.problems.items():
                if key in self._messages:
                    _show(self._messages[key], text)
            others = [text for key, text in exc.problems.items() if key not in self._messages]
            if others:
                dialogs.warn(self, "无法保存", "\n".join(others))
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self.saved.emit()
        self.accept()
        return True


class ReasonDialog(_Form):
    """Asks for the reason of an act that is recorded with it (reopening a closed round)."""

    def __init__(self, title: str, note: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(title, ok_text, parent)
        note_label = QLabel(note)
        note_label.setWordWrap(True)
        note_label.setStyleSheet(INFO_STYLE)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("必填")
        self.reason.setMaximumHeight(100)
        self.message = _message_label()
        layout = QVBoxLayout(self)
        layout.addWidget(note_label)
        layout.addWidget(QLabel("理由 *"))
        layout.addWidget(self.reason)
        layout.addWidget(self.message)
        layout.addLayout(self.buttons)
        self.reason.textChanged.connect(self.validate)
        self.validate()
        self.resize(480, 280)

    def text(self) -> str:
        return self.reason.toPlainText().strip()

    def validate(self) -> bool:
        ok = bool(self.text())
        self.ok_button.setEnabled(ok)
        self.ok_button.setToolTip("" if ok else "请填写理由")
        return ok

    def save(self) -> bool:
        if not self.validate():
            _show(self.message, "请填写理由")
            return False
        self.saved.emit()
        self.accept()
        return True
