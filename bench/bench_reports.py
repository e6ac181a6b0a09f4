"""Province-scale benchmark of printed reports (站点检查报告 and 汇总表).

    python bench/bench_reports.py [--db bench/out/province.sqlite] [--runs 9] [--year 2026]
                                  [--batch 1000] [--skip-files]

Targets (the issue): one station report under 100 ms warm and under 1 s from a cold start;
1,000 reports into one PDF under 20 s with memory kept flat; 1,000 separate files under 25 s
using both cores; a single-station file at most 80 KB.

Measures on the file as it is (read only): one report warm (data + PDF) for the busiest station;
a cold start (`main.py report station`, a new interpreter: imports, database open, render,
write); one big PDF of `--batch` stations and of a tenth of them, each in its own process so the
peak memory (maxrss) of the two can be compared; `--batch` separate files with two workers; each
summary's PDF and .xlsx. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Timer, print_table  # noqa: E402


def _open(path: Path) -> Any:
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.services.opening import open_for_reading

    return open_for_reading(Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata")).db


def _busiest(db: Any, year: int) -> tuple[int, str]:
    from sqlalchemy import func, select

    from stationdesk.store.models import MediationCase, Station

    with db.reading() as session:
        row = session.execute(
            select(Station.id, Station.code)
            .join(MediationCase, MediationCase.station_id == Station.id)
            .where(MediationCase.received_on >= date(year, 1, 1))
            .group_by(Station.id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
    return int(row[0]), str(row[1])


def _batch_in_child(db_path: Path, count: int, year: int, out: Path) -> dict[str, Any]:
    """One big PDF of `count` stations in a fresh process: seconds, pages, peak RSS."""
    code = f"""
import json, resource, sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from stationdesk.config import Settings, sqlite_url
from stationdesk.services.opening import open_for_reading
from stationdesk.services.station_reports import ReportScope, report_station_ids
from stationdesk.reports.batch import write_batch_pdf
db = open_for_reading(Settings(database_url=sqlite_url(Path({str(db_path)!r})),
                            data_dir=Path({str(db_path.parent / "userdata")!r}))).db
ids = report_station_ids(db, ReportScope())[:{count}]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
pages = write_batch_pdf(db, ids, {year}, date.today(), Path({str(out)!r}))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "pages": pages, "rss_before_mb": before / 1024,
                   "rss_peak_mb": peak / 1024}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _first_report_in_child(db_path: Path, code: str, year: int) -> float:
    """A new process with the database open (as the app is once its window shows): the first
    report's milliseconds, its modules' imports and the font's first parse included."""
    script = f"""
import sys, time
from datetime import date
from pathlib import Path
sys.path.insert(0, {str(ROOT)!r})
from stationdesk.config import Settings, sqlite_url
from stationdesk.services.opening import open_for_reading
db = open_for_reading(Settings(database_url=sqlite_url(Path({str(db_path)!r})),
                            data_dir=Path({str(db_path.parent / "userdata")!r}))).db
start = time.perf_counter()
from stationdesk.reports.station_pdf import station_report_pdf
from stationdesk.services.station_reports import station_report
from stationdesk.services.stations import find_station_id
station_report_pdf(station_report(db, find_station_id(db, {code!r}), {year}, date.today()))
print((time.perf_counter() - start) * 1000)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--skip-files", action="store_true")
    args = parser.parse_args()

    from stationdesk.reports.batch import write_station_files
    from stationdesk.reports.station_pdf import station_report_pdf
    from stationdesk.reports.table_pdf import table_report_pdf
    from stationdesk.reports.table_xlsx import write_table_report_xlsx
    from stationdesk.services import summaries
    from stationdesk.services.station_reports import ReportScope, report_station_ids, station_report

    db = _open(args.db)
    today = date.today()
    timer = Timer(args.runs)
    station_id, code = _busiest(db, args.year)
    report = station_report(db, station_id, args.year, today)
    print(f"busiest station {code}: {report.cases_total} cases in {args.year}")
    timer.measure("one station report, data only", lambda: station_report(db, station_id, args.year, today))
    timer.measure("one station report, PDF only", lambda: station_report_pdf(report))
    data = timer.measure("one station report warm (data + PDF)",
                         lambda: station_report_pdf(station_report(db, station_id, args.year, today)), 100)  # fmt: skip
    rows = list(timer.rows)
    size_kb = len(data) / 1024
    rows.append(("single-station file size", f"{size_kb:.0f} KB", f"≤ 80 KB {'ok' if size_kb <= 80 else 'MISSED'}"))

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        cold = []
        for run in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(args.db), "report", "station", code,
                            "-o", str(out / f"cold{run}.pdf")], check=True, capture_output=True)  # fmt: skip
            cold.append((time.perf_counter() - start) * 1000)
        cold.sort()
        first = sorted(_first_report_in_child(args.db, code, args.year) for _ in range(3))
        rows.append(("first report in a new app process (database open)", f"{first[1]:.0f} ms",
                     f"< 1000 ms {'ok' if first[1] < 1000 else 'MISSED'}   min {first[0]:.0f} / max {first[2]:.0f} ms"))
        rows.append(("whole `report station` command from the shell", f"{cold[1]:.0f} ms",
                     f"min {cold[0]:.0f} / max {cold[2]:.0f} ms (interpreter, imports, database open)"))

        small = _batch_in_child(args.db, args.batch // 10, args.year, out / "small.pdf")
        big = _batch_in_child(args.db, args.batch, args.year, out / "big.pdf")
        for label, result, count in ((f"{args.batch // 10}", small, args.batch // 10), (f"{args.batch}", big, args.batch)):
            target = f"< 20 s {'ok' if result['seconds'] < 20 else 'MISSED'}" if count == args.batch else ""
            rows.append((f"{label} reports into one PDF ({result['pages']} pages)", f"{result['seconds']:.1f} s",
                         f"{target}   peak RSS {result['rss_peak_mb']:.0f} MB "
                         f"(after imports {result['rss_before_mb']:.0f} MB)"))  # fmt: skip
        rows.append((f"one PDF of {args.batch} stations, file size", f"{(out / 'big.pdf').stat().st_size / 2**20:.1f} MB", ""))

        if not args.skip_files:
            ids = report_station_ids(db, ReportScope())[: args.batch]
            start = time.perf_counter()
            files = write_station_files(db, ids, args.year, today, out / "files", workers=2)
            seconds = time.perf_counter() - start
            sizes = sorted(f.stat().st_size for f in files)
            rows.append((f"{len(files)} separate files, 2 workers", f"{seconds:.1f} s",
                         f"< 25 s {'ok' if seconds < 25 else 'MISSED'}   largest {sizes[-1] / 1024:.0f} KB, "
                         f"median {sizes[len(sizes) // 2] / 1024:.0f} KB"))  # fmt: skip

        summary_timer = Timer(3)
        for kind in summaries.SUMMARY_KINDS:
            try:
                table = summaries.summary(db, kind, args.year, today)
            except Exception as exc:  # a round may not exist in the sample
                print(f"{kind}: skipped ({exc})")
                continue
            summary_timer.measure(f"summary {kind}: data", lambda k=kind: summaries.summary(db, k, args.year, today))
            summary_timer.measure(f"summary {kind}: PDF ({len(table.rows)} rows)", lambda t=table: table_report_pdf(t))
            summary_timer.measure(f"summary {kind}: .xlsx", lambda t=table: write_table_report_xlsx(t, out / "s.xlsx"))
        rows += summary_timer.rows
    print_table(rows)


if __name__ == "__main__":
    main()
