"""Every dialog speaks Chinese, with the same words for the same acts: 保存 / 取消 / 关闭 (no
"OK", "Cancel" or "Close" from Qt's defaults), and a Chinese title."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QAbstractButton, QWidget

from stationdesk.ui.accounts_tab import AccountDialog
from stationdesk.ui.case_dialog import CaseDialog
from stationdesk.ui.first_run import FirstRunWizard
from stationdesk.ui.help_window import HelpWindow
from stationdesk.ui.import_wizard import ImportWizard
from stationdesk.ui.payout_dialogs import PayoutDialog
from stationdesk.ui.restore_dialog import RestoreDialog
from stationdesk.ui.sign_in import FirstAdministratorDialog
from stationdesk.ui.site_check_dialog import SiteCheckDialog
from stationdesk.ui.station_dialog import StationDialog
from stationdesk.ui.status_dialog import StatusDialog
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import TODAY, Desk

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_DEFAULTS = {"OK", "Cancel", "Close", "Save", "Yes", "No", "Apply", "Help", "Finish", "Next", "Back"}
# The same act, the same word: a dialog closes with 关闭 when nothing is pending, 取消 when it is.
SYNONYMS = {"确认": "确定", "好": "确定", "放弃": "取消", "关掉": "关闭", "存盘": "保存"}


def _words(widget: QWidget) -> list[str]:
    return [b.text().replace("&", "").strip() for b in widget.findChildren(QAbstractButton) if b.text().strip()]


def _check(widget: QWidget) -> None:
    assert CHINESE.search(widget.windowTitle()), f"{type(widget).__name__}: title {widget.windowTitle()!r}"
    for word in _words(widget):
        bare = word.rstrip("…").removeprefix("< ").removesuffix(" >")
        assert bare not in ENGLISH_DEFAULTS, f"{type(widget).__name__}: button {word!r}"
        assert bare not in SYNONYMS, f"{type(widget).__name__}: {word!r}, say {SYNONYMS.get(bare)!r}"


def test_every_dialog_speaks_chinese(qtbot: Any, desk: Desk, runner: TaskRunner, qsettings: Any,
                                     tmp_path: Path) -> None:  # fmt: skip
    station = desk.station(scheme=True)
    case = desk.case(station, date(2026, 3, 2))
    made: list[QWidget] = [
        StationDialog(desk.db, "王芳", TODAY, station),
        StationDialog(desk.db, "王芳", TODAY, None),
        CaseDialog(desk.db, "王芳", TODAY, case_id=case),
        StatusDialog(desk.db, station, "王芳", TODAY),
        PayoutDialog(desk.db, station, "王芳", TODAY, case),
        SiteCheckDialog(desk.db, station, "王芳", TODAY),
        ImportWizard(desk.db, runner, qsettings, TODAY, "王芳"),
        FirstRunWizard(runner, tmp_path / "x.sqlite"),
        HelpWindow(),
        RestoreDialog([], tmp_path / "x.sqlite"),
        FirstAdministratorDialog(desk.db, runner),
        AccountDialog(desk.db, runner, "王芳"),
    ]
    for widget in made:
        qtbot.addWidget(widget)
        widget.show()
        _check(widget)


def test_a_real_modal_dialog_in_a_test_fails_instead_of_hanging(qtbot: Any) -> None:
    import pytest
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox()
    box.setWindowTitle("出错了")
    qtbot.addWidget(box)
    with pytest.raises(AssertionError, match="modal QMessageBox '出错了'"):
        box.exec()
