"""Province-scale benchmark of the annual re-examination (年度复核).

    python bench/bench_reexam.py [--db bench/out/province.sqlite] [--runs 5] [--stations 2000]
                                 [--year 2026] [--today 2026-12-02] [--profile]

Target (the issue): proposals for 2,000 demonstration stations over a 1,000,000-case database in
under 1 s. Needs the province sample (20,000 stations, ~1,700–1,800 of them demonstration
stations); build it with `python bench/bench_sample_data.py --scale province --out FILE`, as an
older file lacks today's schema. When the sample has fewer demonstration stations than
`--stations`, ordinary stations (lowest codes) are added as `station_ids` to make up the number.

Measures start_round (figures, frozen standards, snapshots, proposals, one commit), then on the
last round: refresh_proposals, round_rows, ranking and enter_scores for every station in one
batch. Before each start_round the year's round, its rows and the year's standards are deleted
(services never delete; a benchmark may), so every run does what a first run does.
Median is the figure; min and max show the spread. `--profile` prints cProfile's top lines for
one start_round. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report import Timer, print_table  # noqa: E402

ACTOR = "bench_reexam"




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "province.sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--year", type=int, help="the round's year (default: today's)")
    parser.add_argument("--profile", action="store_true", help="profile one start_round")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} not found: build it with bench/bench_sample_data.py --scale province --out {args.db}")

    from sqlalchemy import delete, func, select

    from stationdesk.config import Settings, sqlite_url
    from stationdesk.domain.vocabulary import StationLevel, StationStatus
    from stationdesk.services import reexam
    from stationdesk.services.opening import open_database
    from stationdesk.store.models import MediationCase, Reexamination, ReexamRound, Standard, Station

    db = open_database(Settings(database_url=sqlite_url(args.db), data_dir=args.db.parent / "userdata")).db
    today = args.today
    year = args.year or today.year

    def clear_year() -> None:
        with db.writing() as session:
            rounds = select(ReexamRound.id).where(ReexamRound.year == year).scalar_subquery()
            session.execute(delete(Reexamination).where(Reexamination.round_id.in_(rounds)))
            session.execute(delete(ReexamRound).where(ReexamRound.year == year))
            session.execute(delete(Standard).where(Standard.year == year))

    clear_year()
    demonstration = reexam.demonstration_station_ids(db)
    ids = list(demonstration)
    with db.reading() as session:
        n_cases = session.scalar(select(func.count()).select_from(MediationCase))
        if len(ids) < args.stations:
            ids += session.scalars(
                select(Station.id).where(Station.level == StationLevel.ORDINARY.value,
                                         Station.status != StationStatus.REMOVED.value)
                .order_by(Station.code).limit(args.stations - len(ids))
            ).all()
    ids = ids[: args.stations]
    print(f"{args.db}: {n_cases:,} cases; {len(demonstration):,} demonstration stations, "
          f"{len(ids):,} in the round; year {year}, today {today}", flush=True)

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        reexam.start_round(db, year, ACTOR, today, ids)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        clear_year()

    timer = Timer(args.runs)
    info = timer.measure(f"start_round, {len(ids):,} stations (figures, snapshots, proposals)",
                         lambda: reexam.start_round(db, year, ACTOR, today, ids), 1000, before=clear_year)
    timer.measure("refresh_proposals (figures read again, every row undecided)",
                  lambda: reexam.refresh_proposals(db, info.id, ACTOR, today), 1000)
    rows = timer.measure("round_rows (the round's grid)", lambda: reexam.round_rows(db, info.id), 1000)
    timer.measure("ranking (overall, per county, red/black lists)", lambda: reexam.ranking(db, info.id, 3), 1000)
    checklist = rows[0].checklist
    entries = [
        reexam.ScoreEntry(row.id, {item.code: item.points - (n % 2) for item in checklist}, "王芳", today)
        for n, row in enumerate(rows)
    ]
    count = timer.measure(f"enter_scores, {len(entries):,} sheets in one batch",
                          lambda: reexam.enter_scores(db, entries, ACTOR, today), 1000)
    ranked = reexam.ranking(db, info.id, 3)
    print_table(timer.rows)
    print(f"\n{count:,} sheets entered; {len(ranked.red)} on the red list, {len(ranked.black)} on the black list; "
          f"proposals: " + ", ".join(f"{k} {v}" for k, v in sorted(_tally(rows).items())))
    print(f"The {year} round is left in {args.db} (deleted again at the next run).")


def _tally(rows: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.proposed_text] = counts.get(row.proposed_text, 0) + 1
    return counts


if __name__ == "__main__":
    main()
