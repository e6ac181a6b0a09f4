"""Reads of the station register for lists, the GUI and the command line (one session each)."""

from __future__ import annotations

from collections.abc import Sequence

from stationdesk.store import station_queries
from stationdesk.store.database import Database
from stationdesk.store.station_queries import StationFilter, StationRow

__all__ = [
    "StationFilter",
    "StationRow",
    "count_stations",
    "list_station_ids",
    "load_station_rows",
    "register_lookups",
]


def list_station_ids(
    db: Database,
    flt: StationFilter,
    sort_key: str = "code",
    descending: bool = False,
    year: int | None = None,
) -> list[int]:
    """Ids of matching stations in display order; removed stations only if asked for."""
    with db.reading() as session:
        return station_queries.station_ids(session, flt, sort_key, descending, year)


def load_station_rows(db: Database, ids: Sequence[int], year: int) -> dict[int, StationRow]:
    """One page of register rows with each station's case figures for `year`."""
    with db.reading() as session:
        return station_queries.station_rows(session, ids, year)


def count_stations(db: Database, flt: StationFilter | None = None) -> int:
    with db.reading() as session:
        return station_queries.count_stations(session, flt or StationFilter(include_removed=True))


def register_lookups(db: Database) -> station_queries.RegisterLookups:
    """Counties and categories for the filter boxes."""
    with db.reading() as session:
        return station_queries.register_lookups(session)
