"""Who a printed summary comes from: the bureau's name and logo (设置 → 单位信息), for every
table report (summaries, the overview, the weekly bulletin)."""

from __future__ import annotations

from stationdesk.domain.logo import decode_logo
from stationdesk.services import preferences
from stationdesk.store.database import Database


def bureau_name(db: Database) -> str:
    return str(preferences.get(db, "bureau_name") or "")


def bureau_logo(db: Database) -> bytes:
    """The logo's image bytes, b"" when none is set."""
    return decode_logo(str(preferences.get(db, "bureau_logo") or ""))
