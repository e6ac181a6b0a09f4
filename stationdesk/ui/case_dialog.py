"""The case form (调解记录): enter or edit one case, see its due date while typing, its follow-up
visits and first payout.

Validation is `domain.case_rules.validate_case`, the same function the service applies, so the
form and the service can never disagree; each message sits under its field. The consumer's full
name and phone are shown only after the user asks for them ("查看完整信息"), which is audited.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.case_rules import CaseDraft, normalise_case, parse_amount, validate_case
from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.deadlines import urgency
from stationdesk.domain.masking import mask_name, mask_phone
from stationdesk.domain.money import format_yuan
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome
from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import cases, follow_ups
from stationdesk.services.cases import CaseConflict, CaseDetail
from stationdesk.store.database import Database
from stationdesk.ui import dialogs, rights
from stationdesk.ui.case_columns import URGENCY_COLOUR, URGENCY_TEXT
from stationdesk.ui.form_field import FormField
from stationdesk.ui.station_picker import StationPicker
from stationdesk.ui.tasks import TaskRunner
from stationdesk.ui.timefmt import local_time

OPEN_LABEL = "（办理中）"


def _amount_text(fen: int) -> str:
    return format_yuan(fen).replace(",", "") if fen else ""


class CaseDialog(QDialog):
    """Add (case_id None) or edit a case. Emits `saved(case_id)` after each save.

    A new case opened from a station page has its station fixed (`station_id`); from the global
    list the user picks the station by code or name.
    """

    HELP_SECTION = "调解记录"  # F1 opens the manual here

    saved = Signal(int)
    payout_requested = Signal(int, int)  # station id, case id

    def __init__(
        self,
        db: Database,
        actor: str,
        today: date,
        case_id: int | None = None,
        station_id: int | None = None,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self._db, self._actor, self._today = db, actor, today
        self._runner = runner or TaskRunner(synchronous=True)
        self._detail: CaseDetail | None = None
        self._fields: dict[str, FormField] = {}
        self._parse_problems: dict[str, str] = {}
        self._service_problems: dict[str, str] = {}
        self._show_all = False
        self._dirty = False
        self._revealed = case_id is None
        self._stored_personal = ("", "")
        self._ready = False
        self._build()
        self._ready = True
        if case_id is not None:
            self._load(case_id)
        else:
            self.setWindowTitle("新增调解记录")
            self._select_station(station_id)
        if station_id is not None:  # opened from a station's page: its cases stay there
            self.station.setReadOnly(True)
        else:
            self.station.load_choices(db, self._runner)
        self.validate()
        self._dirty = False

    # -- building ---------------------------------------------------------------------------
    def _field(self, key: str, caption: str, widget: QWidget, required: bool = False) -> QWidget:
        widget.setObjectName(key)
        self._fields[key] = FormField(key, caption, widget, required)
        return widget

    def _line(self, key: str, caption: str, required: bool = False, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(placeholderText=placeholder)
        self._field(key, caption, edit, required)
        edit.textChanged.connect(lambda _t, k=key: self._edited(k))
        return edit

    def _combo(self, key: str, caption: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox()
        for label, value in items:
            combo.addItem(label, value)
        self._field(key, caption, combo)
        combo.currentIndexChanged.connect(lambda _i, k=key: self._edited(k))
        return combo

    def _build(self) -> None:
        self.station = StationPicker()
        self._field("station_id", "受理站点", self.station, True)
        self.station.changed.connect(lambda: self._edited("station_id"))
        self.received_on = self._line("received_on", "受理日期", True, "如 2026-11-20")
        self.received_on.setText(self._today.isoformat())
        self.channel = self._combo("channel", "受理渠道", [(c.label, c.value) for c in CaseChannel])
        self.platform_ref = self._line("platform_ref", "平台工单号", placeholder="12315平台转办时填写")
        self.consumer_name = self._line("consumer_name", "消费者姓名")
        self.consumer_phone = self._line("consumer_phone", "消费者电话")
        self.reveal = QPushButton("查看完整信息")
        self.reveal.setToolTip("消费者个人信息默认脱敏显示；查看将记入操作日志")
        self.reveal.clicked.connect(self.reveal_consumer)
        self.reveal.setVisible(False)
        self.operator_name = self._line("operator_name", "被投诉经营者")
        self.goods_category = self._combo(
            "goods_category_id", "商品/服务类别", [("（未分类）", None)] + [(c.name, c.id) for c in cases.goods_categories(self._db)]
        )
        self.amount_disputed = self._line("amount_disputed_fen", "争议金额(元)", placeholder="0.00")
        self.handling = self._combo("handling", "处理方式", [(h.label, h.value) for h in CaseHandling])
        self.difficult = QCheckBox("疑难案件（适用较长办理期限）")
        self._field("difficult", "疑难", self.difficult)
        self.difficult.toggled.connect(lambda _b: self._edited("difficult"))
        self.due = QLabel()
        self.due.setObjectName("due")
        self.outcome = self._combo("outcome", "处理结果", [(OPEN_LABEL, None)] + [(o.label, o.value) for o in CaseOutcome])
        self.closed_on = self._line("closed_on", "办结日期", placeholder="办结后填写")
        self.amount_recovered = self._line("amount_recovered_fen", "挽回损失(元)", placeholder="调解成功时填写")
        self.payout_eligible = QCheckBox("符合先行赔付条件")
        self.payout_eligible.setToolTip("计入“先行赔付率”的分母；已先行赔付的案件自动视为符合")
        self._field("payout_eligible", "先行赔付", self.payout_eligible)
        self.payout_eligible.toggled.connect(lambda _b: self._edited("payout_eligible"))
        self.notes = QPlainTextEdit()
        self.notes.setMaximumHeight(70)
        self._field("notes", "备注", self.notes)
        self.notes.textChanged.connect(lambda: self._edited("notes"))

        columns = QHBoxLayout()
        left = ["station_id", "received_on", "channel", "platform_ref", "consumer_name", "consumer_phone",
                "operator_name", "goods_category_id", "amount_disputed_fen"]  # fmt: skip
        right = ["handling", "difficult", "outcome", "closed_on", "amount_recovered_fen", "payout_eligible", "notes"]
        for keys in (left, right):
            columns.addLayout(self._column_grid(keys), 1)
            columns.addSpacing(16)

        self.after = QGroupBox("回访与先行赔付")
        self.visits = QTableWidget(0, 4)
        self.visits.setHorizontalHeaderLabels(["回访日期", "回访人", "结果", "备注"])
        self.visits.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.visits.verticalHeader().setVisible(False)
        self.visits.horizontalHeader().setStretchLastSection(True)
        self.visits.setMaximumHeight(110)
        self.add_visit = QPushButton("登记回访…")
        self.add_visit.clicked.connect(self.record_follow_up)
        self.payout_info = QLabel()
        self.add_payout = QPushButton("登记先行赔付…")
        self.add_payout.clicked.connect(self._request_payout)
        after = QVBoxLayout(self.after)
        after.addWidget(self.visits)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.payout_info, 1)
        row_buttons.addWidget(self.add_payout)
        row_buttons.addWidget(self.add_visit)
        after.addLayout(row_buttons)
        self.after.setVisible(False)

        self.who = QLabel()
        self.who.setStyleSheet("color: #555;")
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_new_button = QPushButton("保存并新增")
        self.save_new_button.setToolTip("保存后清空表单，继续录入同一站点的下一件")
        close_button = QPushButton("关闭")
        self.save_button.clicked.connect(self.save)
        self.save_new_button.clicked.connect(self.save_and_new)
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.who, 1)
        buttons.addWidget(self.save_new_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        self.read_only = rights.read_only_note("")
        self.read_only.setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only)
        layout.addLayout(columns)
        layout.addWidget(self.after)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.resize(900, 640)

    def _limit_to_rights(self, refused: str | None) -> None:
        """Another county's case, for a county user (or any, for a reader): shown, not changed."""
        if refused is None:
            return
        self.read_only.setText(f"只读：{refused}")
        self.read_only.setVisible(True)
        rights.show_only_if(False, self.save_button, self.save_new_button, self.add_visit, self.add_payout, self.reveal)

    def _column_grid(self, keys: list[str]) -> QGridLayout:
        """One column of captions, inputs and the message under each (independent row heights)."""
        grid = QGridLayout()
        row = 0
        for key in keys:
            field = self._fields[key]
            grid.addWidget(field.caption, row, 0, Qt.AlignmentFlag.AlignTop)
            widget: QWidget = field.widget
            if key == "consumer_phone":
                holder = QWidget()
                box = QHBoxLayout(holder)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(field.widget, 1)
                box.addWidget(self.reveal)
                widget = holder
            grid.addWidget(widget, row, 1)
            grid.addWidget(field.message, row + 1, 1)
            row += 2
            if key == "difficult":
                grid.addWidget(QLabel("应办结日期"), row, 0)
                grid.addWidget(self.due, row, 1)
                row += 2
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(row, 1)
        return grid

    # -- loading ----------------------------------------------------------------------------
    def _select_station(self, station_id: int | None) -> None:
        if station_id is not None:
            choice = cases.station_choice(self._db, station_id)
            self.station.set_station(choice.id, choice.text)

    def _load(self, case_id: int) -> None:
        detail = cases.get_case(self._db, case_id)
        self._detail = detail
        draft = detail.draft
        self._ready = False
        assert draft.station_id is not None
        self.station.set_station(draft.station_id, f"{detail.station_code} {detail.station_name}")
        self.received_on.setText(draft.received_on.isoformat() if draft.received_on else "")
        self.channel.setCurrentIndex(max(self.channel.findData(draft.channel), 0))
        self.platform_ref.setText(draft.platform_ref)
        self._stored_personal = (draft.consumer_name, draft.consumer_phone)
        self._show_personal(revealed=False)
        self.operator_name.setText(draft.operator_name)
        self.goods_category.setCurrentIndex(max(self.goods_category.findData(draft.goods_category_id), 0))
        self.amount_disputed.setText(_amount_text(draft.amount_disputed_fen))
        self.handling.setCurrentIndex(max(self.handling.findData(draft.handling), 0))
        self.difficult.setChecked(draft.difficult)
        self.outcome.setCurrentIndex(max(self.outcome.findData(draft.outcome), 0))
        self.closed_on.setText(draft.closed_on.isoformat() if draft.closed_on else "")
        self.amount_recovered.setText(_amount_text(draft.amount_recovered_fen))
        self.payout_eligible.setChecked(draft.payout_eligible)
        self.notes.setPlainText(draft.notes)
        self._ready = True
        self.setWindowTitle(f"调解记录 {detail.number} — {detail.station_name}")
        self.who.setText(
            f"录入：{detail.created_by} {local_time(detail.created_at)}　最后修改：{detail.updated_by} "
            f"{local_time(detail.updated_at)}"
        )
        self.save_new_button.setVisible(False)
        self._load_after(detail)
        self._limit_to_rights(rights.why_not_station(self._db, self._actor, draft.station_id))
        self.validate()
        self._dirty = False

    def _show_personal(self, revealed: bool) -> None:
        name, phone = self._stored_personal
        self._revealed = revealed
        self._ready, ready = False, self._ready
        self.consumer_name.setText(name if revealed else mask_name(name))
        self.consumer_phone.setText(phone if revealed else mask_phone(phone))
        self._ready = ready
        for edit in (self.consumer_name, self.consumer_phone):
            edit.setReadOnly(not revealed)
        self.reveal.setVisible(not revealed and bool(name or phone))

    def _load_after(self, detail: CaseDetail) -> None:
        self.after.setVisible(True)
        visits = follow_ups.follow_ups_of_case(self._db, detail.id)
        self.visits.setRowCount(len(visits))
        for row, visit in enumerate(visits):
            for column, text in enumerate([visit.visited_on.isoformat(), visit.visitor, visit.result_text, visit.remarks]):
                self.visits.setItem(row, column, QTableWidgetItem(text))
        closed = detail.draft.outcome is not None
        self.add_visit.setEnabled(closed)
        self.add_visit.setToolTip("" if closed else "案件办结后才能回访")
        if detail.has_payout:
            self.payout_info.setText("本案已先行赔付（详见站点的“先行赔付”）")
        elif detail.station_in_scheme:
            self.payout_info.setText("本站点实行先行赔付")
        else:
            self.payout_info.setText("本站点未实行先行赔付")
        self.add_payout.setEnabled(detail.station_in_scheme and not detail.has_payout)

    # -- the form's content -----------------------------------------------------------------
    def _date(self, key: str, edit: QLineEdit) -> date | None:
        try:
            return parse_user_date(edit.text())
        except ValueError as exc:
            self._parse_problems[key] = str(exc)
            return None

    def _amount(self, key: str, edit: QLineEdit) -> int:
        try:
            return parse_amount(self._fields[key].caption.text().split("(")[0], edit.text())
        except ValueError as exc:
            self._parse_problems[key] = str(exc)
            return 0

    def draft(self) -> CaseDraft:
        """The form's content (unparseable fields recorded in `_parse_problems`)."""
        self._parse_problems = {}
        if self._revealed:
            name, phone = self.consumer_name.text(), self.consumer_phone.text()
        else:
            name, phone = self._stored_personal
        return CaseDraft(
            station_id=self.station.station_id(),
            received_on=self._date("received_on", self.received_on),
            channel=self.channel.currentData(),
            consumer_name=name,
            consumer_phone=phone,
            operator_name=self.operator_name.text(),
            goods_category_id=self.goods_category.currentData(),
            amount_disputed_fen=self._amount("amount_disputed_fen", self.amount_disputed),
            handling=self.handling.currentData(),
            outcome=self.outcome.currentData(),
            closed_on=self._date("closed_on", self.closed_on),
            amount_recovered_fen=self._amount("amount_recovered_fen", self.amount_recovered),
            difficult=self.difficult.isChecked(),
            payout_eligible=self.payout_eligible.isChecked(),
            platform_ref=self.platform_ref.text(),
            notes=self.notes.toPlainText(),
        )

    def problems(self) -> dict[str, str]:
        draft = self.draft()
        found = validate_case(normalise_case(draft), self._today)
        if self.station.names_nothing():
            found["station_id"] = f"没有找到站点“{self.station.text().strip()}”，请从列表中选择"
        return {**found, **self._parse_problems, **self._service_problems}

    def _edited(self, key: str) -> None:
        if not self._ready:
            return
        self._dirty = True
        self._fields[key].touched = True
        self._service_problems.pop(key, None)
        self.validate()

    def validate(self) -> bool:
        problems = self.problems()
        for key, field in self._fields.items():
            field.show_problem(problems.get(key) if (field.touched or self._show_all) else None)
        self._show_due()
        return not problems

    def _show_due(self) -> None:
        """The due date as the service will compute it, and where the case stands today."""
        try:
            received = parse_user_date(self.received_on.text())
        except ValueError:
            received = None
        if received is None:
            self.due.setText("—")
            return
        rule = self._detail.deadline_rule if self._detail else None
        due = cases.preview_due_date(self._db, received, self.difficult.isChecked(), rule)
        try:
            closed = parse_user_date(self.closed_on.text()) if self.outcome.currentData() else None
        except ValueError:
            closed = None
        state = urgency(due.due_on, self._today, closed)
        colour = URGENCY_COLOUR.get(state, "#333")
        text = f"{due.due_on.isoformat()}　{URGENCY_TEXT[state]}"
        if due.warnings:
            text += f"（{'；'.join(due.warnings)}）"
        self.due.setText(text)
        self.due.setStyleSheet(f"color: {colour};")

    # -- actions ----------------------------------------------------------------------------
    def reveal_consumer(self) -> None:
        """Show the full name and phone of this one case (recorded in the audit trail)."""
        if self._detail is None:
            return
        self._stored_personal = cases.reveal_consumer(self._db, self._detail.id, self._actor)
        self._show_personal(revealed=True)

    def save(self) -> bool:
        """Validate and save; messages under the fields, or a note when someone saved first."""
        self._show_all = True
        if not self.validate():
            return False
        draft = self.draft()
        try:
            if self._detail is None:
                saved = cases.add_case(self._db, draft, self._actor, self._today)
            else:
                saved = cases.update_case(self._db, self._detail.id, draft, self._detail.version, self._actor, self._today)
        except ValidationFailed as exc:
            self._service_problems = dict(exc.problems)
            self.validate()
            return False
        except CaseConflict as conflict:
            dialogs.warn(self, "案件已被修改", f"{conflict}\n\n将显示对方保存的内容，您的修改未保存。")
            self._load(conflict.theirs.id)
            return False
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        if saved.warnings:
            dialogs.inform(self, "请注意", "；".join(saved.warnings))
        self.saved.emit(saved.id)
        self._load(saved.id)
        return True

    def save_and_new(self) -> None:
        """Save, then clear the form for the next case of the same station (keeps the date)."""
        station_id, received = self.station.station_id(), self.received_on.text()
        if not self.save():
            return
        self._detail = None
        self._ready = False
        for edit in (self.platform_ref, self.consumer_name, self.consumer_phone, self.operator_name,
                     self.amount_disputed, self.closed_on, self.amount_recovered):  # fmt: skip
            edit.clear()
            edit.setReadOnly(False)
        self.notes.clear()
        for combo in (self.channel, self.goods_category, self.handling, self.outcome):
            combo.setCurrentIndex(0)
        self.difficult.setChecked(False)
        self.payout_eligible.setChecked(False)
        self._select_station(station_id)
        self.received_on.setText(received)
        self._revealed, self._stored_personal = True, ("", "")
        self.reveal.setVisible(False)
        self.after.setVisible(False)
        self.save_new_button.setVisible(True)
        self.setWindowTitle("新增调解记录")
        self.who.setText("")
        self._ready = True
        self._show_all = False
        for field in self._fields.values():
            field.touched = False
        self.validate()
        self._dirty = False
        self.operator_name.setFocus()

    def record_follow_up(self) -> None:
        if self._detail is None:
            return
        from stationdesk.ui.follow_up_dialog import FollowUpDialog

        dialog = FollowUpDialog(self._db, self._detail.id, self._actor, self._today, self)
        if dialog.exec():
            self.saved.emit(self._detail.id)
            self._load(self._detail.id)

    def _request_payout(self) -> None:
        if self._detail is not None:
            self.payout_requested.emit(self._detail.draft.station_id or 0, self._detail.id)

    def reload(self) -> None:
        if self._detail is not None:
            self._load(self._detail.id)

    def reject(self) -> None:
        """Closing (Esc, 关闭, the window's ×) asks first when there are unsaved edits."""
        if self._dirty and not dialogs.confirm(
            self, "尚未保存", "本案件有修改尚未保存，关闭后将丢失。确定关闭吗？", yes="不保存，关闭", no="返回"
        ):
            return
        super().reject()
