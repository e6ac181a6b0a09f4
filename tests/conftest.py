"""Shared fixtures: real SQLite files built once as templates and copied per test.

Our rules live partly in SQL, so tests run against real database files, never fakes
(conventions §14). Qt runs offscreen; the user's data folder is a temporary one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from stationdesk.config import sqlite_url
from stationdesk.store.database import Database, make_engine

TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Logs, window layout and default database go to a per-test folder, never the real one."""
    folder = tmp_path / "userdata"
    monkeypatch.setenv("STATIONDESK_DATA_DIR", str(folder))
    monkeypatch.delenv("STATIONDESK_DATABASE_URL", raising=False)
    return folder


@pytest.fixture(autouse=True)
def _no_modal_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real modal dialog, message box, file chooser or menu waits for a click that never comes
    offscreen, and the test hangs: fail at once instead, naming it. Tests answer through
    `stationdesk.ui.dialogs` (monkeypatched) or drive non-modal windows."""
    from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMenu, QMessageBox

    def refuse(widget: Any, *_args: Any, **_kwargs: Any) -> Any:
        title = widget.windowTitle() if hasattr(widget, "windowTitle") else ""
        raise AssertionError(f"a test opened a modal {type(widget).__name__} {title!r}: answer it through "
                             "stationdesk.ui.dialogs (monkeypatch) or call the non-modal path")  # fmt: skip

    def refuse_static(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a test opened a file or input dialog: monkeypatch stationdesk.ui.dialogs")

    for cls in (QDialog, QMessageBox, QFileDialog, QInputDialog, QMenu):
        monkeypatch.setattr(cls, "exec", refuse)
    for name in ("getSaveFileName", "getOpenFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(refuse_static))
    for name in ("getText", "getItem", "getInt"):
        monkeypatch.setattr(QInputDialog, name, staticmethod(refuse_static))


# --- Databases: SQLite files, or PostgreSQL databases when a server is configured ---------------
# Each template (migrated and seeded; with a sample or not) is built once per session and each test
# gets its own copy: a file copy on SQLite; `CREATE DATABASE … TEMPLATE …` on PostgreSQL, dropped
# after the test. STATIONDESK_TEST_DATABASE_URL names a PostgreSQL server (any database on it the
# role may connect to, e.g. postgresql+psycopg://stationdesk:stationdesk@localhost/postgres; the role
# needs CREATEDB); unset, everything runs on SQLite files.

ENV_TEST_DATABASE_URL = "STATIONDESK_TEST_DATABASE_URL"
NO_POSTGRESQL = f"no PostgreSQL configured: set {ENV_TEST_DATABASE_URL}"
SQLITE_ONLY = "about SQLite files (sqlite_only); this run uses PostgreSQL"


def postgresql_server_url() -> str | None:
    """The PostgreSQL server the tests may create databases on, or None (SQLite only)."""
    url = os.environ.get(ENV_TEST_DATABASE_URL, "").strip()
    if url and not url.startswith("postgresql"):
        raise pytest.UsageError(f"{ENV_TEST_DATABASE_URL} must name a PostgreSQL server, not {url!r}")
    return url or None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:  # `-m database`: the tests that use a database (what PostgreSQL can change)
        if "databases" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)
    if postgresql_server_url() is None:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            why = marker.kwargs.get("reason")
            item.add_marker(pytest.mark.skip(reason=f"{SQLITE_ONLY}: {why}" if why else SQLITE_ONLY))


class PostgresServer:
    """Creates and drops the tests' databases on one PostgreSQL server.

    Names carry this process's id (`sdtest_<pid>_…`), so runs side by side never meet; databases a
    killed run left behind are dropped when the next run starts. Copying a template takes a server
    a moment (its catalogs alone are 7 MB), so while a test runs the next copy of the session's
    templates are made ahead on worker threads, and databases are dropped there too.
    """

    PREFIX = "sdtest_"
    SPARES = 2  # copies of each template kept ready (a server copies two at once faster than one by one)

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, make_url
        from sqlalchemy.pool import NullPool

        self.url = make_url(url)
        self.admin = create_engine(self.url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        self._count = 0
        self._own = f"{self.PREFIX}{os.getpid()}_"
        self._templates: set[str] = set()  # built once per session; nobody ever connects to them
        self._spares: dict[str, deque[Future[str]]] = {}
        self._worker = ThreadPoolExecutor(self.SPARES, thread_name_prefix="postgresql-spares")

    def url_of(self, name: str) -> str:
        return self.url.set(database=name).render_as_string(hide_password=False)

    def new_name(self, label: str) -> str:
        self._count += 1
        return f"{self._own}{self._count}_{re.sub(r'[^a-z0-9]+', '_', label.lower())[:24]}"

    def keep_spares_of(self, url: str) -> None:
        """`url` is a session template: copies of it may be made ahead of need."""
        from sqlalchemy import make_url

        self._templates.add(str(make_url(url).database))

    def _create(self, name: str, template: str | None) -> str:
        # A new database is UTF-8 with the C collation whatever the server's default: text sorts
        # by code point and only ASCII letters have a case, as on SQLite.
        fresh = " ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"
        copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else fresh
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"{copy}')
        return self.url_of(name)

    def create(self, label: str, template: str | None = None) -> str:
        """A new database (empty, or a copy of the database `template` names): its URL."""
        if template not in self._templates:
            return self._create(self.new_name(label), template)
        spares = self._spares.setdefault(template, deque())
        url = spares.popleft().result() if spares else self._create(self.new_name(label), template)
        while len(spares) < self.SPARES:
            spares.append(self._worker.submit(self._create, self.new_name(label), template))
        return url

    def _drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop(self, url: str) -> None:
        """Drop the database at `url` (on the worker: nobody waits for it)."""
        from sqlalchemy import make_url

        self._worker.submit(self._drop, str(make_url(url).database))

    def drop_leftovers(self, *, own: bool) -> None:
        """Drop this run's databases (`own`), or those of earlier runs whose process is gone."""
        with self.admin.connect() as conn:
            names = conn.exec_driver_sql(
                "SELECT datname FROM pg_database WHERE datname LIKE %(p)s", {"p": self.PREFIX + "%"}
            ).scalars().all()
        for name in names:
            pid = name[len(self.PREFIX) :].split("_", 1)[0]
            mine = name.startswith(self._own)
            if mine if own else not mine and pid.isdigit() and not _process_alive(int(pid)):
                self._drop(name)

    def close(self) -> None:
        """Finish the worker's jobs, then drop every database this run made."""
        self._worker.shutdown(wait=True)
        self.drop_leftovers(own=True)
        self.admin.dispose()


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Databases:
    """Where this run's test databases live: SQLite files, or databases on a PostgreSQL server.

    A location is a database URL; `open` gives the app's Database over it.
    """

    server: PostgresServer | None

    @property
    def is_postgresql(self) -> bool:
        return self.server is not None

    def empty(self, folder: Path, name: str) -> str:
        """A new, empty database (no schema yet)."""
        if self.server is None:
            return sqlite_url(folder / f"{name}.sqlite")
        return self.server.create(name)

    def copy(self, source: str, folder: Path, name: str) -> str:
        """A copy of the database at `source`; nobody may be connected to it meanwhile."""
        if self.server is None:
            target = folder / f"{name}.sqlite"
            shutil.copyfile(_sqlite_file(source), target)
            return sqlite_url(target)
        from sqlalchemy import make_url

        return self.server.create(name, template=make_url(source).database)

    def discard(self, url: str) -> None:
        if self.server is not None:
            self.server.drop(url)

    def open(self, url: str) -> Database:
        return Database(make_engine(url))


