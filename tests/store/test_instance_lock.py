"""One writer per SQLite file: the lock names its holder, refuses a second opener (another process
or this one), and dies with its process, so a crash leaves no stale lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from stationdesk.store import instance_lock
from stationdesk.store.instance_lock import DatabaseInUse, LockHolder, computer_name, lock_path_for

ROOT = Path(__file__).resolve().parents[2]
HOLD = """
import sys
from stationdesk.store.instance_lock import acquire
lock = acquire(__import__("pathlib").Path(sys.argv[1]), "张三")
print("locked", flush=True)
sys.stdin.readline()
"""


def _holder_process(database: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(database)], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # fmt: skip
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "locked"
    return child


def test_a_second_opener_in_this_process_is_refused_and_told_who(tmp_path: Path) -> None:
    database = tmp_path / "站点.sqlite"
    first = instance_lock.acquire(database, "张三")
    with pytest.raises(DatabaseInUse) as refused:
        instance_lock.acquire(database, "李四")
    assert refused.value.holder == first.holder
    assert refused.value.holder is not None and refused.value.holder.user == "张三"
    assert "另一个窗口" in refused.value.message
    first.release()
    instance_lock.acquire(database, "李四").release()


def test_another_process_holding_the_file_is_named_with_user_computer_and_pid(tmp_path: Path) -> None:
    database = tmp_path / "站点.sqlite"
    child = _holder_process(database)
    try:
        with pytest.raises(DatabaseInUse) as refused:
            instance_lock.acquire(database, "李四")
        holder = refused.value.holder
        assert holder is not None
        assert (holder.user, holder.computer, holder.pid) == ("张三", computer_name(), child.pid)
        assert f"数据库正被 张三 在本电脑（{computer_name()}）" in refused.value.message
        assert f"进程 {child.pid}" in refused.value.message
    finally:
        child.kill()
        child.communicate()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_the_lock_dies_with_a_killed_holder(tmp_path: Path) -> None:
    database = tmp_path / "站点.sqlite"
    child = _holder_process(database)
    with pytest.raises(DatabaseInUse):
        instance_lock.acquire(database, "李四")
    os.kill(child.pid, signal.SIGKILL)
    child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert lock_path_for(database).exists(), "the file stays, naming the last holder"
    taken = instance_lock.acquire(database, "李四")
    assert instance_lock.read_holder(lock_path_for(database)) == taken.holder
    taken.release()


def test_a_lock_dropped_without_release_lets_go(tmp_path: Path) -> None:
    database = tmp_path / "站点.sqlite"
    instance_lock.acquire(database, "张三")  # not kept: garbage at once
    instance_lock.acquire(database, "李四").release()


def test_the_message_names_another_computer_and_the_time() -> None:
    holder = LockHolder("张三", "PC-07", 4242, datetime(2026, 11, 24, 10, 32))
    assert holder.describe(now=datetime(2026, 11, 24, 15, 0)) == "数据库正被 张三 在电脑 PC-07 上使用（自 10:32 起）"
    assert "自 2026-11-23 10:32 起" in LockHolder("张三", "PC-07", 1, datetime(2026, 11, 23, 10, 32)).describe(
        now=datetime(2026, 11, 24, 9, 0)
    )


def test_an_unreadable_holder_still_refuses(tmp_path: Path) -> None:
    database = tmp_path / "站点.sqlite"
    first = instance_lock.acquire(database, "张三")
    lock_path_for(database).write_bytes(b"\xff garbage")
    with pytest.raises(DatabaseInUse, match="数据库正被另一个程序使用"):
        instance_lock.acquire(database, "李四")
    first.release()
