"""操作日志 as Excel: the filtered list in the order shown, one row per audit row, the changes
spelled out in full (the screen's 摘要, never cut)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from stationdesk.services import audit_trail
from stationdesk.services.audit_trail import AuditEntry
from stationdesk.store.database import Database
from stationdesk.transfer.list_columns import ExportColumn, chosen, lazy_rows
from stationdesk.transfer.list_xlsx import ListExport


def local_moment(moment: datetime) -> datetime:
    """A stored UTC moment in the PC's local time, to the second, naive (as Excel holds times)."""
    return moment.replace(tzinfo=UTC).astimezone().replace(tzinfo=None, microsecond=0)


def audit_export_columns() -> list[ExportColumn[AuditEntry]]:
    """Keys as the screen's columns, so the export follows the columns shown."""
    return [
        ExportColumn("at", "时间", "datetime", lambda e: local_moment(e.at), 1.6),
        ExportColumn("username", "操作人", "text", lambda e: e.username),
        ExportColumn("action", "操作", "text", lambda e: e.action_label),
        ExportColumn("table", "对象", "text", lambda e: e.table_label),
        ExportColumn("row_id", "记录号", "int", lambda e: e.row_id),
        ExportColumn("station_code", "站点编号", "text", lambda e: e.station_code),
        ExportColumn("station", "站点名称", "text", lambda e: e.station_name, 2),
        ExportColumn("summary", "摘要", "text", lambda e: e.summary, 6),
    ]


def audit_rows_export(db: Database, ids: Sequence[int], keys: Sequence[str] | None = None, note: str = "") -> ListExport:
    """The audit rows `ids` in that order (the screen's), read a page at a time."""
    columns = chosen(audit_export_columns(), keys)
    if keys is not None and "station" in keys and "station_code" not in keys:  # the screen's one 站点 column
        columns.insert([c.key for c in columns].index("station"), audit_export_columns()[5])
    rows = lazy_rows(ids, lambda chunk: audit_trail.audit_entries(db, chunk), columns)
    return ListExport("操作日志", tuple(c.column for c in columns), rows, len(ids), note)
