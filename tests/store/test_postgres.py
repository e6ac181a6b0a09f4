"""PostgreSQL: the app opens, migrates and fills a server database, and two PCs saving at once
get the same conflict message as on SQLite.

The PostgreSQL cases need a server: STATIONDESK_TEST_DATABASE_URL (see tests/conftest.py; `.ci/run`
starts one). Without it they skip, saying so; the SQLite half of each comparison still runs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from stationdesk.config import Settings, sqlite_url
from stationdesk.domain.case_rules import CaseDraft
from stationdesk.domain.categories import DEFAULT_CATEGORIES
from stationdesk.domain.payout_rules import PayoutDraft
from stationdesk.domain.station_rules import StationDraft
from stationdesk.errors import ConflictError, EnvironmentProblem, ValidationFailed
from stationdesk.services import cases, payouts, register, stations
from stationdesk.services.checking import check_database
from stationdesk.services.opening import open_database
from stationdesk.services.sample_data import SampleScale, generate_sample
from stationdesk.store.case_queries import CaseFilter
from stationdesk.store.database import Database
from stationdesk.store.figures import county_figures, station_case_counts
from stationdesk.store.migrate import head_revision
from stationdesk.store.models import Base, Category, County, Station
from stationdesk.store.report_queries import fund_balances
from stationdesk.store.station_queries import StationFilter
from tests.conftest import NO_POSTGRESQL, TODAY, Databases, Desk, copied_database

SMALL = SampleScale("test", counties=3, stations=40, cases=3_000, years=3)
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture
def server(databases: Databases) -> Databases:
    """This run's databases when they are on a PostgreSQL server; else the test skips, saying so."""
    if not databases.is_postgresql:
        pytest.skip(NO_POSTGRESQL)
    return databases


@contextmanager
def sqlite_database(folder: Path, name: str) -> Iterator[Database]:
    """A new SQLite file opened as the app opens it (migrated, reference data seeded)."""
    opened = open_database(Settings(database_url=sqlite_url(folder / f"{name}.sqlite"), data_dir=folder))
    try:
        yield opened.db
    finally:
        opened.db.dispose()


@pytest.fixture(params=BACKENDS)
def either_db(request: pytest.FixtureRequest, tmp_path: Path, databases: Databases) -> Iterator[Database]:
    """A migrated, empty database on each backend in turn, whichever this run's fixtures use."""
    if request.param == "sqlite" and databases.is_postgresql:
        with sqlite_database(tmp_path, "either") as db:
            yield db
        return
    if request.param == "postgresql" and not databases.is_postgresql:
        pytest.skip(NO_POSTGRESQL)
    template = request.getfixturevalue("empty_template")
    with copied_database(databases, template, tmp_path, "either") as db:
        yield db


# --- Optimistic locking: the second save is a conflict, never a lost update ----------------------


def test_two_users_editing_one_station_the_second_save_is_a_conflict(either_db: Database) -> None:
    desk = Desk(either_db)
    station_id = desk.station()
    mine = stations.get_station(either_db, station_id)  # two PCs open the same station
    theirs = stations.get_station(either_db, station_id)
    saved = stations.update_station(
        either_db, station_id, replace(theirs.draft, contact_person="王芳"), theirs.version, "王芳", TODAY
    )
    with pytest.raises(stations.StationConflict) as clash:
        stations.update_station(
            either_db, station_id, replace(mine.draft, contact_person="李明"), mine.version, "李明", TODAY
        )
    assert isinstance(clash.value, ConflictError)  # what the station page turns into ConflictDialog
    assert (clash.value.theirs.version, clash.value.theirs.updated_by) == (saved.version, "王芳")
    assert clash.value.theirs.draft.contact_person == "王芳"
    now = stations.get_station(either_db, station_id)
    assert (now.draft.contact_person, now.version) == ("王芳", saved.version)


def test_two_users_editing_one_case_the_second_save_is_a_conflict(either_db: Database) -> None:
    desk = Desk(either_db)
    case_id = desk.case(desk.station(), date(2026, 11, 2))
    mine, theirs = cases.get_case(either_db, case_id), cases.get_case(either_db, case_id)
    cases.update_case(either_db, case_id, replace(theirs.draft, notes="已电话联系"), theirs.version, "王芳", TODAY)
    with pytest.raises(cases.CaseConflict):
        cases.update_case(either_db, case_id, replace(mine.draft, notes="待联系"), mine.version, "李明", TODAY)
    assert cases.get_case(either_db, case_id).draft.notes == "已电话联系"


def _waiting_writer(db: Database) -> Callable[[], bool]:
    """Whether another connection is waiting for the writer's turn (PostgreSQL shows its waits;
    SQLite's busy wait cannot be seen, so there we just give the thread time to get there)."""
    if db.is_sqlite:
        started = time.monotonic()
        return lambda: time.monotonic() - started > 0.5

    def waiting() -> bool:
        with db.engine.connect() as conn:
            return bool(conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )).scalar())  # fmt: skip

    return waiting


