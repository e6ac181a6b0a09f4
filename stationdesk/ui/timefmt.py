"""Moments are stored in UTC; people read them in the PC's local time (北京时间 in practice)."""

from __future__ import annotations

from datetime import UTC, datetime


def local_time(moment: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone().strftime(fmt)
