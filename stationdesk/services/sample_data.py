"""Realistic sample data (示例数据) for demonstrations, training and benchmarks.

Real Jiangsu counties with their division codes, plausible streets, offices, hosts and stations,
and years of activity with the seasonality bureaus see (3·15, 双11, 春节), long-tailed station
activity and ~8 % stations gone quiet, so every list, indicator and zombie rule has something
to show. Deterministic for a given seed and `today`.

Speed is a requirement (a province: 20,000 stations and a million cases in seconds), so rows
are plain tuples inserted with the driver's executemany on one connection, in one transaction:
a cancelled or failed run leaves the database as it was. Values are what the driver must receive
(`storage_converters` and `code_converter`: integer days, timestamps and code positions on
SQLite), taken from precomputed tables, and every row carries its who/when columns explicitly
(they have only Python-side defaults). On SQLite the secondary indexes of the big tables are
dropped for the load and rebuilt at the end (sorted builds are faster and pack pages fully),
inside the same transaction.

Who-columns follow 谁录入谁负责: business rows are entered by the county bureau's staff (a
small pool of names per county, see `sample_stations`); the `actor` given to `generate_sample`
enters only the reference rows: the default station and goods categories and the counties,
streets and offices. The audit trail records the generation itself: each station added by
`actor`, at the time it was generated (cases are left out of the trail: a province has a million).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from random import Random
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from stationdesk.errors import UserError
from stationdesk.services import audit
from stationdesk.services import sample_words as W
from stationdesk.services.reference import ensure_reference_data
from stationdesk.services.sample_activity import (
    CASE_COLUMNS,
    CONSULTATION_COLUMNS,
    FOLLOW_UP_COLUMNS,
    FUND_COLUMNS,
    PAYOUT_COLUMNS,
    Activity,
)
from stationdesk.services.sample_clock import Clock
from stationdesk.services.sample_stations import allocate, build_register
from stationdesk.store.database import Database
from stationdesk.store.models import GoodsCategory, Station


@dataclass(frozen=True)
class SampleScale:
    """How much to generate: counties (taken from Jiangsu), stations, cases over `years` years."""

    name: str
    counties: int
    stations: int
    cases: int
    years: int = 5


SCALES: dict[str, SampleScale] = {
    "demo": SampleScale("demo", 6, 300, 20_000, 5),  # 常州市
    "city": SampleScale("city", 10, 800, 100_000, 5),  # 苏州市
    "province": SampleScale("province", 96, 20_000, 1_000_000, 5),  # 江苏省
}


@dataclass(frozen=True)
class SampleSummary:
    counts: Mapping[str, int] = field(default_factory=dict)  # rows inserted per table
    seconds: float = 0.0


class SampleDataRefused(UserError, ValueError):
    """The database or the requested scale does not allow generating sample data."""


class SampleGenerationCancelled(Exception):
    """Raised when `should_cancel` asked to stop; everything generated so far was rolled back."""


# Columns whose values the rows carry; version and empty case notes are constants of the statement
# (see `_Writer`), which keeps the tuples short and saves binding them a million times.
TRACKED = ("created_at", "created_by", "updated_at", "updated_by")
COLUMNS: dict[str, tuple[str, ...]] = {
    "county": ("id", "code", "name", "city", "sort_order", *TRACKED),
    "street": ("id", "county_id", "name", "sort_order", *TRACKED),
    "office": ("id", "county_id", "name", "short_name", *TRACKED),
    "station": (
        "id",
        "code",
        "name",
        "category_id",
        "form",
        "level",
        "status",
        "host_name",
        "host_credit_code",
        "host_status",
        "address",
        "county_id",
        "street_id",
        "office_id",
        "contact_person",
        "contact_phone",
        "established_on",
        "plaque_on",
        "first_payout_scheme",
        "fund_committed_fen",
        "first_question_duty",
        "paired_counsel",
        "facilities",
        "notes",
        "predecessor_id",
        "status_changed_on",
        "status_reason",
        *TRACKED,
    ),
    "status_history": (
        "station_id",
        "kind",
        "old_value",
        "new_value",
        "effective_on",
        "reason",
        "document_no",
        "person",
        "recorded_at",
    ),
    "site_check": (
        "station_id",
        "checked_on",
        "method",
        "inspector",
        "contact_reachable",
        "facilities",
        "findings",
        *TRACKED,
    ),
    "mediation_case": (*CASE_COLUMNS, *TRACKED),
    "follow_up": (*FOLLOW_UP_COLUMNS, *TRACKED),
    "first_payout": (*PAYOUT_COLUMNS, *TRACKED),
    "fund_entry": (*FUND_COLUMNS, *TRACKED),
    "consultation": (*CONSULTATION_COLUMNS, *TRACKED),
}
REFERENCE_TABLES = ("category", "goods_category")  # rows `ensure_reference_data` may add
REGISTER_TABLES = ("county", "street", "office", "station", "status_history", "site_check", "fund_entry")
# Insert order within a chunk: parents before the rows that reference them.
ACTIVITY_TABLES = ("mediation_case", "follow_up", "first_payout", "fund_entry", "consultation")
BULK_TABLES = ("mediation_case", "follow_up", "consultation")
EXPLICIT_IDS = ("county", "street", "office", "station", "mediation_case", "first_payout")
CHUNK_CASES = 50_000
SQLITE_CACHE_KIB = 256 * 1024


def pick_counties(n: int) -> list[tuple[W.City, str, str]]:
    """The first `n` counties of 常州市 (n <= 6), 苏州市 (n <= 10) or Jiangsu, in code order."""
    if n <= len(W.JIANGSU[0].counties):
        pool = [(W.JIANGSU[0], *c) for c in W.JIANGSU[0].counties]
    elif n <= len(W.JIANGSU[1].counties):
        pool = [(W.JIANGSU[1], *c) for c in W.JIANGSU[1].counties]
    else:
        pool = [(city, *c) for city in W.JIANGSU for c in city.counties]
    if not 1 <= n <= len(pool):
        raise SampleDataRefused(f"示例数据的县区数应在1到{len(pool)}之间（现为{n}）")
    return sorted(pool[:n], key=lambda item: item[1])


class _Writer:
    """executemany on the connection's own DB-API cursor, counting rows per table."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        self.sql = {}
        for table, cols in COLUMNS.items():
            constants = {} if table == "status_history" else {"version": "1"}
            if table == "mediation_case":
                constants["notes"] = "''"
            names = ", ".join((*cols, *constants))
            values = ", ".join((*[mark] * len(cols), *constants.values()))
            self.sql[table] = f"INSERT INTO {table} ({names}) VALUES ({values})"
        self.counts: dict[str, int] = dict.fromkeys(COLUMNS, 0)

    def put(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.cursor.executemany(self.sql[table], rows)
            self.counts[table] += len(rows)

    def scalar(self, sql: str) -> Any:
        return self.conn.exec_driver_sql(sql).scalar()


def _existing(conn: Connection) -> dict[tuple[str, Any, str], int]:
    found: dict[tuple[str, Any, str], int] = {}
    for row in conn.exec_driver_sql("SELECT id, code FROM county"):
        found["county", None, row[1]] = row[0]
    for table in ("street", "office"):
        for row in conn.exec_driver_sql(f"SELECT id, county_id, name FROM {table}"):
            found[table, row[1], row[2]] = row[0]
    return found


def generate_sample(
    db: Database,
    scale: SampleScale,
    *,
    seed: int = 2026,
    today: date,
    actor: str = "示例数据",  # who entered the reference rows (categories, counties, streets, offices)
    progress: Callable[[int, int, str], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> SampleSummary:
    """Fill an empty register with sample data.

    Business rows are entered by invented county staff (3–6 names per county); `actor` is recorded
    only on the reference rows this creates: station and goods categories, counties, streets and
    offices.

    Raises SampleDataRefused (a UserError and a ValueError) if the database already holds stations
    or the scale is invalid, and SampleGenerationCancelled (nothing written) when `should_cancel`
    returns True between chunks.
    """
    if scale.stations < 1 or scale.cases < 0 or not 1 <= scale.years <= 20:
        raise SampleDataRefused("示例数据规模无效：站点数至少为1，调解记录数不能为负，年数应在1到20之间")
    started = time.perf_counter()
    report = progress or (lambda _done, _total, _text: None)
    cancelled = should_cancel or (lambda: False)
    total = scale.stations + scale.cases
    counties = pick_counties(scale.counties)
    report(0, total, "准备日期与工作日历")
    clock = Clock(today, scale.years, dialect=db.engine.dialect.name)
    rng = Random(seed)
    engine = db.engine.execution_options(sqlite_immediate=True) if db.is_sqlite else db.engine
    with engine.connect() as conn:
        old_cache = None
        try:
            with conn.begin():
                if conn.exec_driver_sql("SELECT COUNT(*) FROM station").scalar():
                    raise SampleDataRefused(
                        "数据库中已有站点，不能生成示例数据", hint="请新建一个空数据库后再生成"
                    )
                if db.is_sqlite:  # a bigger page cache for this connection while loading
                    old_cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
                    conn.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
                counts = _generate(conn, db.is_sqlite, rng, clock, scale, counties, actor, report, cancelled)
        finally:
            if old_cache is not None:  # the connection goes back to the pool; no transaction needed
                conn.connection.dbapi_connection.execute(f"PRAGMA cache_size={int(old_cache)}")  # type: ignore[union-attr]
    return SampleSummary(counts, round(time.perf_counter() - started, 2))


def _generate(
    conn: Connection,
    sqlite: bool,
    rng: Random,
    clock: Clock,
    scale: SampleScale,
    counties: list[tuple[W.City, str, str]],
    actor: str,
    report: Callable[[int, int, str], None],
    cancelled: Callable[[], bool],
) -> dict[str, int]:
    total = scale.stations + scale.cases
    writer = _Writer(conn)
    before = {t: writer.scalar(f"SELECT COUNT(*) FROM {t}") for t in REFERENCE_TABLES}
    with Session(bind=conn) as session:
        ensure_reference_data(session, actor)
        _ensure_sample_goods(session, actor)
        session.commit()  # joins the outer transaction: commits nothing until the end
    category_ids = dict(conn.exec_driver_sql("SELECT code, id FROM category").all())
    goods_ids = dict(conn.exec_driver_sql("SELECT name, id FROM goods_category").all())
    for table in REFERENCE_TABLES:
        writer.counts[table] = writer.scalar(f"SELECT COUNT(*) FROM {table}") - before[table]
    ids = {t: int(writer.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {t}")) for t in EXPLICIT_IDS}
    report(0, total, f"生成站点 0/{scale.stations}")
    stations_before = ids["station"]  # build_register takes its ids from here, moving it on
    register = build_register(rng, clock, counties, scale.stations, category_ids, ids, _existing(conn), actor)
    for table in REGISTER_TABLES:
        writer.put(table, register.rows.get(table, []))
    _audit_stations(conn, stations_before, actor)
    report(scale.stations, total, f"生成站点 {scale.stations}/{scale.stations}")
    if cancelled():
        raise SampleGenerationCancelled("已取消生成示例数据，数据库未作改动")
    indexes = _drop_indexes(conn) if sqlite else []
    plans = register.plans
    per_station = allocate(scale.cases, [p.weight * max(0, p.hi - p.lo + 1) for p in plans])
    activity = Activity(
        rng,
        clock,
        register.staff,
        ids["mediation_case"],
        ids["first_payout"],
        scale.cases,
        dialect=conn.dialect.name,
        goods_ids=goods_ids,
    )
    done = 0
    for plan, n in zip(plans, per_station, strict=True):
        activity.station(plan, n)
        if len(activity.cases) >= CHUNK_CASES or plan is plans[-1]:
            done += len(activity.cases)
            for table, rows in activity.take().items():
                writer.put(table, rows)
            report(scale.stations + done, total, f"生成调解记录 {done}/{scale.cases}")
            if cancelled():
                raise SampleGenerationCancelled("已取消生成示例数据，数据库未作改动")
    report(total, total, "建立索引")
    for sql in indexes:
        conn.exec_driver_sql(sql)
    if conn.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for table in EXPLICIT_IDS:
            conn.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    report(total, total, "写入数据库文件")
    return {t: n for t, n in writer.counts.items() if n}


def _audit_stations(conn: Connection, after_id: int, actor: str) -> None:
    """The sample's stations enter the audit trail as added by `actor` (the generation, now), so the
    操作日志 and each station's 变更记录 start from them; cases are left out (a province's million)."""
    columns = (Station.code, Station.name, Station.county_id, Station.category_id, Station.form, Station.level,
               Station.status, Station.host_name, Station.established_on)  # fmt: skip
    with Session(bind=conn) as session:
        rows = session.execute(select(Station.id, *columns).where(Station.id > after_id).order_by(Station.id)).all()
        audit.record_many(session, actor, "insert", "station", [
            (row[0], row[0], {column.key: value for column, value in zip(columns, row[1:], strict=True)}) for row in rows
        ])  # fmt: skip


def _ensure_sample_goods(session: Session, actor: str) -> None:
    """Add the goods categories the sample cases use that the database lacks (a bureau renamed
    or never had them), after the existing ones."""
    have = set(session.scalars(select(GoodsCategory.name)))
    order = session.scalar(select(func.max(GoodsCategory.sort_order))) or 0
    added = []
    for name in W.GOODS:
        if name not in have:
            order += 10
            added.append(GoodsCategory(name=name, sort_order=order, created_by=actor, updated_by=actor))
    session.add_all(added)
    session.flush()
    for row in added:
        audit.record(session, actor, "insert", "goods_category", row.id, new=audit.row_values(row))


def _drop_indexes(conn: Connection) -> list[str]:
    """Drop the named secondary indexes of the bulk tables; returns the statements that rebuild them.

    The definitions come from the database itself (`sqlite_master` keeps each index's CREATE
    statement, a partial index's WHERE clause included), not from a list here or from the ORM
    metadata: whatever indexes the migrations created, exactly those come back, nothing more.
    """
    names = ", ".join(f"'{t}'" for t in BULK_TABLES)
    found = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({names}) ORDER BY name"
    ).all()
    for name, _sql in found:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]
