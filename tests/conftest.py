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
from collections.abc import Iterator
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


def _build_template(path: Path, sample_scale: str | None) -> Path:
    from stationdesk.config import Settings
    from stationdesk.services.opening import open_database

    opened = open_database(Settings(database_url=sqlite_url(path), data_dir=path.parent))
    if sample_scale is not None:
        from stationdesk.services.sample_data import SCALES, generate_sample

        generate_sample(opened.db, SCALES[sample_scale], seed=7, today=TODAY)
    opened.db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_template(tmp_path_factory.mktemp("templates") / "empty.sqlite", None)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build_template(tmp_path_factory.mktemp("templates") / "demo.sqlite", "demo")


def _copy_db(template: Path, target: Path) -> Iterator[Database]:
    shutil.copyfile(template, target)
    db = Database(make_engine(sqlite_url(target)))
    yield db
    db.dispose()


@pytest.fixture
def db_path(tmp_path: Path, empty_template: Path) -> Path:
    target = tmp_path / "test.sqlite"
    shutil.copyfile(empty_template, target)
    return target


@pytest.fixture
def db(tmp_path: Path, empty_template: Path) -> Iterator[Database]:
    """A migrated, empty (reference data only) database in its own file."""
    yield from _copy_db(empty_template, tmp_path / "test.sqlite")


@pytest.fixture
def demo_db_path(tmp_path: Path, demo_template: Path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Iterator[Database]:
    """A database holding the demo-scale sample (about 300 stations), in its own file."""
    yield from _copy_db(demo_template, tmp_path / "demo.sqlite")


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
            established_on=date(2019, 3, 15),
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
def module_desk(tmp_path_factory: pytest.TempPathFactory, empty_template: Path) -> Iterator[Desk]:
    """A Desk on a database shared by one module's tests: build a read-only fixture once."""
    target = tmp_path_factory.mktemp("module") / "activity.sqlite"
    shutil.copyfile(empty_template, target)
    db = Database(make_engine(sqlite_url(target)))
    yield Desk(db)
    db.dispose()


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
