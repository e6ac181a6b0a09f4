"""What the signed-in person may do, as the windows show it: what they may not do is hidden or
made read-only, with the reason at hand. The services check again on every write (the role may
change while a window is open), so this is a courtesy, not the lock."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from stationdesk.domain.permissions import Permission, refusal
from stationdesk.services import access
from stationdesk.services.access import PermissionDenied
from stationdesk.store.database import Database

NOTE_STYLE = "background: #fff4e5; border: 1px solid #f0c36d; padding: 6px; color: #6b4e16;"


def why_not(db: Database, actor: str, permission: Permission, county_id: int | None = None) -> str | None:
    """The reason `actor` may not do `permission` (to a station of `county_id`), or None."""
    if db.read_only:
        return "数据库以只读方式打开（另一个程序正在使用），不能修改"
    with db.reading() as session:
        try:
            return refusal(access.principal_of(session, actor), permission, county_id)
        except PermissionDenied as exc:
            return str(exc)


def show_only_if(allowed: bool, *controls: QWidget | QAction) -> None:
    """Hide the controls that would write when the person may not (their enabled state stays
    free for the page's own logic, such as "needs a selection")."""
    for control in controls:
        control.setVisible(allowed)


def read_only_note(reason: str) -> QLabel:
    """The banner a read-only form or page shows at its top."""
    note = QLabel(f"只读：{reason}")
    note.setStyleSheet(NOTE_STYLE)
    note.setWordWrap(True)
    return note


def why_not_station(db: Database, actor: str, station_id: int | None) -> str | None:
    """The reason `actor` may not change station `station_id` and its records, or None
    (`station_id` None: may they add a station or record at all?)."""
    if station_id is None:
        return why_not(db, actor, Permission.EDIT_STATIONS)
    with db.reading() as session:
        county_id = access.station_counties(session, [station_id]).get(station_id)
    return why_not(db, actor, Permission.EDIT_STATIONS, county_id)
