"""Logging to a rotating file in the user's data folder, and the hook that catches every bug.

Unexpected exceptions anywhere end in `report_bug`: the traceback goes to the log file, the
user sees one short apology naming that file (the GUI installs a function to show it).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

LOG_FILE_NAME = "stationdesk.log"
log = logging.getLogger("stationdesk")
_log_path: Path | None = None


def setup_logging(log_dir: Path, *, level: int = logging.INFO, console: bool = False) -> Path:
    """Log to `log_dir/stationdesk.log` (rotating, 5 × 2 MB). Returns the file's path."""
    global _log_path
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_stationdesk", False):
            root.removeHandler(handler)
            handler.close()
    file_handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    file_handler._stationdesk = True  # type: ignore[attr-defined]
    root.addHandler(file_handler)
    if console:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        stream._stationdesk = True  # type: ignore[attr-defined]
        root.addHandler(stream)
    _log_path = path
    return path


def log_path() -> Path | None:
    return _log_path


def apology() -> str:
    where = f"\n详细信息已记录在：{_log_path}" if _log_path else ""
    return f"抱歉，程序出现了意外错误，刚才的操作没有完成，数据未被修改。{where}"


def report_bug(exc: BaseException, context: str = "") -> str:
    """Log `exc` with its traceback; return the apology to show the user."""
    log.error("unexpected error%s", f" ({context})" if context else "", exc_info=exc)
    return apology()


def install_excepthook(show: Callable[[str], None]) -> None:
    """Route uncaught exceptions to the log and to `show(apology)`; never a traceback on screen."""

    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        show(report_bug(exc.with_traceback(tb), "uncaught"))

    sys.excepthook = hook
