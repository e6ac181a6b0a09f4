"""Province-scale benchmark of the zombie-station sweep (僵尸站点排查) and decisions.

    python bench/bench_zombies.py [--db bench/out/province.sqlite] [--runs 5] [--as-of 2026-12-02]
                                  [--page 200] [--decide 100] [--profile]

Target (the issue): a sweep with every rule over every station of a 20,000-station,
1,000,000-case database in under 300 ms. Build the sample with
`python bench/bench_sample_data.py --scale province --out FILE` (an older file lacks today's schema).

Measures, on the file as it is (read only): the sweep with the saved rules; the silence rule
alone; `store.zombie_queries.station_facts` alone (the SQL and the facts, no rules); `flags_for`
a page of `--page` stations (the register's marker column). Then, on a copy of the file in a
temporary folder (the original is never written), `decide` 清除 on `--decide` flagged stations per
run, each run on stations not yet removed. Median is the figure; min and max show the spread.
`--profile` prints cProfile's top lines for one sweep and SQLite's plan for the facts' queries.
Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Timer, print_table  # noqa: E402

ACTOR = "bench_zombies"




def _open(path: Path) -> Any:
    from stationdesk.config import Settings, sqlite_url
    from stationdesk.services.opening import open_database

    return open_database(Settings(database_url=sqlite_url(path), data_dir=path.parent / "userdata")).db


def _explain(db: Any, as_of: date) -> None:
    """SQLite's plan for each statement `station_facts` runs."""
    from sqlalchemy import event

    statements: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        statements.append((statement, parameters))

    from stationdesk.store import zombie_queries

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.reading() as session:
            zombie_queries.station_facts(session, as_of)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            print("\n" + " ".join(statement.split())[:160] + " …")
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters):
                print("   ", row[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--page", type=int, default=200, help="stations in the register's page (flags_for)")
    parser.add_argument("--decide", type=int, default=100, help="stations removed per decide run")
    parser.add_argument("--profile", action="store_true", help="profile one sweep, print the facts' query plans")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} not found: build it with bench/bench_sample_data.py --scale province --out {args.db}")

    from sqlalchemy import func, select

    from stationdesk.domain.vocabulary import StationStatus
    from stationdesk.domain.zombie_rules import RuleSetting, ZombieRule
    from stationdesk.services import zombies
    from stationdesk.store import zombie_queries
    from stationdesk.store.models import MediationCase, Station

    db = _open(args.db)
    as_of = args.as_of
    with db.reading() as session:
        n_cases = session.scalar(select(func.count()).select_from(MediationCase))
        live = session.scalars(
            select(Station.id).where(Station.status != StationStatus.REMOVED.value).order_by(Station.code)
        ).all()
    rules = zombies.rule_settings(db)
    silence_only = {rule: RuleSetting(rule is ZombieRule.SILENT, s.parameter) for rule, s in rules.items()}
    print(f"{args.db}: {n_cases:,} cases, {len(live):,} stations not removed; as of {as_of}", flush=True)

    if args.profile:
        zombies.sweep(db, as_of)
        profiler = cProfile.Profile()
        profiler.enable()
        zombies.sweep(db, as_of)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        _explain(db, as_of)

    timer = Timer(args.runs)
    zombies.sweep(db, as_of)  # the first read of a cold file is not what a user waits for twice
    flagged = timer.measure(f"sweep, all rules, {len(live):,} stations", lambda: zombies.sweep(db, as_of, rules), 300)
    silent = timer.measure("sweep, silence rule alone", lambda: zombies.sweep(db, as_of, silence_only))

    def facts() -> int:
        with db.reading() as session:
            return len(zombie_queries.station_facts(session, as_of))

    timer.measure("station_facts alone (SQL and facts, no rules)", facts)
    page = live[: args.page]
    marked = timer.measure(f"flags_for a page of {len(page)} stations (register marker column)",
                           lambda: zombies.flags_for(db, page, as_of), 50)  # fmt: skip

    decided = 0
    needed = args.decide * args.runs
    if len(flagged) < needed:
        print(f"only {len(flagged)} flagged stations: decide runs use {len(flagged) // args.runs} each")
    per_run = min(args.decide, len(flagged) // args.runs)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / args.db.name
        shutil.copyfile(args.db, copy)
        copy_db = _open(copy)
        decision_day = min(as_of, date.today())

        def decide() -> Any:
            run = timer.run
            ids = [f.station_id for f in flagged[run * per_run : (run + 1) * per_run]]
            return zombies.decide(copy_db, ids, "remove", reason="基准测试：名存实亡", decided_on=decision_day,
                                  actor=ACTOR, today=date.today(), approver="王局长")  # fmt: skip

        result = timer.measure(f"decide remove on {per_run} stations (a unit of work each, evidence read first)", decide)
        decided = result.count
        copy_db.dispose()
    print_table(timer.rows)
    print(f"\n{len(flagged):,} stations flagged with every rule ({len(silent):,} by 长期无活动 alone); "
          f"{len(marked)} of the page of {len(page)} marked; {decided} removed in the last decide run "
          f"({len(result.refused)} refused) on a copy, deleted afterwards.")  # fmt: skip


if __name__ == "__main__":
    main()
