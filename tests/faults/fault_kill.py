"""Start the fault worker, SIGKILL it at a seeded random moment, check the database; repeat.

Where the kill lands: a third of the kills come at a random time after the start (anywhere:
opening, writing the roster, planning, inside a transaction, committing, journaling); the rest are
aimed: the parent watches the worker's phase file and kills a seeded random moment after a write
transaction of the chosen kind took its lock ("tx") or began to commit ("commit"), so kills mid-
transaction and mid-commit are many, not lucky. Each kill is followed by `fault_check` on the same
file, so every run recovers the hot WAL (or rollback journal) the previous kill left.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from fault_check import Check, check_database
from fault_worker import PHASE_SIZE

WORKER = Path(__file__).with_name("fault_worker.py")
# (kind, stage, weight, longest wait after the stage begins, seconds)
AIMS = (
    ("random", "", 0.34, 0.0),
    ("import", "tx", 0.18, 0.2),  # an import's transaction lasts 0.15-0.9 s, its commit ~10 ms
    ("import", "commit", 0.16, 0.012),
    ("status", "tx", 0.16, 0.006),  # one station's: ~3-5 ms, its commit 1-4 ms
    ("status", "commit", 0.16, 0.005),
)
AIM_TIMEOUT = 60.0


class WorkerDied(RuntimeError):
    """The worker stopped by itself: a bug in the worker or the app, not a kill."""


@dataclass(frozen=True)
class Kill:
    aim: str
    landed: str
    """The worker's phase at the kill: "import tx 17", "status commit 230", "start open 0" …"""
    after: float

    @property
    def where(self) -> str:
        return " ".join(self.landed.split()[:2])


def read_phase(path: Path) -> str:
    return path.read_bytes()[:PHASE_SIZE].decode(errors="replace").strip()


def _log_tail(log: Path) -> str:
    return log.read_text(encoding="utf-8", errors="replace")[-3000:] if log.exists() else ""


def kill_once(db: Path, journal: Path, rng: Random, worker_args: list[str], *, span: float, log: Path) -> Kill:
    """One life of the worker on `db`, ended by SIGKILL."""
    phase = db.with_name("phase")
    phase.write_bytes(b"spawn".ljust(PHASE_SIZE))
    kind, stage, _weight, longest = rng.choices(AIMS, weights=[a[2] for a in AIMS])[0]
    command = [sys.executable, str(WORKER), "--db", str(db), "--journal", str(journal), "--phase", str(phase),
               "--seed", str(rng.randrange(2**31)), *worker_args]  # fmt: skip
    env = {**os.environ, "STATIONDESK_DATA_DIR": str(db.parent / "userdata")}
    started = time.monotonic()
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=out, env=env)
    try:
        if kind == "random":
            deadline = started + rng.uniform(0.3, 1.0 + span)  # the worker takes ~1 s to start
            while time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.002)
        else:
            wanted, until = f"{kind} {stage} ", started + AIM_TIMEOUT
            while process.poll() is None and time.monotonic() < until and not read_phase(phase).startswith(wanted):
                time.sleep(0.0005)
            time.sleep(rng.uniform(0, longest))
        if process.poll() is not None:
            raise WorkerDied(f"worker exited with {process.returncode}:\n{_log_tail(log)}")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
    return Kill(kind if kind == "random" else f"{kind} {stage}", read_phase(phase), time.monotonic() - started)


@dataclass
class Figures:
    runs: int = 0
    landed: Counter[str] = field(default_factory=Counter)
    corrupt: int = 0
    rows_checked: int = 0
    rows_lost: int = 0
    partial: int = 0
    in_doubt: Counter[str] = field(default_factory=Counter)
    committed_ops: int = 0
    committed_rows: int = 0
    open_seconds: list[float] = field(default_factory=list)
    check_seconds: list[float] = field(default_factory=list)
    journal_modes: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)

    def add(self, kill: Kill, check: Check) -> None:
        self.runs += 1
        self.landed[kill.where] += 1
        self.corrupt += check.corrupt
        self.rows_checked += check.rows_checked
        self.rows_lost += check.rows_lost
        self.partial += check.partial
        if check.in_doubt:
            self.in_doubt[check.in_doubt] += 1
        self.committed_ops = check.committed_ops  # the file's, as of the last check
        self.committed_rows = check.rows_checked
        self.open_seconds.append(check.open_seconds)
        self.check_seconds.append(check.check_seconds)
        self.journal_modes[check.journal_mode] += 1
        self.problems += [f"run {self.runs} ({kill.landed}): {p}" for p in check.problems]

    def merge(self, other: Figures) -> None:
        for name in ("runs", "corrupt", "rows_checked", "rows_lost", "partial", "committed_ops", "committed_rows"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("landed", "in_doubt", "journal_modes"):
            getattr(self, name).update(getattr(other, name))
        self.open_seconds += other.open_seconds
        self.check_seconds += other.check_seconds
        self.problems += other.problems

    def kills_during(self, kind: str) -> int:
        return sum(n for where, n in self.landed.items() if where.startswith(kind + " "))

    def lines(self) -> list[str]:
        def median_ms(values: list[float]) -> str:
            return f"{statistics.median(values) * 1000:.0f} ms" if values else "-"

        stages = ", ".join(f"{where} {n}" for where, n in sorted(self.landed.items()))
        return [
            f"fault runs (SIGKILL)         {self.runs}",
            f"kills during import          {self.kills_during('import')}",
            f"kills during status change   {self.kills_during('status')}",
            f"kills while opening          {self.kills_during('start')}",
            f"  by phase                   {stages}",
            f"transaction in doubt at kill {dict(self.in_doubt)} (resolved from the database)",
            f"corrupt databases found      {self.corrupt}",
            f"partial transactions found   {self.partial}",
            f"committed transactions       {self.committed_ops}",
            f"committed rows at the end    {self.committed_rows} (rows and station values the journal names)",
            f"committed rows checked       {self.rows_checked} (summed over every check)",
            f"rows lost                    {self.rows_lost}",
            f"journal modes                {dict(self.journal_modes)}",
            f"recovery open (median)       {median_ms(self.open_seconds)}"
            f" (max {max(self.open_seconds, default=0) * 1000:.0f} ms)",
            f"open + full check (median)   {median_ms(self.check_seconds)}",
        ]


def run_series(
    db: Path, journal: Path, runs: int, seed: int, worker_args: list[str], *, span: float = 4.0,
    log: Path | None = None, progress: bool = False,
) -> Figures:  # fmt: skip
    """`runs` kills on the same file, each followed by the check; stops at a corrupt database."""
    rng, figures = Random(seed), Figures()
    log = log or db.with_name("worker.log")
    for run in range(1, runs + 1):
        kill = kill_once(db, journal, rng, worker_args, span=span, log=log)
        check = check_database(db, journal)
        figures.add(kill, check)
        if progress:
            mark = "ok" if not (check.corrupt or check.rows_lost or check.partial) else "FAIL " + "; ".join(check.problems)
            print(f"  run {run:3d}: aim {kill.aim:<13} landed {kill.landed:<24} open {check.open_seconds * 1000:4.0f} ms"
                  f"  {check.in_doubt or '-':<9} {mark}", flush=True)  # fmt: skip
        if check.corrupt:
            break
    return figures
