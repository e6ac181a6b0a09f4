"""The composition root: settings, logging, Qt application, runner, database and main window.

Start-up order is chosen for speed: the window shows first (Qt only), then the database is
opened and migrated on a worker thread (that is where SQLAlchemy and Alembic get imported),
then the register is attached and filled.

What can go wrong at opening has its way out here: a file another program holds is offered
read-only (ui.app_safety), a damaged file the restore dialog, a file on a network drive a warning
recommending PostgreSQL.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from stationdesk.config import (
    DEFAULT_FILE,
    RESOURCES,
    Settings,
    data_dir,
    default_actor,
    needs_first_run,
    resolve_settings,
    save_database_url,
)
from stationdesk.domain.permissions import local_admin_name
from stationdesk.logsetup import install_excepthook, setup_logging
from stationdesk.ui import dialogs
from stationdesk.ui.app_safety import SafetyMixin
from stationdesk.ui.fonts import install_app_font
from stationdesk.ui.main_window import MainWindow, preload_pages
from stationdesk.ui.tasks import TaskContext, TaskRunner

if TYPE_CHECKING:
    from stationdesk.domain.permissions import Principal
    from stationdesk.services.opening import OpenedDatabase
    from stationdesk.ui.first_run import FirstRunChoice

log = logging.getLogger(__name__)


def ui_settings(settings: Settings) -> QSettings:
    """Window layout and list columns, remembered per user in the data folder."""
    return QSettings(str(settings.data_dir / "window.ini"), QSettings.Format.IniFormat)


class StationDeskApp(SafetyMixin):
    """Owns the pieces of a running app; `start()` shows the window and opens the database."""

    def __init__(
        self, settings: Settings, runner: TaskRunner, *, today: date | None = None, offer_sample: bool = True,
        actor: str | None = None, first_run: FirstRunChoice | None = None,
    ) -> None:
        """`actor` given: work as that name without signing in (tests, the smoke test).
        `first_run`: what the first-run wizard settled, carried out once the database is open."""
        self.settings = settings
        self.first_run = first_run
        self.runner = runner
        self.today = today or date.today()
        self.offer_sample = offer_sample
        self.opened: OpenedDatabase | None = None
        self.actor = actor
        self.sign_in_dialog: QDialog | None = None
        self.qsettings = ui_settings(settings)
        self.window = MainWindow(self.qsettings, runner, settings.display_location(), self.today, actor or "",
                                 log_dir=settings.log_dir)  # fmt: skip
        self._warned_locations: set[str] = set()
        self._change_mark: int | None = None
        self.snapshot_timer = QTimer()
        self.snapshot_timer.timeout.connect(self.take_snapshot)

    def start(self) -> None:
        self.window.show()
        self.window.statusBar().showMessage("正在打开数据库…")
        self.runner.run(self._open, on_done=self._on_opened, on_error=self._on_open_failed)
        self.runner.run(lambda _ctx: preload_pages(), on_error=lambda exc: log.warning("preload: %s", exc))

    def _open(self, _ctx: TaskContext) -> OpenedDatabase:
        from stationdesk.services.opening import open_database

        return open_database(self.settings)

    def _on_opened(self, opened: OpenedDatabase) -> None:
        self.opened = opened
        self.window.statusBar().clearMessage()
        if opened.migration.backup is not None:
            self.window.statusBar().showMessage(
                f"数据库已升级，升级前的备份：{opened.migration.backup}", 15_000
            )
        if self.actor is not None:
            self._attach(opened)
            return
        self._ask_who(opened)

    def _ask_who(self, opened: OpenedDatabase) -> None:
        """Sign in, or create the administrator on a database without accounts; closing the
        dialog closes the app (nothing has been shown yet)."""
        from stationdesk.services import accounts
        from stationdesk.ui.sign_in import FirstAdministratorDialog, SignInDialog
        from stationdesk.ui.working_dialog import WorkingDialog

        if opened.read_only and not accounts.has_accounts(opened.db):  # no one to be, nothing to write
            self.actor = default_actor()
            self._attach(opened)
            return
        if accounts.has_accounts(opened.db):
            location = self.settings.display_location()
            dialog: WorkingDialog = SignInDialog(opened.db, self.runner, self.window.ui_settings, location, self.window)
        else:
            dialog = FirstAdministratorDialog(opened.db, self.runner, self.window)
        dialog.succeeded.connect(lambda principal: self._signed_in(opened, principal))
        dialog.rejected.connect(self.window.close)
        self.sign_in_dialog = dialog
        self.window.statusBar().showMessage("请登录")
        dialog.open()

    def _signed_in(self, opened: OpenedDatabase, principal: Principal) -> None:
        self.actor = principal.username
        self.window.set_principal(principal)
        self.window.statusBar().clearMessage()
        self._attach(opened)

    def _attach(self, opened: OpenedDatabase) -> None:
        self.show_read_only(opened.read_only)
        self.window.attach_database(opened)
        if self.window.settings_page is not None:
            self.window.settings_page.backups.restore_requested.connect(self.restore_backup)
        if opened.location is not None:
            QTimer.singleShot(0, lambda: self.warn_location(opened))
        if opened.read_only:
            return
        self._start_snapshots(opened)
        if self.first_run is not None:
            QTimer.singleShot(0, lambda: self._carry_out_first_run(opened))
            return
        if opened.station_count == 0 and self.offer_sample:
            QTimer.singleShot(0, self._offer_sample_data)
        elif opened.station_count:
            self.window.when_home_counted(lambda: self._daily_backup(opened))  # the overview first

    def _start_snapshots(self, opened: OpenedDatabase) -> None:
        """Note where the history stands now; every half hour, a snapshot if anything was written
        since (reliability.md: a backup while working and on close, not only once a day)."""
        from stationdesk.services.backups import SNAPSHOT_MINUTES, change_mark

        if not opened.db.is_sqlite:
            return  # a server is backed up by its administrator's tools

        def noted(mark: int) -> None:
            self._change_mark = mark
            self.snapshot_timer.start(SNAPSHOT_MINUTES * 60_000)

        self.runner.run(lambda _ctx: change_mark(opened.db), on_done=noted,
                        on_error=lambda exc: log.warning("change mark: %s", exc))  # fmt: skip

    def take_snapshot(self) -> None:
        """The half-hourly working snapshot, off the GUI thread; a failure is logged and shown in
        the status bar, and the work goes on."""
        from stationdesk.services.backups import snapshot_if_changed

        opened, since = self.opened, self._change_mark
        if opened is None or since is None:
            return

        def done(result: tuple[object, int]) -> None:
            self._change_mark = result[1]

        def failed(exc: BaseException) -> None:
            log.warning("periodic backup failed", exc_info=exc)
            self.window.statusBar().showMessage(f"定时备份未完成：{exc}", 15_000)

        self.runner.run(lambda _ctx: snapshot_if_changed(opened.db, since), on_done=done, on_error=failed)

    def snapshot_on_close(self) -> None:
        """After the window has closed: one last snapshot if anything was written since the last.
        Nothing is on screen to freeze by now; a failure is logged (the daily backup follows)."""
        from stationdesk.services.backups import snapshot_if_changed

        self.snapshot_timer.stop()
        if self.opened is None or self._change_mark is None:
            return
        try:
            snapshot_if_changed(self.opened.db, self._change_mark, "on-close")
        except Exception:  # logged; closing must not fail over a backup
            log.exception("backup on close failed")

    def _daily_backup(self, opened: OpenedDatabase) -> None:
        """The day's first opening takes a backup (off the GUI thread); failing says so, and the
        work goes on: a missing backup must not keep anyone from their records."""
        from stationdesk.services.backups import daily_backup

        today = self.today

        def failed(exc: BaseException) -> None:
            log.warning("daily backup failed", exc_info=exc)
            self.window.statusBar().showMessage(f"今日自动备份未完成：{exc}", 15_000)

        self.runner.run(lambda _ctx: daily_backup(opened.db, None, today), on_error=failed)

    def _on_open_failed(self, exc: BaseException) -> None:
        self.window.statusBar().showMessage("数据库未能打开")
        if not self.offer_way_out(exc):
            dialogs.show_error(self.window, exc, "opening database")

    def _carry_out_first_run(self, opened: OpenedDatabase) -> None:
        """The wizard's bureau name and way to begin, once the administrator is known."""
        choice, self.first_run = self.first_run, None
        assert choice is not None and self.actor is not None
        from stationdesk.services import preferences

        try:
            if choice.bureau_name and not preferences.get(opened.db, "bureau_name"):
                preferences.put(opened.db, "bureau_name", choice.bureau_name, self.actor)
        except Exception as exc:  # shown, and the app goes on: the name can be set later
            dialogs.show_error(self.window, exc, "save bureau name")
        if choice.start_with == "sample" and opened.station_count == 0:
            self.generate_sample("demo")
        elif choice.start_with == "import" and self.window.register_page is not None:
            self.window.show_section("register")
            self.window.register_page.import_roster()

    def _offer_sample_data(self) -> None:
        if not dialogs.confirm(
            self.window,
            "空数据库",
            "数据库中还没有站点。\n要生成一套示例数据（约300个站点和近5年的调解记录）来熟悉软件吗？\n"
            "示例数据可以随时新建数据库后清除。",
            yes="生成示例数据",
            no="暂不",
        ):
            return
        self.generate_sample("demo")

    def generate_sample(self, scale: str) -> None:
        assert self.opened is not None
        db = self.opened.db
        today = self.today

        def job(ctx: TaskContext) -> int:
            from stationdesk.services.sample_data import SCALES, generate_sample

            summary = generate_sample(
                db, SCALES[scale], today=today, progress=ctx.progress, should_cancel=lambda: ctx.cancelled
            )
            return int(summary.counts.get("station", 0))

        def done(count: int) -> None:
            self.window.set_total(count)
            if self.window.register_page is not None:
                self.window.register_page.refresh_lookups()
                self.window.register_page.reload()

        self.runner.run(
            job,
            on_done=done,
            on_error=lambda e: dialogs.show_error(self.window, e, "sample data"),
            progress_parent=self.window,
            progress_title="正在生成示例数据…",
        )


