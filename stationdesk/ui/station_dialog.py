"""The station page: the form, duplicate warnings, saving with conflict detection, and tabs for
the station's cases, payouts, re-examinations and history."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.vocabulary import StationStatus
from stationdesk.errors import UserError
from stationdesk.services import stations, zombies
from stationdesk.services.stations import StationConflict, StationDetail, ValidationFailed
from stationdesk.store.database import Database
from stationdesk.ui import dialogs, rights
from stationdesk.ui.cases_page import CasesPage
from stationdesk.ui.conflict_dialog import ConflictDialog
from stationdesk.ui.consultation_tab import ConsultationTab
from stationdesk.ui.figures_panel import FiguresPanel
from stationdesk.ui.fund_tab import StationFundTab
from stationdesk.ui.printing import Printing
from stationdesk.ui.site_check_dialog import SiteCheckDialog
from stationdesk.ui.station_editor import StationEditor
from stationdesk.ui.station_history_tab import StationHistoryTab
from stationdesk.ui.station_reexam_tab import StationReexamTab
from stationdesk.ui.tasks import TaskRunner
from stationdesk.ui.timefmt import local_time

HISTORY_TAB = 5  # 基本信息, 调解记录, 先行赔付, 咨询记录, 年度复核, then 变更记录
BANNER_STYLE = "background: #fff4ce; border: 1px solid #e0c060; padding: 6px;"


class StationDialog(QDialog):
    """Add (station_id None) or edit a station. Emits `saved(station_id)` after each save."""

    HELP_SECTION = "站点页面"  # F1 opens the manual here

    saved = Signal(int)
    open_station = Signal(int)
    change_status_requested = Signal(int)

    def __init__(self, db: Database, actor: str, today: date, station_id: int | None = None,
                 parent: QWidget | None = None, *, runner: TaskRunner | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self._db, self._actor, self._today = db, actor, today
        self._runner = runner or TaskRunner(synchronous=True)
        self._settings = settings or QSettings()
        self._detail: StationDetail | None = None
        self.cases: CasesPage | None = None
        self.form = StationEditor(db, today, new=station_id is None)
        self.tabs = QTabWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)
        self.tabs.addTab(scroll, "基本信息")
        self.banner = QLabel()
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        self.banner.linkActivated.connect(lambda link: self.open_station.emit(int(link)))
        self.read_only = rights.read_only_note("")
        self.read_only.setVisible(False)
        self.lineage = QLabel()
        self.lineage.setStyleSheet(BANNER_STYLE)
        self.lineage.setVisible(False)
        self.lineage.linkActivated.connect(lambda link: self.open_station.emit(int(link)))
        self.who = QLabel()
        self.who.setStyleSheet("color: #555;")
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.status_button = QPushButton("变更状态/级别…")
        self.check_button = QPushButton("记录检查…")
        self.check_button.setToolTip("记录电话抽查或现场检查；联系不上的站点将列为疑似僵尸站点")
        self.check_button.clicked.connect(self._record_check)
        self.print_button = QPushButton("打印检查报告…")
        self.print_button.setToolTip("本年度的站点检查报告：预览、打印或保存为 PDF（Ctrl+P）")
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)
        self.print_button.clicked.connect(self.print_report)
        close_button = QPushButton("关闭")
        self.save_button.clicked.connect(self.save)
        self.status_button.clicked.connect(self._request_status_change)
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.who, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.status_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.read_only)
        layout.addWidget(self.banner)
        layout.addWidget(self.lineage)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.form.validity_changed.connect(self._update_buttons)
        self.form.identity_edited.connect(self._check_duplicates)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.reject)
        self.resize(980, 720)
        if station_id is None:
            self.setWindowTitle("新建站点")
            self.status_button.setVisible(False)
            self.check_button.setVisible(False)
            self.print_button.setVisible(False)
        else:
            self._load(station_id)
        self._update_buttons()

    # -- loading ----------------------------------------------------------------------------
    def _load(self, station_id: int) -> None:
        detail = stations.get_station(self._db, station_id)
        self._detail = detail
        self.form.load(detail.draft)
        self.setWindowTitle(f"站点 {detail.code} {detail.name}")
        status = StationStatus(detail.status).label
        self.who.setText(f"状态：{status}　录入：{detail.created_by}　最后修改：{detail.updated_by} "
                         f"{local_time(detail.updated_at)}")
        self._show_lineage(station_id)
        if self.cases is None:
            self._add_activity_tabs(station_id)
        else:
            self.figures.reload()
            self.fund.reload()
            self.reexams.reload()
        self._limit_to_rights(rights.why_not_station(self._db, self._actor, station_id))
        self.history.reload()

    def _add_activity_tabs(self, station_id: int) -> None:
        """The station's cases (with its figures), payouts and fund, consultations; built once."""
        self.figures = FiguresPanel(self._db, station_id, self._today)
        self.cases = CasesPage(self._db, self._runner, self._settings, self._today, self._actor, station_id)
        self.cases.case_saved.connect(lambda _id: self.figures.reload())
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.figures)
        layout.addWidget(self.cases, 1)
        self.tabs.addTab(page, "调解记录")
        self.cases.reload()
        self.fund = StationFundTab(self._db, station_id, self._actor, self._today)
        self.fund.changed.connect(self.figures.reload)
        self.fund.changed.connect(self.cases.reload)  # the case list's 先行赔付 column
        self.tabs.addTab(self.fund, "先行赔付")
        self.consultations = ConsultationTab(self._db, station_id, self._actor, self._today)
        self.consultations.changed.connect(self.figures.reload)
        self.tabs.addTab(self.consultations, "咨询记录")
        self.reexams = StationReexamTab(self._db, station_id)
        self.tabs.addTab(self.reexams, "年度复核")
        self.cases.payout_requested.connect(self._record_payout)
        self.history = StationHistoryTab(self._db, self._runner, self._settings, station_id)
        for changed in (self.cases.case_saved, self.fund.changed, self.consultations.changed):
            changed.connect(lambda *_a: self.history.reload())
        self.tabs.addTab(self.history, "变更记录")

    def _limit_to_rights(self, refused: str | None) -> None:
        """Another county's station, for a county user (or any, for a reader): shown, not changed."""
        self.read_only.setText(f"只读：{refused}" if refused else "")
        self.read_only.setVisible(refused is not None)
        self.form.setEnabled(refused is None)
        rights.show_only_if(refused is None, self.save_button, self.status_button, self.check_button)
        for tab in (self.cases, self.fund, self.consultations):
            tab.set_writable(refused is None)

    def _record_payout(self, _station_id: int, case_id: int) -> None:
        """From a case form's 登记先行赔付…: the fund tab, with its payout dialog on that case."""
        self.tabs.setCurrentWidget(self.fund)
        self.fund.record_payout(case_id)

    def _show_lineage(self, station_id: int) -> None:
        """A rebuilt station and its predecessor point at each other (僵尸站点 重建升级)."""
        links = zombies.lineage(self._db, station_id)
        parts = []
        if links.predecessor:
            sid, code, name = links.predecessor
            parts.append(f'由 <a href="{sid}">{code} {name}</a> 重建升级而来')
        if links.successor:
            sid, code, name = links.successor
            parts.append(f'已重建升级为 <a href="{sid}">{code} {name}</a>')
        self.lineage.setText("；".join(parts))
        self.lineage.setVisible(bool(parts))

    @property
    def station_id(self) -> int | None:
        return self._detail.id if self._detail else None

    # -- actions ----------------------------------------------------------------------------
    def print_report(self) -> None:
        """This station's inspection report for the current year, in the preview."""
        if self.station_id is None:
            return
        self._printing = Printing(self._db, self._runner, self._settings, self._today)
        self._printing.preview_station(self, self.station_id, self._today.year)

    def _update_buttons(self, *_args: object) -> None:
        self.save_button.setEnabled(self.form.is_valid)

    def _check_duplicates(self) -> None:
        draft = self.form.draft()
        matches = stations.find_duplicates(self._db, draft, exclude_id=self.station_id)
        if not matches:
            self.banner.setVisible(False)
            return
        links = "；".join(f'<a href="{m.id}">{m.code} {m.name}</a>（{m.why}）' for m in matches[:3])
        self.banner.setText(f"可能与已有站点重复：{links}")
        self.banner.setVisible(True)

    def save(self) -> bool:
        """Validate and save; on a conflict show both versions and let the user choose."""
        if not self.form.validate():
            self.form.show_all_problems()
            return False
        draft = self.form.draft()
        try:
            if self._detail is None:
                if stations.find_duplicates(self._db, draft) and not dialogs.confirm(
                        self, "可能重复", f"{self.banner.text() or '已有相似站点。'}\n\n仍然保存为新站点吗？",
                        yes="仍然保存", no="返回修改"):
                    return False
                saved = stations.create_station(self._db, draft, self._actor, self._today)
            else:
                saved = stations.update_station(self._db, self._detail.id, draft, self._detail.version,
                                                 self._actor, self._today)
        except ValidationFailed as exc:
            self.form.set_problems(exc.problems)
            return False
        except StationConflict as conflict:
            return self._resolve_conflict(conflict)
        except UserError as exc:
            dialogs.show_error(self, exc)
            return False
        self._load(saved.id)
        self.saved.emit(saved.id)
        return True

    def _resolve_conflict(self, conflict: StationConflict) -> bool:
        assert self._detail is not None
        mine = self.form.draft()
        choice, merged = ConflictDialog.ask(self, self._detail.draft, conflict.theirs, mine)
        if choice == ConflictDialog.KEEP_MINE:
            self._detail = conflict.theirs
            self.form.load(merged)
            return self.save()
        if choice == ConflictDialog.TAKE_THEIRS:
            self._load(conflict.theirs.id)
        return False

    def _record_check(self) -> None:
        """A visit or phone spot-check, window-modal without a nested event loop."""
        if self._detail is None:
            return
        dialog = SiteCheckDialog(self._db, self._detail.id, self._actor, self._today, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _id: self.reload())
        dialog.open()

    def _request_status_change(self) -> None:
        if self._detail is not None:
            self.change_status_requested.emit(self._detail.id)

    def reload(self) -> None:
        if self._detail is not None:
            self._load(self._detail.id)
