"""Saving a 设置 tab's shared settings: what changed, all together or none (services.preferences),
with the service's refusal shown to the user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtWidgets import QWidget

from stationdesk.errors import UserError
from stationdesk.services import preferences
from stationdesk.store.database import Database
from stationdesk.ui import dialogs


def save_changed(parent: QWidget, db: Database, actor: str, values: Mapping[str, Any],
                 stored: Mapping[str, Any]) -> dict[str, Any] | None:  # fmt: skip
    """Store the values that differ from `stored`; the changes saved, or None when refused."""
    changed = {key: value for key, value in values.items() if value != stored[key]}
    try:
        preferences.put_many(db, changed, actor)
    except UserError as exc:
        dialogs.show_error(parent, exc)
        return None
    return changed
