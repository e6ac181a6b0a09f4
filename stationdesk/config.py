"""Where the database is and how the app was started: one typed settings object.

Precedence, highest first: `--db PATH` (or `--db-url`), the STATIONDESK_DATABASE_URL environment
variable, the default SQLite file in the user's data folder (platform conventions: %LOCALAPPDATA%
on Windows, ~/.local/share on Linux).
"""

from __future__ import annotations

import json
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


CHOICE_FILE = "database.json"
"""In the user data folder: the database the first-run wizard chose (a file or a server)."""
DEFAULT_FILE = "stationdesk.sqlite"


def saved_database_url(folder: Path) -> str | None:
    """The database chosen at first run on this PC, or None (never chosen, or unreadable)."""
    try:
        value = json.loads((folder / CHOICE_FILE).read_text(encoding="utf-8")).get("database_url")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def save_database_url(folder: Path, url: str) -> None:
    """Remember the chosen database for this Windows/Linux user. Readable by that user only: a
    server's connection string holds its password."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / CHOICE_FILE
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"database_url": url}, ensure_ascii=False), encoding="utf-8")
    temporary.chmod(0o600)
    os.replace(temporary, target)


def resolve_settings(db_path: str | None = None, db_url: str | None = None) -> Settings:
    """The database to open: --db-url, --db, STATIONDESK_DATABASE_URL, the first-run choice, else
    the default file in the user data folder, in that order."""
    folder = data_dir()
    if db_url:
        url = db_url
    elif db_path:
        url = sqlite_url(Path(db_path))
    elif os.environ.get(ENV_DATABASE_URL):
        url = os.environ[ENV_DATABASE_URL]
    else:
        url = saved_database_url(folder) or sqlite_url(folder / DEFAULT_FILE)
    return Settings(database_url=url, data_dir=folder)


def needs_first_run(db_path: str | None = None, db_url: str | None = None) -> bool:
    """Nothing says which database to use yet: no option, no variable, no choice saved and no
    default file. The window then starts with the first-run wizard."""
    if db_url or db_path or os.environ.get(ENV_DATABASE_URL):
        return False
    folder = data_dir()
    return saved_database_url(folder) is None and not (folder / DEFAULT_FILE).exists()


def default_actor() -> str:
    """Who is working, for 谁录入谁负责, until accounts exist: the operating-system login name."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (some service accounts)
        return "本机用户"
