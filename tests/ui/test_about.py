"""关于维权站点管理台: the version from its one place, where the database and the log are."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from stationdesk import __version__
from stationdesk.ui import dialogs
from stationdesk.ui.about import TITLE, about_text
from stationdesk.ui.main_window import MainWindow
from stationdesk.ui.tasks import TaskRunner


def test_the_text_names_version_database_and_log(tmp_path: Path) -> None:
    text = about_text("D:/维权/台账.sqlite", tmp_path / "logs")
    assert f"StationDesk {__version__}" in text
    assert "数据库：D:/维权/台账.sqlite" in text and f"日志文件夹：{tmp_path / 'logs'}" in text
    assert "Qt 6." in text


def test_the_help_menu_shows_it(qtbot: Any, runner: TaskRunner, qsettings: QSettings, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "inform", lambda _p, title, text: shown.append((title, text)))
    window = MainWindow(qsettings, runner, "/srv/台账.sqlite", date(2026, 11, 24), "王芳", log_dir=tmp_path)
    qtbot.addWidget(window)
    assert [a.text() for a in window.menuBar().actions()] == ["帮助(&H)"]
    window.about_action.trigger()
    assert shown and shown[0][0] == TITLE and "/srv/台账.sqlite" in shown[0][1]


def test_qts_own_buttons_and_menus_speak_chinese(qapp: Any) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    from stationdesk.ui.app import install_qt_chinese

    assert install_qt_chinese(qapp)
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    texts = {box.button(b).text().replace("&", "") for b in (QDialogButtonBox.StandardButton.Ok,
                                                            QDialogButtonBox.StandardButton.Cancel)}  # fmt: skip
    assert texts == {"确定", "取消"}
