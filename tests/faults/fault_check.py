"""After a kill: open the database with the app and check it against the worker's journal.

What must hold (reliability.md, "a crash never corrupts or loses a commit"):
- the app opens the file (its own quick_check included), `PRAGMA integrity_check` says ok and
  `PRAGMA foreign_key_check` finds nothing;
- every journaled commit is all there: each of its rows (stations, their history, audit rows,
  zombie decisions: counted by the transaction's own actor) and each station's values as the
  LAST committed change left them (a later commit may supersede an earlier status);
- nothing of a refused transaction is there;
- the one transaction in doubt (announced, not confirmed before the kill) is either wholly there
  or wholly absent; which one is written back to the journal ("resolved"), so the next round
  knows the exact committed state.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fault_worker import ACTOR_PREFIX, actor_of

TABLES = {
    "audit": ("audit_log", "username"),
    "history": ("status_history", "person"),
    "decisions": ("zombie_decision", "created_by"),
    "stations": ("station", "created_by"),
}


def rows_by_actor(conn: Any) -> dict[str, dict[str, int]]:
    """actor → table → rows, for the fault worker's actors."""
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for key, (table, column) in TABLES.items():
        sql = f"SELECT {column}, count(*) FROM {table} WHERE {column} LIKE '{ACTOR_PREFIX}%' GROUP BY {column}"
        for actor, count in conn.exec_driver_sql(sql):
            found[actor][key] = count
    return found


@dataclass
class Op:
    op: int
    intent: dict[str, Any]
    outcome: str = "doubt"  # committed | refused | absent | doubt
    successor: str | None = None


def repair_tail(path: Path) -> bool:
    """Cut a line torn by the kill (no newline yet); True if there was one."""
    if not path.exists():
        return False
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return False
    with path.open("r+b") as handle:
        handle.truncate(data.rfind(b"\n") + 1)
    return True


def read_journal(path: Path) -> list[Op]:
    ops: dict[int, Op] = {}
    if not path.exists():
        return []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        kind = record["t"]
        if kind == "intent":
            ops[record["op"]] = Op(record["op"], record)
        elif kind == "commit":
            ops[record["op"]].outcome = "committed"
            ops[record["op"]].successor = record.get("successor")
        elif kind == "refused":
            ops[record["op"]].outcome = "refused"
        elif kind == "resolved":
            ops[record["op"]].outcome = "committed" if record["committed"] else "absent"
            ops[record["op"]].successor = record.get("successor")
    return sorted(ops.values(), key=lambda o: o.op)


@dataclass
class Check:
    corrupt: bool = False
    problems: list[str] = field(default_factory=list)
    open_seconds: float = 0.0
    check_seconds: float = 0.0
    committed_ops: int = 0
    rows_checked: int = 0
    rows_lost: int = 0
    partial: int = 0
    in_doubt: str = ""  # "" | committed | absent | partial
    journal_mode: str = ""

    def fail(self, text: str) -> None:
        if len(self.problems) < 20:
            self.problems.append(text)


def check_database(db_path: Path, journal: Path) -> Check:
    """Open `db_path` as the app does and check it against `journal`; resolves the op in doubt."""
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.services.opening import open_database

    result = Check()
    repair_tail(journal)
    ops = read_journal(journal)
    started = time.perf_counter()
    try:
        opened = open_database(Settings(database_url=sqlite_url(db_path), data_dir=db_path.parent / "userdata"))
    except Exception as exc:  # the file must open: anything else counts as a corrupt database
        result.corrupt = True
        result.fail(f"open failed: {exc!r}")
        return result
    result.open_seconds = time.perf_counter() - started
    try:
        with opened.db.engine.connect() as conn:
            _check(conn, ops, journal, result)
    finally:
        opened.db.dispose()
    result.check_seconds = time.perf_counter() - started
    return result


