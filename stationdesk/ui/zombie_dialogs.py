"""僵尸站点处置: one confirmation for all the selected stations — 清除, 激活/规范, 重建升级, 暂缓.

The form lists every station it will act on with the rules that flagged it, so the person who
decides sees the evidence once more before signing; it asks only for what the action needs and
checks it while the user types with the rule the service applies (`zombie_rules.check_decision`),
so OK is enabled exactly when the service would accept. The decisions run on the runner, one
station at a time (each is its own unit of work in the service anyway), which gives a progress
dialog and a cancel that stops between stations without undoing those already decided.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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
from stationdesk.domain.vocabulary import ZombieAction
from stationdesk.domain.zombie_rules import Flag, check_decision
from stationdesk.errors import ValidationFailed
from stationdesk.services import zombies
from stationdesk.services.zombies import Decided, FlaggedStation
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import FormField
from stationdesk.ui.list_model import ListColumn, list_table
from stationdesk.ui.reexam_columns import ColouredListModel
from stationdesk.ui.tasks import TaskContext, TaskRunner

INFO_STYLE = "background: #eef4fb; border: 1px solid #b7cde6; padding: 6px;"
PENDING_STYLE = "color: #555; font-size: 9pt;"
VISIBLE_STATIONS = 8  # rows of the station list shown before it scrolls

EFFECTS = {
    ZombieAction.REMOVE: "清除后站点状态改为“已撤销”，记入站点变更记录；站点及其案件、咨询记录全部保留，"
                         "此后不再参加排查。",
    ZombieAction.REVIVE: "正常运行的站点改为“限期整改”，记入站点变更记录。整改期限之前不再列为疑似僵尸站点，"
                         "到期后重新排查，仍命中规则的将再次列出。",
    ZombieAction.REBUILD: "每个原站点将撤销（状态改为“已撤销”），并各新建一个“12315消费维权服务站”：沿用原站点的"
                          "县区、街道、监管所和依托单位，级别为普通站点。新站点编号在保存后显示，"
                          "原站点与新站点互相关联，可在站点页查看。",
    ZombieAction.DEFER: "站点状态不变，记入站点变更记录。暂缓日期之前不再列为疑似僵尸站点，到期后重新排查。",
}  # fmt: skip


def rules_text(flag: Flag) -> str:
    """The rules that fired, by their labels, in the order the rules are checked."""
    return "、".join(rule.label for rule in flag.rules)


def last_action_text(row: FlaggedStation) -> str:
    """The previous decision (e.g. a 暂缓 that has run out), so a second flag is read in context."""
    if not row.last_action:
        return ""
    label = (
        ZombieAction(row.last_action).label
        if row.last_action in {a.value for a in ZombieAction}
        else row.last_action
    )
    return f"{label}（{row.last_decided_on.isoformat()}）" if row.last_decided_on else label


@dataclass(frozen=True)
class Batch:
    """What one confirmation did; `left` stations were not reached because the user cancelled."""

    decided: Decided
    left: int = 0

    def summary(self) -> str:
        text = self.decided.summary()
        return f"{text}；已取消，其余 {self.left} 个站点未处置" if self.left else text


def evidence_text(row: FlaggedStation) -> str:
    """Each rule that fired with its evidence, one per line (the tooltips of the rule columns)."""
    return "\n".join(f"{e.rule.label}：{e.text}" for e in row.flag.evidence)


def _combined(first: Decided, second: Decided) -> Decided:
    return Decided(
        first.count + second.count, first.refused + second.refused, first.successors + second.successors
    )


def _station_columns() -> list[ListColumn[FlaggedStation]]:
    return [
        ListColumn("站点编号", 96, lambda r: r.code),
        ListColumn("站点名称", 230, lambda r: r.name),
        ListColumn("县区", 60, lambda r: r.county),
        ListColumn("命中规则", 200, lambda r: rules_text(r.flag)),
    ]


class ZombieDecisionDialog(QDialog):
    """The decision on the selected stations; emits `decided(Batch)` once the service has run."""

    decided = Signal(object)

    def __init__(
        self,
        db: Database,
        rows: list[FlaggedStation],
        action: str | ZombieAction,
        actor: str,
        today: date,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._rows, self._actor, self._today = db, list(rows), actor, today
        self.action = ZombieAction(action)
        # A form opened without the app's runner (a test, a one-off) still runs the same job, inline.
        self._runner = runner or TaskRunner(synchronous=True)
        self._touched: set[str] = set()
        self.setWindowTitle(f"僵尸站点处置：{self.action.label}（{len(self._rows)} 个站点）")
        # The rules column's tooltip is the evidence, so it can be read again before signing.
        self.stations = ColouredListModel(_station_columns(), {}, {"命中规则": evidence_text})
        self.stations.set_rows(self._rows)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("如：连续两年无调解、无咨询，依托单位已停业，经现场核实站点已不存在")
        self.reason.setMaximumHeight(80)
        self.decided_on = QLineEdit(today.isoformat(), placeholderText="如 2026-11-24")
        self.approver = QLineEdit(placeholderText="批准处置的负责人姓名")
        self.rectification = QPlainTextEdit()
        self.rectification.setPlaceholderText("如：补挂统一标牌；公开联系电话；建立投诉登记台账")
        self.rectification.setMaximumHeight(70)
        self.deadline = QLineEdit(placeholderText="如 2027-02-28")
        self.fields = self._fields()
        self.pending = QLabel()
        self.pending.setStyleSheet(PENDING_STYLE)
        self.pending.setWordWrap(True)
        self.ok_button = QPushButton(f"确认{self.action.label}")
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton("取消")
        self._build()
        self.ok_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.reason.setFocus()  # the list above is for reading; typing starts at the reason
        self.validate()

    def _fields(self) -> dict[str, FormField]:
        """Only what this action needs: 批准人 required for 清除, items and a deadline for 激活."""
        action = self.action
        fields = [
            FormField("reason", "处置理由", self.reason, required=True),
            FormField("decided_on", "决定日期", self.decided_on, required=True),
            FormField("approver", "批准人", self.approver, required=action is ZombieAction.REMOVE),
        ]
        if action is ZombieAction.REVIVE:
            fields.append(FormField("rectification", "整改事项", self.rectification, required=True))
        if action in (ZombieAction.REVIVE, ZombieAction.DEFER):
            caption = "整改期限" if action is ZombieAction.REVIVE else "暂缓至"
            fields.append(FormField("deadline", caption, self.deadline, required=True))
        return {field.key: field for field in fields}

    def _build(self) -> None:
        self.heading = heading = QLabel(
            f"对以下 {len(self._rows)} 个疑似僵尸站点作出“{self.action.label}”处置："
        )
        heading.setStyleSheet("font-weight: bold;")
        table = list_table(self.stations)
        table.setWordWrap(False)
        visible = min(len(self._rows), VISIBLE_STATIONS)
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + 26 * max(visible, 1) + 4)
        self.effect = effect = QLabel(EFFECTS[self.action])
        effect.setWordWrap(True)
        effect.setStyleSheet(INFO_STYLE)
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setVerticalSpacing(3)
        for number, field in enumerate(self.fields.values()):
            top = (
                Qt.AlignmentFlag.AlignTop if isinstance(field.widget, QPlainTextEdit) else Qt.AlignmentFlag(0)
            )
            grid.addWidget(field.caption, number * 2, 0, top)
            grid.addWidget(field.widget, number * 2, 1)
            grid.addWidget(field.message, number * 2 + 1, 1)
            if isinstance(field.widget, QLineEdit):
                field.widget.textChanged.connect(lambda _t, k=field.key: self._edited(k))
            elif isinstance(field.widget, QPlainTextEdit):
                field.widget.textChanged.connect(lambda k=field.key: self._edited(k))
        for short in (self.decided_on, self.deadline):
            short.setMaximumWidth(160)
        self.approver.setMaximumWidth(240)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pending, 1)
        buttons.addWidget(self.ok_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(table)
        layout.addWidget(effect)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setMinimumWidth(680)

    # -- checking -------------------------------------------------------------------------------
    def _edited(self, key: str) -> None:
        self._touched.add(key)
        self.validate()

    def _dates(self) -> tuple[date | None, date | None, dict[str, str]]:
        """Both dates as typed; a date that cannot be read is named as typed, not as missing."""
        problems: dict[str, str] = {}
        days: list[date | None] = []
        for key, edit in (("decided_on", self.decided_on), ("deadline", self.deadline)):
            try:
                days.append(parse_user_date(edit.text()) if key in self.fields else None)
            except ValueError as exc:
                days.append(None)
                problems[key] = str(exc)
        return days[0], days[1], problems

    def problems(self) -> dict[str, str]:
        decided_on, deadline, unreadable = self._dates()
        problems = check_decision(
            self.action.value, self.reason.toPlainText(), decided_on, self.approver.text(), deadline,
            self.rectification.toPlainText(), self._today,
        )  # fmt: skip
        problems.update(unreadable)
        return problems

    def validate(self) -> bool:
        """Messages under the fields already touched; what the rest still needs on one grey line,
        so a fresh form is not covered in red yet OK never stays disabled without a reason."""
        problems = self.problems()
        for key, field in self.fields.items():
            field.show_problem(problems.get(key) if key in self._touched else None)
        waiting = [text for key, text in problems.items() if key not in self._touched]
        self.pending.setText("尚需：" + "；".join(waiting) if waiting else "")
        self.ok_button.setEnabled(not problems)
        self.ok_button.setToolTip("\n".join(problems.values()))
        return not problems

    # -- saving ---------------------------------------------------------------------------------
    def save(self) -> bool:
        """Run the decisions; the form closes when they are done, or stays open on a refusal."""
        if not self.validate():
            self._touched.update(self.fields)
            self.validate()
            return False
        decided_on, deadline, _ = self._dates()
        rows, action, db = self._rows, self.action.value, self._db
        reason, approver = self.reason.toPlainText(), self.approver.text()
        rectification = self.rectification.toPlainText() if "rectification" in self.fields else ""
        actor, today = self._actor, self._today

        def job(ctx: TaskContext) -> Batch:
            done = Decided(0)
            for number, row in enumerate(rows):
                if ctx.cancelled:
                    return Batch(done, len(rows) - number)
                ctx.progress(number, len(rows), f"{row.code} {row.name}")
                one = zombies.decide(
                    db, [row.station_id], action, reason=reason, decided_on=decided_on, actor=actor, today=today,
                    approver=approver, deadline=deadline, rectification=rectification,
                    evidence={row.station_id: [e.text for e in row.flag.evidence]},
                )  # fmt: skip
                done = _combined(done, one)
            return Batch(done)

        self.ok_button.setEnabled(False)
        self._runner.run(job, on_done=self._on_done, on_error=self._on_error, progress_parent=self,
                         progress_title=f"正在{self.action.label} {len(rows)} 个站点")  # fmt: skip
        return True

    def _on_done(self, batch: Batch) -> None:
        """Close first, so the page's message about the outcome is not shown over a spent form."""
        self.accept()
        self.decided.emit(batch)

    def _on_error(self, exc: BaseException) -> None:
        """A refusal of the whole form goes under its fields; anything else is shown, and the form
        stays open for another try."""
        self.validate()
        if isinstance(exc, ValidationFailed):
            self._touched.update(self.fields)
            for key, text in exc.problems.items():
                if key in self.fields:
                    self.fields[key].show_problem(text)
            others = [text for key, text in exc.problems.items() if key not in self.fields]
            if others:
                dialogs.warn(self, "无法处置", "\n".join(others))
            return
        dialogs.show_error(self, exc, "zombie decision")
