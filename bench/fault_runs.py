"""SIGKILL fault runs by the hundred: a crash never corrupts the database or loses a commit.

    python bench/fault_runs.py [--runs 200] [--per-file 20] [--journal wal|delete|both] [--seed 1]

The kills of tests/faults/test_sigkill.py at scale: a worker process imports station rosters
(real .xlsx, 300-2,000 new stations and 20-200 updates, one transaction) and changes the status
of selections of 20-150 stations (zombie decisions and status changes, a transaction each)
through the app's services, journaling every commit; it is killed with SIGKILL at a seeded
random moment, most kills aimed inside a write transaction or its commit; then the file is opened
with the app and checked: integrity_check, foreign_key_check, every journaled commit wholly
present with its last committed values, nothing partial. Each file (a copy of the demo sample)
takes `--per-file` kills in a row, so each run recovers the hot WAL or journal of the last; then a
fresh copy. `--journal delete` puts the files in a folder named Dropbox, where the app keeps the
rollback journal. Needs POSIX (SIGKILL). Run by hand, not in CI; exits 1 on any loss.

Measured (2 shared cores, SQLite 3.53.4 via pysqlite3): 1,000 kills (`--runs 300 --seed 1` and
`--runs 700 --per-file 25 --seed 2`; 510 WAL, 490 rollback journal; 506 during imports, 454
during status changes, 22 while opening; 407 inside a write transaction, 313 inside its commit):
0 corrupt databases, 0 partial transactions, 0 rows lost of 3.42 million committed rows (70,207
transactions); the transaction in doubt at the kill was absent 651 times and wholly committed
110 times; recovery open median 48-55 ms (max 291 ms); about 3 s a kill.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "faults"))

from fault_kill import Figures, WorkerDied, run_series  # noqa: E402


def _template(folder: Path, today: date) -> Path:
    """The demo sample (about 300 stations, 20,000 cases), built once."""
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.services.opening import open_database
    from stationdesk.services.sample_data import SCALES, generate_sample

    path = folder / "template.sqlite"
    opened = open_database(Settings(database_url=sqlite_url(path), data_dir=folder / "userdata"))
    generate_sample(opened.db, SCALES["demo"], seed=7, today=today)
    opened.db.dispose()
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="kills in all")
    parser.add_argument("--per-file", type=int, default=20, help="kills on one file before a fresh copy")
    parser.add_argument("--journal", choices=("wal", "delete", "both"), default="both",
                        help="both: alternate files between WAL and the rollback journal")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--span", type=float, default=4.0, help="random kills land up to 1 s + SPAN after the start")
    parser.add_argument("--out", type=Path, default=None, help="work folder (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the files of rounds that passed")
    parser.add_argument("worker_args", nargs="*", help="passed to the worker after --, e.g. -- --batch 50-300")
    args = parser.parse_args()
    if not hasattr(os, "kill") or sys.platform == "win32":
        print("SIGKILL fault runs need POSIX: Windows has no SIGKILL.")
        return 2

    today = date.today()
    work = args.out or Path(tempfile.mkdtemp(prefix="stationdesk-faults-"))
    work.mkdir(parents=True, exist_ok=True)
    template = _template(work, today)
    worker_args = ["--today", today.isoformat(), *args.worker_args]
    total, started, rounds = Figures(), time.monotonic(), 0
    print(f"fault runs: {args.runs} kills, {args.per_file} per file, journal {args.journal}, seed {args.seed}, in {work}")
    while total.runs < args.runs:
        rounds += 1
        mode = args.journal if args.journal != "both" else ("wal", "delete")[(rounds - 1) % 2]
        folder = work / f"round-{rounds:03d}" / ("Dropbox" if mode == "delete" else "local")
        folder.mkdir(parents=True)
        db = folder / "db.sqlite"
        shutil.copyfile(template, db)
        runs = min(args.per_file, args.runs - total.runs)
        round_started = time.monotonic()
        try:
            figures = run_series(db, folder / "journal", runs, args.seed * 10_000 + rounds, worker_args,
                                 span=args.span)  # fmt: skip
        except WorkerDied as exc:
            print(f"round {rounds}: the worker stopped by itself (see {folder}):\n{exc}")
            return 1
        total.merge(figures)
        bad = figures.corrupt or figures.rows_lost or figures.partial
        print(f"round {rounds:3d} ({mode:6}): {figures.runs} kills, {figures.committed_ops} transactions committed, "
              f"{figures.rows_checked} rows checked, corrupt {figures.corrupt}, lost {figures.rows_lost}, "
              f"partial {figures.partial}, in doubt {dict(figures.in_doubt)}, "
              f"{time.monotonic() - round_started:.0f} s", flush=True)  # fmt: skip
        for problem in figures.problems[:10]:
            print("   ", problem)
        if not bad and not args.keep:
            shutil.rmtree(folder.parent)
    elapsed = time.monotonic() - started
    print()
    print("\n".join(total.lines()))
    print(f"files used                   {rounds}")
    print(f"wall time                    {elapsed / 60:.1f} min ({elapsed / max(total.runs, 1):.1f} s a kill)")
    return 1 if (total.corrupt or total.rows_lost or total.partial) else 0


if __name__ == "__main__":
    sys.exit(main())
