"""Province-scale benchmark of the overview (首页概览), its charts and the weekly bulletin.

    python bench/bench_overview.py [--db bench/out/province.sqlite] [--runs 5] [--today 2026-11-24]
                                   [--opens 5] [--profile]

Target (the issue): at 20,000 stations / 1,000,000 cases, the overview shown under 1 s after
opening. Build the sample with `python bench/bench_sample_data.py --scale province --out FILE`.

Measures, on a copy of the file (the app takes its lock and may write its first-run settings):
- `--opens` fresh processes, each starting the whole app headless (offscreen), as a user does:
  from `StationDeskApp.start()` (the window is up, the database not yet open) to the database
  open (SQLite's quick_check of the whole file is most of it), to the overview's numbers and four
  charts on screen (`OverviewPage.loaded`: the issue's "shown after opening"), then to the watch
  list (zombie sweep and red/black lists, `watch_loaded`). The register loads after, as in use.
- In this process, warm: `overview()` for the whole province, for one county, for a past year;
  `watch_list()`; `weekly_bulletin()`; `overview_report()` (the printable summary with charts) to
  PDF.
Median is the figure; min and max show the spread. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Timer, print_table  # noqa: E402

_OPEN_PROBE = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
start_process = time.perf_counter()
from datetime import date
from pathlib import Path
from PySide6.QtWidgets import QApplication
from stationdesk.config import Settings, sqlite_url
from stationdesk.ui.app import StationDeskApp
from stationdesk.ui.tasks import TaskRunner
app = QApplication([])
path, today = Path(sys.argv[1]), date.fromisoformat(sys.argv[2])
desk = StationDeskApp(Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata"), TaskRunner(),
                      today=today, offer_sample=False, actor="bench")
marks = {}
def attached():
    page = desk.window.overview_page
    page.loaded.connect(lambda: marks.setdefault("numbers", time.perf_counter()))
    page.watch_loaded.connect(lambda: marks.setdefault("watch", time.perf_counter()))
desk.window.database_attached.connect(attached)
opened = desk._on_opened
def on_opened(result):
    marks.setdefault("opened", time.perf_counter())
    opened(result)
desk._on_opened = on_opened
started = time.perf_counter()
desk.start()
while "watch" not in marks and time.perf_counter() - started < 60:
    app.processEvents()
    time.sleep(0.002)
print(json.dumps({"numbers": marks["numbers"] - started, "watch": marks["watch"] - started,
                  "imports": started - start_process, "opened": marks["opened"] - started,
                  "after_open": marks["numbers"] - marks["opened"]}))
desk.close_database()
"""


def _open(path: Path) -> Any:
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.services.opening import open_database

    return open_database(Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata")).db


def _opens(copy: Path, today: date, runs: int, timer: Timer) -> None:
    """The app started `runs` times, each in a new process (nothing cached but the OS's files)."""
    numbers, watch, imports, opened, after_open = [], [], [], [], []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-c", _OPEN_PROBE, str(copy), today.isoformat()],
                              capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
        if done.returncode != 0:
            sys.exit(done.stderr)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        numbers.append(result["numbers"] * 1000)
        watch.append(result["watch"] * 1000)
        imports.append(result["imports"] * 1000)
        opened.append(result["opened"] * 1000)
        after_open.append(result["after_open"] * 1000)
    for name, values, target in (
        ("app start → database open (integrity check, migrations)", opened, None),
        ("database open → overview numbers and charts shown", after_open, 1000.0),
        ("app start → overview numbers and charts shown", numbers, None),
        ("app start → zombie count and red/black lists shown", watch, None),
        ("(before start: Python, Qt and app imports)", imports, None),
    ):
        timer.record(name, values, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--opens", type=int, default=5, help="fresh app processes timed")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 24))
    parser.add_argument("--profile", action="store_true", help="profile one overview() and print its top lines")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} not found: build it with bench/bench_sample_data.py --scale province --out {args.db}")

    from stationdesk.domain.periods import last_full_week
    from stationdesk.reports.table_pdf import table_report_pdf
    from stationdesk.services import register
    from stationdesk.services.bulletin import weekly_bulletin
    from stationdesk.services.overview import OverviewFilter, overview, watch_list
    from stationdesk.services.overview_report import overview_report

    today = args.today
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "province.sqlite"
        shutil.copy2(args.db, copy)
        timer = Timer(args.runs)
        if args.opens:
            _opens(copy, today, args.opens, timer)
        db = _open(copy)
        county = register.register_lookups(db).counties[0]
        seen = timer.measure("overview(): whole province, year to date", lambda: overview(db, OverviewFilter(today.year), today), 1000)
        print(f"{seen.stations.value:,} stations, {seen.figures.received:,} cases this year, "
              f"{len(seen.by_area)} counties", flush=True)  # fmt: skip
        timer.measure(f"overview(): one county ({county.name}), by street",
                      lambda: overview(db, OverviewFilter(today.year, county.id), today), 1000)  # fmt: skip
        timer.measure("overview(): last year, whole", lambda: overview(db, OverviewFilter(today.year - 1), today), 1000)
        timer.measure("watch_list(): zombie sweep + latest red/black lists",
                      lambda: watch_list(db, OverviewFilter(today.year), today))  # fmt: skip
        week = last_full_week(today)
        timer.measure("weekly_bulletin(): last full week vs the week before", lambda: weekly_bulletin(db, week, today))
        pdf = timer.measure("统计概览 with four charts → PDF bytes",
                            lambda: table_report_pdf(overview_report(db, OverviewFilter(today.year), today)))  # fmt: skip
        print(f"统计概览 PDF: {len(pdf) / 1024:.0f} KB", flush=True)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            overview(db, OverviewFilter(today.year), today)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
        db.engine.dispose()
    print_table(timer.rows)


if __name__ == "__main__":
    main()
