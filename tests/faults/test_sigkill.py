"""A crash never corrupts the database or loses a commit (reliability.md, "How we show it holds").

A worker process imports station rosters (.xlsx, hundreds of rows, one transaction each) and
changes the status of selections of stations (zombie decisions and status changes, one
transaction per station) through the app's services, journaling every commit; the test kills it
with SIGKILL at seeded random moments, many aimed inside write transactions and commits, and after
each kill opens the file with the app and checks it: integrity_check ok, no foreign-key breach,
every journaled commit wholly present with its last committed values, nothing partial. The same
file goes on to the next kill, so each run recovers the hot WAL or rollback journal the last left.

`bench/fault_runs.py` runs the same kills by the hundred.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from fault_check import check_database, read_journal, repair_tail
from fault_kill import WORKER, run_series
from fault_worker import actor_of

pytestmark = [
    pytest.mark.slow,
    pytest.mark.sqlite_only(reason="SIGKILL recovery of a SQLite file's journal"),
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="Windows has no SIGKILL to kill the worker with"),
]

TODAY = "2026-11-24"  # the demo template's day (tests/conftest.py)
WORKER_ARGS = ["--today", TODAY, "--import-rows", "300-800", "--updates", "20-80", "--batch", "20-60"]


def _no_problems(figures: object) -> str:
    return "\n".join(getattr(figures, "problems", []))


def _run_worker(db: Path, ops: int) -> Path:
    journal = db.with_name("journal")
    subprocess.run(
        [sys.executable, str(WORKER), "--db", str(db), "--journal", str(journal), "--phase", str(db.with_name("phase")),
         "--seed", "3", "--ops", str(ops), "--self-check", *WORKER_ARGS],
        check=True, timeout=120,
    )  # fmt: skip
    return journal


def test_journal_names_exactly_what_each_transaction_wrote(fault_file: Callable[[str], Path]) -> None:
    """Without a kill: the worker's own count after each commit matched its intent (--self-check),
    and the check finds every row of every commit."""
    db = fault_file("plain")
    journal = _run_worker(db, ops=4)
    result = check_database(db, journal)
    kinds = {op.intent["kind"] for op in read_journal(journal)}
    assert (result.corrupt, result.rows_lost, result.partial, result.problems) == (False, 0, 0, [])
    assert kinds == {"import", "status"}
    assert result.committed_ops > 4 and result.rows_checked > 1000


def test_the_check_finds_a_lost_row_a_superseded_value_and_a_partial_transaction(
    fault_file: Callable[[str], Path],
) -> None:
    """The check is not vacuous: rows taken out behind its back are reported."""
    from pysqlite3 import dbapi2

    db = fault_file("tampered")
    journal = _run_worker(db, ops=4)
    ops = read_journal(journal)
    imported = next(op for op in ops if op.intent["kind"] == "import" and op.outcome == "committed")
    changed = next(op for op in reversed(ops) if op.intent["kind"] == "status" and op.outcome == "committed")
    doubted = next(op for op in ops if op.intent["kind"] == "status" and op.outcome == "committed" and op is not changed
                   and op.intent["code"] != changed.intent["code"])  # fmt: skip
    with dbapi2.connect(db) as conn:
        conn.execute("DROP TRIGGER audit_log_no_delete")  # as someone outside the app could
        conn.execute("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log WHERE username = ?)",
                     (actor_of(imported.op),))  # fmt: skip
        other = "suspended" if changed.intent["after"] != "suspended" else "active"
        conn.execute("UPDATE station SET status = ? WHERE id = ?", (other, changed.intent["sid"]))
        conn.execute("DELETE FROM status_history WHERE person = ?", (actor_of(doubted.op),))
    conn.close()
    # The doubted op's commit line never reached the journal: it is in doubt, and half there.
    lines = [line for line in journal.read_text(encoding="utf-8").splitlines()
             if (json.loads(line)["t"], json.loads(line).get("op")) != ("commit", doubted.op)]  # fmt: skip
    journal.write_text("\n".join(lines) + '\n{"t": "commit", "op"', encoding="utf-8")  # and a torn last line

    result = check_database(db, journal)
    assert result.rows_lost >= 2, result.problems
    assert (result.partial, result.in_doubt) == (1, "partial"), result.problems
    assert any("audit" in p for p in result.problems) and any("stored vs committed" in p for p in result.problems)
    assert not repair_tail(journal)


def test_sigkill_during_imports_and_status_changes_loses_nothing(fault_file: Callable[[str], Path]) -> None:
    db = fault_file("wal")
    figures = run_series(db, db.with_name("journal"), runs=8, seed=20261124, worker_args=WORKER_ARGS, span=2.5)
    assert (figures.runs, figures.corrupt) == (8, 0), _no_problems(figures)
    assert (figures.rows_lost, figures.partial) == (0, 0), _no_problems(figures)
    assert figures.journal_modes == {"wal": 8}
    assert figures.committed_ops > 0 and figures.rows_checked > 0
    inside = sum(n for where, n in figures.landed.items() if where.endswith((" tx", " commit")))
    assert inside >= 3, figures.landed  # most kills are aimed into a transaction or its commit


def test_sigkill_with_the_rollback_journal_of_a_sync_folder_loses_nothing(fault_file: Callable[[str], Path]) -> None:
    """In a sync folder the app keeps the rollback journal (no WAL): a hot journal to roll back."""
    db = fault_file("Dropbox")
    figures = run_series(db, db.with_name("journal"), runs=4, seed=20261125, worker_args=WORKER_ARGS, span=2.5)
    assert (figures.runs, figures.corrupt, figures.rows_lost, figures.partial) == (4, 0, 0, 0), _no_problems(figures)
    assert figures.journal_modes == {"delete": 4}