def _wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the second save never started waiting"
        time.sleep(0.02)


def test_saves_at_the_same_moment_one_wins_and_the_other_is_a_conflict(either_db: Database) -> None:
    """The second PC saves while the first one's transaction is still open: it waits, then finds
    the new version and gets the conflict (on PostgreSQL too: not a StaleDataError at the UPDATE)."""
    desk = Desk(either_db)
    station_id = desk.station()
    opened = stations.get_station(either_db, station_id)
    outcome: list[Any] = []

    def second_pc() -> None:
        try:
            outcome.append(stations.update_station(
                either_db, station_id, replace(opened.draft, address="钟楼区延陵西路2号"), opened.version, "李明", TODAY
            ))  # fmt: skip
        except Exception as exc:  # the assertion below names what came back
            outcome.append(exc)

    thread = threading.Thread(target=second_pc)
    with either_db.writing() as session:
        stations.change_station(
            session, station_id, replace(opened.draft, address="天宁区红梅路1号"), opened.version, "王芳", TODAY
        )
        session.flush()
        thread.start()
        _wait_for(_waiting_writer(either_db))
    thread.join(timeout=60)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], stations.StationConflict), outcome
    assert outcome[0].theirs.draft.address == "天宁区红梅路1号"
    assert stations.get_station(either_db, station_id).draft.address == "天宁区红梅路1号"


def test_two_payouts_at_once_never_overdraw_the_fund(either_db: Database) -> None:
    desk = Desk(either_db)
    station_id = desk.station(scheme=True)
    desk.fund(station_id, 1_000)
    case_ids = [desk.case(station_id, date(2026, 11, day), outcome="success", payout_eligible=True) for day in (2, 3)]
    results: list[Any] = []
    go = threading.Barrier(2)

    def pay(case_id: int) -> None:
        go.wait()
        try:
            results.append(payouts.record_payout(
                either_db, station_id, PayoutDraft(case_id, date(2026, 11, 20), 80_000), "王芳", TODAY
            ))  # fmt: skip
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=pay, args=(case_id,)) for case_id in case_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    paid = [r for r in results if isinstance(r, payouts.SavedPayout)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert (len(paid), len(refused)) == (1, 1), results
    assert paid[0].balance_fen == 20_000


# --- Text search and sorting: the same rows in the same order on both -------------------------------------------------------


def test_searching_ignores_the_case_of_latin_letters_on_both(either_db: Database) -> None:
    """SQLite's LIKE ignores ASCII case; on PostgreSQL the app asks for ILIKE to match the same."""
    desk = Desk(either_db)
    kfc = desk.station("KFC红梅店消费维权服务站")
    desk.station("红梅超市消费维权服务站")
    case_id = desk.case(kfc, date(2026, 11, 2), platform_ref="GD20261102001")
    for typed in ("kfc", "KFC", "Kfc红梅"):
        assert register.list_station_ids(either_db, StationFilter(text=typed)) == [kfc], typed
    assert cases.list_case_ids(either_db, CaseFilter(text="gd2026110")) == [case_id]
    assert register.list_station_ids(either_db, StationFilter(text="k_c")) == []  # _ is not a wildcard


def test_open_cases_sort_before_closed_ones_by_closing_date_on_both(either_db: Database) -> None:
    """SQLite puts NULLs first ascending; the app asks PostgreSQL for the same."""
    desk = Desk(either_db)
    station = desk.station()
    closed = desk.case(station, date(2026, 11, 2), outcome="success", closed_on=date(2026, 11, 5))
    still_open = desk.case(station, date(2026, 11, 3))
    earlier = desk.case(station, date(2026, 10, 2), outcome="failure", closed_on=date(2026, 10, 9))
    every = CaseFilter()
    assert cases.list_case_ids(either_db, every, "closed_on", descending=False) == [still_open, earlier, closed]
    assert cases.list_case_ids(either_db, every, "closed_on", descending=True) == [closed, earlier, still_open]


def test_sums_of_money_beyond_21_million_yuan_add_up_on_both(either_db: Database) -> None:
    """A single case may be up to 1亿元 and a county's year adds up many: the sums are 64-bit on
    PostgreSQL too (INTEGER there stops at 2^31 fen, about 2147万元)."""
    desk = Desk(either_db)
    station = desk.station(scheme=True)
    big = 3_000_000_000  # 3000万元 in fen
    desk.case(station, date(2026, 3, 2), outcome="success", amount_disputed_fen=big, amount_recovered_fen=big)
    desk.case(station, date(2026, 4, 2), outcome="success", amount_disputed_fen=big, amount_recovered_fen=big)
    desk.fund(station, 30_000_000)  # 3000万元
    desk.fund(station, 10_000_000, kind="top_up")
    with either_db.reading() as session:
        counts = station_case_counts(session, date(2026, 1, 1), date(2026, 12, 31))[station]
        _stations, county = county_figures(session, date(2026, 1, 1), date(2026, 12, 31))[desk.county_id]
        balances = fund_balances(session, [station], date(2026, 12, 31))
    assert counts.recovered_fen == county.recovered_fen == 2 * big
    assert payouts.fund_balance(either_db, station) == balances[station] == 4_000_000_000


# --- A new server database: opened, migrated, seeded, checked -----------------------------------


def test_the_app_opens_a_new_postgresql_database_at_the_current_schema(server: Databases, tmp_path: Path) -> None:
    url = server.empty(tmp_path, "fresh")
    settings = Settings(database_url=url, data_dir=tmp_path)
    try:
        opened = open_database(settings)
        assert (opened.migration.before, opened.migration.after) == (None, head_revision(opened.db.engine))
        assert opened.migration.backup is None and opened.station_count == 0
        with opened.db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with opened.db.reading() as session:
            assert len(session.scalars(select(Category)).all()) == len(DEFAULT_CATEGORIES)
        report = check_database(opened.db, settings.display_location())
        assert report.ok and report.backend == "postgresql" and report.schema_version == report.schema_head
        assert "stationdesk:" not in report.location  # no password shown
        opened.db.dispose()
        again = open_database(settings)  # a second PC opening it changes nothing
        assert not again.migration.changed
        with again.db.reading() as session:
            assert len(session.scalars(select(Category)).all()) == len(DEFAULT_CATEGORIES)
        again.db.dispose()
    finally:
        server.discard(url)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"password": "not-the-password"}, "用户名或密码"), ({"database": "sdtest_no_such_database"}, "没有连接串所写的数据库")],
)
def test_a_wrong_password_or_database_name_is_told_plainly(
    server: Databases, tmp_path: Path, change: dict[str, str], message: str
) -> None:
    assert server.server is not None
    url = server.server.url.set(**change).render_as_string(hide_password=False)
    with pytest.raises(EnvironmentProblem, match=message):
        open_database(Settings(database_url=url, data_dir=tmp_path))


