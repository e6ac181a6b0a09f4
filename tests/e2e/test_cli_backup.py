"""`backup` and `restore` from the command line on a real file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Backups copy the SQLite file (a PostgreSQL server is backed up by its own tools).
pytestmark = pytest.mark.sqlite_only(reason="backups are copies of the SQLite file")


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)  # fmt: skip


def test_backup_then_restore_keeps_the_replaced_file(db_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "bk"
    done = run(db_path, "backup", "--to", str(folder))
    assert done.returncode == 0, done.stderr
    (backup,) = folder.glob(f"{db_path.stem}-*-manual.sqlite")
    checked = run(db_path, "restore", str(backup))
    assert checked.returncode == 0 and "完好" in checked.stdout
    done = run(db_path, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr
    assert list(db_path.parent.glob(f"{db_path.stem}.replaced-*.sqlite"))
    assert run(db_path, "check").returncode == 0


def test_a_damaged_backup_is_refused(db_path: Path, tmp_path: Path) -> None:
    fake = tmp_path / "stationdesk-20261201-090000-daily.sqlite"
    fake.write_bytes(b"SQLite format 3\x00" + b"\xff" * 8000)
    before = db_path.read_bytes()
    done = run(db_path, "restore", str(fake), "--yes")
    assert done.returncode == 1
    assert "备份" in done.stderr and "Traceback" not in done.stderr
    assert db_path.read_bytes() == before
