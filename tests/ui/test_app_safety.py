"""The app's ways out at opening and the restore: a file held by another program offered
read-only (title says so, writes refused in Chinese), a damaged file offered the restore dialog
and opened after restoring, a restore from 设置 over the open database, the network warning."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from stationdesk.config import Settings, sqlite_url
from stationdesk.services import backups, preferences
from stationdesk.services.opening import open_database
from stationdesk.store import instance_lock
from stationdesk.ui import dialogs
from stationdesk.ui.app import StationDeskApp

pytestmark = pytest.mark.sqlite_only(reason="the lock file, damaged files and restoring are about SQLite files")

TODAY = date(2026, 11, 24)


def _settings(path: Path) -> Settings:
    return Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata")


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("STATIONDESK_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every message box, recorded; confirm says yes unless a test says otherwise."""
    seen: list[dict[str, Any]] = []

    def record(kind: str, answer: Any):  # type: ignore[no-untyped-def]
        def box(_parent, title, body="", *args, **kwargs):  # type: ignore[no-untyped-def]
            seen.append({"kind": kind, "title": title, "text": body, "args": args, **kwargs})
            return answer

        return box

    monkeypatch.setattr(dialogs, "confirm", record("confirm", True))
    monkeypatch.setattr(dialogs, "inform", record("inform", None))
    monkeypatch.setattr(dialogs, "warn", record("warn", None))
    monkeypatch.setattr(dialogs, "warn_once", record("warn_once", True))
    return seen


def _start(qtbot, runner, path: Path) -> StationDeskApp:  # type: ignore[no-untyped-def]
    desk = StationDeskApp(_settings(path), runner, today=TODAY, offer_sample=False, actor="王芳")
    qtbot.addWidget(desk.window)
    desk.start()
    return desk


def test_a_held_file_is_offered_read_only_and_writes_are_refused_in_chinese(  # type: ignore[no-untyped-def]
    qtbot, runner, demo_db_path, asked, tmp_path
) -> None:
    held = instance_lock.acquire(demo_db_path, "张三")
    try:
        desk = _start(qtbot, runner, demo_db_path)
        (offer,) = [a for a in asked if a["kind"] == "confirm"]
        assert offer["title"] == "数据库正在使用" and "另一个窗口" in offer["text"]
        assert (offer["yes"], offer["no"]) == ("只读打开", "退出")
        assert desk.opened is not None and desk.opened.read_only
        assert desk.window.windowTitle() == "维权站点管理台（只读）"
        assert "只读" in desk.window.location_label.text()
        page = desk.window.register_page
        assert page is not None and page.model.rowCount() > 200
        with pytest.raises(Exception, match="数据库以只读方式打开，不能保存修改"):
            preferences.put(desk.opened.db, "ranking_size", 5, "李四")
        # A write that goes past the services shows the same sentence, not an apology.
        with pytest.raises(Exception) as raw, desk.opened.db.engine.begin() as conn:
            conn.execute(text("UPDATE setting SET value = '1'"))
        dialogs_shown = len(asked)
        from stationdesk.ui import dialogs as real_dialogs

        real_dialogs.show_error(desk.window, raw.value)
        assert asked[dialogs_shown]["text"].startswith("数据库以只读方式打开，不能保存修改")
        settings_page = desk.window.settings_page
        assert settings_page is not None and not settings_page.backups.restore_button.isEnabled()
        desk.window.grab().save(str(_shots(tmp_path) / "read_only_window.png"))
        desk.close_database()
    finally:
        held.release()


