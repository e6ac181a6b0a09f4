"""The sample-data generator: realistic, consistent, deterministic, and safe to cancel."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from stationdesk.config import sqlite_url
from stationdesk.domain.categories import DEFAULT_CATEGORIES, DEFAULT_GOODS_CATEGORIES
from stationdesk.domain.credit_code import validate_credit_code
from stationdesk.domain.deadlines import DEADLINE_RULES
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, Satisfaction
from stationdesk.services import sample_words as W
from stationdesk.services.sample_data import (
    SCALES,
    SampleDataRefused,
    SampleGenerationCancelled,
    SampleScale,
    SampleSummary,
    generate_sample,
)
from stationdesk.store.database import Database, make_engine
from stationdesk.store.migrate import upgrade_to_head
from stationdesk.store.models import FollowUp, MediationCase
from stationdesk.store.types import code_converter, day_to_int, int_to_day, stamp_to_int
from tests.conftest import Databases

TODAY = date(2026, 11, 24)
DAY = day_to_int(TODAY)  # on SQLite a date column holds the integer YYYYMMDD
# On SQLite a code column holds the code's position in its vocabulary; raw SQL compares those.
SUCCESS = code_converter(MediationCase.outcome, "sqlite")(CaseOutcome.SUCCESS)
PLATFORM = code_converter(MediationCase.channel, "sqlite")(CaseChannel.PLATFORM)
PROVINCIAL = code_converter(MediationCase.deadline_rule, "sqlite")("provincial")
SMALL = SampleScale("test", counties=3, stations=40, cases=3_000, years=3)
BEIJING = 8 * 3600
# Who-columns of the business records, entered by the county bureaus' staff: table -> (columns,
# the expression giving the row's station, the join that reaches it).
BUSINESS_WHO: dict[str, tuple[tuple[str, ...], str, str]] = {
    "station": (("created_by", "updated_by"), "t.id", ""),
    "mediation_case": (("created_by", "updated_by"), "t.station_id", ""),
    "follow_up": (
        ("visitor", "created_by", "updated_by"),
        "m.station_id",
        "JOIN mediation_case m ON m.id = t.case_id",
    ),
    "consultation": (("created_by", "updated_by"), "t.station_id", ""),
    "first_payout": (("created_by", "updated_by"), "t.station_id", ""),
    "fund_entry": (("created_by", "updated_by"), "t.station_id", ""),
    "site_check": (("inspector", "created_by", "updated_by"), "t.station_id", ""),
    "status_history": (("person",), "t.station_id", ""),
}


def _fresh(url: str) -> Database:
    engine = make_engine(url)
    upgrade_to_head(engine)
    return Database(engine)


def _rows(db: Database, sql: str) -> list[Any]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.exec_driver_sql(sql)]


def _scalar(db: Database, sql: str) -> Any:
    return _rows(db, sql)[0][0]


def _cache_size(db: Database) -> Any:
    """SQLite's page cache of a pooled connection (the generator enlarges it while loading)."""
    return _scalar(db, "PRAGMA cache_size") if db.is_sqlite else None


def _insert(db: Database, sql: str) -> None:
    """A row as another program would have written it, stamped 2025-01-02 03:04:05 (`:stamp`)."""
    stamp = datetime(2025, 1, 2, 3, 4, 5)
    with db.engine.begin() as conn:
        conn.execute(text(sql), {"stamp": stamp_to_int(stamp) if db.is_sqlite else stamp, "yes": True})


