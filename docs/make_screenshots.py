"""Make the user manual's screenshots from the real app, offscreen.

    python docs/make_screenshots.py [--out DIR]

One command, so the pictures in docs/用户手册.md always show the app as it is: a sample database
is made in a temporary folder (the demo's 300 stations, a 2026 re-examination round, accounts),
the main window is opened on it at 1280 × 800 as 王芳 (管理员), and each page and the main dialogs
are grabbed into docs/images/. The date is fixed (2026-11-24) so the pictures do not change with
the day they are made.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

IMAGES = ROOT / "docs" / "images"
TODAY = date(2026, 11, 24)
ADMIN = "王芳"
SIZE = (1280, 800)


def _sample(folder: Path) -> Path:
    """A database with the demo sample, accounts and the year's re-examination round."""
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.domain.vocabulary import Role
    from stationdesk.services import accounts, reexam, register
    from stationdesk.services.opening import open_database
    from stationdesk.services.sample_data import SCALES, generate_sample

    path = folder / "示例.sqlite"
    opened = open_database(Settings(database_url=sqlite_url(path), data_dir=folder / "userdata"))
    db = opened.db
    generate_sample(db, SCALES["demo"], today=TODAY)
    accounts.create_first_administrator(db, accounts.AccountDraft(ADMIN, "王芳", Role.ADMIN), "zhan2026dian")
    county = register.register_lookups(db).counties[0]
    accounts.create_account(db, accounts.AccountDraft("李小龙", "李小龙", Role.COUNTY, county.id), "zhan2026dian", ADMIN)
    reexam.start_round(db, TODAY.year, ADMIN, TODAY)
    db.dispose()
    return path


def _save(widget: object, out: Path, name: str) -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    assert isinstance(widget, QWidget)
    QApplication.processEvents()
    widget.grab().save(str(out / f"{name}.png"))
    print(f"  {name}.png")


def _first_run(out: Path) -> None:
    """The first-run wizard's database step, a server filled in."""
    from stationdesk.ui.first_run import FirstRunWizard
    from stationdesk.ui.tasks import TaskRunner

    wizard = FirstRunWizard(TaskRunner(synchronous=True), Path("C:/Users/王芳/AppData/Local/StationDesk/stationdesk.sqlite"))
    wizard.show()
    wizard.bureau_page.bureau.setText("常州市市场监督管理局")
    wizard.next()
    page = wizard.database_page
    page.server.setChecked(True)
    page.host.setText("192.168.1.20")
    page.user.setText("stationdesk")
    page.password.setText("********")
    _save(wizard, out, "first_run")
    wizard.close()


def main(argv: list[str] | None = None) -> None:
    import argparse

    from PySide6.QtWidgets import QApplication

    from stationdesk.config import Settings, sqlite_url
    from stationdesk.ui import dialogs
    from stationdesk.ui.app import StationDeskApp, make_qt_app
    from stationdesk.ui.tasks import TaskRunner

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=IMAGES, help="where the pictures go (default docs/images)")
    out: Path = parser.parse_args(argv).out
    out.mkdir(parents=True, exist_ok=True)
    app = make_qt_app()
    # Nothing may wait for a click: a message box would stop the script.
    for name in ("inform", "warn", "show_error"):
        setattr(dialogs, name, lambda *_a, **_k: None)
    dialogs.confirm = lambda *_a, **_k: False  # type: ignore[assignment]
    dialogs.warn_once = lambda *_a, **_k: False  # type: ignore[assignment]
    _first_run(out)
    with tempfile.TemporaryDirectory() as folder:
        path = _sample(Path(folder))
        settings = Settings(database_url=sqlite_url(path), data_dir=Path(folder) / "userdata")
        desk = StationDeskApp(settings, TaskRunner(synchronous=True), today=TODAY, offer_sample=False, actor=ADMIN)
        window = desk.window
        window.resize(*SIZE)
        desk.start()
        # The temporary folder's name changes every run; the pictures show where a bureau keeps it.
        window.location_label.setText("数据库：D:\\维权站点\\台账.sqlite")
        QApplication.processEvents()
        shots: list[tuple[str, Callable[[], object]]] = [
            ("overview", lambda: window.show_section("overview") and window),
            ("register", lambda: window.show_section("register") and window),
            ("station", lambda: window.register_page.open_station(window.register_page.model.id_at(0))),  # type: ignore[union-attr]
            ("cases", lambda: window.show_section("cases") and window),
            ("payouts", lambda: window.show_section("payouts") and window),
            ("reexam", lambda: window.show_section("reexam") and window),
            ("zombies", lambda: window.show_section("zombies") and window),
            ("statistics", lambda: window.show_section("statistics") and window),
            ("audit", lambda: window.show_section("audit") and window),
            ("settings", lambda: window.show_section("settings") and window),
        ]
        for name, show in shots:
            shown = show()
            _save(shown if shown is not None else window, out, name)
            if shown is not window and hasattr(shown, "close"):
                shown.close()  # type: ignore[union-attr]
        desk.close_database()
        window.close()
        app.processEvents()


if __name__ == "__main__":
    main()
