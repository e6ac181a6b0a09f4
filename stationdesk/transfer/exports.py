"""The app's lists as `ListExport`s: the register, the case list and the payouts, filtered as the
user filtered them and in the columns they chose, read from the database a page at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from stationdesk.services import cases, payouts, register
from stationdesk.services.cases import CaseFilter
from stationdesk.services.payouts import PayoutRow
from stationdesk.services.register import StationFilter
from stationdesk.store.database import Database
from stationdesk.transfer.list_columns import (
    case_export_columns,
    chosen,
    lazy_rows,
    payout_export_columns,
    station_export_columns,
)
from stationdesk.transfer.list_xlsx import ListExport

MASKED_NOTE = "消费者姓名和电话已脱敏"


def station_rows_export(
    db: Database, ids: Sequence[int], year: int, keys: Sequence[str] | None = None, note: str = ""
) -> ListExport:
    """The register's stations `ids` in that order (the screen's sort), columns `keys`."""
    columns = chosen(station_export_columns(year), keys)
    rows = lazy_rows(ids, lambda chunk: register.load_station_rows(db, chunk, year), columns)
    return ListExport("站点台账", tuple(c.column for c in columns), rows, len(ids), note)


def station_export(
    db: Database, year: int, *, county_id: int | None = None, include_removed: bool = False
) -> ListExport:
    ids = register.list_station_ids(db, StationFilter(county_id=county_id, include_removed=include_removed), year=year)
    return station_rows_export(db, ids, year)


def case_rows_export(db: Database, ids: Sequence[int], keys: Sequence[str] | None = None, note: str = "") -> ListExport:
    columns = chosen(case_export_columns(), keys)
    rows = lazy_rows(ids, lambda chunk: cases.load_case_rows(db, chunk), columns)
    return ListExport("调解记录", tuple(c.column for c in columns), rows, len(ids), "；".join(p for p in (note, MASKED_NOTE) if p))


def case_export(
    db: Database, today: date, year: int | None, *, county_id: int | None = None, overdue: bool = False
) -> ListExport:
    flt = CaseFilter(
        county_id=county_id,
        received_from=date(year, 1, 1) if year else None,
        received_to=date(year, 12, 31) if year else None,
        overdue_on=today if overdue else None,
    )
    return case_rows_export(db, cases.list_case_ids(db, flt))


def payout_rows_export(rows: Sequence[PayoutRow]) -> ListExport:
    """Payouts already listed (the 先行赔付 page's), amounts in 元."""
    columns = payout_export_columns()
    data = [tuple(c.value(row) for c in columns) for row in rows]
    return ListExport("先行赔付", tuple(c.column for c in columns), data, len(data), MASKED_NOTE)


def payout_export(db: Database, year: int | None, *, unrecovered_only: bool = False) -> ListExport:
    found = payouts.payout_rows(
        db, start=date(year, 1, 1) if year else None, end=date(year, 12, 31) if year else None,
        unrecovered_only=unrecovered_only, limit=1_000_000,
    )
    return payout_rows_export(found)
