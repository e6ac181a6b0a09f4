"""统计报表: station inspection reports in bulk and the summaries, to preview, print, save or
export to Excel. Everything is built off the GUI thread by `ui.printing`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.periods import Week, last_full_week, week_of
from stationdesk.services import register
from stationdesk.services.station_reports import ReportScope, report_station_ids
from stationdesk.services.summaries import SUMMARY_KINDS
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.printing import Printing
from stationdesk.ui.tasks import TaskContext, TaskRunner

KIND_KEY = "reports/summary_kind"


def _year_box(today: date) -> QSpinBox:
    return QSpinBox(minimum=2000, maximum=today.year, value=today.year, suffix=" 年")


class ReportsPage(QWidget):
    """Two groups: 站点检查报告 (by county) and 汇总表 (by kind), each with its own year."""

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, today: date) -> None:
        super().__init__()
        self._db, self._runner, self._settings, self._today = db, runner, settings, today
        self.printing = Printing(db, runner, settings, today)
        heading = QLabel("统计报表")
        heading.setObjectName("pageTitle")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        row = QHBoxLayout()
        row.addWidget(self._build_station_group(), 1)
        row.addWidget(self._build_summary_group(), 1)
        layout.addLayout(row)
        layout.addWidget(self._build_bulletin_group())
        layout.addStretch(1)
        QShortcut(QKeySequence.StandardKey.Print, self, self.preview_summary,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)  # fmt: skip

    def _build_station_group(self) -> QGroupBox:
        group = QGroupBox("站点检查报告")
        self.county = QComboBox()
        self.county.addItem("全部县区", None)
        self.include_removed = QCheckBox("包括已撤销的站点")
        self.station_year = _year_box(self._today)
        self.all_cases = QComboBox()
        self.all_cases.addItem("最近 15 件（一站一页）", False)
        self.all_cases.addItem("本年度全部调解记录", True)
        self.scope_label = QLabel("")
        form = QFormLayout()
        form.addRow("范围", self.county)
        form.addRow("", self.include_removed)
        form.addRow("年度", self.station_year)
        form.addRow("调解记录", self.all_cases)
        form.addRow("", self.scope_label)
        self.preview_stations_button = QPushButton("预览并打印（合成一个 PDF）")
        self.preview_stations_button.clicked.connect(self.preview_stations)
        self.files_button = QPushButton("每站一个文件…")
        self.files_button.setToolTip("每个站点生成一个 PDF，以“编号 名称.pdf”命名，保存到所选文件夹")
        self.files_button.clicked.connect(self.save_station_files)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_stations_button)
        buttons.addWidget(self.files_button)
        buttons.addStretch(1)
        box = QVBoxLayout(group)
        box.addLayout(form)
        box.addLayout(buttons)
        hint = QLabel("也可在“站点台账”中选中站点，右键“打印检查报告”。")
        hint.setWordWrap(True)
        hint.setObjectName("hint")
        box.addWidget(hint)
        self.county.currentIndexChanged.connect(self._count_scope)
        self.include_removed.toggled.connect(self._count_scope)
        return group

    def _build_summary_group(self) -> QGroupBox:
        group = QGroupBox("汇总表")
        self.kinds = QListWidget()
        for kind, label in SUMMARY_KINDS.items():
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.kinds.addItem(item)
        saved = self._settings.value(KIND_KEY)
        codes = list(SUMMARY_KINDS)
        self.kinds.setCurrentRow(codes.index(str(saved)) if saved in codes else 0)
        self.kinds.setMaximumHeight(120)
        self.kinds.itemDoubleClicked.connect(lambda _item: self.preview_summary())
        self.summary_year = _year_box(self._today)
        form = QFormLayout()
        form.addRow("年度", self.summary_year)
        self.preview_summary_button = QPushButton("预览并打印")
        self.preview_summary_button.clicked.connect(self.preview_summary)
        self.export_button = QPushButton("导出 Excel…")
        self.export_button.clicked.connect(self.export_summary)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_summary_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        box = QVBoxLayout(group)
        box.addWidget(self.kinds)
        box.addLayout(form)
        box.addLayout(buttons)
        return group

    def _build_bulletin_group(self) -> QGroupBox:
        group = QGroupBox("每周动态")
        self.week_day = QDateEdit(calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.week_day.setDate(last_full_week(self._today).monday)
        self.week_day.setMaximumDate(self._today)
        self.week_day.setToolTip("选择这一周中的任意一天；每周从周一到周日")
        self.week_label = QLabel()
        self.preview_bulletin_button = QPushButton("预览并打印")
        self.preview_bulletin_button.clicked.connect(self.preview_bulletin)
        self.export_bulletin_button = QPushButton("导出 Excel…")
        self.export_bulletin_button.clicked.connect(self.export_bulletin)
        box = QHBoxLayout(group)
        box.addWidget(QLabel("周次"))
        box.addWidget(self.week_day)
        box.addWidget(self.week_label)
        box.addStretch(1)
        box.addWidget(self.preview_bulletin_button)
        box.addWidget(self.export_bulletin_button)
        hint = QLabel("各县区本周新收、办结、周末逾期、回访、先行赔付，并与上周比较。")
        hint.setObjectName("hint")
        box.insertWidget(3, hint)
        self.week_day.dateChanged.connect(lambda _d: self._show_week())
        self._show_week()
        return group

    def week(self) -> Week:
        return week_of(self.week_day.date().toPython())  # type: ignore[arg-type]

    def _show_week(self) -> None:
        self.week_label.setText(self.week().label)

    def preview_bulletin(self) -> None:
        self.printing.preview_bulletin(self, self.week())

    def export_bulletin(self) -> None:
        self.printing.export_bulletin(self, self.week())

    # -- loading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Fill the county list (once the page is first shown) and count the scope."""
        def job(_ctx: TaskContext) -> list[tuple[int, str]]:
            return [(c.id, c.name) for c in register.register_lookups(self._db).counties]

        self._runner.run(job, on_done=self._fill_counties,
                         on_error=lambda exc: dialogs.show_error(self, exc, "load counties"))  # fmt: skip

    def _fill_counties(self, counties: list[tuple[int, str]]) -> None:
        current = self.county.currentData()
        self.county.blockSignals(True)
        while self.county.count() > 1:
            self.county.removeItem(1)
        for county_id, name in counties:
            self.county.addItem(name, county_id)
        index = self.county.findData(current)
        self.county.setCurrentIndex(max(index, 0))
        self.county.blockSignals(False)
        self._count_scope()

    def scope(self) -> ReportScope:
        return ReportScope(self.county.currentData(), self.include_removed.isChecked())

    def _count_scope(self) -> None:
        scope = self.scope()
        self.scope_label.setText("正在统计…")
        self._runner.run(
            lambda _ctx: len(report_station_ids(self._db, scope)),
            on_done=lambda n: self.scope_label.setText(f"共 {n:,} 个站点"),
            on_error=lambda exc: dialogs.show_error(self, exc, "count stations"),
        )

    def _scope_title(self) -> str:
        county = self.county.currentText() if self.county.currentData() is not None else "全部县区"
        return f"{self.station_year.value()}年度站点检查报告（{county}）"

    # -- actions -------------------------------------------------------------------------------
    def _with_scope_ids(self, then: Callable[[list[int]], None]) -> None:
        """Read the scope's station ids off the GUI thread (a province's 20,000), then act."""
        scope = self.scope()
        self._runner.run(lambda _ctx: report_station_ids(self._db, scope), on_done=then,
                         on_error=lambda exc: dialogs.show_error(self, exc, "list stations"))  # fmt: skip

    def preview_stations(self) -> None:
        year, title, all_cases = self.station_year.value(), self._scope_title(), bool(self.all_cases.currentData())
        self._with_scope_ids(lambda ids: self.printing.preview_stations(self, ids, year, title, all_cases))

    def save_station_files(self) -> None:
        year, all_cases = self.station_year.value(), bool(self.all_cases.currentData())
        self._with_scope_ids(lambda ids: self.printing.save_station_files(self, ids, year, all_cases))

    def current_kind(self) -> str:
        item = self.kinds.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else next(iter(SUMMARY_KINDS))

    def preview_summary(self) -> None:
        self._settings.setValue(KIND_KEY, self.current_kind())
        self.printing.preview_summary(self, self.current_kind(), self.summary_year.value())

    def export_summary(self) -> None:
        self._settings.setValue(KIND_KEY, self.current_kind())
        self.printing.export_summary(self, self.current_kind(), self.summary_year.value())
