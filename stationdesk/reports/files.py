"""Writing report files so that a crash, a cancel or a full disk never leaves half a file under
the name the user chose (reliability: write a temporary file beside it, flush it to disk, then
rename it over the target in one step).

The temporary file lives in the same folder so the rename stays on one volume; on any failure it
is removed and the target is left as it was. The failures the user can put right (file open in
Excel on Windows, read-only folder, full disk, folder gone) become an EnvironmentProblem saying
so; anything else stays an error of ours.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from stationdesk.errors import EnvironmentProblem


@contextlib.contextmanager
def atomic_stream(out: Path) -> Iterator[BinaryIO]:
    """A binary stream to write `out` through; it replaces `out` only when the block ends
    normally, and is deleted when it raises."""
    temp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
    try:
        # "x" and not mkstemp: the file gets the user's usual permissions, not 0600.
        with temp.open("xb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, out)
    except BaseException as exc:
        with contextlib.suppress(OSError):  # never created (no folder), or already gone
            temp.unlink()
        problem = _environment_problem(exc, out)
        if problem is not None:
            raise problem from exc
        raise


def write_with(out: Path, write: Callable[[BinaryIO], Any]) -> None:
    """Let `write` fill `out` atomically (openpyxl's `workbook.save` takes a stream)."""
    with atomic_stream(out) as stream:
        write(stream)


def write_atomically(out: Path, data: bytes) -> None:
    with atomic_stream(out) as stream:
        stream.write(data)


def _environment_problem(exc: BaseException, out: Path) -> EnvironmentProblem | None:
    """The failures of saving that the user, not the code, can put right; None for the rest."""
    if isinstance(exc, PermissionError):
        return EnvironmentProblem(
            f"无法写入“{out}”：文件正被其他程序打开，或没有写入权限",
            hint="如已在 Excel 或 PDF 阅读器中打开该文件，请先关闭后重试，或另选保存位置",
        )
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return EnvironmentProblem(f"磁盘空间已满，“{out.name}”未保存", hint="请清理磁盘空间后重试")
    if isinstance(exc, FileNotFoundError | NotADirectoryError) and not out.parent.is_dir():
        return EnvironmentProblem(f"保存位置“{out.parent}”不存在", hint="请另选保存位置")
    return None
