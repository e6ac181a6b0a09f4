"""Fixtures of the SIGKILL fault tests.

The worker (`fault_worker`), the checker (`fault_check`) and the killer (`fault_kill`) beside this
file are plain modules shared with `bench/fault_runs.py`, and the worker runs as a script in its
own process; so this folder goes on sys.path (the suite imports in importlib mode).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture
def fault_file(tmp_path: Path, demo_db_path: Path) -> Callable[[str], Path]:
    """A copy of the demo database (about 300 stations, 20,000 cases) in `tmp_path/<folder>/`:
    the folder's name decides the journal the app picks ("Dropbox": a sync folder, so the
    rollback journal; anything else: WAL)."""

    def make(folder: str) -> Path:
        target = tmp_path / folder / "db.sqlite"
        target.parent.mkdir(parents=True)
        shutil.copyfile(demo_db_path, target)
        return target

    return make
