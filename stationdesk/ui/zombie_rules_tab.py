"""僵尸站点规则 (a tab of 设置): switch each zombie rule on or off and set its period.

The rules live in the database (`zombies.rule_settings`), not in this PC's QSettings, because
every PC on the database must flag the same stations. Each rule says in a sentence what it looks
at, since "长期无活动 12" alone does not tell a new colleague whether consultations count. The
spin boxes carry the rules' bounds (`zombie_rules.PARAMETERS`); what the user types outside them is
named with the domain's own message (`check_settings`), and the service checks again on save.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.zombie_rules import (
    DEFAULT_SETTINGS,
    PARAMETERS,
    RuleSetting,
    ZombieRule,
    check_settings,
)
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import zombies
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import ERROR_STYLE

NOTE_STYLE = "color: #555;"
SHARED_NOTE = "规则保存在数据库中，所有使用本数据库的电脑共用，修改会记入操作日志；下次排查即按新规则执行。"
HOLD_NOTE = ("已作“激活/规范”处置的站点在整改期限前、已“暂缓”的站点在暂缓日期前不再列出；已撤销的站点不参加排查。"
             "排查结果按评分排序：命中的规则越多、无活动越久，评分越高。")  # fmt: skip
EXPLANATIONS = {
    ZombieRule.SILENT: "最近这段时间里既没有受理投诉，也没有登记咨询；从未有过任何记录的站点，自建站之日起算。",
    ZombieRule.NEVER_ACTIVE: "建站已满这段时间，至今一件投诉也没有受理过。",
    ZombieRule.UNREACHABLE: "最近一次电话抽查或现场检查时联系不上、找不到人（在“记录检查”中录入）。",
    ZombieRule.HOST_CLOSED: "依托单位注销/吊销/停业、列入经营异常名录或受到行政处罚（站点资料中的依托单位状态）。",
    ZombieRule.FAILED_REEXAM: "最近一次年度复核的结论为降级或淘汰除名；结论尚未确认的，按系统建议。",
    ZombieRule.STALE_OVERDUE: "有未办结的案件超过办结期限这么多天（被遗忘的案件，而不是一时忙不过来）。",
}


class ZombieRulesTab(QWidget):
    """The six rules, one row each. Emits `saved` after a save, so the queue can sweep again."""

    saved = Signal()

    def __init__(self, db: Database, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor = db, actor
        self._stored: dict[ZombieRule, RuleSetting] = dict(DEFAULT_SETTINGS)
        self.enabled: dict[ZombieRule, QCheckBox] = {}
        self.parameters: dict[ZombieRule, QSpinBox] = {}
        self.messages: dict[ZombieRule, QLabel] = {}
        self.save_button = QPushButton("保存")
        self.defaults_button = QPushButton("恢复默认值")
        self.defaults_button.setToolTip("把所有规则恢复为默认设置（保存后生效）")
        self.revert_button = QPushButton("放弃修改")
        self.status = QLabel()
        self._build()
        self.save_button.clicked.connect(self.save)
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.revert_button.clicked.connect(self.reload)
        self.reload()

    def _build(self) -> None:
        box = QGroupBox("僵尸站点排查规则")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(4)
        for column, text in enumerate(("启用", "规则", "参数", "说明")):
            header = QLabel(text)
            header.setStyleSheet("font-weight: bold;")
            grid.addWidget(header, 0, column)
        for number, rule in enumerate(ZombieRule):
            line = 1 + number * 2
            check = QCheckBox()
            check.setToolTip(f"启用“{rule.label}”规则")
            self.enabled[rule] = check
            name = QLabel(rule.label)
            name.setBuddy(check)
            explanation = QLabel(EXPLANATIONS[rule])
            explanation.setStyleSheet(NOTE_STYLE)
            explanation.setWordWrap(True)
            message = QLabel()
            message.setStyleSheet(ERROR_STYLE)
            message.setVisible(False)
            self.messages[rule] = message
            grid.addWidget(check, line, 0, Qt.AlignmentFlag.AlignHCenter)
            grid.addWidget(name, line, 1)
            grid.addWidget(self._parameter(rule), line, 2)
            grid.addWidget(explanation, line, 3)
            grid.addWidget(message, line + 1, 1, 1, 3)
            # Rows with and without a spin box alike, so the six rules read as one even list.
            grid.setRowMinimumHeight(line, 28)
            check.toggled.connect(self.validate)
        grid.setColumnStretch(3, 1)
        shared = QLabel(SHARED_NOTE)
        shared.setStyleSheet(NOTE_STYLE)
        shared.setWordWrap(True)
        hold = QLabel(HOLD_NOTE)
        hold.setStyleSheet(NOTE_STYLE)
        hold.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(shared)
        layout.addWidget(box)
        layout.addWidget(hold)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def _parameter(self, rule: ZombieRule) -> QWidget:
        """The rule's period: a bounded spin box and its unit; rules without one say so."""
        holder = QWidget()
        line = QHBoxLayout(holder)
        line.setContentsMargins(0, 0, 0, 0)
        if rule not in PARAMETERS:
            dash = QLabel("—")
            dash.setStyleSheet(NOTE_STYLE)
            line.addWidget(dash)
            line.addStretch(1)
            return holder
        unit, low, high = PARAMETERS[rule]
        spin = QSpinBox(minimum=low, maximum=high)
        spin.setToolTip(f"{low} 至 {high}")
        spin.setMinimumWidth(72)
        spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.parameters[rule] = spin
        line.addWidget(spin)
        line.addWidget(QLabel(unit))
        line.addStretch(1)
        # WORKAROUND: QSpinBox.valueChanged stays silent for text it cannot accept ("0"), which
        # is exactly what must be named, so listen to its line edit.
        spin.lineEdit().textChanged.connect(self.validate)
        return holder

    # -- values ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Show the stored rules (another PC may have changed them), dropping unsaved edits."""
        self._stored = zombies.rule_settings(self._db)
        self._show(self._stored)
        self.status.clear()

    def restore_defaults(self) -> None:
        """Put the defaults on screen; nothing is stored until 保存, so it can still be undone."""
        self._show(DEFAULT_SETTINGS)
        self.status.setText("已恢复为默认值，保存后生效")

    def _show(self, settings: dict[ZombieRule, RuleSetting]) -> None:
        for rule in ZombieRule:
            setting = settings.get(rule, DEFAULT_SETTINGS[rule])
            self.enabled[rule].setChecked(setting.enabled)
            if rule in self.parameters:
                spin = self.parameters[rule]
                spin.setValue(setting.parameter)
                # setValue leaves an unacceptable typed text alone when the value is the same.
                spin.lineEdit().setText(spin.textFromValue(spin.value()))
        self.validate()

    def values(self) -> dict[ZombieRule, RuleSetting]:
        """The rules as on screen; a rule without a period keeps the parameter stored for it."""
        return {
            rule: RuleSetting(
                self.enabled[rule].isChecked(),
                self.parameters[rule].value() if rule in self.parameters else self._stored[rule].parameter,
            )
            for rule in ZombieRule
        }

    @property
    def is_dirty(self) -> bool:
        return self.values() != self._stored

    def problems(self) -> dict[ZombieRule, str]:
        """A spin box keeps its last valid value while showing e.g. "0": judge what was typed."""
        typed = self.values()
        unreadable: dict[ZombieRule, str] = {}
        for rule, spin in self.parameters.items():
            if not typed[rule].enabled or spin.hasAcceptableInput():
                continue
            unit, low, high = PARAMETERS[rule]
            try:
                typed[rule] = RuleSetting(True, int(spin.cleanText()))
            except ValueError:
                unreadable[rule] = (
                    f"{rule.label}：应为 {low} 至 {high}（{unit}）的整数，不能是“{spin.cleanText()}”"
                )
        by_code = {rule.value: rule for rule in ZombieRule}
        problems = {by_code[code]: text for code, text in check_settings(typed).items()}
        problems.update(unreadable)
        return problems

    def validate(self, *_args: object) -> bool:
        problems = self.problems()
        for rule, label in self.messages.items():
            label.setText(problems.get(rule, ""))
            label.setVisible(rule in problems)
        for rule, spin in self.parameters.items():
            spin.setEnabled(self.enabled[rule].isChecked())
        self.save_button.setEnabled(not problems and self.is_dirty)
        self.revert_button.setEnabled(self.is_dirty or bool(problems))
        if self.is_dirty and self.status.text().startswith("已保存"):
            self.status.clear()
        return not problems

    def save(self) -> bool:
        """Store all six rules together; the service's refusal is shown beside its rule."""
        if not self.validate():
            return False
        settings = self.values()
        try:
            zombies.save_rule_settings(self._db, settings, self._actor)
        except ValidationFailed as exc:
            by_code = {rule.value: rule for rule in ZombieRule}
            for code, text in exc.problems.items():
                if code in by_code:
                    self.messages[by_code[code]].setText(text)
                    self.messages[by_code[code]].setVisible(True)
            self.save_button.setEnabled(False)
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self.reload()
        self.status.setText("已保存，下次排查按新规则执行")
        self.saved.emit()
        return True
