"""Province-scale benchmark of the case services: indicators, case lists, adding a case.

    python bench/bench_cases.py [--db bench/out/province.sqlite] [--runs 7] [--today 2026-11-24] [--explain]

Needs the province sample (20,000 stations, ~1,000,000 cases); builds it first if the file is
missing (`main.py demo --scale province`). An older file is migrated when opened.
Each measure runs `--runs` times on one open database: the median is the figure, min and max
show the spread (the first run reads from disk). Adding cases writes real rows to the sample,
marked with the operator name below so they can be found (and deleted) afterwards.
`--explain` prints SQLite's query plan for the list and indicator queries. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Timer, print_table  # noqa: E402

BENCH_OPERATOR = "基准测试经营者（bench_cases）"
FIRST_PAGE = 200


def _ensure_database(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building the province sample in {path} …", flush=True)
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", str(path), "demo", "--scale", "province"], check=True
    )




def _explain(db: Any, label: str, action: Callable[[], Any]) -> None:
    """SQLite's plan for every SELECT `action` runs: the statements the services really send."""
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    print(f"\n== {label}")
    with db.engine.connect() as conn:
        for sql, parameters in statements:
            print("   " + " ".join(sql.split())[:110] + " …")
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters).all():
                print(f"      {row[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today(),
                        help="the day the overdue list and follow-ups are computed for (default: the real today)")
    parser.add_argument("--year", type=int, help="year for the indicators and the year list (default: today's)")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    args = parser.parse_args()
    _ensure_database(args.db)

    from sqlalchemy import func, select

    from stationdesk.cli.cases import _all_stations
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.domain.case_rules import CaseDraft
    from stationdesk.domain.vocabulary import StationStatus
    from stationdesk.services import cases, follow_ups, indicators, payouts
    from stationdesk.services.cases import CaseFilter
    from stationdesk.services.opening import open_database
    from stationdesk.store.models import FundEntry, GoodsCategory, MediationCase, Station

    t0 = time.perf_counter()
    db = open_database(Settings(database_url=sqlite_url(args.db), data_dir=args.db.parent / "userdata")).db
    open_ms = (time.perf_counter() - t0) * 1000
    today, year = args.today, args.year or args.today.year
    start, end = indicators.year_bounds(year)
    c, f = MediationCase.__table__.c, FundEntry.__table__.c
    with db.reading() as session:
        n_cases = session.scalar(select(func.count()).select_from(MediationCase))
        busiest = session.scalar(select(c.station_id).where(c.received_on.between(start, end))
                                 .group_by(c.station_id).order_by(func.count().desc()).limit(1))
        ledger_station = session.scalar(select(f.station_id).group_by(f.station_id)
                                        .order_by(func.count().desc()).limit(1))
        stations = session.scalars(select(Station.id).where(Station.status == StationStatus.ACTIVE.value)
                                   .order_by(Station.id).limit(50)).all()
        categories = session.scalars(select(GoodsCategory.id).order_by(GoodsCategory.id)).all()
    print(f"{args.db}: {n_cases:,} cases; today {today}, year {year}; opened in {open_ms:.0f} ms", flush=True)

    timer = Timer(args.runs)
    found = timer.measure(f"indicators, all stations, {year}", lambda: indicators.station_indicators(
        db, start, end, today), 400)
    timer.rows[-1] = (f"{timer.rows[-1][0]} ({len(found):,} stations)", *timer.rows[-1][1:])
    basic = indicators.counts_basic_as_satisfied(db)
    timer.measure("indicators command, all stations (records built, not printed)",
                  lambda: sum(1 for _ in _all_stations(db, year, today, basic)), runs=3)

    def ids_and_page(flt: CaseFilter, key: str, desc: bool) -> list[int]:
        ids = cases.list_case_ids(db, flt, key, desc)
        cases.load_case_rows(db, ids[:FIRST_PAGE])
        return ids

    overdue = timer.measure("overdue list, all stations: ids + first 200 rows",
                            lambda: ids_and_page(CaseFilter(overdue_on=today), "due_on", False), 300)
    timer.rows[-1] = (f"{timer.rows[-1][0]} ({len(overdue):,} cases)", *timer.rows[-1][1:])
    timer.measure("overdue ids only", lambda: cases.list_case_ids(db, CaseFilter(overdue_on=today), "due_on", False))
    year_filter = CaseFilter(received_from=start, received_to=end)
    year_ids = timer.measure(f"case list {year}, received desc: ids + first 200 rows",
                             lambda: ids_and_page(year_filter, "received_on", True))
    timer.rows[-1] = (f"{timer.rows[-1][0]} ({len(year_ids):,} cases)", *timer.rows[-1][1:])
    timer.measure("  of which the ids", lambda: cases.list_case_ids(db, year_filter, "received_on", True))
    timer.measure("  a page of 500 rows (the CLI's page)", lambda: cases.load_case_rows(db, year_ids[5000:5500]))
    hits = timer.measure("text search '超市' (all cases): ids + first 200 rows",
                         lambda: ids_and_page(CaseFilter(text="超市"), "received_on", True))
    timer.rows[-1] = (f"{timer.rows[-1][0]} ({len(hits):,} cases)", *timer.rows[-1][1:])
    timer.measure("text search matching nothing ('zz'): ids + first 200 rows",
                  lambda: ids_and_page(CaseFilter(text="zz"), "received_on", True))
    timer.measure("text search '超市' within one year",
                  lambda: ids_and_page(CaseFilter(text="超市", received_from=start, received_to=end),
                                       "received_on", True))
    timer.measure("today's follow-ups", lambda: follow_ups.todays_follow_ups(db, today))
    ledger = timer.measure("fund ledger of the station with most fund entries",
                           lambda: payouts.fund_ledger(db, ledger_station))
    timer.rows[-1] = (f"{timer.rows[-1][0]} ({len(ledger.lines)} lines)", *timer.rows[-1][1:])
    one = timer.measure("one station's indicators (busiest station)",
                        lambda: indicators.indicators_of(db, busiest, start, end, today))
    timer.rows[-1] = (f"{timer.rows[-1][0]} ({one.received} cases)", *timer.rows[-1][1:])

    counter = iter(range(10**6))

    def add_one() -> Any:
        n = next(counter)
        draft = CaseDraft(station_id=stations[n % len(stations)], received_on=today - timedelta(days=n % 20),
                          channel="phone", consumer_name="测试", consumer_phone="13800000000",
                          operator_name=BENCH_OPERATOR, goods_category_id=categories[n % len(categories)],
                          amount_disputed_fen=12345)
        return cases.add_case(db, draft, actor="bench", today=today)

    timer.measure("add a case (validate, due date, insert, audit, commit)", add_one, 50)

    print_table(timer.rows)
    print(f"\n{next(counter)} bench cases were added (operator “{BENCH_OPERATOR}”).")
    if args.explain:
        _explain(db, "indicators, all stations", lambda: indicators.station_indicators(db, start, end, today))
        _explain(db, "overdue list", lambda: ids_and_page(CaseFilter(overdue_on=today), "due_on", False))
        _explain(db, "case list for the year", lambda: ids_and_page(year_filter, "received_on", True))
        _explain(db, "text search", lambda: cases.list_case_ids(db, CaseFilter(text="zz"), "received_on", True))

if __name__ == "__main__":
    main()
