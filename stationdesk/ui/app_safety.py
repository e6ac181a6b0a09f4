"""The app's ways out when the database cannot simply be opened, and putting a backup back.

- held by another program (DatabaseInUse): say who, offer 只读打开 or 退出;
- damaged (DatabaseDamaged): say so, offer the restore dialog with that file's backups;
- on a network drive or in a sync folder: warn once per file, recommending PostgreSQL, with
  不再提醒 remembered per user;
- restore (from 设置 → 备份与恢复 or the damaged-file offer): the backup is checked and the file
  replaced off the GUI thread, the open database closed first and opened again after.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog

from stationdesk.config import Settings
from stationdesk.errors import DatabaseDamaged, UserError
from stationdesk.ui import dialogs

if TYPE_CHECKING:
    from stationdesk.services.backups import Backup
    from stationdesk.services.opening import OpenedDatabase
    from stationdesk.ui.main_window import MainWindow
    from stationdesk.ui.tasks import TaskContext, TaskRunner

log = logging.getLogger(__name__)

TITLE = "维权站点管理台"
READ_ONLY_TITLE = f"{TITLE}（只读）"
LOCATION_WARNINGS = {
    "network": (
        "数据库在网络驱动器上",
        "数据库文件位于网络驱动器（共享文件夹）上：\n{path}\n\n"
        "SQLite 数据库文件放在网络共享上时，文件锁并不可靠，几台电脑同时使用可能损坏数据。\n"
        "· 几台电脑需要共用一个数据库时，请改用 PostgreSQL 服务器（请信息中心按使用说明安装）；\n"
        "· 只有这一台电脑使用时，请把数据库移到本机硬盘上。",
    ),
    "sync": (
        "数据库在同步文件夹中",
        "数据库文件位于同步文件夹（OneDrive、坚果云、百度网盘等）中：\n{path}\n\n"
        "同步软件会在程序写入时复制文件，可能造成数据损坏或丢失。\n"
        "· 请把数据库移到本机不同步的文件夹；备份可以放在同步文件夹里（设置 → 备份与恢复）；\n"
        "· 几台电脑需要共用一个数据库时，请改用 PostgreSQL 服务器。",
    ),
}


@dataclass(frozen=True)
class Restored:
    opened: OpenedDatabase
    kept: Path | None
    failure: UserError | None


class SafetyMixin:
    """Part of StationDeskApp (ui.app): the attributes below are its."""

    settings: Settings
    runner: TaskRunner
    window: MainWindow
    qsettings: QSettings
    opened: OpenedDatabase | None
    today: date
    snapshot_timer: QTimer
    _warned_locations: set[str]

    def _on_opened(self, opened: OpenedDatabase) -> None: ...
    def _on_open_failed(self, exc: BaseException) -> None: ...

    # --- opening's ways out --------------------------------------------------------------------

    def offer_way_out(self, exc: BaseException) -> bool:
        """Handle an opening failure that has a way out; False for the others."""
        from stationdesk.store.instance_lock import DatabaseInUse

        if isinstance(exc, DatabaseInUse):
            self._offer_read_only(exc)
            return True
        if isinstance(exc, DatabaseDamaged) and self.settings.sqlite_path is not None:
            self._offer_restore(exc, self.settings.sqlite_path)
            return True
        return False

    def _offer_read_only(self, exc: UserError) -> None:
        self.window.statusBar().showMessage(exc.message)
        text = (
            f"{exc.message}。\n\n同一个数据库文件同时只能由一个程序修改。\n"
            "可以只读打开：能查看、查询、打印和导出，不能修改。"
        )
        if not dialogs.confirm(self.window, "数据库正在使用", text, yes="只读打开", no="退出"):
            self.window.close()
            return
        from stationdesk.services.opening import open_database

        settings = self.settings
        self.window.statusBar().showMessage("正在以只读方式打开数据库…")
        self.runner.run(lambda _ctx: open_database(settings, read_only=True),
                        on_done=self._on_opened, on_error=self._on_open_failed)  # fmt: skip

    def _offer_restore(self, exc: UserError, database: Path) -> None:
        from stationdesk.services import backups

        text = (
            f"{exc.message}：\n{database}\n\n可以从备份恢复：先检查所选备份完好，再替换数据库文件；"
            "损坏的文件会改名保留，不会删除。"
        )
        if not dialogs.confirm(self.window, "数据库文件已损坏", text, yes="从备份恢复…", no="暂不"):
            return
        found = backups.backups(backups.folder_for_file(database), database)
        chosen = dialogs.choose_backup(self.window, found, database, f"数据库文件已损坏：{database}\n请选择要恢复的备份（最新的在最上面）。")
        if chosen is not None:
            self._restore(chosen)

    def show_read_only(self, read_only: bool) -> None:
        self.window.setWindowTitle(READ_ONLY_TITLE if read_only else TITLE)
        location = self.settings.display_location()
        self.window.location_label.setText(f"数据库：{location}" + ("（只读打开，不能修改）" if read_only else ""))

    def warn_location(self, opened: OpenedDatabase) -> None:
        """Once per file and session, until the user ticks 不再提醒 (remembered per user)."""
        path = self.settings.sqlite_path
        if opened.location is None or path is None or str(path) in self._warned_locations:
            return
        self._warned_locations.add(str(path))
        key = f"warnings/location-{hashlib.sha1(str(path).encode('utf-8')).hexdigest()[:16]}"
        if self.qsettings.value(key, False, type=bool):
            return
        title, text = LOCATION_WARNINGS[opened.location]
        if dialogs.warn_once(self.window, title, text.format(path=path)):
            self.qsettings.setValue(key, True)
            self.qsettings.sync()

    # --- restoring a backup --------------------------------------------------------------------

    def restore_backup(self, backup: Backup) -> None:
        """From 设置 → 备份与恢复: confirm, then restore over the open database."""
        target = self.settings.sqlite_path
        if target is None or (self.opened is not None and self.opened.read_only):
            return
        text = (
            f"用 {backup.taken_at:%Y-%m-%d %H:%M} 的备份（{backup.reason_label}）替换当前数据库吗？\n\n"
            f"此后录入的数据将不在恢复后的数据库中。当前数据库文件会改名保留在原处"
            f"（{target.stem}.replaced-时间.sqlite）。\n恢复前请确认其他电脑没有打开此数据库。"
        )
        if dialogs.confirm(self.window, "从备份恢复", text, yes="检查并恢复", no="取消"):
            self._restore(backup)

    def close_database(self) -> None:
        """Close every connection and let go of the file's lock."""
        self.snapshot_timer.stop()
        if self.opened is not None:
            self.opened.db.dispose()
            self.opened = None

    def _restore(self, backup: Backup) -> None:
        """Check the backup and replace the file off the GUI thread, with the pages hidden so
        nothing reads the file meanwhile; then open it again (or the old one, if the backup was
        refused)."""
        from stationdesk.services.backups import restore
        from stationdesk.services.opening import open_database

        target = self.settings.sqlite_path
        assert target is not None
        self.runner.wait_all()  # a daily backup or a list still reading finishes first
        opened, self.opened = self.opened, None
        settings = self.settings
        self.window.splitter.setVisible(False)
        self.window.statusBar().showMessage("正在从备份恢复…")
        progress = QProgressDialog("正在检查备份是否完好…", "", 0, 0, self.window)
        progress.setCancelButton(None)  # type: ignore[arg-type]  # a half-done restore cannot be cancelled
        progress.setWindowTitle("从备份恢复")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)

        def job(ctx: TaskContext) -> Restored:
            def say(text: str) -> None:
                ctx.progress(0, 0, text)

            if opened is not None:
                opened.db.dispose()
            kept, failure = None, None
            try:
                kept = restore(backup.path, target, progress=say)
            except UserError as exc:  # the backup refused, or the file in use: the old file stays
                failure = exc
            say("正在重新打开数据库…")
            return Restored(open_database(settings), kept, failure)

        def finish() -> None:
            progress.close()
            progress.deleteLater()
            self.window.splitter.setVisible(True)

        def done(result: Restored) -> None:
            finish()
            self._on_opened(result.opened)
            if result.failure is not None:
                dialogs.show_error(self.window, result.failure)
                return
            log.info("restored from %s", backup.path)
            dialogs.inform(self.window, "已从备份恢复",
                           f"已用 {backup.taken_at:%Y-%m-%d %H:%M} 的备份恢复数据库。\n原数据库文件保留为：{result.kept}")  # fmt: skip

        def failed(exc: BaseException) -> None:
            finish()
            self._on_open_failed(exc)

        task = self.runner.run(job, on_done=done, on_error=failed)
        task.progressed.connect(lambda _d, _t, text: progress.setLabelText(text), Qt.ConnectionType.QueuedConnection)
