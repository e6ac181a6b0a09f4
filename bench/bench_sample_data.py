"""Benchmark the sample-data generator: time, peak memory and file size for one scale.

    python bench/bench_sample_data.py [--scale province] [--out PATH] [--seed 2026] [--today 2026-11-24]

Creates a fresh SQLite file (replacing an old one), migrates it, generates, and prints a table,
then the space each table and index takes (from SQLite's `dbstat`, when the driver or Python's
own sqlite3 has it; pysqlite3 is built without it). The file is left in place (default
bench/out/<scale>.sqlite) for other benchmarks to reuse.
Targets (province): under 20 s, peak RSS under 1.5 GB, at most 200 MB per million cases.
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from stationdesk.services.sample_data import SCALES, generate_sample
from stationdesk.store.database import Database, make_engine, sqlite_module
from stationdesk.store.migrate import upgrade_to_head

HERE = Path(__file__).resolve().parent


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # bytes on macOS, KiB elsewhere


def space_by_object(path: Path) -> list[tuple[str, str, int, int]] | None:
    """(table or index, its table, bytes, rows or entries) per b-tree, biggest first; None without dbstat.

    Read-only, after the generating connection is closed.
    """
    for module in (sqlite_module(), sqlite3):
        conn: Any = module.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
        try:
            try:
                sizes = conn.execute(
                    "SELECT name, SUM(pgsize), SUM(CASE WHEN pagetype = 'leaf' THEN ncell END), SUM(ncell) "
                    "FROM dbstat GROUP BY name"
                ).fetchall()
            except module.OperationalError:  # built without SQLITE_ENABLE_DBSTAT_VTAB
                continue
            owner = dict(conn.execute("SELECT name, tbl_name FROM sqlite_master").fetchall())
        finally:
            conn.close()
        # A table's rows are its leaf cells; an index's entries are in interior cells too.
        rows = [
            (
                name,
                owner.get(name, name),
                int(size),
                int((leaf if owner.get(name, name) == name else every) or 0),
            )
            for name, size, leaf, every in sizes
        ]
        return sorted(rows, key=lambda row: -row[2])
    return None


def print_space(path: Path, cases: int) -> None:
    space = space_by_object(path)
    if space is None:
        print("\n(no dbstat in this SQLite build: per-table sizes not available)")
        return
    total = sum(size for _name, _table, size, _n in space)
    per_table: dict[str, int] = {}
    for _name, table, size, _n in space:
        per_table[table] = per_table.get(table, 0) + size
    print(f"\n{'table or index':<34} {'MB':>7} {'rows':>10} {'B/row':>6} {'MB/M cases':>10}")
    for name, table, size, n in space:
        if size < 250_000:
            continue
        label = name if name == table else f"  {name}"
        per_row = f"{size / n:.0f}" if n else "-"
        per_m = f"{size / 1e6 / (cases / 1e6):.1f}" if cases else "-"
        print(f"{label:<34} {size / 1e6:7.1f} {n:>10,} {per_row:>6} {per_m:>10}")
    rest = sum(size for _name, _table, size, _n in space if size < 250_000)
    print(f"{'(others, each < 0.25 MB)':<34} {rest / 1e6:7.1f}")
    print(f"{'total':<34} {total / 1e6:7.1f}")
    print(
        "\nper table, indexes included (MB): "
        + ", ".join(
            f"{table} {size / 1e6:.1f}"
            for table, size in sorted(per_table.items(), key=lambda kv: -kv[1])
            if size >= 250_000
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="province")
    parser.add_argument("--out", type=Path, help="SQLite file to create (default bench/out/<scale>.sqlite)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 24))
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--no-space", action="store_true", help="skip the per-table space breakdown")
    args = parser.parse_args(argv)
    scale = SCALES[args.scale]
    out: Path = args.out or HERE / "out" / f"{scale.name}.sqlite"
    out.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)

    engine = make_engine(f"sqlite:///{out}")
    t0 = time.perf_counter()
    upgrade_to_head(engine)
    migrate_s = time.perf_counter() - t0
    db = Database(engine)
    last = [0.0]

    def progress(done: int, total: int, text: str) -> None:
        now = time.perf_counter()
        if not args.quiet and (now - last[0] > 1.0 or done == total):
            last[0] = now
            print(f"  {now - t0:6.1f}s  {text}", flush=True)

    t1 = time.perf_counter()
    summary = generate_sample(db, scale, seed=args.seed, today=args.today, progress=progress)
    generate_s = time.perf_counter() - t1
    with engine.connect() as conn:  # fold the WAL back so the file size is the real one
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    size_mb = out.stat().st_size / 1e6
    cases = summary.counts.get("mediation_case", 0)
    rows = [
        ("scale", scale.name),
        ("file", str(out)),
        ("migrate s", f"{migrate_s:.2f}"),
        ("generate s", f"{generate_s:.2f}"),
        ("peak RSS MB", f"{peak_rss_mb():.0f}"),
        ("file MB", f"{size_mb:.1f}"),
        ("MB per million cases", f"{size_mb / (cases / 1e6):.1f}" if cases else "-"),
    ]
    rows += [(f"rows {table}", f"{n:,}") for table, n in sorted(summary.counts.items())]
    width = max(len(k) for k, _ in rows)
    print()
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    if not args.no_space:
        print_space(out, cases)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
