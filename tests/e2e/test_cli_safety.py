"""The command line beside a running app: commands that write are refused with the holder named,
commands that read go on (read-only), a restore never replaces a file in use."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import LOCK_HOLDER as HOLDER

pytestmark = pytest.mark.sqlite_only(reason="the lock file beside a SQLite database")

ROOT = Path(__file__).resolve().parents[2]


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args],
                          capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)  # fmt: skip


@pytest.fixture
def held(db_path: Path) -> Iterator[Path]:
    env = {**os.environ, "USER": "张三", "LOGNAME": "张三", "USERNAME": "张三"}
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(db_path)], cwd=ROOT, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None and child.stdout.readline().strip() == "open"
    yield db_path
    child.kill()
    child.communicate()


def test_a_write_command_on_a_held_file_exits_1_naming_the_holder(held: Path) -> None:
    before = held.read_bytes()
    done = run(held, "demo")
    assert done.returncode == 1
    assert done.stderr.startswith("错误：数据库正被 张三 在本电脑") and "Traceback" not in done.stderr
    assert held.read_bytes() == before


def test_reading_commands_proceed_while_the_file_is_held(held: Path, tmp_path: Path) -> None:
    assert run(held, "check").returncode == 0
    listed = run(held, "stations", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    exported = run(held, "export", "stations", "-o", str(tmp_path / "站点.xlsx"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "站点.xlsx").exists()


def test_a_restore_never_replaces_a_file_in_use(held: Path, tmp_path: Path) -> None:
    backed = run(held, "backup", "--to", str(tmp_path / "bk"))
    assert backed.returncode == 0, backed.stderr
    (backup,) = (tmp_path / "bk").glob("*.sqlite")
    before = held.read_bytes()
    done = run(held, "restore", str(backup), "--yes")
    assert done.returncode == 1 and "数据库正被 张三" in done.stderr
    assert held.read_bytes() == before
