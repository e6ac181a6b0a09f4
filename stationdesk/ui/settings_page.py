"""设置: the standards a re-examination judges by (考核标准), the shared business rules (业务规则),
the zombie rules, the bureau's name for reports (单位信息) and 备份与恢复.

Both live in the database, not in this PC's QSettings, because every PC on the database must
compute the same due dates, rates and rankings; QSettings only remembers which tab was open.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.deadlines import DEADLINE_RULES
from stationdesk.domain.permissions import Permission
from stationdesk.services import preferences
from stationdesk.services.preferences import MAX_DAILY_FOLLOW_UPS
from stationdesk.store.database import Database
from stationdesk.ui import rights
from stationdesk.ui.accounts_tab import AccountsTab
from stationdesk.ui.backup_tab import BackupTab
from stationdesk.ui.bureau_tab import BureauTab
from stationdesk.ui.form_field import FormField
from stationdesk.ui.shared_settings import save_changed
from stationdesk.ui.standards_editor import NOTE_STYLE, StandardsEditor
from stationdesk.ui.tasks import TaskRunner
from stationdesk.ui.zombie_rules_tab import ZombieRulesTab

# The shared settings this tab edits (the zombie rules have a tab of their own).
RULE_KEYS = ("deadline_rule", "satisfaction_counts_basic", "daily_follow_ups", "ranking_size")

TAB_KEY = "settings/tab"
MAX_RANKING_SIZE = 50
RULE_NOTE = "更改期限规则只影响此后新登记的案件；已登记案件保留登记时所用规则算出的办结期限。"
SHARED_NOTE = "以下规则保存在数据库中，所有使用本数据库的电脑共用，修改会记入操作日志。"


class BusinessRulesTab(QWidget):
    """The shared settings of `services.preferences`. Emits `saved` after a save."""

    saved = Signal()

    def __init__(self, db: Database, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor = db, actor
        self._stored: dict[str, Any] = {key: preferences.DEFAULTS[key] for key in RULE_KEYS}
        self.rules = QButtonGroup(self)
        self.rule_buttons: dict[str, QRadioButton] = {}
        rules_box = QGroupBox("办结期限规则")
        rules_layout = QVBoxLayout(rules_box)
        for code, rule in DEADLINE_RULES.items():
            button = QRadioButton(rule.label)
            button.setObjectName(f"rule_{code}")
            basis = QLabel(f"依据：{rule.basis}" if rule.basis else "")
            basis.setStyleSheet(f"{NOTE_STYLE} margin-left: 22px;")
            self.rules.addButton(button)
            self.rule_buttons[code] = button
            rules_layout.addWidget(button)
            rules_layout.addWidget(basis)
        note = QLabel(RULE_NOTE)
        note.setWordWrap(True)
        note.setStyleSheet("color: #8a5300;")
        rules_layout.addWidget(note)
        self.count_basic = QCheckBox("回访结果为“基本满意”的，计入满意（计算回访满意率时）")
        self.count_basic.setToolTip("影响所有回访满意率，包括进行中的年度复核再次生成建议时")
        self.daily = QSpinBox(minimum=1, maximum=MAX_DAILY_FOLLOW_UPS, suffix=" 件")
        self.daily.setToolTip("“今日回访”每天列出的已办结案件数")
        self.ranking = QSpinBox(minimum=1, maximum=MAX_RANKING_SIZE, suffix=" 个站点")
        self.ranking.setToolTip("年度复核排名中，总分最高和最低各列多少个站点")
        self._fields = {
            "daily_follow_ups": FormField("daily_follow_ups", "每日回访件数", self.daily),
            "ranking_size": FormField("ranking_size", "红黑榜人数（红榜、黑榜各）", self.ranking),
        }
        self.save_button = QPushButton("保存")
        self.revert_button = QPushButton("放弃修改")
        self.status = QLabel()
        self._layout(rules_box)
        self.rules.buttonToggled.connect(self.validate)
        self.count_basic.toggled.connect(self.validate)
        for spin in (self.daily, self.ranking):
            # WORKAROUND: QSpinBox.textChanged stays silent for text it cannot accept ("0"),
            # which is exactly what must be named, so listen to its line edit.
            spin.lineEdit().textChanged.connect(self.validate)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.reload)
        self.reload()

    def _layout(self, rules_box: QGroupBox) -> None:
        others = QGroupBox("回访与排名")
        grid = QGridLayout(others)
        grid.addWidget(self.count_basic, 0, 0, 1, 3)
        for row, field in enumerate(self._fields.values(), start=1):
            grid.addWidget(field.caption, row * 2, 0)
            grid.addWidget(field.widget, row * 2, 1)
            grid.addWidget(field.message, row * 2 + 1, 1, 1, 2)
        grid.setColumnStretch(2, 1)
        shared = QLabel(SHARED_NOTE)
        shared.setStyleSheet(NOTE_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(shared)
        layout.addWidget(rules_box)
        layout.addWidget(others)
        layout.addStretch(1)
        layout.addLayout(buttons)

    def reload(self) -> None:
        """Show the stored values (another PC may have changed them)."""
        self._stored = {key: preferences.get(self._db, key) for key in RULE_KEYS}
        button = self.rule_buttons.get(self._stored["deadline_rule"])
        if button is not None:
            button.setChecked(True)
        self.count_basic.setChecked(bool(self._stored["satisfaction_counts_basic"]))
        self.daily.setValue(int(self._stored["daily_follow_ups"]))
        self.ranking.setValue(int(self._stored["ranking_size"]))
        self.validate()

    def values(self) -> dict[str, Any]:
        checked = next((code for code, b in self.rule_buttons.items() if b.isChecked()), None)
        return {
            "deadline_rule": checked or self._stored["deadline_rule"],
            "satisfaction_counts_basic": self.count_basic.isChecked(),
            "daily_follow_ups": self.daily.value(),
            "ranking_size": self.ranking.value(),
        }

    def problems(self) -> dict[str, str]:
        """Spin boxes keep their last valid value while showing e.g. "0": name what was typed."""
        problems: dict[str, str] = {}
        for key, spin, top in (("daily_follow_ups", self.daily, MAX_DAILY_FOLLOW_UPS),
                               ("ranking_size", self.ranking, MAX_RANKING_SIZE)):  # fmt: skip
            if not spin.hasAcceptableInput():
                problems[key] = f"应为 1 至 {top} 之间的整数，不能是“{spin.cleanText()}”"
        return problems

    @property
    def is_dirty(self) -> bool:
        return self.values() != self._stored

    def validate(self) -> bool:
        problems = self.problems()
        for key, field in self._fields.items():
            field.show_problem(problems.get(key))
        self.save_button.setEnabled(not problems and self.is_dirty)
        self.revert_button.setEnabled(self.is_dirty)
        if self.is_dirty:
            self.status.clear()
        return not problems

    def save(self) -> bool:
        """Store the changed values together (all or none); the service refuses what no PC could
        use, shown as an error."""
        if not self.validate():
            return False
        changed = save_changed(self, self._db, self._actor, self.values(), self._stored)
        if changed is None:
            return False
        self._stored.update(changed)
        self.reload()
        self.status.setText("已保存，所有电脑即时生效")
        self.saved.emit()
        return True


class SettingsPage(QWidget):
    """The main window's 设置 page: 考核标准, 业务规则, 僵尸站点规则, 单位信息, 备份与恢复."""

    def __init__(
        self, db: Database, settings: QSettings, today: date, actor: str, runner: TaskRunner | None = None
    ) -> None:
        super().__init__()
        self._settings = settings
        self.tabs = QTabWidget()
        self.standards = StandardsEditor(db, today, actor)
        self.rules = BusinessRulesTab(db, actor)
        self.zombie_rules = ZombieRulesTab(db, actor)
        self.tabs.addTab(self.standards, "考核标准")
        self.tabs.addTab(self.rules, "业务规则")
        self.tabs.addTab(self.zombie_rules, "僵尸站点规则")
        self.bureau = BureauTab(db, actor)
        self.tabs.addTab(self.bureau, "单位信息")
        self.backups = BackupTab(db, runner or TaskRunner(), actor)
        self.tabs.addTab(self.backups, "备份与恢复")
        self.accounts: AccountsTab | None = None
        if rights.why_not(db, actor, Permission.MANAGE_ACCOUNTS) is None:
            self.accounts = AccountsTab(db, runner or TaskRunner(), actor)
            self.tabs.addTab(self.accounts, "用户账号")
        self.tabs.setCurrentIndex(int(settings.value(TAB_KEY, 0) or 0))
        layout = QVBoxLayout(self)
        self.note: QLabel | None = None
        settings_refused = rights.why_not(db, actor, Permission.MANAGE_SETTINGS)
        standards_refused = rights.why_not(db, actor, Permission.MANAGE_STANDARDS)
        if settings_refused or standards_refused:
            self.note = rights.read_only_note(f"{settings_refused or standards_refused}。这里的设置只能查看。")
            layout.addWidget(self.note)
        for tab, refused in ((self.standards, standards_refused), (self.rules, settings_refused),
                             (self.zombie_rules, settings_refused), (self.bureau, settings_refused)):  # fmt: skip
            tab.setEnabled(refused is None)
        if settings_refused is not None and self.backups.list is not None:  # anyone may take a backup; restoring and its settings are the administrator's
            self.backups.keep.setEnabled(False)
            rights.show_only_if(False, self.backups.restore_button, self.backups.folder_button,
                                self.backups.default_button, self.backups.save_button, self.backups.revert_button)  # fmt: skip
        layout.addWidget(self.tabs)

    def reload(self) -> None:
        """Re-read both tabs when the page is shown; unsaved edits on screen are kept."""
        self.standards.reload()
        if not self.rules.is_dirty:
            self.rules.reload()
        if not self.zombie_rules.is_dirty:
            self.zombie_rules.reload()
        if not self.bureau.is_dirty:
            self.bureau.reload()
        if self.backups.is_dirty:
            self.backups.refresh()
        else:
            self.backups.reload()
        if self.accounts is not None:
            self.accounts.reload()

    @property
    def has_unsaved_changes(self) -> bool:
        return any(tab.is_dirty for tab in (self.standards, self.rules, self.zombie_rules, self.bureau, self.backups))

    def save_state(self) -> None:
        self._settings.setValue(TAB_KEY, self.tabs.currentIndex())