@pytest.fixture
def make_db(tmp_path: Path, databases: Databases) -> Iterator[Callable[[str], Database]]:
    """New migrated databases: SQLite files, or PostgreSQL databases on a PostgreSQL run."""
    made: list[tuple[str, Database]] = []

    def make(name: str = "t.sqlite") -> Database:
        url = databases.empty(tmp_path, name.removesuffix(".sqlite"))
        made.append((url, _fresh(url)))
        return made[-1][1]

    yield make
    for url, db in made:
        db.dispose()
        databases.discard(url)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, SampleSummary, list[Any]]]:
    """The demo sample in a SQLite file: the tests on it read SQLite's stored values in raw SQL
    (dates as YYYYMMDD, codes as positions); tests/store/test_postgres.py checks the sample on
    PostgreSQL row by row against this one."""
    db = _fresh(sqlite_url(tmp_path_factory.mktemp("demo") / "demo.sqlite"))
    calls: list[Any] = []
    summary = generate_sample(db, SCALES["demo"], today=TODAY, progress=lambda *args: calls.append(args))
    yield db, summary, calls
    db.dispose()


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_demo_counts_match_the_scale(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    db, summary, _calls = demo
    scale = SCALES["demo"]
    assert summary.counts["county"] == _scalar(db, "SELECT COUNT(*) FROM county") == scale.counties
    assert summary.counts["station"] == _scalar(db, "SELECT COUNT(*) FROM station") == scale.stations
    assert (
        summary.counts["mediation_case"] == _scalar(db, "SELECT COUNT(*) FROM mediation_case") == scale.cases
    )
    for table in (
        "street",
        "office",
        "status_history",
        "follow_up",
        "consultation",
        "first_payout",
        "fund_entry",
        "site_check",
    ):
        assert summary.counts[table] == _scalar(db, f"SELECT COUNT(*) FROM {table}") > 0, table
    assert _scalar(db, "SELECT COUNT(*) FROM category") == len(DEFAULT_CATEGORIES)
    assert (
        summary.counts["goods_category"]
        == _scalar(db, "SELECT COUNT(*) FROM goods_category")
        == len(DEFAULT_GOODS_CATEGORIES)
    )
    assert summary.seconds > 0


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_demo_is_changzhou_with_real_division_codes(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    db = demo[0]
    counties = _rows(db, "SELECT code, name, city FROM county ORDER BY code")
    assert counties == [
        ("320402", "天宁区", "常州市"),
        ("320404", "钟楼区", "常州市"),
        ("320411", "新北区", "常州市"),
        ("320412", "武进区", "常州市"),
        ("320413", "金坛区", "常州市"),
        ("320481", "溧阳市", "常州市"),
    ]
    offices = {name for (name,) in _rows(db, "SELECT name FROM office")}
    assert "天宁区市场监督管理局红梅市场监管所" in offices


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_station_codes_are_unique_and_start_with_their_county_code(
    demo: tuple[Database, SampleSummary, list[Any]],
) -> None:
    rows = _rows(demo[0], "SELECT s.code, c.code FROM station s JOIN county c ON c.id = s.county_id")
    codes = [code for code, _county in rows]
    assert len(set(codes)) == len(codes)
    assert all(code.startswith(county) and len(code) == 10 and code[6:].isdigit() for code, county in rows)


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_every_host_identifier_is_valid_and_belongs_to_its_county(
    demo: tuple[Database, SampleSummary, list[Any]],
) -> None:
    rows = _rows(
        demo[0],
        "SELECT s.host_credit_code, c.code, k.code FROM station s "
        "JOIN county c ON c.id = s.county_id JOIN category k ON k.id = s.category_id",
    )
    assert all(validate_credit_code(code) is None for code, _county, _cat in rows)
    credit = [(code, county, cat) for code, county, cat in rows if len(code) == 18]
    legacy = [code for code, _county, _cat in rows if len(code) == 15]
    assert legacy and len(legacy) < 0.1 * len(rows)  # a few hosts still carry a 15-digit 注册号
    assert all(code[2:8] == county for code, county, _cat in credit)
    assert all(
        code[0] == ("5" if cat in ("association", "chamber") else "9") for code, _county, cat in credit
    )


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_march_and_november_are_busier_than_the_median_month(
    demo: tuple[Database, SampleSummary, list[Any]],
) -> None:
    by_month = dict(_rows(demo[0], "SELECT received_on / 100 % 100, COUNT(*) FROM mediation_case GROUP BY 1"))
    assert sorted(by_month) == list(range(1, 13))
    median = statistics.median(by_month.values())
    assert by_month[3] > median and by_month[11] > median


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_some_running_stations_have_gone_quiet(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    year_ago = day_to_int(TODAY - timedelta(days=365))
    quiet = _scalar(
        demo[0],
        f"""
        SELECT COUNT(*) FROM station s WHERE s.status = 'active'
        AND EXISTS (SELECT 1 FROM mediation_case m WHERE m.station_id = s.id)
        AND NOT EXISTS (SELECT 1 FROM mediation_case m WHERE m.station_id = s.id AND m.received_on >= {year_ago})
        AND NOT EXISTS (SELECT 1 FROM consultation c WHERE c.station_id = s.id AND c.consulted_on >= {year_ago})""",
    )
    assert 0.03 * SCALES["demo"].stations <= quiet <= 0.15 * SCALES["demo"].stations


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_register_shares_look_like_a_real_roster(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    db = demo[0]
    n = SCALES["demo"].stations
    levels = dict(_rows(db, "SELECT level, COUNT(*) FROM station GROUP BY level"))
    assert 0.05 <= (levels.get("municipal", 0) + levels.get("provincial", 0)) / n <= 0.15
    statuses = dict(_rows(db, "SELECT status, COUNT(*) FROM station GROUP BY status"))
    assert 0 < statuses["removed"] < 0.1 * n
    removed = _rows(db, "SELECT status_changed_on, status_reason FROM station WHERE status = 'removed'")
    assert all(changed and reason for changed, reason in removed)
    # Every station has its creation in the history; removals are recorded too.
    assert _scalar(db, "SELECT COUNT(DISTINCT station_id) FROM status_history WHERE kind = 'created'") == n
    assert (
        _scalar(db, "SELECT COUNT(*) FROM status_history WHERE new_value = 'removed'") == statuses["removed"]
    )
    assert _scalar(db, "SELECT COUNT(*) FROM station WHERE plaque_on < established_on") == 0
    # The first-payout scheme: every provincial station runs it and has its deposit.
    assert (
        _scalar(db, "SELECT COUNT(*) FROM station WHERE level = 'provincial' AND NOT first_payout_scheme")
        == 0
    )
    assert (
        _scalar(
            db,
            """SELECT COUNT(*) FROM station s WHERE first_payout_scheme AND NOT EXISTS
        (SELECT 1 FROM fund_entry f WHERE f.station_id = s.id AND f.kind = 'deposit'
         AND f.amount_fen = s.fund_committed_fen)""",
        )
        == 0
    )


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_cases_are_consistent(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    db = demo[0]
    n = SCALES["demo"].cases
    assert _scalar(db, "SELECT MAX(received_on) FROM mediation_case") <= DAY
    assert _scalar(db, "SELECT COUNT(*) FROM mediation_case WHERE closed_on < received_on") == 0
    assert (
        _scalar(db, "SELECT COUNT(*) FROM mediation_case WHERE (outcome IS NULL) != (closed_on IS NULL)") == 0
    )
    assert (
        _scalar(db, "SELECT COUNT(*) FROM mediation_case WHERE due_on IS NULL OR due_on <= received_on") == 0
    )
    assert _rows(db, "SELECT DISTINCT deadline_rule FROM mediation_case") == [(PROVINCIAL,)]
    with db.reading() as session:
        assert set(session.scalars(select(MediationCase.deadline_rule).distinct())) == {"provincial"}
    assert "provincial" in DEADLINE_RULES
    open_share = _scalar(db, "SELECT COUNT(*) FROM mediation_case WHERE outcome IS NULL") / n
    assert 0.005 < open_share < 0.05
    success = _scalar(db, f"SELECT COUNT(*) FROM mediation_case WHERE outcome = {SUCCESS}") / n
    assert 0.7 < success < 0.9
    on_time = _scalar(db, "SELECT AVG(closed_on <= due_on) FROM mediation_case WHERE closed_on IS NOT NULL")
    assert 0.85 < on_time < 0.99
    assert (
        _scalar(
            db,
            f"SELECT COUNT(*) FROM mediation_case WHERE outcome != {SUCCESS} AND amount_recovered_fen != 0",
        )
        == 0
    )
    assert _scalar(db, "SELECT COUNT(*) FROM mediation_case WHERE version != 1 OR notes != ''") == 0
    # Follow-ups only on closed cases, after closing; first payouts only on successful ones.
    assert (
        _scalar(
            db,
            "SELECT COUNT(*) FROM follow_up f JOIN mediation_case m ON m.id = f.case_id "
            "WHERE m.closed_on IS NULL OR f.visited_on < m.closed_on",
        )
        == 0
    )
    assert (
        _scalar(
            db,
            "SELECT COUNT(*) FROM first_payout p JOIN mediation_case m ON m.id = p.case_id "
            f"WHERE m.outcome != {SUCCESS} OR NOT m.first_payout",
        )
        == 0
    )
    assert _rows(db, "PRAGMA foreign_key_check") == []


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_platform_cases_carry_a_12315_work_order_number(
    demo: tuple[Database, SampleSummary, list[Any]],
) -> None:
    db = demo[0]
    refs = _rows(db, f"SELECT platform_ref, received_on FROM mediation_case WHERE channel = {PLATFORM}")
    assert len(refs) > 0.05 * SCALES["demo"].cases
    assert all(
        ref.startswith(f"JS{received}") and len(ref) <= 16 and ref[2:].isdigit() for ref, received in refs
    )
    assert len({ref for ref, _received in refs}) == len(refs)
    assert (
        _scalar(
            db,
            f"SELECT COUNT(*) FROM mediation_case WHERE channel != {PLATFORM} AND platform_ref IS NOT NULL",
        )
        == 0
    )


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_dates_and_times_are_stored_compactly_and_read_back(
    demo: tuple[Database, SampleSummary, list[Any]],
) -> None:
    db = demo[0]
    types = _rows(
        db,
        "SELECT DISTINCT typeof(received_on), typeof(due_on), typeof(created_at), typeof(updated_at) "
        "FROM mediation_case",
    )
    assert types == [("integer", "integer", "integer", "integer")]
    # Entered on the day of receipt (and closed on the day of closing) during Beijing office hours.
    assert (
        _scalar(
            db,
            f"""SELECT COUNT(*) FROM mediation_case WHERE
        CAST(strftime('%Y%m%d', created_at + {BEIJING}, 'unixepoch') AS INTEGER) != received_on
        OR (closed_on IS NOT NULL
            AND CAST(strftime('%Y%m%d', updated_at + {BEIJING}, 'unixepoch') AS INTEGER) != closed_on)
        OR updated_at < created_at
        OR (created_at + {BEIJING}) % 86400 NOT BETWEEN 8.5 * 3600 AND 17.5 * 3600""",
        )
        == 0
    )
    assert _scalar(db, "SELECT COUNT(DISTINCT created_at % 86400) FROM mediation_case") > 1000
    with db.reading() as session:
        case = session.get(MediationCase, 1)
        assert case is not None
        assert isinstance(case.received_on, date) and isinstance(case.created_at, datetime)
        assert day_to_int(case.received_on) == _scalar(
            db, "SELECT received_on FROM mediation_case WHERE id = 1"
        )
        local = case.created_at.replace(tzinfo=UTC) + timedelta(hours=8)
        assert local.date() == case.received_on and 8 <= local.hour <= 17
        assert stamp_to_int(case.created_at) == _scalar(
            db, "SELECT created_at FROM mediation_case WHERE id = 1"
        )


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_codes_and_goods_categories_are_stored_as_small_integers_and_read_back(
    demo: tuple[Database, SampleSummary, list[Any]],
) -> None:
    db = demo[0]
    types = _rows(
        db,
        "SELECT DISTINCT typeof(channel), typeof(handling), typeof(deadline_rule), typeof(goods_category_id) "
        "FROM mediation_case",
    )
    assert types == [("integer", "integer", "integer", "integer")]
    for table, column in (("mediation_case", "outcome"), ("follow_up", "satisfaction")):  # NULL: none yet
        assert set(_rows(db, f"SELECT DISTINCT typeof({column}) FROM {table}")) == {("integer",), ("null",)}
    # Every code the generator writes, and nothing else, as positions of the column's vocabulary.
    for table, column, vocabulary in (
        ("mediation_case", "channel", CaseChannel),
        ("mediation_case", "handling", CaseHandling),
        ("mediation_case", "outcome", CaseOutcome),
        ("follow_up", "satisfaction", Satisfaction),
    ):
        stored = _rows(db, f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL")
        assert {v for (v,) in stored} == set(range(len(vocabulary))), column
    # Goods categories: every case points at one the stations' hosts are complained about.
    names = dict(_rows(db, "SELECT id, name FROM goods_category"))
    used = {names[g] for (g,) in _rows(db, "SELECT DISTINCT goods_category_id FROM mediation_case")}
    assert used == set(W.GOODS) and set(W.GOODS) <= set(DEFAULT_GOODS_CATEGORIES)
    with db.reading() as session:
        case = session.scalars(
            select(MediationCase).where(MediationCase.channel == CaseChannel.PLATFORM.value).limit(1)
        ).one()
        assert case.channel == "platform" and case.platform_ref
        assert case.handling in set(CaseHandling) and case.deadline_rule == "provincial"
        assert case.goods_category is not None and case.goods_category.name in W.GOODS
        moods = set(session.scalars(select(FollowUp.satisfaction).distinct()))
        assert moods == {None, *Satisfaction}
        successful = session.scalar(
            select(MediationCase.id).where(MediationCase.outcome == CaseOutcome.SUCCESS.value).limit(1)
        )
        assert successful is not None


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_consultations_are_period_tallies(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    db = demo[0]
    rows, total = _rows(db, "SELECT COUNT(*), SUM(count) FROM consultation")[0]
    stations = SCALES["demo"].stations
    # A tally per month, quarter or half-year: at most one row per station-month, far fewer on average.
    assert stations * 3 < rows < stations * 20
    assert total > 5 * rows and _scalar(db, "SELECT COUNT(*) FROM consultation WHERE count < 2") == 0
    assert _scalar(db, "SELECT MAX(consulted_on) FROM consultation") <= DAY
    # Dated the last day of the period, except the last tally of a station that stopped running.
    days = [int_to_day(day) for (day,) in _rows(db, "SELECT consulted_on FROM consultation")]
    month_ends = sum((day + timedelta(days=1)).day == 1 for day in days)
    assert month_ends > 0.85 * rows
    assert (
        _scalar(
            db,
            "SELECT COUNT(*) FROM (SELECT station_id, consulted_on FROM consultation "
            "GROUP BY 1, 2 HAVING COUNT(*) > 1)",
        )
        == 0
    )


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_records_are_entered_by_the_county_staff(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    """谁录入谁负责: a few real-looking names per county, each entering that county's records."""
    db = demo[0]
    staff: dict[int, set[str]] = {}
    for table, (columns, station, join) in BUSINESS_WHO.items():
        for column in columns:
            for county, name in _rows(
                db,
                f"SELECT DISTINCT s.county_id, t.{column} FROM {table} t {join} "
                f"JOIN station s ON s.id = {station}",
            ):
                staff.setdefault(county, set()).add(name)
    assert len(staff) == SCALES["demo"].counties
    assert all(3 <= len(names) <= 6 for names in staff.values()), staff
    everyone = [name for names in staff.values() for name in names]
    assert len(everyone) == len(set(everyone))  # nobody enters another county's records
    assert all(2 <= len(name) <= 3 and "示例" not in name for name in everyone)
    # Most of a station's cases are entered by one person, the clerk looking after it.
    assert (
        _scalar(
            db,
            "SELECT COUNT(*) FROM (SELECT station_id FROM mediation_case GROUP BY station_id "
            "HAVING COUNT(DISTINCT created_by) > 1)",
        )
        == 0
    )
    # Reference rows carry the actor.
    for table in ("category", "goods_category", "county", "street", "office"):
        assert _rows(db, f"SELECT DISTINCT created_by, updated_by FROM {table}") == [
            ("示例数据", "示例数据")
        ], table


def test_the_actor_enters_only_reference_rows(make_db: Callable[[str], Database]) -> None:
    db = make_db("t.sqlite")
    generate_sample(db, SMALL, today=TODAY, actor="管理员")
    for table in ("category", "goods_category", "county", "street", "office"):
        assert _rows(db, f"SELECT DISTINCT created_by, updated_by FROM {table}") == [("管理员", "管理员")], (
            table
        )
    for table, (columns, _station, _join) in BUSINESS_WHO.items():
        for column in columns:
            assert (
                _scalar(db, f"SELECT COUNT(*) FROM {table} WHERE {column} IN ('管理员', '示例数据', '')") == 0
            )
    stamps = _rows(db, "SELECT MIN(created_at), MAX(updated_at) FROM county")
    assert all(isinstance(value, int if db.is_sqlite else datetime) for value in stamps[0])


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_a_payout_never_exceeds_the_fund_balance(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    entries = _rows(demo[0], "SELECT station_id, entry_on, kind, amount_fen FROM fund_entry")
    assert any(kind == "payout" for _s, _d, kind, _a in entries)
    credit_first = {"deposit": 0, "top_up": 0, "recovery": 0, "payout": 1}
    balance: dict[int, int] = {}
    for station, _day, kind, amount in sorted(entries, key=lambda e: (e[0], e[1], credit_first[e[2]])):
        balance[station] = balance.get(station, 0) + (-amount if kind == "payout" else amount)
        assert balance[station] >= 0, (station, _day)


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_progress_counts_up_to_the_total(demo: tuple[Database, SampleSummary, list[Any]]) -> None:
    calls = demo[2]
    total = SCALES["demo"].stations + SCALES["demo"].cases
    done = [d for d, _t, _text in calls]
    assert done == sorted(done) and done[-1] == total
    assert all(t == total for _d, t, _text in calls)
    assert any(text.startswith("生成调解记录") for _d, _t, text in calls)


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_indexes_are_back_after_loading(
    demo: tuple[Database, SampleSummary, list[Any]], make_db: Callable[[str], Database]
) -> None:
    query = "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    assert _rows(demo[0], query) == _rows(make_db("fresh.sqlite"), query)  # exactly as migrated
    sql = dict((name, sql) for name, _table, sql in _rows(demo[0], query))
    assert {
        "ix_case_station_figures",
        "ix_case_open_due",
        "ix_follow_up_case_id",
        "ix_consultation_station_day",
    } <= set(sql)
    assert sql["ix_case_open_due"].endswith("WHERE outcome IS NULL")  # still partial: open cases only
    open_cases = _scalar(demo[0], "SELECT COUNT(*) FROM mediation_case WHERE outcome IS NULL")
    assert (
        _scalar(
            demo[0],
            "SELECT COUNT(*) FROM mediation_case INDEXED BY ix_case_open_due "
            "WHERE outcome IS NULL AND due_on > 0",
        )
        == open_cases
    )
    assert _rows(demo[0], "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.sqlite_only(reason="reads SQLite's stored values in raw SQL; test_postgres compares the samples")
def test_refuses_a_database_that_already_has_stations(
    demo: tuple[Database, SampleSummary, list[Any]],
) -> None:
    db = demo[0]
    with pytest.raises(ValueError, match="已有站点") as refused:
        generate_sample(db, SMALL, today=TODAY)
    assert isinstance(refused.value, SampleDataRefused) and refused.value.hint  # a UserError for the UI
    assert _scalar(db, "SELECT COUNT(*) FROM station") == SCALES["demo"].stations


def test_same_seed_gives_the_same_cases_and_another_seed_does_not(make_db: Callable[[str], Database]) -> None:
    first, second, other = make_db("a.sqlite"), make_db("b.sqlite"), make_db("c.sqlite")
    generate_sample(first, SMALL, seed=7, today=TODAY)
    generate_sample(second, SMALL, seed=7, today=TODAY)
    generate_sample(other, SMALL, seed=8, today=TODAY)
    query = "SELECT * FROM mediation_case ORDER BY id LIMIT 50"
    assert _rows(first, query) == _rows(second, query)
    assert len(_rows(first, query)) == 50
    assert _rows(first, query) != _rows(other, query)
    assert _rows(first, "SELECT * FROM station") == _rows(second, "SELECT * FROM station")


@pytest.mark.parametrize("stop_at_call", [1, 2])
def test_cancelling_leaves_the_database_empty(make_db: Callable[[str], Database], stop_at_call: int) -> None:
    db = make_db("t.sqlite")
    cache_size = _cache_size(db)
    asked = []

    def should_cancel() -> bool:
        asked.append(1)
        return len(asked) >= stop_at_call

    with pytest.raises(SampleGenerationCancelled):
        generate_sample(db, SMALL, today=TODAY, should_cancel=should_cancel)
    for table in ("station", "county", "mediation_case", "category", "goods_category"):
        assert _scalar(db, f"SELECT COUNT(*) FROM {table}") == 0, table
    # The connection went back to the pool as it was: a full run still succeeds.
    assert _cache_size(db) == cache_size
    assert generate_sample(db, SMALL, today=TODAY).counts["station"] == SMALL.stations
    assert _cache_size(db) == cache_size


def test_existing_counties_are_reused(make_db: Callable[[str], Database]) -> None:
    db = make_db("t.sqlite")
    _insert(
        db,
        "INSERT INTO county (code, name, city, sort_order, created_at, created_by, updated_at, "
        "updated_by, version) VALUES ('320402', '天宁区', '常州市', 1, :stamp, '管理员', :stamp, '管理员', 1)",
    )
    summary = generate_sample(db, SMALL, today=TODAY)
    assert summary.counts.get("county") == SMALL.counties - 1
    assert _scalar(db, "SELECT COUNT(*) FROM county") == SMALL.counties
    assert (
        _scalar(
            db,
            "SELECT COUNT(*) FROM station s JOIN county c ON c.id = s.county_id "
            "WHERE c.created_by = '管理员'",
        )
        > 0
    )


def test_goods_categories_a_bureau_renamed_are_added_for_the_sample(
    make_db: Callable[[str], Database],
) -> None:
    db = make_db("t.sqlite")
    _insert(  # a bureau's own list: 食品 renamed, nothing else
        db,
        "INSERT INTO goods_category (name, sort_order, active, created_at, created_by, updated_at, "
        "updated_by, version) VALUES ('食品饮料', 10, :yes, :stamp, '管理员', :stamp, '管理员', 1)",
    )
    summary = generate_sample(db, SMALL, today=TODAY)
    assert summary.counts["goods_category"] == len(W.GOODS)  # the list was not seeded: it had a row
    names = {name for (name,) in _rows(db, "SELECT name FROM goods_category")}
    assert names == {"食品饮料", *W.GOODS}
    assert _scalar(db, "SELECT COUNT(*) FROM mediation_case WHERE goods_category_id IS NULL") == 0


def test_rejects_more_counties_than_the_province_has(make_db: Callable[[str], Database]) -> None:
    with pytest.raises(ValueError, match="县区数"):
        generate_sample(make_db("t.sqlite"), SampleScale("big", 500, 1000, 10, 1), today=TODAY)
