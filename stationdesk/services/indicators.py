"""Indicators for any station and period: the one entry point the station page, the
re-examination, the zombie sweep, the reports and the command line all use.

The counts come from `store.figures` (grouped SQL); the rates from `domain.figures.StationFigures`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from stationdesk.domain.figures import StationFigures
from stationdesk.services import preferences
from stationdesk.store import figures
from stationdesk.store.database import Database


def year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def station_indicators(
    db: Database, start: date, end: date, today: date, station_ids: Iterable[int] | None = None
) -> dict[int, StationFigures]:
    """Figures for the stations in `station_ids` (all when None) for [start, end].

    Every station asked for is in the result (zeros when it did nothing); with `station_ids` None
    only stations with some activity are. Overdue cases are counted as of `today` for a period that
    includes it, else as of the day after the period.
    """
    as_of = today if start <= today <= end else None
    # Read the ids once: a generator would be used up by the query and leave the zeros out.
    ids = None if station_ids is None else list(station_ids)
    with db.reading() as session:
        found = figures.station_figures(session, start, end, ids, as_of)
    for station_id in ids or ():
        found.setdefault(station_id, StationFigures(station_id))
    return found


def indicators_of(db: Database, station_id: int, start: date, end: date, today: date) -> StationFigures:
    """One station's figures for a period."""
    return station_indicators(db, start, end, today, [station_id])[station_id]


def counts_basic_as_satisfied(db: Database) -> bool:
    """Whether 基本满意 counts as satisfied in 回访满意率 (a shared setting)."""
    return bool(preferences.get(db, "satisfaction_counts_basic"))
