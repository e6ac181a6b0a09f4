"""关于维权站点管理台: what an IT person asks for on the phone — the version, where the database
and the log are, and which Qt and Python run it."""

from __future__ import annotations

import platform
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion

from stationdesk import __version__

TITLE = "关于维权站点管理台"


def about_text(location: str, log_dir: Path) -> str:
    """The 关于 box's lines (plain text, so it can be selected and pasted into an e-mail)."""
    return "\n".join(
        [
            f"维权站点管理台 StationDesk {__version__}",
            "12315“五进”维权服务站点台账与监管",
            "",
            f"数据库：{location}",
            f"日志文件夹：{log_dir}",
            f"运行环境：Python {platform.python_version()}，Qt {qVersion()}（PySide6 {pyside_version}），"
            f"{platform.system()} {platform.release()}",
            "",
            "内置字体：文泉驿微米黑（Apache-2.0），随程序分发。",
        ]
    )
