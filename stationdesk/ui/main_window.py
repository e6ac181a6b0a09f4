"""The main window: navigation on the left, one page per part of the work, a status bar.

Imports only Qt at module level so the window can show before SQLAlchemy is loaded; the pages
that read the database are imported once the database is open (see `attach_database`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from stationdesk.ui import dialogs

if TYPE_CHECKING:
    from stationdesk.domain.permissions import Principal
    from stationdesk.services.opening import OpenedDatabase
    from stationdesk.services.overview import ListLink
    from stationdesk.store.database import Database
    from stationdesk.ui.audit_page import AuditPage
    from stationdesk.ui.cases_page import CasesPage
    from stationdesk.ui.help_window import HelpWindow
    from stationdesk.ui.overview_page import OverviewPage
    from stationdesk.ui.payouts_page import PayoutsPage
    from stationdesk.ui.reexam_page import ReexamPage
    from stationdesk.ui.register_page import RegisterPage
    from stationdesk.ui.reports_page import ReportsPage
    from stationdesk.ui.settings_page import SettingsPage
    from stationdesk.ui.tasks import TaskRunner
    from stationdesk.ui.zombie_page import ZombiePage

PAGE_MODULES = (
    "stationdesk.ui.overview_page",
    "stationdesk.ui.register_page",
    "stationdesk.ui.cases_page",
    "stationdesk.ui.payouts_page",
    "stationdesk.ui.reexam_page",
    "stationdesk.ui.zombie_page",
    "stationdesk.ui.reports_page",
    "stationdesk.ui.audit_page",
    "stationdesk.ui.settings_page",
)


def preload_pages() -> None:
    """Import the pages (and Qt Charts, SQLAlchemy, ReportLab behind them: about 0.4 s) while the
    database opens, off the GUI thread, so building them afterwards is quick. Imports only: no
    widget is made here."""
    for name in PAGE_MODULES:
        importlib.import_module(name)


SECTIONS: tuple[tuple[str, str], ...] = (
    ("overview", "首页概览"),
    ("register", "站点台账"),
    ("cases", "调解记录"),
    ("payouts", "先行赔付"),
    ("reexam", "年度复核"),
    ("zombies", "僵尸站点"),
    ("statistics", "统计报表"),
    ("audit", "操作日志"),
    ("settings", "设置"),
)
GEOMETRY_KEY, STATE_KEY, SPLITTER_KEY = "main/geometry", "main/state", "main/splitter"


def _placeholder(title: str, text: str) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    heading = QLabel(title)
    heading.setObjectName("pageTitle")
    body = QLabel(text)
    body.setWordWrap(True)
    layout.addWidget(heading)
    layout.addWidget(body)
    layout.addStretch(1)
    return page


class MainWindow(QMainWindow):
    """Shown at once; `attach_database` fills it when the database is open."""

    database_attached = Signal()

    def __init__(
        self, settings: QSettings, runner: TaskRunner, location: str, today: date, actor: str,
        log_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self._settings, self._runner, self._today, self._actor = settings, runner, today, actor
        self.overview_page: OverviewPage | None = None
        self.register_page: RegisterPage | None = None
        self.cases_page: CasesPage | None = None
        self.payouts_page: PayoutsPage | None = None
        self.settings_page: SettingsPage | None = None
        self.reexam_page: ReexamPage | None = None
        self.zombie_page: ZombiePage | None = None
        self.reports_page: ReportsPage | None = None
        self.audit_page: AuditPage | None = None
        self._loaded_pages: set[QWidget] = set()
        self._db: Database | None = None
        self.setWindowTitle("维权站点管理台")
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.pages = QStackedWidget()
        for key, label in SECTIONS:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
            self.pages.addWidget(
                _placeholder(
                    label, "正在打开数据库…" if key in ("overview", "register") else f"“{label}”功能将在后续版本中提供。"
                )
            )
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)
        # Once, here: a database attached again (after a restore) must not connect it twice.
        self.nav.currentRowChanged.connect(self._page_shown)
        self.nav.setMaximumWidth(180)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.pages)
        self.splitter.setStretchFactor(1, 1)
        self.setCentralWidget(self.splitter)
        self.location_label = QLabel(f"数据库：{location}")
        self.count_label = QLabel("")
        self.user_label = QLabel("")
        self.statusBar().addWidget(self.location_label, 1)
        self.statusBar().addPermanentWidget(self.count_label)
        self.statusBar().addPermanentWidget(self.user_label)
        self.password_button = QToolButton()
        self.password_button.setText("修改密码…")
        self.password_button.setAutoRaise(True)
        self.password_button.setVisible(False)
        self.password_button.clicked.connect(self.change_password)
        self.statusBar().addPermanentWidget(self.password_button)
        if actor:
            self.user_label.setText(f"用户：{actor}")
        quit_action = self.addAction("退出")
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        self._location, self._log_dir = location, log_dir
        help_menu = self.menuBar().addMenu("帮助(&H)")
        self.help_action = help_menu.addAction("用户手册")
        self.help_action.setShortcut(QKeySequence.StandardKey.HelpContents)
        self.help_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)  # dialogs too
        self.help_action.triggered.connect(self.show_help)
        self.help_window: HelpWindow | None = None
        self.about_action = help_menu.addAction("关于维权站点管理台…")
        self.about_action.triggered.connect(self.show_about)
        self._restore_layout()

    @property
    def ui_settings(self) -> QSettings:
        return self._settings

    def set_principal(self, principal: Principal) -> None:
        """Who works in this window (before `attach_database`): the pages write as them."""
        self._actor = principal.username
        self.user_label.setText(f"用户：{principal.shown_name}（{principal.role.label}）")
        self.user_label.setToolTip(f"登录名：{principal.username}")
        self.password_button.setVisible(True)

    def help_section(self) -> str:
        """The manual's section for what the user looks at: the active dialog's own (its
        HELP_SECTION), else the page shown."""
        active = QApplication.activeWindow()
        own = getattr(active, "HELP_SECTION", None) if active is not None and active is not self else None
        return str(own) if own else SECTIONS[self.nav.currentRow()][1]

    def show_help(self) -> HelpWindow:
        """帮助 (F1): the manual at the section about the current screen, in one window."""
        from stationdesk.ui.help_window import HelpWindow

        section = self.help_section()
        if self.help_window is None:
            self.help_window = HelpWindow(parent=self)
        self.help_window.show()
        self.help_window.raise_()
        self.help_window.show_section(section)
        return self.help_window

    def show_about(self) -> None:
        from stationdesk.ui.about import TITLE, about_text

        dialogs.inform(self, TITLE, about_text(self._location, self._log_dir or Path("（未设置）")))

    def change_password(self) -> None:
        if self._db is None:
            return
        from stationdesk.ui.accounts_tab import OwnPasswordDialog

        dialog = OwnPasswordDialog(self._db, self._runner, self._actor, self)
        if dialog.exec() == OwnPasswordDialog.DialogCode.Accepted:
            self.statusBar().showMessage("密码已修改，下次登录请用新密码", 10_000)

    def attach_database(self, opened: OpenedDatabase) -> None:
        """Build the pages that read the database and load the station list."""
        from stationdesk.ui.cases_page import CasesPage
        from stationdesk.ui.payouts_page import PayoutsPage
        from stationdesk.ui.reexam_page import ReexamPage
        from stationdesk.ui.register_page import RegisterPage
        from stationdesk.ui.reports_page import ReportsPage
        from stationdesk.ui.settings_page import SettingsPage
        from stationdesk.ui.zombie_page import ZombiePage

        self._db = opened.db
        self._attach_overview_page(opened)  # first: it counts while the other pages are built
        page = RegisterPage(opened.db, self._runner, self._settings, self._today, self._actor)
        page.counts_changed.connect(self._show_count)
        self._replace_page("register", page)
        self.register_page = page
        self.cases_page = CasesPage(opened.db, self._runner, self._settings, self._today, self._actor)
        self.cases_page.open_station.connect(page.open_station)
        self._replace_page("cases", self.cases_page)
        self.payouts_page = PayoutsPage(opened.db, self._runner, self._settings, self._today, self._actor)
        self.payouts_page.open_station.connect(page.open_station)
        self._replace_page("payouts", self.payouts_page)
        self.reexam_page = ReexamPage(opened.db, self._runner, self._settings, self._today, self._actor)
        self.reexam_page.open_station.connect(page.open_station)
        self._replace_page("reexam", self.reexam_page)
        self.zombie_page = ZombiePage(opened.db, self._runner, self._settings, self._today, self._actor)
        self.zombie_page.open_station.connect(page.open_station)
        self.zombie_page.decided.connect(page.reload)  # status changes, new stations
        self.zombie_page.decided.connect(page.refresh_flags)  # the 疑似僵尸 marker
        self._replace_page("zombies", self.zombie_page)
        self.reports_page = ReportsPage(opened.db, self._runner, self._settings, self._today)
        self._replace_page("statistics", self.reports_page)
        self._attach_audit_page(opened)
        if self.overview_page is not None:
            self.overview_page.open_station.connect(page.open_station)
        self.settings_page = SettingsPage(opened.db, self._settings, self._today, self._actor, self._runner)
        self.settings_page.zombie_rules.saved.connect(self.zombie_page.reload)
        self._replace_page("settings", self.settings_page)
        self._total = opened.station_count
        self.count_label.setVisible(self.pages.currentWidget() is self.register_page)
        self._share_flags()  # when the overview's sweep came in before the register was built
        self.when_home_counted(self._load_register)  # the home page has the database first
        self.database_attached.emit()

    def _attach_audit_page(self, opened: OpenedDatabase) -> None:
        """操作日志: loads itself when first shown, keeps its own header state."""
        from stationdesk.ui.audit_page import AuditPage

        assert self.register_page is not None
        self.audit_page = AuditPage(opened.db, self._runner, self._settings, self._today)
        self.audit_page.open_station.connect(self.register_page.open_station)
        self._replace_page("audit", self.audit_page)

    def _attach_overview_page(self, opened: OpenedDatabase) -> None:
        """首页概览: counts whenever it is shown; its numbers open the other pages' lists."""
        from stationdesk.ui.overview_page import OverviewPage

        self.overview_page = OverviewPage(opened.db, self._runner, self._settings, self._today,
                                          home_county=self._home_county(opened.db))  # fmt: skip
        self.overview_page.link_activated.connect(self.show_list)
        self.overview_page.watch_loaded.connect(self._share_flags)
        self._replace_page("overview", self.overview_page)
        if self.pages.currentWidget() is self.overview_page:
            self.overview_page.reload()

    def _share_flags(self) -> None:
        """The overview swept every station for its zombie count: the register marks the same
        stations with that sweep rather than one of its own."""
        watch = self.overview_page.watch if self.overview_page is not None else None
        if watch is not None and watch.zombies.link.county_id is None and self.register_page is not None:
            self.register_page.use_flags(watch.flagged)

    def when_home_counted(self, then: Callable[[], None]) -> None:
        """Run `then` once the home page has counted, numbers and watch list (or failed to), so the
        overview has the database to itself at start; at once when it has, or is not shown."""
        page = self.overview_page
        if page is None or page.has_settled or self.pages.currentWidget() is not page:
            then()
            return

        def once() -> None:
            page.settled.disconnect(once)
            then()

        page.settled.connect(once)

    def _home_county(self, db: Database) -> int | None:
        """A county user's own county (the overview opens on it); None for everyone else."""
        from stationdesk.domain.vocabulary import Role
        from stationdesk.errors import UserError
        from stationdesk.services import access

        try:
            principal = access.principal(db, self._actor)
        except UserError:
            return None
        return principal.county_id if principal.role is Role.COUNTY else None

    def show_section(self, key: str) -> QWidget:
        """Bring the page `key` (a SECTIONS key) forward, as a click in the navigation would."""
        self.nav.setCurrentRow([k for k, _label in SECTIONS].index(key))
        return self.pages.currentWidget()

    def show_list(self, link: ListLink) -> None:
        """Open the list behind an overview number, narrowed to what the number counted."""
        self.show_section(link.page)
        if link.page == "register" and self.register_page is not None:
            self.register_page.show_link(link)
        elif link.page == "cases" and self.cases_page is not None:
            self.cases_page.show_link(link)
        elif link.page == "payouts" and self.payouts_page is not None and link.period is not None:
            self.payouts_page.show_year(link.period[0].year)
        elif link.page == "zombies" and self.zombie_page is not None and self.overview_page is not None:
            county = self.overview_page.county.currentText() if link.county_id is not None else ""
            self.zombie_page.show_county(county)
        elif link.page == "reexam" and self.reexam_page is not None:
            self.reexam_page.tabs.setCurrentWidget(self.reexam_page.ranking)

    def _replace_page(self, key: str, page: QWidget) -> None:
        number = [k for k, _label in SECTIONS].index(key)
        old = self.pages.widget(number)
        self.pages.insertWidget(number, page)
        self.pages.removeWidget(old)
        old.deleteLater()
        self.pages.setCurrentIndex(self.nav.currentRow())

    def _load_register(self) -> None:
        """The register's list, once (later reloads are the page's own)."""
        if self.register_page is not None and self.register_page not in self._loaded_pages:
            self._loaded_pages.add(self.register_page)
            self.register_page.reload()

    def _page_shown(self, number: int) -> None:
        """Pages load the first time they are shown; the register at the latest then."""
        page = self.pages.widget(number)
        if page is self.register_page:
            self._load_register()
        self.count_label.setVisible(page is self.register_page)
        if page is self.settings_page:
            self.settings_page.reload()
        if page is self.overview_page and page is not None:
            self.overview_page.reload()  # numbers are never older than the last visit
        lazy = (self.cases_page, self.payouts_page, self.reexam_page, self.zombie_page, self.reports_page)
        if page in lazy and page not in self._loaded_pages:
            self._loaded_pages.add(page)
            page.reload()

    def _show_count(self, shown: int) -> None:
        self.count_label.setText(f"显示 {shown:,} 个站点 ／ 库中共 {self._total:,} 个")

    def set_total(self, total: int) -> None:
        self._total = total

    def _restore_layout(self) -> None:
        geometry = self._settings.value(GEOMETRY_KEY)
        if geometry is not None:
            self.restoreGeometry(geometry)  # type: ignore[arg-type]
        else:
            self.resize(1280, 760)
        splitter = self._settings.value(SPLITTER_KEY)
        if splitter is not None:
            self.splitter.restoreState(splitter)  # type: ignore[arg-type]
        else:
            self.splitter.setSizes([150, 1130])

    def save_layout(self) -> None:
        self._settings.setValue(GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(SPLITTER_KEY, self.splitter.saveState())
        if self.register_page is not None:
            self.register_page.save_state()
        if self.cases_page is not None:
            self.cases_page.save_state()
        if self.settings_page is not None:
            self.settings_page.save_state()
        if self.reexam_page is not None:
            self.reexam_page.save_state()
        if self.zombie_page is not None:
            self.zombie_page.save_state()
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.reexam_page is not None and not self.reexam_page.can_leave():
            event.ignore()
            return
        if (
            self.settings_page is not None
            and self.settings_page.has_unsaved_changes
            and not dialogs.confirm(self, "设置尚未保存", "设置页有修改尚未保存，关闭后将丢失。确定退出吗？",
                                    yes="不保存，退出", no="返回")
        ):
            event.ignore()
            return
        self.save_layout()
        super().closeEvent(event)
