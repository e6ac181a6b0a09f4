"""Network drives and sync folders are recognised (no WAL there, and a warning after opening)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stationdesk.store.database import is_shared_location
from stationdesk.store.locations import location_kind, mount_type

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
server:/export/消保 /mnt/nfs nfs4 rw,relatime 0 0
//fileserver/share /mnt/smb cifs rw 0 0
//fileserver/share2 /mnt/smb\\040科室 smb3 rw 0 0
li@host:/data /home/li/remote fuse.sshfs rw 0 0
tmpfs /mnt/nfs/local-cache tmpfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/mnt/nfs/stations.sqlite", "nfs4"),
        ("/mnt/smb/a/b.sqlite", "cifs"),
        ("/mnt/smb 科室/b.sqlite", "smb3"),
        ("/home/li/remote/x.sqlite", "fuse.sshfs"),
        ("/mnt/nfs/local-cache/x.sqlite", "tmpfs"),  # the longest mount point wins
        ("/mnt/nfsother/x.sqlite", "ext4"),  # a prefix of the name is not the mount
        ("/home/li/x.sqlite", "ext4"),
    ],
)
def test_the_mount_holding_a_file_is_found(path: str, kind: str) -> None:
    assert mount_type(Path(path), MOUNTS) == kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("\\\\fileserver\\消保科\\stations.sqlite", "network"),
        ("//fileserver/消保科/stations.sqlite", "network"),
        ("/mnt/nfs/stations.sqlite", "network"),
        ("/mnt/smb 科室/stations.sqlite", "network"),
        ("/home/li/remote/stations.sqlite", "network"),
        ("/home/li/OneDrive/台账.sqlite", "sync"),
        ("/home/li/坚果云/站点.sqlite", "sync"),
        ("/home/li/.local/share/StationDesk/stationdesk.sqlite", None),
        ("/mnt/nfs/local-cache/x.sqlite", None),
    ],
)
def test_network_drives_and_sync_folders(path: str, kind: str | None) -> None:
    assert location_kind(Path(path), mounts=MOUNTS, platform="linux") == kind


def test_the_journal_choice_agrees_with_the_warning(tmp_path: Path) -> None:
    """is_shared_location (rollback journal) and location_kind (the warning) are one rule."""
    for path in (tmp_path / "x.sqlite", Path("\\\\server\\share\\x.sqlite"), tmp_path / "Dropbox" / "x.sqlite"):
        assert is_shared_location(path) is (location_kind(path) is not None)
