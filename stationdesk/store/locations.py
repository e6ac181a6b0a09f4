"""Where a SQLite file lives: on this PC's own disk, on a network drive, or in a sync folder.

SQLite's locking is unreliable over network filesystems and WAL does not work there at all, and a
sync client (OneDrive, 坚果云 …) copies the file behind SQLite's back. Such files get the rollback
journal (store.database) and a warning after opening recommending the PostgreSQL set-up.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Literal

LocationKind = Literal["network", "sync"]

_SYNC_FOLDER_MARKERS = re.compile(r"onedrive|dropbox|坚果云|nutstore|百度网盘|baidunetdisk|google drive", re.I)
# Linux filesystem types (/proc/mounts, third column) that reach another computer.
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs", "fuse.rclone", "afs", "ncpfs",
    "9p", "ceph", "glusterfs", "fuse.glusterfs", "davfs", "fuse.davfs2",
})
DRIVE_REMOTE = 4  # GetDriveTypeW


def _windows_drive_is_remote(path: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(str(path))[0]
    if not drive or not drive.endswith(":"):
        return False
    return int(ctypes.windll.kernel32.GetDriveTypeW(f"{drive}\\")) == DRIVE_REMOTE  # type: ignore[attr-defined]


def _unescape_mount(text: str) -> str:
    """/proc/mounts writes spaces and tabs in mount points as octal escapes (\\040)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), text)


def mount_type(path: Path, mounts: str) -> str | None:
    """The filesystem type of the mount holding `path`, from /proc/mounts' text."""
    best, kind = "", None
    target = path.as_posix()
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape_mount(parts[1]).rstrip("/") or "/"
        inside = point == "/" or target == point or target.startswith(point + "/")
        if inside and len(point) >= len(best):
            best, kind = point, parts[2]
    return kind


def _linux_mounts() -> str:
    try:
        return Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def is_network_path(path: Path, *, mounts: str | None = None, platform: str = sys.platform) -> bool:
    """UNC paths; on Windows a mapped network drive; on Linux an NFS, SMB or sshfs mount."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    if platform == "win32":  # pragma: no cover - Windows only
        return _windows_drive_is_remote(path)
    if platform.startswith("linux") or mounts is not None:
        resolved = _resolved(path)
        kind = mount_type(resolved, _linux_mounts() if mounts is None else mounts)
        return kind in NETWORK_FILESYSTEMS
    return False


def _resolved(path: Path) -> Path:
    """The real path of the file, or of its folder when the file does not exist yet."""
    try:
        return path.resolve()
    except OSError:
        return path.absolute()


def location_kind(path: Path, *, mounts: str | None = None, platform: str = sys.platform) -> LocationKind | None:
    """"network", "sync" (a folder a sync client copies), or None for a local disk."""
    if is_network_path(path, mounts=mounts, platform=platform):
        return "network"
    if _SYNC_FOLDER_MARKERS.search(str(path)):
        return "sync"
    return None
