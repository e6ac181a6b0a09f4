"""Where the database is and how the app was started: one typed settings object.

Precedence, highest first: `--db PATH` (or `--db-url`), the STATIONDESK_DATABASE_URL environment
variable, the default SQLite file in the user's data folder (platform conventions: %LOCALAPPDATA%
on Windows, ~/.local/share on Linux).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "StationDesk"
ENV_DATABASE_URL = "STATIONDESK_DATABASE_URL"
ENV_DATA_DIR = "STATIONDESK_DATA_DIR"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
MIGRATIONS = Path(__file__).resolve().parent.parent / "db"
DOCS = Path(__file__).resolve().parent.parent / "docs"
"""The user manual (用户手册.md) and its screenshots, shown by 帮助 (F1)."""


def data_dir() -> Path:
    """The per-user folder for the default database, logs and backups.

    STATIONDESK_DATA_DIR overrides it (tests, portable installs).
    """
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve().as_posix()}"


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        tail = self.database_url.split(":///", 1)[-1]
        return Path(tail) if tail and tail != ":memory:" else None

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def backup_dir(self) -> Path:
        """The default backup folder; a database's 备份与恢复 setting may name another, so code
        with the database open asks services.backups.backup_folder."""
        path = self.sqlite_path
        return (path.parent if path else self.data_dir) / "backups"

    def display_location(self) -> str:
        """The database location as a user should read it (no password in a server URL)."""
        path = self.sqlite_path
        if path is not None:
            return str(path)
        head, _, tail = self.database_url.partition("@")
        return f"{head.split('://')[0]}://…@{tail}" if tail else self.database_url


def resolve_settings(db_path: str | None = None, db_url: str | None = None) -> Settings:
    folder = data_dir()
    if db_url:
        url = db_url
    elif db_path:
        url = sqlite_url(Path(db_path))
    elif os.environ.get(ENV_DATABASE_URL):
        url = os.environ[ENV_DATABASE_URL]
    else:
        url = sqlite_url(folder / "stationdesk.sqlite")
    return Settings(database_url=url, data_dir=folder)


def default_actor() -> str:
    """Who is working, for 谁录入谁负责, until accounts exist: the operating-system login name."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some service accounts)
        return "本机用户"
