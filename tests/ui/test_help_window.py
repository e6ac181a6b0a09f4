"""帮助 (F1): the manual opens at the section about the screen in front of the user, its pictures
are there, and one command makes them again from the app."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from stationdesk.config import DOCS
from stationdesk.ui.case_dialog import CaseDialog
from stationdesk.ui.first_run import FirstRunWizard
from stationdesk.ui.help_window import MANUAL, HelpWindow
from stationdesk.ui.import_wizard import ImportWizard
from stationdesk.ui.main_window import SECTIONS, MainWindow
from stationdesk.ui.station_dialog import StationDialog
from stationdesk.ui.tasks import TaskRunner

PICTURES = re.findall(r"!\[[^\]]*\]\((images/[^)]+)\)", MANUAL.read_text(encoding="utf-8"))


def test_every_page_and_dialog_has_its_section(qtbot: Any) -> None:
    manual = HelpWindow()
    qtbot.addWidget(manual)
    wanted = [label for _key, label in SECTIONS] + [
        StationDialog.HELP_SECTION, CaseDialog.HELP_SECTION, ImportWizard.HELP_SECTION, FirstRunWizard.HELP_SECTION,
        "备份与恢复", "多台电脑共用数据库", "安装",
    ]  # fmt: skip
    assert [title for title in wanted if title not in manual.sections] == []


def test_a_section_is_scrolled_to_the_top(qtbot: Any) -> None:
    manual = HelpWindow()
    qtbot.addWidget(manual)
    manual.resize(800, 600)
    manual.show()
    assert manual.show_section("僵尸站点")
    assert manual.browser.verticalScrollBar().value() > 0
    assert manual.browser.textCursor().block().text() == "僵尸站点"
    assert not manual.show_section("没有这一节")
    assert manual.browser.verticalScrollBar().value() == 0


def test_a_missing_manual_says_so(qtbot: Any, tmp_path: Path) -> None:
    manual = HelpWindow(tmp_path / "none.md")
    qtbot.addWidget(manual)
    assert "找不到用户手册文件" in manual.browser.toPlainText()


def test_the_manuals_pictures_exist() -> None:
    assert len(PICTURES) >= 9
    for picture in PICTURES:
        image = QImage(str(DOCS / picture))
        assert not image.isNull(), picture


def test_f1_opens_the_section_of_the_page_shown(qtbot: Any, runner: TaskRunner, qsettings: QSettings) -> None:
    window = MainWindow(qsettings, runner, "x", date(2026, 11, 24), "王芳")
    qtbot.addWidget(window)
    window.nav.setCurrentRow([key for key, _label in SECTIONS].index("zombies"))
    assert window.help_section() == "僵尸站点"
    manual = window.show_help()
    assert manual.isVisible() and manual.browser.textCursor().block().text() == "僵尸站点"
    window.nav.setCurrentRow(0)
    assert window.show_help() is manual, "one manual window, scrolled again"
    assert manual.browser.textCursor().block().text() == "首页概览"


@pytest.mark.slow
def test_one_command_makes_every_picture_of_the_manual(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(DOCS / "make_screenshots.py"), "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=300, env={**__import__("os").environ,
                          "QT_QPA_PLATFORM": "offscreen"})  # fmt: skip
    assert done.returncode == 0, done.stderr
    for picture in PICTURES:
        made = QImage(str(tmp_path / Path(picture).name))
        assert not made.isNull() and made.size() == QImage(str(DOCS / picture)).size(), picture