def _install_style(app: QApplication) -> None:
    qss = RESOURCES / "style.qss"
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))


def install_qt_chinese(app: QApplication) -> bool:
    """Qt's own words in Chinese: the standard buttons (确定 / 取消 / 关闭), the file dialogs,
    the right-click menu of every text box (撤销 / 复制 / 粘贴), the calendar. Qt ships these
    translations (qtbase_zh_CN); without them an office PC shows "Cancel" and "Look in:".
    False when the file is missing (the words stay English, nothing else changes)."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        log.warning("Qt's Chinese translation not found in %s", folder)
        return False
    app.installTranslator(translator)
    return True


def make_qt_app() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("StationDesk")
    app.setApplicationDisplayName("维权站点管理台")
    install_app_font(app)
    install_qt_chinese(app)
    _install_style(app)
    app.setWindowIcon(QIcon(str(RESOURCES / "icons" / "stationdesk.png")))
    return app


def _arm_smoke_test(desk: StationDeskApp, app: QApplication) -> None:
    """`--smoke-test`: quit with 0 once the list is filled (CI and the start-up benchmark)."""
    started = time.time()

    def finished() -> None:
        page = desk.window.register_page
        rows = page.model.rowCount() if page else 0
        print(
            f"smoke-test ok shown_at={shown_at:.3f} filled_at={time.time():.3f} stations={rows}", flush=True
        )
        app.quit()

    def attached() -> None:
        assert desk.window.register_page is not None
        desk.window.register_page.loaded.connect(finished)

    shown_at = started
    desk.window.database_attached.connect(attached)
    QTimer.singleShot(120_000, lambda: (print("smoke-test timed out", flush=True), app.exit(4)))
    print(f"smoke-test shown_at={shown_at:.3f}", flush=True)


def _first_run(runner: TaskRunner) -> FirstRunChoice | None:
    """The first-run wizard; its database remembered for this user. None when they left it."""
    from stationdesk.ui.first_run import FirstRunWizard

    folder = data_dir()
    wizard = FirstRunWizard(runner, folder / DEFAULT_FILE)
    if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
        return None
    choice = wizard.choice()
    save_database_url(folder, choice.database_url)
    return choice


def run_gui(args: argparse.Namespace) -> int:
    first_time = not args.smoke_test and needs_first_run(args.db, args.db_url)
    settings = resolve_settings(args.db, args.db_url)
    setup_logging(settings.log_dir)
    app = make_qt_app()
    install_excepthook(lambda text: dialogs.warn(None, "出错了", text))
    choice = None
    if first_time:
        choice = _first_run(TaskRunner())
        if choice is None:
            return 0
        settings = resolve_settings(args.db, args.db_url)
    # The smoke test (CI, the start-up benchmark) works as the local administrator, as the
    # command line does on a local file; people sign in.
    smoke_actor = local_admin_name(default_actor()) if args.smoke_test else None
    desk = StationDeskApp(settings, TaskRunner(), offer_sample=not args.smoke_test, actor=smoke_actor,
                          first_run=choice)  # fmt: skip
    if args.smoke_test:
        desk.window.show()
        app.processEvents()
        _arm_smoke_test(desk, app)
        desk.start()
    else:
        desk.start()
    code = app.exec()
    desk.runner.wait_all()
    desk.snapshot_on_close()
    # WORKAROUND: PySide6 6.12 can crash in Python's final garbage collection after a Qt
    # session ("bool_dealloc"). All data is committed by now: flush the logs and leave.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
