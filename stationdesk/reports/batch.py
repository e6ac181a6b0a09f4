"""Station reports in bulk: one PDF for the printer, or one file per station (named by code and
name) written by worker processes on every core.

Why processes for files: laying out a page is pure Python (ReportLab), so threads would share
one core; each worker opens its own connection and writes whole files atomically, so a cancel or
a crash leaves only complete reports behind. One big PDF is a single ReportLab document and runs
in one process, reading stations lazily so memory stays flat.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from datetime import date
from pathlib import Path

from stationdesk.reports.files import write_atomically
from stationdesk.reports.station_pdf import ReportCancelled, station_report_pdf, write_station_reports
from stationdesk.services.station_reports import DEFAULT_CASE_LIMIT, station_reports
from stationdesk.store.database import Database, make_engine

Progress = Callable[[int, int], bool]
"""on_progress(done, total) → False to cancel."""

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
FILES_PER_JOB = 25
"""Stations a worker takes at a time: enough to amortise its reads, few enough that cancel is quick."""


def report_filename(code: str, name: str) -> str:
    """"3204020027 家和商厦消费维权服务站.pdf": code first so Explorer sorts them like the register;
    characters Windows refuses in file names become "_", long names are cut."""
    cleaned = _UNSAFE.sub("_", f"{code} {name}").strip(" .")[:80]
    return f"{cleaned}.pdf"


def write_batch_pdf(
    db: Database,
    station_ids: Sequence[int],
    year: int,
    today: date,
    out: Path,
    *,
    case_limit: int | None = DEFAULT_CASE_LIMIT,
    on_progress: Progress | None = None,
) -> int:
    """All the stations' reports into one PDF at `out`; returns the pages written. Raises
    ReportCancelled (and leaves no file) when on_progress says stop."""
    total = len(station_ids)

    def progress(done: int) -> bool:
        return on_progress(done, total) if on_progress else True

    return write_station_reports(station_reports(db, station_ids, year, today, case_limit), out, on_progress=progress)


def _write_files(
    url: str, ids: list[int], year: int, today: date, folder: str, case_limit: int | None
) -> list[str]:
    """One worker's share: its own engine, its stations' reports, one file each."""
    db = Database(make_engine(url))
    written = []
    try:
        for report in station_reports(db, ids, year, today, case_limit):
            target = Path(folder) / report_filename(report.code, report.name)
            write_atomically(target, station_report_pdf(report))
            written.append(str(target))
    finally:
        db.dispose()
    return written


def write_station_files(
    db: Database,
    station_ids: Sequence[int],
    year: int,
    today: date,
    folder: Path,
    *,
    case_limit: int | None = DEFAULT_CASE_LIMIT,
    workers: int | None = None,
    on_progress: Progress | None = None,
) -> list[Path]:
    """One PDF per station in `folder`, by `workers` processes (default: every core).

    Raises ReportCancelled when on_progress says stop: the jobs not started are dropped, the
    running ones finish, and the files already complete stay (each is whole, written atomically).
    """
    folder.mkdir(parents=True, exist_ok=True)
    url = db.engine.url.render_as_string(hide_password=False)
    jobs = [list(station_ids[i : i + FILES_PER_JOB]) for i in range(0, len(station_ids), FILES_PER_JOB)]
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs) or 1))
    written: list[Path] = []
    # "spawn" everywhere: a forked child of a Qt app inherits its threads' locks mid-use.
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: set[Future[list[str]]] = {
            pool.submit(_write_files, url, job, year, today, str(folder), case_limit) for job in jobs
        }
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                written.extend(Path(p) for p in future.result())
            if on_progress and not on_progress(len(written), len(station_ids)):
                for future in pending:
                    future.cancel()
                raise ReportCancelled(f"已取消：已生成 {len(written)} 份报告")
    return written
