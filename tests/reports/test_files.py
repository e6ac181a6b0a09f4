"""Report files are written whole or not at all, and what the user can fix is said in Chinese."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pytest

from stationdesk.errors import EnvironmentProblem
from stationdesk.reports.files import write_atomically, write_with


@pytest.mark.parametrize("error", [OSError("disk gone"), KeyboardInterrupt()])
def test_an_interrupted_write_removes_its_temporary(tmp_path: Path, error: BaseException) -> None:
    out = tmp_path / "r.pdf"

    def half_then_fail(stream: BinaryIO) -> None:
        stream.write(b"%PDF-half")
        raise error

    with pytest.raises(type(error)):
        write_with(out, half_then_fail)
    assert list(tmp_path.iterdir()) == []


def test_a_locked_target_is_reported_as_something_the_user_can_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file Excel or a PDF viewer holds open (PermissionError)."""
    out = tmp_path / "r.pdf"
    out.write_bytes(b"open in viewer")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr("stationdesk.reports.files.os.replace", locked)
    with pytest.raises(EnvironmentProblem, match="无法写入"):
        write_atomically(out, b"%PDF-new")
    assert out.read_bytes() == b"open in viewer"
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_a_missing_folder_is_reported_as_something_the_user_can_fix(tmp_path: Path) -> None:
    with pytest.raises(EnvironmentProblem, match="不存在"):
        write_atomically(tmp_path / "gone" / "r.pdf", b"%PDF-new")
    assert list(tmp_path.iterdir()) == []


def test_a_saved_file_has_the_users_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "r.pdf"
    write_atomically(out, b"%PDF-new")
    assert out.read_bytes() == b"%PDF-new"
    assert out.stat().st_mode & 0o044  # readable by others as any file the user saves, not 0600