def _sqlite_file(url: str) -> Path:
    return Path(url.split(":///", 1)[1])


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases]:
    url = postgresql_server_url()
    if url is None:
        yield Databases(None)
        return
    server = PostgresServer(url)
    try:
        server.drop_leftovers(own=False)
    except Exception as exc:  # a wrong URL or a server that is down: say so once, plainly
        pytest.exit(f"cannot use the PostgreSQL server in {ENV_TEST_DATABASE_URL}: {exc}", returncode=3)
    yield Databases(server)
    server.close()


def _build_template(databases: Databases, folder: Path, sample_scale: str | None) -> str:
    from stationdesk.config import Settings
    from stationdesk.services.opening import open_database

    url = databases.empty(folder, f"template_{sample_scale or 'empty'}")
    if databases.server is not None:
        databases.server.keep_spares_of(url)
    opened = open_database(Settings(database_url=url, data_dir=folder))
    if sample_scale is not None:
        from stationdesk.services.sample_data import SCALES, generate_sample

        generate_sample(opened.db, SCALES[sample_scale], seed=7, today=TODAY)
    opened.db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def empty_template(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a migrated database holding the reference data only (copy it, never open it)."""
    return _build_template(databases, tmp_path_factory.mktemp("templates"), None)


@pytest.fixture(scope="session")
def demo_template(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The URL of a database holding the demo-scale sample (copy it, never open it)."""
    return _build_template(databases, tmp_path_factory.mktemp("templates"), "demo")


@contextmanager
def copied_database(databases: Databases, source: str, folder: Path, name: str) -> Iterator[Database]:
    """The app's Database over a copy of `source`, closed and discarded afterwards."""
    url = databases.copy(source, folder, name)
    db = databases.open(url)
    try:
        yield db
    finally:
        db.dispose()
        databases.discard(url)


def _sqlite_copy(databases: Databases, template: str, target: Path) -> Path:
    if databases.is_postgresql:
        pytest.fail(f"a SQLite file was asked for on a PostgreSQL run: mark the test sqlite_only ({SQLITE_ONLY})")
    shutil.copyfile(_sqlite_file(template), target)
    return target


@pytest.fixture
def db_path(tmp_path: Path, databases: Databases, empty_template: str) -> Path:
    """A migrated, empty SQLite file (sqlite_only tests; others take `db` or `db_location`)."""
    return _sqlite_copy(databases, empty_template, tmp_path / "test.sqlite")


@pytest.fixture
def db(tmp_path: Path, databases: Databases, empty_template: str) -> Iterator[Database]:
    """A migrated, empty (reference data only) database of its own."""
    with copied_database(databases, empty_template, tmp_path, "test") as database:
        yield database


@pytest.fixture
def demo_db_path(tmp_path: Path, databases: Databases, demo_template: str) -> Path:
    """The demo sample in a SQLite file (sqlite_only tests; others take `demo_db_location`)."""
    return _sqlite_copy(databases, demo_template, tmp_path / "demo.sqlite")


@pytest.fixture
def demo_db(tmp_path: Path, databases: Databases, demo_template: str) -> Iterator[Database]:
    """A database holding the demo-scale sample (about 300 stations), of its own."""
    with copied_database(databases, demo_template, tmp_path, "demo") as database:
        yield database


DatabaseLocation = Path | str  # a SQLite file, or a server database's URL


def db_args(location: DatabaseLocation) -> list[str]:
    """The command-line options that point main.py at `location`."""
    return ["--db", str(location)] if isinstance(location, Path) else ["--db-url", location]


def location_url(location: DatabaseLocation) -> str:
    return sqlite_url(location) if isinstance(location, Path) else location


def _location(databases: Databases, template: str, folder: Path, name: str) -> Iterator[DatabaseLocation]:
    if not databases.is_postgresql:
        yield _sqlite_copy(databases, template, folder / f"{name}.sqlite")
        return
    url = databases.copy(template, folder, name)
    yield url
    databases.discard(url)


@pytest.fixture
def db_location(tmp_path: Path, databases: Databases, empty_template: str) -> Iterator[DatabaseLocation]:
    """A migrated, empty database for commands and the app to open: a SQLite file's path, or a
    PostgreSQL database's URL (see `db_args`, `location_url`)."""
    yield from _location(databases, empty_template, tmp_path, "test")


@pytest.fixture
def new_db_location(tmp_path: Path, databases: Databases) -> Iterator[DatabaseLocation]:
    """Where a new database goes: a SQLite file not made yet, or an empty server database."""
    if not databases.is_postgresql:
        yield tmp_path / "新建.sqlite"
        return
    url = databases.empty(tmp_path, "new")
    yield url
    databases.discard(url)


@pytest.fixture
def demo_db_location(tmp_path: Path, databases: Databases, demo_template: str) -> Iterator[DatabaseLocation]:
    """The demo sample for commands and the app to open: a file's path or a server database's URL."""
    yield from _location(databases, demo_template, tmp_path, "demo")


_exit_status: int | None = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    global _exit_status
    _exit_status = int(exitstatus)


def pytest_unconfigure(config: pytest.Config) -> None:
    """WORKAROUND: PySide6 6.12 can crash while Python finalises after Qt objects were used
    ("bool_dealloc: deallocating True or False", "shared QObject was deleted directly"). Every
    result is reported by now, so leave without the interpreter's final garbage collection,
    keeping pytest's exit status."""
    if _exit_status is not None and "PySide6.QtWidgets" in sys.modules:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_exit_status)


