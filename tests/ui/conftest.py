from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from stationdesk.ui.fonts import install_app_font
from stationdesk.ui.tasks import TaskRunner


@pytest.fixture
def runner() -> TaskRunner:
    """Jobs run inline: GUI tests see results without waiting on threads."""
    return TaskRunner(synchronous=True)


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def _app_font(qapp) -> None:  # type: ignore[no-untyped-def]
    install_app_font(qapp)


@pytest.fixture(autouse=True)
def _flush_deleted_widgets(qapp):  # type: ignore[no-untyped-def]
    """Delete each test's widgets before the next test, not at interpreter exit.

    WORKAROUND: widgets left for Python's final garbage collection can be destroyed after
    QApplication and crash the interpreter on exit ("shared QObject was deleted directly").
    """
    yield
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    for widget in qapp.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
