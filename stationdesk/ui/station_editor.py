"""The station form: every field of a station, validated as the user types by the same domain
rules the services apply (`normalise_draft` + `validate_station`).

Messages appear under the field once the user has touched it (or tried to save); Save is
enabled only when the whole form is valid.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.money import yuan_to_fen
from stationdesk.domain.standards import DEFAULT_FACILITIES
from stationdesk.domain.station_rules import StationDraft, normalise_draft, validate_station
from stationdesk.domain.vocabulary import HostStatus, StationForm, StationLevel
from stationdesk.services import jurisdictions, register
from stationdesk.store.database import Database
from stationdesk.ui.form_field import FormField


class StationEditor(QWidget):
    """Edits a `StationDraft`. Emits `validity_changed(bool)` whenever the verdict changes."""

    validity_changed = Signal(bool)
    identity_edited = Signal()

    def __init__(self, db: Database, today: date, *, new: bool) -> None:
        super().__init__()
        self._db, self._today, self._new = db, today, new
        self._fields: dict[str, FormField] = {}
        self._parse_problems: dict[str, str] = {}
        self._valid = False
        self._show_all = False
        self._ready = False  # signals fire while the widgets are still being built
        self._loaded_facilities: dict[str, bool] = {}  # items not on today's checklist are kept
        self._build()
        self._ready = True
        self.validate()

    # -- building ---------------------------------------------------------------------------
    def _line(self, key: str, caption: str, required: bool = False, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(placeholderText=placeholder)
        edit.setObjectName(key)
        self._add(FormField(key, caption, edit, required))
        edit.textChanged.connect(lambda _t, k=key: self._edited(k))
        edit.editingFinished.connect(lambda k=key: self._left(k))
        return edit

    def _combo(self, key: str, caption: str, required: bool = False) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(key)
        self._add(FormField(key, caption, combo, required))
        combo.currentIndexChanged.connect(lambda _i, k=key: (self._left(k), self._edited(k)))
        return combo

    def _add(self, field: FormField) -> None:
        self._fields[field.key] = field

    def _build(self) -> None:
        lookups = register.register_lookups(self._db)
        self.code = self._line("code", "站点编号", True, "如 3204020001")
        self.auto_code = QPushButton("自动编号")
        self.auto_code.setToolTip("按所选县区的行政区划代码和顺序号生成编号")
        self.auto_code.clicked.connect(self._fill_code)
        self.name = self._line("name", "站点名称", True)
        self.category = self._combo("category_id", "类别", True)
        self.category.addItem("（请选择）", None)
        for choice in lookups.categories:
            self.category.addItem(choice.name, choice.id)
        self.form = self._combo("form", "形式", True)
        for form in StationForm:
            self.form.addItem(form.label, form.value)
        self.form.setCurrentIndex(self.form.findData(StationForm.SERVICE.value))
        self.level = self._combo("level", "级别", True)
        for level in StationLevel:
            self.level.addItem(level.label, level.value)
        self.level.setEnabled(self._new)
        self.level.setToolTip("" if self._new else "级别变更请使用“变更状态/级别”，需填写原因和日期")
        self.county = self._combo("county_id", "县区", True)
        self.county.addItem("（请选择）", None)
        for choice in lookups.counties:
            self.county.addItem(choice.name, choice.id)
        self.county.currentIndexChanged.connect(self._county_changed)
        self.street = self._combo("street_id", "街道乡镇")
        self.office = self._combo("office_id", "监管所")
        self.host_name = self._line("host_name", "依托单位")
        self.host_credit_code = self._line("host_credit_code", "统一社会信用代码", placeholder="18位，老企业可填15位注册号")
        self.host_status = self._combo("host_status", "依托单位状态")
        for status in HostStatus:
            self.host_status.addItem(status.label, status.value)
        self.host_status.setToolTip("依托单位经营异常、受处罚或注销时，年度复核一票否决，僵尸站点排查也会标出")
        self.address = self._line("address", "地址")
        self.contact_person = self._line("contact_person", "联系人")
        self.contact_phone = self._line("contact_phone", "联系电话", placeholder="手机或带区号的固话，多个用、分隔")
        self.established_on = self._line("established_on", "建站日期", placeholder="2019-03-15")
        self.plaque_on = self._line("plaque_on", "授牌日期", placeholder="2019-04-01")
        self.paired_counsel = self._line("paired_counsel", "结对律师/法官")
        self.fund = self._line("fund_committed_yuan", "先行赔付资金(元)", placeholder="0")
        self.fund.setMaximumWidth(180)
        self.first_payout_scheme = QCheckBox("实行先行赔付")
        self.first_question_duty = QCheckBox("实行首问负责制")
        self.first_payout_scheme.toggled.connect(lambda _c: self._edited("fund_committed_yuan"))
        self.facility_boxes = {item.code: QCheckBox(item.label) for item in DEFAULT_FACILITIES}
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("备注")
        self.notes.setMaximumHeight(70)
        self.notes.textChanged.connect(lambda: self._edited("notes"))
        self._add(FormField("notes", "备注", self.notes))
        self._layout()

    def _layout(self) -> None:
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        left = ["code", "name", "category_id", "form", "level", "county_id", "street_id", "office_id"]
        right = ["host_name", "host_credit_code", "host_status", "address", "contact_person", "contact_phone", "established_on",
                 "plaque_on", "paired_counsel"]
        for column, keys in ((0, left), (2, right)):
            for row, key in enumerate(keys):
                field = self._fields[key]
                grid.addWidget(field.caption, row * 2, column)
                holder = field.widget
                if key == "code":
                    holder = QWidget()
                    line = QHBoxLayout(holder)
                    line.setContentsMargins(0, 0, 0, 0)
                    line.addWidget(self.code, 1)
                    line.addWidget(self.auto_code)
                grid.addWidget(holder, row * 2, column + 1)
                grid.addWidget(field.message, row * 2 + 1, column + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        payout = QGroupBox("先行赔付与首问负责")
        payout_grid = QGridLayout(payout)
        payout_grid.addWidget(self.first_payout_scheme, 0, 0)
        payout_grid.addWidget(self._fields["fund_committed_yuan"].caption, 0, 1)
        payout_grid.addWidget(self.fund, 0, 2)
        payout_grid.addWidget(self.first_question_duty, 0, 3)
        payout_grid.setColumnStretch(4, 1)
        payout_grid.addWidget(self._fields["fund_committed_yuan"].message, 1, 2)

        facilities = QGroupBox("硬件设施与制度（勾选已具备的项目）")
        facility_grid = QGridLayout(facilities)
        for number, box in enumerate(self.facility_boxes.values()):
            facility_grid.addWidget(box, number // 3, number % 3)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(payout)
        layout.addWidget(facilities)
        layout.addWidget(self.notes)
        layout.addStretch(1)

    # -- values -----------------------------------------------------------------------------
    def _county_changed(self) -> None:
        county_id = self.county.currentData()
        for combo, places in (
            (self.street, jurisdictions.streets_of(self._db, county_id) if county_id else []),
            (self.office, jurisdictions.offices_of(self._db, county_id) if county_id else []),
        ):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("（未指定）", None)
            for place in places:
                combo.addItem(place.name, place.id)
            combo.blockSignals(False)

    def _fill_code(self) -> None:
        county_id = self.county.currentData()
        if county_id is None:
            self._fields["county_id"].touched = True
            self.validate()
            return
        from stationdesk.services.stations import next_station_code

        self.code.setText(next_station_code(self._db, county_id))

    def _date(self, key: str, edit: QLineEdit) -> date | None:
        try:
            return parse_user_date(edit.text())
        except ValueError as exc:
            self._parse_problems[key] = str(exc)
            return None

    def draft(self) -> StationDraft:
        """The form's content as a draft (unparseable fields recorded in `_parse_problems`)."""
        self._parse_problems = {}
        fund = 0.0
        if self.fund.text().strip():
            try:
                fund = yuan_to_fen(self.fund.text()) / 100
            except ValueError as exc:
                self._parse_problems["fund_committed_yuan"] = str(exc)
        return StationDraft(
            code=self.code.text(),
            name=self.name.text(),
            category_id=self.category.currentData(),
            form=self.form.currentData(),
            level=self.level.currentData(),
            host_status=self.host_status.currentData(),
            host_name=self.host_name.text(),
            host_credit_code=self.host_credit_code.text(),
            address=self.address.text(),
            county_id=self.county.currentData(),
            street_id=self.street.currentData(),
            office_id=self.office.currentData(),
            contact_person=self.contact_person.text(),
            contact_phone=self.contact_phone.text(),
            established_on=self._date("established_on", self.established_on),
            plaque_on=self._date("plaque_on", self.plaque_on),
            first_payout_scheme=self.first_payout_scheme.isChecked(),
            fund_committed_yuan=fund,
            first_question_duty=self.first_question_duty.isChecked(),
            paired_counsel=self.paired_counsel.text(),
            facilities={**self._loaded_facilities,
                        **{code: box.isChecked() for code, box in self.facility_boxes.items()}},
            notes=self.notes.toPlainText(),
        )

    def load(self, draft: StationDraft) -> None:
        """Fill the form from a saved station (or a conflict's other version)."""
        for key in ("code", "name", "host_name", "host_credit_code", "address", "contact_person",
                    "contact_phone", "paired_counsel"):
            getattr(self, key).setText(getattr(draft, key))
        for combo, value in ((self.category, draft.category_id), (self.form, draft.form),
                             (self.level, draft.level), (self.county, draft.county_id),
                             (self.host_status, draft.host_status)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self._county_changed()
        self.street.setCurrentIndex(max(self.street.findData(draft.street_id), 0))
        self.office.setCurrentIndex(max(self.office.findData(draft.office_id), 0))
        self.established_on.setText(draft.established_on.isoformat() if draft.established_on else "")
        self.plaque_on.setText(draft.plaque_on.isoformat() if draft.plaque_on else "")
        self.first_payout_scheme.setChecked(draft.first_payout_scheme)
        self.fund.setText(f"{draft.fund_committed_yuan:.2f}" if draft.fund_committed_yuan else "")
        self.first_question_duty.setChecked(draft.first_question_duty)
        self._loaded_facilities = dict(draft.facilities)
        for code, box in self.facility_boxes.items():
            box.setChecked(bool(draft.facilities.get(code)))
        self.notes.setPlainText(draft.notes)
        self.validate()

    # -- validation -------------------------------------------------------------------------
    def _edited(self, key: str) -> None:
        if not self._ready:
            return
        self._fields[key].touched = True
        self.validate()

    def _left(self, key: str) -> None:
        """Leaving a field (or picking in a combo): also the moment to look for duplicates,
        once per field rather than one query per keystroke."""
        if not self._ready:
            return
        self._fields[key].touched = True
        self.validate()
        if key in ("name", "address", "host_credit_code", "category_id"):
            self.identity_edited.emit()

    def show_all_problems(self) -> None:
        self._show_all = True
        self.validate()

    def problems(self) -> dict[str, str]:
        draft = self.draft()
        return {**validate_station(normalise_draft(draft), self._today), **self._parse_problems}

    def set_problems(self, problems: dict[str, str]) -> None:
        """Show problems found by the service (e.g. a code already taken)."""
        for key, field in self._fields.items():
            if key in problems:
                field.touched = True
                field.show_problem(problems[key])

    def validate(self) -> bool:
        if not self._ready:
            return False
        problems = self.problems()
        for key, field in self._fields.items():
            field.show_problem(problems.get(key) if (field.touched or self._show_all) else None)
        valid = not problems
        if valid != self._valid:
            self._valid = valid
            self.validity_changed.emit(valid)
        return valid

    @property
    def is_valid(self) -> bool:
        return self._valid