def test_choosing_to_leave_closes_the_window(qtbot, runner, db_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    held = instance_lock.acquire(db_path, "张三")
    try:
        desk = _start(qtbot, runner, db_path)
        assert desk.opened is None and not desk.window.isVisible()
    finally:
        held.release()


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 // 4096 * 4096
    data[middle : middle + 3 * 4096] = b"\xa5" * (3 * 4096)
    path.write_bytes(bytes(data))


@pytest.fixture
def work_copy(tmp_path: Path, demo_db_path: Path) -> Path:
    """The demo database as a user's own file, with one backup of it beside it."""
    target = tmp_path / "work" / "stationdesk.sqlite"
    target.parent.mkdir()
    shutil.copyfile(demo_db_path, target)
    opened = open_database(_settings(target))
    backups.backup_now(opened.db, "daily")
    opened.db.dispose()
    return target


def test_a_damaged_file_offers_the_restore_dialog_and_opens_after_restoring(  # type: ignore[no-untyped-def]
    qtbot, runner, work_copy, asked, monkeypatch
) -> None:
    _corrupt(work_copy)
    damaged = work_copy.read_bytes()
    offered: list[list[backups.Backup]] = []
    monkeypatch.setattr(dialogs, "choose_backup", lambda _p, found, *_a: offered.append(found) or found[0])
    desk = _start(qtbot, runner, work_copy)
    assert asked[0]["title"] == "数据库文件已损坏" and asked[0]["yes"] == "从备份恢复…"
    assert "已损坏" in asked[0]["text"]
    assert [b.reason for b in offered[0]] == ["daily"], "the backups of that file"
    page = desk.window.register_page
    assert page is not None and page.model.rowCount() > 200
    assert asked[-1]["title"] == "已从备份恢复"
    (kept,) = work_copy.parent.glob("stationdesk.replaced-*.sqlite")
    assert kept.read_bytes() == damaged, "the damaged file is kept"
    assert desk.opened is not None and desk.opened.db.lock is not None and desk.opened.db.lock.held
    desk.close_database()


def test_declining_the_restore_leaves_the_damaged_file_alone(qtbot, runner, work_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _corrupt(work_copy)
    before = work_copy.read_bytes()
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: True)
    monkeypatch.setattr(dialogs, "choose_backup", lambda *_a: None)
    desk = _start(qtbot, runner, work_copy)
    assert desk.opened is None and work_copy.read_bytes() == before
    assert not list(work_copy.parent.glob("*.replaced-*"))


def test_restore_from_settings_replaces_the_open_database_and_reopens_it(  # type: ignore[no-untyped-def]
    qtbot, runner, work_copy, asked, tmp_path
) -> None:
    desk = _start(qtbot, runner, work_copy)
    assert desk.opened is not None
    preferences.put(desk.opened.db, "ranking_size", 9, "李明")  # after the backup: undone by the restore
    window = desk.window
    window.show_section("settings")
    page = window.settings_page
    assert page is not None
    page.tabs.setCurrentWidget(page.backups)
    assert page.backups.list is not None
    page.backups.list.table.selectRow(page.backups.list.model.rowCount() - 1)  # the oldest: the "daily"
    window.grab().save(str(_shots(tmp_path) / "settings_backups.png"))
    page.backups.restore_button.click()
    confirm = next(a for a in asked if a["title"] == "从备份恢复")
    assert "每日自动备份" in confirm["text"] and confirm["yes"] == "检查并恢复"
    assert asked[-1]["title"] == "已从备份恢复", asked[-1]
    assert desk.opened is not None and preferences.get(desk.opened.db, "ranking_size") == 3
    assert window.settings_page is not page, "the pages were built again on the restored file"
    assert list(work_copy.parent.glob("stationdesk.replaced-*.sqlite"))
    desk.close_database()


def test_a_damaged_backup_is_refused_and_the_open_database_stays(qtbot, runner, work_copy, asked) -> None:  # type: ignore[no-untyped-def]
    desk = _start(qtbot, runner, work_copy)
    backup = backups.backups(backups.default_folder(work_copy), work_copy)[0]
    _corrupt(backup.path)
    before = work_copy.read_bytes()
    desk.restore_backup(backup)
    assert "备份" in asked[-1]["text"] and asked[-1]["kind"] == "warn"
    assert desk.opened is not None and desk.window.register_page is not None
    assert not list(work_copy.parent.glob("*.replaced-*"))
    desk.close_database()
    assert work_copy.read_bytes() == before


def test_a_network_drive_is_warned_about_once_until_dismissed(qtbot, runner, db_path, asked, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.services import opening

    monkeypatch.setattr(opening, "location_kind", lambda _path: "network")
    desk = _start(qtbot, runner, db_path)
    qtbot.waitUntil(lambda: any(a["kind"] == "warn_once" for a in asked), timeout=3000)
    (warning,) = [a for a in asked if a["kind"] == "warn_once"]
    assert warning["title"] == "数据库在网络驱动器上" and "PostgreSQL" in warning["text"]
    desk.close_database()
    again = _start(qtbot, runner, db_path)  # the user ticked 不再提醒
    qtbot.wait(50)
    assert len([a for a in asked if a["kind"] == "warn_once"]) == 1
    again.close_database()


def test_every_page_opens_read_only_without_writing(qtbot, runner, demo_db_path, asked) -> None:  # type: ignore[no-untyped-def]
    held = instance_lock.acquire(demo_db_path, "张三")
    try:
        desk = _start(qtbot, runner, demo_db_path)
        assert desk.opened is not None and desk.opened.read_only
        for row in range(desk.window.nav.count()):
            desk.window.nav.setCurrentRow(row)
        assert [a["title"] for a in asked] == ["数据库正在使用"], "no page tried to write"
        desk.close_database()
    finally:
        held.release()


def test_working_snapshots_half_hourly_and_on_close_only_after_writes(qtbot, runner, work_copy, asked) -> None:  # type: ignore[no-untyped-def]
    desk = _start(qtbot, runner, work_copy)
    assert desk.opened is not None and desk.snapshot_timer.isActive()
    assert desk.snapshot_timer.interval() == 30 * 60_000

    def taken(reason: str) -> int:
        return sum(b.reason == reason for b in backups.backups_of(desk.opened.db))  # type: ignore[union-attr]

    desk.take_snapshot()
    assert taken("periodic") == 0, "nothing written since opening"
    preferences.put(desk.opened.db, "ranking_size", 5, "王芳")
    desk.take_snapshot()
    assert taken("periodic") == 1
    desk.take_snapshot()
    assert taken("periodic") == 1, "nothing new since the last one"
    preferences.put(desk.opened.db, "ranking_size", 6, "王芳")
    desk.snapshot_on_close()
    assert taken("on-close") == 1 and not desk.snapshot_timer.isActive()
    desk.close_database()