def test_codes_are_text_and_dates_are_dates_on_postgresql(server: Databases, tmp_path: Path, db: Database) -> None:
    desk = Desk(db)
    case_id = desk.case(desk.station(), date(2026, 11, 2), channel="platform", outcome="success")
    with db.engine.connect() as conn:
        row = conn.execute(
            text("SELECT channel, outcome, deadline_rule, received_on, created_at FROM mediation_case WHERE id = :id"),
            {"id": case_id},
        ).one()
    assert tuple(row[:3]) == ("platform", "success", "provincial")
    assert row[3] == date(2026, 11, 2) and isinstance(row[4], datetime)


# --- The sample generator: the same sample on both databases ------------------------------------


# Opening the database seeds these with the clock's time, not the sample's.
SEEDED_AT_OPENING = {"category", "goods_category"}


def _every_row(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as the app reads them (typed columns), in primary-key order."""
    found = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns
                       if table.name not in SEEDED_AT_OPENING or c.name not in ("created_at", "updated_at")]  # fmt: skip
            query = select(*columns).order_by(*table.primary_key.columns)
            found[table.name] = [tuple(row) for row in conn.execute(query)]
    return found


def test_the_sample_on_postgresql_is_the_sample_on_sqlite(server: Databases, tmp_path: Path) -> None:
    url = server.empty(tmp_path, "sample")
    on_pg = open_database(Settings(database_url=url, data_dir=tmp_path)).db
    try:
        pg_summary = generate_sample(on_pg, SMALL, seed=11, today=TODAY)
        with sqlite_database(tmp_path, "sample") as on_sqlite:
            sqlite_summary = generate_sample(on_sqlite, SMALL, seed=11, today=TODAY)
            expected = _every_row(on_sqlite)
        found = _every_row(on_pg)
        assert pg_summary.counts == sqlite_summary.counts
        for table, rows in expected.items():
            assert len(found[table]) == len(rows), table
            if table == "audit_log":  # the moment written (and so the chain's hash) is the clock's
                rows, found[table] = [r[:1] + r[2:-1] for r in rows], [r[:1] + r[2:-1] for r in found[table]]
            assert found[table] == rows, table
        # The ids the sample used are behind the sequences: the app goes on adding rows as usual.
        with on_pg.reading() as session:
            county_id, county_code, category_id = session.execute(
                select(Station.county_id, County.code, Station.category_id).join(County).limit(1)
            ).one()
        draft = StationDraft(code=f"{county_code}9999", name="示例后新建的消费维权服务站", category_id=category_id,
                             county_id=county_id, host_name="新建依托单位", established_on=date(2026, 1, 5))  # fmt: skip
        station_id = stations.create_station(on_pg, draft, "王芳", TODAY).id
        case = CaseDraft(station_id=station_id, received_on=date(2026, 11, 20), consumer_name="张三丰",
                         consumer_phone="13812345678", operator_name="红梅超市", amount_disputed_fen=30_000)  # fmt: skip
        case_id = cases.add_case(on_pg, case, "王芳", TODAY).id
        assert station_id > max(r[0] for r in expected["station"])
        assert case_id > max(r[0] for r in expected["mediation_case"])
    finally:
        on_pg.dispose()
        server.discard(url)