# --- Activity builders (cases, payouts, follow-ups): data made through the services -------------

CLERK = "李明"  # who enters data in the activity tests (谁录入谁负责)


class Desk:
    """Builds stations, cases, fund movements, payouts and follow-ups through the services, as a
    user would, so the tests see exactly what the application stores."""

    def __init__(self, db: Database) -> None:
        from sqlalchemy import select

        from stationdesk.services import jurisdictions
        from stationdesk.store.models import Category, GoodsCategory

        self.db = db
        self.county_id = jurisdictions.add_county(db, "320402", "天宁区", CLERK, city="常州市")
        self.other_county_id = jurisdictions.add_county(db, "320404", "钟楼区", CLERK, city="常州市")
        with db.reading() as s:
            self.category_id = s.scalar(select(Category.id).where(Category.code == "supermarket"))
            self.goods_category_ids = list(s.scalars(select(GoodsCategory.id).order_by(GoodsCategory.id)))
        self._sequence = 0

    def station(
        self,
        name: str = "红梅超市消费维权服务站",
        *,
        scheme: bool = False,
        county_id: int | None = None,
        level: str = "ordinary",
        established_on: date = date(2019, 3, 15),
    ) -> int:
        from stationdesk.domain.station_rules import StationDraft
        from stationdesk.services import stations

        self._sequence += 1
        county = county_id or self.county_id
        draft = StationDraft(
            code=f"{'320402' if county == self.county_id else '320404'}{self._sequence:04d}",
            name=name,
            category_id=self.category_id,
            county_id=county,
            host_name=f"{name}依托单位",
            first_payout_scheme=scheme,
            level=level,
            established_on=established_on,
        )
        return stations.create_station(self.db, draft, CLERK, TODAY).id

    def draft(self, station_id: int, received_on: date, **changes: Any) -> Any:
        from stationdesk.domain.case_rules import CaseDraft

        values: dict[str, Any] = {
            "station_id": station_id,
            "received_on": received_on,
            "consumer_name": "张三丰",
            "consumer_phone": "13812345678",
            "operator_name": "红梅超市生鲜柜台",
            "amount_disputed_fen": 30_000,
        }
        values.update(changes)
        if values.get("outcome") is not None and "closed_on" not in changes:
            values["closed_on"] = received_on
        return CaseDraft(**values)

    def case(self, station_id: int, received_on: date, *, actor: str = CLERK, **changes: Any) -> int:
        """A case received on `received_on`; an `outcome` without `closed_on` closes it that day."""
        from stationdesk.services import cases

        return cases.add_case(self.db, self.draft(station_id, received_on, **changes), actor, TODAY).id

    def fund(self, station_id: int, yuan: int, on: date = date(2026, 1, 5), kind: str = "deposit") -> int:
        from stationdesk.services import payouts

        return payouts.add_fund_entry(self.db, station_id, kind, on, yuan * 100, "", CLERK, TODAY)

    def payout(self, station_id: int, case_id: int, yuan: int, on: date) -> int:
        from stationdesk.domain.payout_rules import PayoutDraft
        from stationdesk.services import payouts

        return payouts.record_payout(self.db, station_id, PayoutDraft(case_id, on, yuan * 100), CLERK, TODAY).id

    def follow_up(
        self, case_id: int, on: date, satisfaction: str | None = "satisfied", *, reached: bool = True
    ) -> int:
        from stationdesk.domain.follow_up_rules import FollowUpDraft
        from stationdesk.services import follow_ups

        draft = FollowUpDraft(case_id, on, "王芳", reached, satisfaction)
        return follow_ups.add_follow_up(self.db, draft, CLERK, TODAY)

    def consultation(self, station_id: int, on: date, count: int = 1) -> int:
        from stationdesk.services import consultations

        return consultations.add_consultation(self.db, station_id, on, "预付卡退费", "当场解答", "王芳", count, CLERK, TODAY)

    def count(self, model: Any) -> int:
        from sqlalchemy import func, select

        with self.db.reading() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def desk(db: Database) -> Desk:
    """An empty database with two counties, ready for stations and their activity."""
    return Desk(db)


