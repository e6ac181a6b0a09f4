"""One writer per SQLite file: an operating-system lock on "<database>.lock" that names its holder.

The lock is the kernel's (`flock` on Linux and macOS, `LockFileEx` through `msvcrt.locking` on
Windows), never the mere existence of a file, so it goes away with the process that held it: a
crash or a killed process leaves no stale lock to delete by hand (reliability.md: GnuCash users
must; KeePassXC gave up its lock file over exactly that). The file itself stays and holds who took
the lock last (user, computer, process, since when) as JSON, which a second opener reads to say
who is using the database.

Locks belong to one open file, not to the process: the same process opening the database a
second time is refused too, as a second window must be.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import weakref
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from stationdesk.errors import EnvironmentProblem

log = logging.getLogger(__name__)

SUFFIX = ".lock"
# Windows locks a byte range and others cannot read a locked range, so the lock sits far past the
# holder's few hundred bytes of JSON (locking beyond the end of a file is allowed there).
_WINDOWS_LOCK_OFFSET = 1 << 20


@dataclass(frozen=True)
class LockHolder:
    """Who holds a database: as written into the lock file by the holder."""

    user: str
    computer: str
    pid: int
    since: datetime

    def describe(self, now: datetime | None = None) -> str:
        """"数据库正被 张三 在电脑 PC-07 上使用（自 10:32 起）"."""
        now = now or datetime.now()
        when = f"{self.since:%H:%M}" if self.since.date() == now.date() else f"{self.since:%Y-%m-%d %H:%M}"
        if self.computer != computer_name():
            return f"数据库正被 {self.user} 在电脑 {self.computer} 上使用（自 {when} 起）"
        if self.pid != os.getpid():
            return f"数据库正被 {self.user} 在本电脑（{self.computer}）的另一个程序中使用（进程 {self.pid}，自 {when} 起）"
        return f"数据库已在本程序的另一个窗口中打开（自 {when} 起）"

    def to_json(self) -> str:
        return json.dumps(
            {"user": self.user, "computer": self.computer, "pid": self.pid, "since": self.since.isoformat()},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> LockHolder | None:
        try:
            data = json.loads(text)
            return cls(str(data["user"]), str(data["computer"]), int(data["pid"]),
                       datetime.fromisoformat(data["since"]))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            return None


class DatabaseInUse(EnvironmentProblem):
    """Another program (another PC, another window) has the database open for writing."""

    def __init__(self, holder: LockHolder | None, lock_path: Path) -> None:
        message = holder.describe() if holder else "数据库正被另一个程序使用"
        super().__init__(message, hint="可以只读方式打开查看；要修改，请先关闭那里的程序")
        self.holder = holder
        self.lock_path = lock_path


def computer_name() -> str:
    return os.environ.get("COMPUTERNAME") or socket.gethostname() or "未知电脑"


def lock_path_for(database: Path) -> Path:
    return database.with_name(database.name + SUFFIX)


def _try_lock(fd: int) -> bool:
    """Take the lock without waiting; False when someone else has it."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows
        import msvcrt

        os.lseek(fd, _WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _close(fd: int) -> None:
    # Closing the descriptor drops the lock on every platform (and so does the process dying).
    with contextlib.suppress(OSError):
        os.close(fd)


class InstanceLock:
    """A held lock; `release()` (or the process ending) lets the next opener in."""

    def __init__(self, path: Path, fd: int, holder: LockHolder) -> None:
        self.path, self.holder = path, holder
        self._fd: int | None = fd
        # A lock dropped without release() (an OpenedDatabase garbage-collected) still closes its
        # descriptor, silently: a raw descriptor, so no ResourceWarning.
        self._finalizer = weakref.finalize(self, _close, fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            self._finalizer()
            self._fd = None
            log.info("released %s", self.path)


def read_holder(lock_path: Path) -> LockHolder | None:
    try:
        return LockHolder.from_json(lock_path.read_text(encoding="utf-8").strip("\0 \n"))
    except (OSError, UnicodeDecodeError):
        return None


def acquire(database: Path, user: str, now: datetime | None = None) -> InstanceLock:
    """Take `database`'s lock, or raise `DatabaseInUse` naming the holder."""
    path = lock_path_for(database)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
    try:
        if not _try_lock(fd):
            raise DatabaseInUse(read_holder(path), path)
        holder = LockHolder(user, computer_name(), os.getpid(), (now or datetime.now()).replace(microsecond=0))
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, holder.to_json().encode("utf-8"))
        os.fsync(fd)
    except BaseException:
        _close(fd)
        raise
    log.info("locked %s for %s", database, holder.to_json())
    return InstanceLock(path, fd, holder)

