"""Shared fixtures: real SQLite files built once as templates and copied per test.

Our rules live partly in SQL, so tests run against real database files, never fakes
(conventions §14). Qt runs offscreen; the user's data folder is a temporary one.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from stationdesk.config import sqlite_url
from stationdesk.store.database import Database, make_engine

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Logs, window layout and default database go to a per-test folder, never the real one."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("STATIONDESK_DATA_DIR", str(folder))
    monkeypatch.delenv("STATIONDESK_DATABASE_URL", raising=False)
    return folder


def _build_template(path: Path, sample_scale: str | None) -> Path:
    from stationdesk.config import Settings
    from stationdesk.services.opening import open_database

    opened = open_database(Settings(database_url=sqlite_url(path), data_dir=path.parent))
    if sample_scale is not None:
        from stationdesk.services.sample_data import SCALES, generate_sample

        generate_sample(opened.db, SCALES[sample_scale], seed=7, today=TODAY)
    opened.db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_template(tmp_path_factory.mktemp("templates") / "empty.sqlite", None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_template(tmp_path_factory.mktemp("templates") / "demo.sqlite", "demo")


def _copy_db(template: Path, target: Path) -> Iterator[Database]:
    shutil.copyfile(template, target)
    db = Database(make_engine(sqlite_url(target)))
    yield db
    db.dispose()


@pytest.fixture
def db_path(tmp_path: Path, empty_template: Path) -> Path:
    target = tmp_path / "test.sqlite"
    shutil.copyfile(empty_template, target)
    return target


@pytest.fixture
def db(tmp_path: Path, empty_template: Path) -> Iterator[Database]:
    """A migrated, empty (reference data only) database in its own file."""
    yield from _copy_db(empty_template, tmp_path / "test.sqlite")


@pytest.fixture
def demo_db_path(tmp_path: Path, demo_template: Path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Iterator[Database]:
    """A database holding the demo-scale sample (about 300 stations), in its own file."""
    yield from _copy_db(demo_template, tmp_path / "demo.sqlite")


_exit_status: int | None = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    """WORKAROUND: PySide6 6.12 can crash while Python finalises after Qt objects were used
    ("bool_dealloc: deallocating True or False", "shared QObject was deleted directly"). Every
    result is reported by now, so leave without the interpreter's final garbage collection,
    keeping pytest's exit status."""
    if _exit_status is not None and "PySide6.QtWidgets" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)
