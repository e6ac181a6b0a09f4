"""设置 → 备份与恢复: the backups listed with time, reason and size, 立即备份, the restore asked
for the selected backup, retention and folder saved as shared settings, read-only and PostgreSQL."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from stationdesk.services import backups, preferences
from stationdesk.store.database import Database
from stationdesk.ui import backup_tab, dialogs
from stationdesk.ui.backup_tab import BackupTab
from stationdesk.ui.restore_dialog import RestoreDialog

pytestmark = pytest.mark.sqlite_only(reason="backups are copies of the SQLite file (PostgreSQL: pg_dump)")


def shots(tmp_path: Path) -> Path:
    """Where screenshots go: STATIONDESK_SHOTS to look at them, else the test's own folder."""
    folder = Path(os.environ.get("STATIONDESK_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_tab(qtbot, db: Database, runner) -> BackupTab:  # type: ignore[no-untyped-def]
    tab = BackupTab(db, runner, "李明")
    qtbot.addWidget(tab)
    tab.resize(900, 560)
    tab.show()
    return tab


def _texts(tab: BackupTab) -> list[list[str]]:
    assert tab.list is not None
    model = tab.list.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_backups_are_listed_newest_first_with_reason_in_chinese(qtbot, qtmodeltester, db: Database, runner) -> None:  # type: ignore[no-untyped-def]
    folder = backups.backup_folder(db)
    backups.take_backup(db, folder, "daily", now=datetime(2026, 11, 23, 8, 30))
    backups.take_backup(db, folder, "before-import", now=datetime(2026, 11, 24, 9, 5, 7))
    tab = open_tab(qtbot, db, runner)
    assert tab.list is not None
    qtmodeltester.check(tab.list.model)
    rows = _texts(tab)
    assert [r[:2] for r in rows] == [["2026-11-24 09:05:07", "导入前"], ["2026-11-23 08:30:00", "每日自动备份"]]
    assert all(r[2].endswith(("KB", "MB")) for r in rows)
    assert tab.list.model.headerData(0, Qt.Orientation.Horizontal) == "备份时间"
    assert not tab.restore_button.isEnabled(), "nothing selected yet"


def test_backup_now_adds_one_and_says_so(qtbot, db: Database, runner) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, db, runner)
    assert tab.list is not None and tab.list.model.rowCount() == 0 and tab.list.empty.isVisible()
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    assert tab.list.model.rowCount() == 1
    assert _texts(tab)[0][1] == "手动备份"
    assert tab.status.text().startswith("已备份：test-")


def test_restore_is_asked_for_the_selected_backup(qtbot, db: Database, runner) -> None:  # type: ignore[no-untyped-def]
    taken = backups.take_backup(db, backups.backup_folder(db), "manual")
    tab = open_tab(qtbot, db, runner)
    assert tab.list is not None
    tab.list.table.selectRow(0)
    assert tab.restore_button.isEnabled()
    with qtbot.waitSignal(tab.restore_requested) as asked:
        qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert asked.args[0].path == taken.path


def test_retention_and_folder_are_saved_for_every_pc(qtbot, db: Database, runner, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tab = open_tab(qtbot, db, runner)
    assert tab.keep.value() == backups.KEEP and "默认" in tab.folder.text()
    assert not tab.save_button.isEnabled()
    tab.keep.setValue(7)
    elsewhere = tmp_path / "U盘备份"
    monkeypatch.setattr(dialogs, "folder_path", lambda *_a: elsewhere)
    qtbot.mouseClick(tab.folder_button, Qt.MouseButton.LeftButton)
    assert tab.is_dirty and tab.save_button.isEnabled()
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert preferences.get(db, "backup_keep") == 7
    assert backups.backup_folder(db) == elsewhere
    assert tab.folder.text() == str(elsewhere) and not tab.is_dirty
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    assert len(list(elsewhere.glob("test-*-manual.sqlite"))) == 1
    qtbot.mouseClick(tab.default_button, Qt.MouseButton.LeftButton)
    tab.save()
    assert preferences.get(db, "backup_folder") == ""


def test_the_folder_opens_in_the_file_manager(qtbot, db: Database, runner, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[Path] = []
    monkeypatch.setattr(dialogs, "open_externally", lambda path: opened.append(path) or True)
    tab = open_tab(qtbot, db, runner)
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert opened == [backups.backup_folder(db)] and opened[0].is_dir()


def test_read_only_leaves_only_looking(qtbot, db_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.config import sqlite_url
    from stationdesk.store.database import make_engine

    read_only = Database(make_engine(sqlite_url(db_path), read_only=True), read_only=True)
    try:
        tab = open_tab(qtbot, read_only, runner)
        assert not tab.backup_button.isEnabled() and not tab.keep.isEnabled()
        assert not tab.folder_button.isEnabled() and tab.open_button.isEnabled()
        assert tab.list is not None
    finally:
        read_only.dispose()


def test_postgresql_says_pg_dump_is_the_administrators(qtbot, db: Database, runner, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(backup_tab, "database_file", lambda _db: None)
    tab = open_tab(qtbot, db, runner)
    assert tab.list is None and not tab.is_dirty
    note = tab.findChild(QLabel, "postgresNote")
    assert note is not None and "pg_dump" in note.text() and "管理员" in note.text()
    tab.grab().save(str(shots(tmp_path) / "backup_tab_postgresql.png"))


def test_the_restore_dialog_preselects_the_newest(qtbot, db: Database, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = backups.backup_folder(db)
    backups.take_backup(db, folder, "daily", now=datetime(2026, 11, 23, 8, 30))
    newest = backups.take_backup(db, folder, "manual", now=datetime(2026, 11, 24, 8, 30))
    dialog = RestoreDialog(backups.backups(folder, db_path), db_path, "数据库文件已损坏")
    qtbot.addWidget(dialog)
    assert dialog.chosen() == newest and dialog.restore_button.isEnabled()
    empty = RestoreDialog([], db_path)
    qtbot.addWidget(empty)
    assert empty.chosen() is None and not empty.restore_button.isEnabled()
    assert "没有找到" in empty.list.empty.text()


@pytest.mark.parametrize("size", [(900, 560), (640, 480)])
def test_screenshot(qtbot, db: Database, runner, size: tuple[int, int], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = backups.backup_folder(db)
    for day, reason in ((22, "daily"), (23, "before-import"), (24, "manual")):
        backups.take_backup(db, folder, reason, now=datetime(2026, 11, day, 9, 0))
    tab = open_tab(qtbot, db, runner)
    tab.resize(*size)
    assert tab.list is not None
    tab.list.table.selectRow(0)
    tab.grab().save(str(shots(tmp_path) / f"backup_tab_{size[0]}.png"))
    dialog = RestoreDialog(backups.backups(folder, folder.parent / "test.sqlite"), folder.parent / "test.sqlite",
                           "数据库文件已损坏：D:/台账/stationdesk.sqlite\n请选择要恢复的备份（最新的在最上面）。")  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.grab().save(str(shots(tmp_path) / "restore_dialog.png"))
