"""考核标准: one level's standard for one year — thresholds, duties, marks and the on-site score sheet.

Validated as the user types by the service's own `validate_standard`, so the form can never accept
what `save_standard` would refuse. A revision already used by a re-examination is frozen: the
editor says so before the user starts, because saving then creates the next revision instead of
changing the one that judged last year's stations.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.scoring import (
    FIRST_PAYOUT_POINTS,
    PERFORMANCE_POINTS,
)
from stationdesk.domain.standards import Threshold
from stationdesk.domain.vocabulary import FirstPayoutDuty, StationLevel
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import standards
from stationdesk.services.standards import LABELS, StandardDraft, StandardRecord
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.form_field import FormField
from stationdesk.ui.score_sheet_table import NOTE_STYLE, ScoreSheetTable
from stationdesk.ui.timefmt import local_time

LEVELS = StationLevel.senior_first()
OPERATORS = ((">=", "≥"), (">", ">"), ("<=", "≤"), ("==", "="))


def revision_note(record: StandardRecord) -> str:
    """What saving will do, said before the user edits: change this revision or create the next."""
    if record.id is None:
        return "尚未保存，显示的是默认标准；保存将生成第1版"
    if record.frozen:
        return (f"第{record.revision}版（已用于{record.draft.year}年度复核，已冻结；"
                f"保存将生成第{record.revision + 1}版）")  # fmt: skip
    return f"第{record.revision}版（尚未用于年度复核，保存将直接修改本版）"


class ThresholdInput(QWidget):
    """A bar as the documents write it: an operator and a percentage with one decimal ("≥ 90.0%")."""

    changed = Signal()

    def __init__(self, key: str) -> None:
        super().__init__()
        self.operator = QComboBox()
        self.operator.setObjectName(f"{key}_operator")
        for code, symbol in OPERATORS:
            self.operator.addItem(symbol, code)
        self.operator.setToolTip("≥ 不低于　> 高于　≤ 不高于　= 等于")
        self.percent = QDoubleSpinBox(minimum=0.0, maximum=100.0, decimals=1, suffix=" %", singleStep=0.5)
        self.percent.setObjectName(f"{key}_percent")
        self.percent.setMinimumWidth(96)
        self.hint = QLabel()
        self.hint.setStyleSheet(NOTE_STYLE)
        line = QHBoxLayout(self)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.operator)
        line.addWidget(self.percent)
        line.addWidget(self.hint, 1)
        self.operator.currentIndexChanged.connect(self._changed)
        self.percent.valueChanged.connect(self._changed)

    def threshold(self) -> Threshold:
        # Rounded so 92.3 % is stored as 0.923, not 0.9229999999999999.
        return Threshold(self.operator.currentData(), round(self.percent.value() / 100, 4))

    def set_threshold(self, threshold: Threshold) -> None:
        self.operator.setCurrentIndex(max(self.operator.findData(threshold.operator), 0))
        self.percent.setValue(round(threshold.value * 100, 1))

    def _changed(self) -> None:
        self.hint.setText("" if self.threshold().is_requirement else "（≥ 0% 即不作要求）")
        self.changed.emit()


class StandardsEditor(QWidget):
    """Edits the standard of one level and year. Emits `standard_saved(year, level)` after a save."""

    standard_saved = Signal(int, str)

    def __init__(self, db: Database, today: date, actor: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor = db, actor
        self._records: dict[str, StandardRecord] = {}
        self._baseline: StandardDraft | None = None
        self._ready = False
        self._fields: dict[str, FormField] = {}
        self._year_shown, self._level_shown = today.year, LEVELS[0]
        self.year = QSpinBox(minimum=2000, maximum=today.year + 1, value=today.year, suffix=" 年")
        self.year.setToolTip("可提前编辑下一年度的标准")
        self.year.setKeyboardTracking(False)  # one switch per year typed, not one per digit
        self.levels = QTabBar()
        for level in LEVELS:
            self.levels.addTab(level.label)
        self.note = QLabel()
        self.note.setObjectName("revision_note")
        self.note.setWordWrap(True)
        self.changed_by = QLabel()
        self.changed_by.setStyleSheet(NOTE_STYLE)
        self.thresholds = {key: ThresholdInput(key) for key in ("self_mediation", "success", "satisfaction")}
        self.first_payout = QComboBox()
        for duty in FirstPayoutDuty:
            self.first_payout.addItem(duty.label, duty.value)
        self.min_cases = QSpinBox(minimum=0, maximum=99_999, suffix=" 件")
        self.pass_score = QSpinBox(minimum=0, maximum=999, suffix=" 分")
        self.upgrade_score = QSpinBox(minimum=0, maximum=999, suffix=" 分")
        self.upgrade_score.setToolTip("市级示范站点各项指标达标且总分不低于此线的，建议推荐升级")
        self.sheet = ScoreSheetTable()
        lines = "、".join(f"{indicator.label} {points} 分" for indicator, points in PERFORMANCE_POINTS.items())
        self.performance_note = QLabel(
            f"评分表 D 工作实绩按本级别上述指标计算：{lines}；达标得满分，未达标按达到程度折算。"
            f"E 先行赔付 {FIRST_PAYOUT_POINTS} 分：实行先行赔付（或本级别不作要求）得满分。"
        )
        self.performance_note.setWordWrap(True)
        self.performance_note.setStyleSheet(NOTE_STYLE)
        widgets: dict[str, QWidget] = {**self.thresholds, "first_payout": self.first_payout,
                                       "min_cases": self.min_cases, "pass_score": self.pass_score,
                                       "upgrade_score": self.upgrade_score, "checklist": self.sheet}  # fmt: skip
        for key, widget in widgets.items():
            self._fields[key] = FormField(key, LABELS[key], widget)
        self.defaults_button = QPushButton("恢复默认值")
        self.defaults_button.setToolTip("把表单填为内置的默认标准（保存后才生效）")
        self.revert_button = QPushButton("放弃修改")
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.status = QLabel()
        self._layout()
        self._connect()
        self._ready = True
        self.reload()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("年度"))
        top.addWidget(self.year)
        top.addSpacing(16)
        top.addWidget(self.levels)
        top.addStretch(1)
        form_box = QGroupBox("指标要求与分数线")
        grid = QGridLayout(form_box)
        grid.setVerticalSpacing(2)
        for row, key in enumerate(("self_mediation", "success", "satisfaction", "first_payout", "min_cases",
                                   "pass_score", "upgrade_score")):
            field = self._fields[key]
            grid.addWidget(field.caption, row * 2, 0)
            if key in self.thresholds:
                grid.addWidget(field.widget, row * 2, 1)
            else:
                field.widget.setMinimumWidth(120)
                grid.addWidget(field.widget, row * 2, 1, Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(field.message, row * 2 + 1, 1)
        grid.addWidget(self.performance_note, 14, 0, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(15, 1)
        sheet_box = QGroupBox("现场检查评分表（A 硬件设施、B 人员与制度、C 台账质量）")
        sheet_layout = QVBoxLayout(sheet_box)
        sheet_layout.addWidget(self.sheet, 1)
        sheet_layout.addWidget(self._fields["checklist"].message)
        body = QHBoxLayout()
        body.addWidget(form_box, 2)
        body.addWidget(sheet_box, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.changed_by)
        layout.addLayout(body, 1)
        layout.addLayout(buttons)

    def _connect(self) -> None:
        self.year.valueChanged.connect(self._year_changed)
        self.levels.currentChanged.connect(self._level_changed)
        for threshold in self.thresholds.values():
            threshold.changed.connect(self.validate)
        self.first_payout.currentIndexChanged.connect(self.validate)
        for spin in (self.min_cases, self.pass_score, self.upgrade_score):
            spin.valueChanged.connect(self.validate)
        self.sheet.edited.connect(self.validate)
        self.defaults_button.clicked.connect(self.restore_defaults)
        self.revert_button.clicked.connect(self._show_current)
        self.save_button.clicked.connect(self.save)

    # -- which standard -----------------------------------------------------------------------
    @property
    def level(self) -> StationLevel:
        """The level whose standard the form shows (the tab may be mid-switch)."""
        return self._level_shown

    @property
    def record(self) -> StandardRecord:
        return self._records[self._level_shown.value]

    def reload(self) -> None:
        """Re-read the year's standards; unsaved edits stay on screen (the page may just be re-shown)."""
        self._records = {r.draft.level: r for r in standards.standards_of_year(self._db, self._year_shown)}
        if not self.is_dirty:
            self._show_current()
        else:
            self._show_note()

    def _year_changed(self, year: int) -> None:
        if year != self._year_shown and not self._may_leave():
            self.year.blockSignals(True)
            self.year.setValue(self._year_shown)
            self.year.blockSignals(False)
            return
        self._year_shown, self._baseline = year, None
        self.reload()

    def _level_changed(self, index: int) -> None:
        if LEVELS[index] != self._level_shown and not self._may_leave():
            self.levels.blockSignals(True)
            self.levels.setCurrentIndex(LEVELS.index(self._level_shown))
            self.levels.blockSignals(False)
            return
        self._level_shown = LEVELS[index]
        self._show_current()

    def _may_leave(self) -> bool:
        if not self.is_dirty:
            return True
        return dialogs.confirm(
            self, "未保存的修改", "当前考核标准有未保存的修改，切换后修改将丢失。是否放弃修改？",
            yes="放弃修改", no="继续编辑",
        )  # fmt: skip

    # -- values -------------------------------------------------------------------------------
    def _show_current(self) -> None:
        self.status.clear()
        self._load(self.record.draft)
        self._baseline = self.draft()
        self._show_note()
        self.validate()

    def _show_note(self) -> None:
        record = self.record
        self.note.setText(revision_note(record))
        self.note.setStyleSheet("color: #8a5300; font-weight: bold;" if record.frozen else "")
        self.changed_by.setText(f"最后修改：{record.updated_by} {local_time(record.updated_at)}")
        self.changed_by.setVisible(bool(record.updated_by))

    def _load(self, draft: StandardDraft) -> None:
        self._ready = False
        for key, widget in self.thresholds.items():
            widget.set_threshold(getattr(draft, key))
        self.first_payout.setCurrentIndex(max(self.first_payout.findData(draft.first_payout), 0))
        self.min_cases.setValue(draft.min_cases)
        self.pass_score.setValue(draft.pass_score)
        self.upgrade_score.setValue(draft.upgrade_score)
        self.sheet.load(draft.checklist)
        self._ready = True

    def draft(self) -> StandardDraft:
        """The form as a draft for the level and year shown."""
        return StandardDraft(
            level=self._level_shown.value, year=self._year_shown,
            self_mediation=self.thresholds["self_mediation"].threshold(),
            success=self.thresholds["success"].threshold(),
            satisfaction=self.thresholds["satisfaction"].threshold(),
            first_payout=self.first_payout.currentData(), min_cases=self.min_cases.value(),
            checklist=self.sheet.items(), pass_score=self.pass_score.value(),
            upgrade_score=self.upgrade_score.value(),
        )  # fmt: skip

    @property
    def is_dirty(self) -> bool:
        """Edited since shown (compared with the form's own rendering, so rounding is not an edit)."""
        return self._baseline is not None and self.draft() != self._baseline

    def restore_defaults(self) -> None:
        self._load(standards.default_draft(self._level_shown, self._year_shown))
        self.status.setText("已填入默认值，保存后生效")
        self.validate()

    def problems(self) -> dict[str, str]:
        return standards.validate_standard(self.draft())

    def validate(self) -> bool:
        if not self._ready:
            return False
        problems = self.problems()
        for key, field in self._fields.items():
            field.show_problem(problems.get(key))
        unsaved = self.record.id is None or self.is_dirty
        self.save_button.setEnabled(not problems and unsaved)
        self.revert_button.setEnabled(self.is_dirty)
        return not problems

    def save(self) -> bool:
        """Save through `save_standard`: it edits the revision shown, or adds the next if it is frozen
        (never an unedited copy of a frozen revision: the button stays disabled until something changes)."""
        if not self.validate() or not self.save_button.isEnabled():
            return False
        try:
            record = standards.save_standard(self._db, self.draft(), self._actor)
        except ValidationFailed as exc:
            for key, field in self._fields.items():
                field.show_problem(exc.problems.get(key))
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self._records[record.draft.level] = record
        self._show_current()
        self.status.setText(f"已保存：{record.draft.year}年{self.level.label}考核标准第{record.revision}版")
        self.standard_saved.emit(record.draft.year, record.draft.level)
        return True