@pytest.fixture(scope="module")
def module_desk(
    tmp_path_factory: pytest.TempPathFactory, databases: Databases, empty_template: str
) -> Iterator[Desk]:
    """A Desk on a database shared by one module's tests: build a read-only fixture once."""
    with copied_database(databases, empty_template, tmp_path_factory.mktemp("module"), "activity") as db:
        yield Desk(db)


# --- Real PDF clients: poppler's pdffonts, pdftotext and pdfinfo ----------------------------------
# Where poppler-utils is missing the PDF checks skip with the reason; `.ci/run` installs it and sets
# STATIONDESK_REQUIRE_POPPLER=1, so in CI a missing client fails instead of skipping.


@dataclass(frozen=True)
class Poppler:
    def text(self, pdf: Path, *, layout: bool = False, first: int | None = None, last: int | None = None) -> str:
        args = ["pdftotext", "-enc", "UTF-8"]
        if layout:
            args.append("-layout")
        if first is not None:
            args += ["-f", str(first)]
        if last is not None:
            args += ["-l", str(last)]
        return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout

    def fonts(self, pdf: Path) -> list[dict[str, str]]:
        """pdffonts' table: one dict per font with name, type, emb (yes/no), sub (yes/no), uni."""
        out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
        rows = []
        for line in out.splitlines()[2:]:
            parts = line.split()
            # name type [type...] encoding emb sub uni object ID: the last five are fixed.
            rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
        return rows

    def images(self, pdf: Path) -> list[tuple[int, int]]:
        """pdfimages' list: (width, height) in pixels of each image drawn."""
        out = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
        return [(int(line.split()[3]), int(line.split()[4])) for line in out.splitlines()[2:] if line.strip()]

    def pages(self, pdf: Path) -> int:
        out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
        assert match, out
        return int(match.group(1))

    def page_size(self, pdf: Path) -> tuple[float, float]:
        out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        match = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", out, re.MULTILINE)
        assert match, out
        return float(match.group(1)), float(match.group(2))


