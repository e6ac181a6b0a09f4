"""Column mappings kept for spreadsheets laid out the same way next time (each county's roster
has its own headings; matching them by hand once is enough)."""

from __future__ import annotations

from sqlalchemy import select

from stationdesk.domain.permissions import Permission
from stationdesk.errors import UserError
from stationdesk.services import access, audit
from stationdesk.store.database import Database
from stationdesk.store.models import ImportMapping

MAX_NAME = 60


def saved_mappings(db: Database, kind: str) -> dict[str, dict[str, str]]:
    """name → {heading: field} for `kind` ("stations" or "cases"), by name."""
    with db.reading() as session:
        rows = session.execute(
            select(ImportMapping.name, ImportMapping.mapping).where(ImportMapping.kind == kind).order_by(ImportMapping.name)
        )
        return {name: dict(mapping) for name, mapping in rows}


def save_mapping(db: Database, name: str, kind: str, mapping: dict[str, str], actor: str) -> None:
    """Keep `mapping` under `name` (replacing one of that name)."""
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise UserError(f"映射名称不能为空，且不超过 {MAX_NAME} 个字")
    if not mapping:
        raise UserError("没有任何列的对应关系，无需保存")
    with db.writing() as session:
        access.require(session, actor, Permission.EDIT_STATIONS)
        row = session.scalar(select(ImportMapping).where(ImportMapping.name == name))
        if row is None:
            row = ImportMapping(name=name, kind=kind, mapping=mapping, created_by=actor, updated_by=actor)
            session.add(row)
            session.flush()
            audit.record(session, actor, "insert", "import_mapping", row.id, new=audit.row_values(row))
            return
        old, new = audit.changed_fields({"kind": row.kind, "mapping": dict(row.mapping)}, {"kind": kind, "mapping": mapping})
        if new:
            row.kind, row.mapping, row.updated_by = kind, mapping, actor
            session.flush()
            audit.record(session, actor, "update", "import_mapping", row.id, old={"name": name} | old,
                         new={"name": name} | new)  # fmt: skip