def _check(conn: Any, ops: list[Op], journal: Path, result: Check) -> None:
    result.journal_mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    verdict = [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if verdict != ["ok"]:
        result.corrupt = True
        result.fail(f"integrity_check: {verdict[:5]}")
    dangling = list(conn.exec_driver_sql("PRAGMA foreign_key_check"))
    if dangling:
        result.corrupt = True
        result.fail(f"foreign_key_check: {dangling[:5]}")
    counts = rows_by_actor(conn)
    stations = {row[0]: row[1:] for row in conn.exec_driver_sql(
        "SELECT code, id, name, county_id, address, contact_person, notes, status, predecessor_id FROM station")}  # fmt: skip
    for op in ops:
        if op.outcome == "doubt":
            _resolve(conn, op, counts, journal, result)
            if op.outcome == "doubt":  # partial: reported by _resolve
                continue
        found = counts.get(actor_of(op.op), {})
        if op.outcome == "committed":
            result.committed_ops += 1
            for table, expected in op.intent["expect"].items():
                result.rows_checked += expected
                if found.get(table, 0) < expected:
                    result.rows_lost += expected - found.get(table, 0)
                    result.fail(f"op {op.op} ({op.intent['kind']}): {table} {found.get(table, 0)} of {expected}")
        elif any(found.values()):
            result.partial += 1
            result.fail(f"op {op.op} {op.outcome}, yet its actor wrote {found}")
    _compare_stations(ops, stations, result)


def _resolve(conn: Any, op: Op, counts: dict[str, dict[str, int]], journal: Path, result: Check) -> None:
    """The transaction in doubt: all of it (committed) or none of it (absent); anything between
    is a partial transaction."""
    found = counts.get(actor_of(op.op), {})
    expected = op.intent["expect"]
    if not any(found.values()):
        op.outcome = result.in_doubt = "absent"
    elif all(found.get(table, 0) == count for table, count in expected.items()):
        op.outcome = result.in_doubt = "committed"
        if op.intent.get("action") == "rebuild":
            op.successor = conn.exec_driver_sql(
                "SELECT s.code FROM zombie_decision d JOIN station s ON s.id = d.successor_id WHERE d.created_by = ?",
                (actor_of(op.op),),
            ).scalar()  # fmt: skip
    else:
        result.in_doubt = "partial"
        result.partial += 1
        result.fail(f"op {op.op} in doubt is partial: expected {expected}, found {found}")
        return
    record = {"t": "resolved", "op": op.op, "committed": op.outcome == "committed", "successor": op.successor}
    with journal.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


_FIELDS = ("id", "name", "county_id", "address", "contact_person", "notes", "status", "predecessor_id")


def _compare_stations(ops: list[Op], stations: dict[str, tuple[Any, ...]], result: Check) -> None:
    """Each station's values as the last committed change left them."""
    expected: dict[str, dict[str, Any]] = defaultdict(dict)
    for op in ops:
        if op.outcome != "committed":
            continue
        intent = op.intent
        if intent["kind"] == "import":
            for code, name, county_id, address, contact in intent["new"]:
                expected[code] = {"name": name, "county_id": county_id, "address": address,
                                  "contact_person": contact, "notes": "", "status": "active"}  # fmt: skip
            for code, contact, notes in intent["updates"]:
                expected[code].update(contact_person=contact, notes=notes)
        else:
            expected[intent["code"]].update(id=intent["sid"], status=intent["after"])
            if op.successor:
                expected[op.successor] = {"status": "active", "predecessor_id": intent["sid"]}
    for code, values in expected.items():
        row = stations.get(code)
        result.rows_checked += 1
        if row is None:
            result.rows_lost += 1
            result.fail(f"station {code} missing")
            continue
        stored = dict(zip(_FIELDS, row, strict=True))
        wrong = {k: (stored[k], v) for k, v in values.items() if stored[k] != v}
        if wrong:
            result.rows_lost += 1
            result.fail(f"station {code}: stored vs committed {wrong}")
