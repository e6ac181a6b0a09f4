"""Province-scale benchmark of the foundation: start-up, the station list, the year's figures.

    python bench/bench_foundation.py [--db bench/out/province.sqlite] [--runs 5]

Builds the province sample (20,000 stations, 1,000,000 cases) first if the file is missing,
then prints one table of medians. Run by hand, not in CI (it takes a minute or two).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import print_table  # noqa: E402


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _ensure_database(path: Path) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building the province sample in {path} …", flush=True)
    subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--db", str(path), "demo", "--scale", "province"], check=True
    )


def _startup(path: Path, runs: int) -> tuple[float, float]:
    """Median seconds from process start to (window shown, list filled)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "STATIONDESK_DATA_DIR": str(path.parent / "userdata"),
    }
    shown, filled = [], []
    for _ in range(runs):
        t0 = time.time()
        out = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "--db", str(path), "--smoke-test"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        line = next(ln for ln in out.splitlines() if ln.startswith("smoke-test ok"))
        fields = dict(part.split("=") for part in line.split()[2:])
        shown.append(float(fields["shown_at"]) - t0)
        filled.append(float(fields["filled_at"]) - t0)
    return statistics.median(shown), statistics.median(filled)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _ensure_database(args.db)

    from stationdesk.config import sqlite_url
    from stationdesk.services import register
    from stationdesk.services.register import StationFilter
    from stationdesk.store.database import Database, make_engine
    from stationdesk.store.figures import station_case_counts

    db = Database(make_engine(sqlite_url(args.db)))
    with db.reading() as session:
        year = session.execute(
            __import__("sqlalchemy").text("SELECT max(received_on) FROM mediation_case")
        ).scalar()
    year = int(str(year)[:4]) if year else date.today().year
    rows: list[tuple[str, str, str]] = []

    shown, filled = _startup(args.db, args.runs)
    rows.append(("process start → main window shown", f"{shown * 1000:.0f} ms", "< 600 ms"))
    rows.append(
        ("process start → list filled with the year's figures", f"{filled * 1000:.0f} ms", "< 1500 ms")
    )

    def all_figures() -> object:
        with db.reading() as session:
            return station_case_counts(session, date(year, 1, 1), date(year, 12, 31))

    with db.reading() as session:
        n_stations = len(station_case_counts(session, date(year, 1, 1), date(year, 12, 31)))
    rows.append(
        (
            f"per-station figures for {year}, all stations ({n_stations:,} with cases)",
            f"{_median_ms(all_figures, args.runs):.0f} ms",
            "< 400 ms",
        )
    )
    ids = register.list_station_ids(db, StationFilter())
    rows.append(
        (
            f"station list ids ({len(ids):,}), code order",
            f"{_median_ms(lambda: register.list_station_ids(db, StationFilter()), args.runs):.0f} ms",
            "",
        )
    )
    rows.append(
        (
            "first page of 200 rows with figures",
            f"{_median_ms(lambda: register.load_station_rows(db, ids[:200], year), args.runs):.0f} ms",
            "",
        )
    )
    rows.append(
        (
            "sort by name",
            f"{_median_ms(lambda: register.list_station_ids(db, StationFilter(), 'name'), args.runs):.0f} ms",
            "",
        )
    )
    rows.append(
        (
            "sort by cases this year",
            f"{_median_ms(lambda: register.list_station_ids(db, StationFilter(), 'received', True, year), args.runs):.0f} ms",
            "",
        )
    )
    rows.append(
        (
            "search '超市'",
            f"{_median_ms(lambda: register.list_station_ids(db, StationFilter(text='超市')), args.runs):.0f} ms",
            "",
        )
    )
    size_mb = args.db.stat().st_size / 1e6
    rows.append(("database file", f"{size_mb:.0f} MB", "≤ 200 MB per 1M cases"))

    print_table(rows)


if __name__ == "__main__":
    main()