@pytest.fixture(scope="session")
def poppler() -> Poppler:
    missing = [tool for tool in ("pdffonts", "pdftotext", "pdfinfo") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("STATIONDESK_REQUIRE_POPPLER"):
            pytest.fail(f"poppler-utils required but missing: {missing}")
        pytest.skip(f"poppler-utils not installed ({', '.join(missing)}); .ci/run installs it")
    return Poppler()


# --- Accounts -----------------------------------------------------------------------------------

ADMIN = "管理员"
PASSWORD = "zhan2026dian"


@pytest.fixture(autouse=True)
def _quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real Argon2id, at a small cost (the app's default takes ~0.3 s a hash on this machine)."""
    from argon2 import PasswordHasher

    from stationdesk.services import accounts

    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    monkeypatch.setattr(accounts, "_unknown_failures", {})


def account(db: Database, username: str, role: str, county_id: int | None = None) -> str:
    """An account made through the services (the administrator `ADMIN` first, if there is
    none yet); returns the name to act as."""
    from stationdesk.domain.vocabulary import Role
    from stationdesk.services import accounts

    if not accounts.has_accounts(db):
        accounts.create_first_administrator(db, accounts.AccountDraft(ADMIN, "王局长", Role.ADMIN), PASSWORD)
    if username != ADMIN:
        draft = accounts.AccountDraft(username, username, Role(role), county_id)
        accounts.create_account(db, draft, PASSWORD, ADMIN)
    return username


def drop_audit_triggers(db: Database) -> None:
    """Lift the database's refusal to change audit rows, as someone working outside the app
    could: for the tests that show such a change is then found."""
    with db.engine.begin() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_update")
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")


LOCK_HOLDER = """
import sys
from pathlib import Path
from stationdesk.config import Settings, sqlite_url
from stationdesk.services.opening import open_database
path = Path(sys.argv[1])
opened = open_database(Settings(sqlite_url(path), path.parent / "userdata"))
print("open", flush=True)
sys.stdin.readline()
"""
"""A program that opens the SQLite file named by its argument (taking its lock), says "open", and
holds it until a line arrives on its stdin: the other running instance of the lock tests."""
