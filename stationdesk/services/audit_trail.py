"""The audit trail as people read it: the 操作日志's filtered list, a station's 变更记录, and each
change's fields under the labels their forms use, old → new, with codes and ids as words.

Lists follow the house pattern: SQL gives the ordered ids, rows are read a page at a time. The
stored values stay as written; everything shown is derived here, so a label can be improved
without touching a single audit row (they cannot be touched anyway).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain import case_rules, station_rules
from stationdesk.domain.audit_trail import EXTRA_FIELD_LABELS, action_label, table_label
from stationdesk.domain.deadlines import DEADLINE_RULES
from stationdesk.domain.follow_up_rules import FOLLOW_UP_LABELS
from stationdesk.domain.money import format_yuan
from stationdesk.domain.payout_rules import PAYOUT_LABELS
from stationdesk.domain.standards import DEFAULT_FACILITIES
from stationdesk.domain.vocabulary import (
    CaseChannel,
    CaseHandling,
    CaseOutcome,
    FirstPayoutDuty,
    FundEntryKind,
    HostStatus,
    Labelled,
    ReexamOutcome,
    Role,
    Satisfaction,
    StationForm,
    StationLevel,
    StationStatus,
    ZombieAction,
)
from stationdesk.domain.zombie_rules import DECISION_LABELS
from stationdesk.services import accounts, consultations, reexam, standards, zombies
from stationdesk.store import audit_queries
from stationdesk.store.audit_queries import AuditFilter, AuditRecord
from stationdesk.store.database import Database
from stationdesk.store.models import (
    Category,
    County,
    GoodsCategory,
    MediationCase,
    Office,
    Standard,
    Station,
    Street,
)

__all__ = ["AuditEntry", "AuditFilter", "FieldChange", "audit_entries", "audit_ids", "audit_usernames"]

EMPTY = "（空）"
NOTES = {"reveal": "查看了消费者的完整姓名和电话"}  # what an action without values did

# Each table's fields under the labels its form (or import) uses; EXTRA_FIELD_LABELS adds the rest.
FORM_LABELS: dict[str, dict[str, str]] = {
    "station": station_rules.FIELD_LABELS,
    "mediation_case": case_rules.FIELD_LABELS,
    "first_payout": PAYOUT_LABELS,
    "fund_entry": PAYOUT_LABELS,
    "follow_up": FOLLOW_UP_LABELS,
    "consultation": consultations.LABELS,
    "site_check": zombies.CHECK_LABELS,
    "zombie_decision": DECISION_LABELS,
    "reexamination": reexam.LABELS,
    "standard": standards.LABELS,
    "app_user": accounts.LABELS,
}
CODED: dict[tuple[str, str], type[Labelled]] = {
    ("station", "form"): StationForm,
    ("station", "level"): StationLevel,
    ("station", "host_status"): HostStatus,
    ("station", "status"): StationStatus,
    ("mediation_case", "channel"): CaseChannel,
    ("mediation_case", "handling"): CaseHandling,
    ("mediation_case", "outcome"): CaseOutcome,
    ("follow_up", "satisfaction"): Satisfaction,
    ("fund_entry", "kind"): FundEntryKind,
    ("reexamination", "outcome"): ReexamOutcome,
    ("reexamination", "proposed"): ReexamOutcome,
    ("reexamination", "proposed_outcome"): ReexamOutcome,
    ("reexamination", "decided_outcome"): ReexamOutcome,
    ("zombie_decision", "action"): ZombieAction,
    ("standard", "level"): StationLevel,
    ("standard", "first_payout"): FirstPayoutDuty,
    ("app_user", "role"): Role,
}
# Id fields shown by what they point at: the kind of row, and which fields of which table hold it.
REFERENCES: dict[str, str] = {
    "category_id": "category", "county_id": "county", "street_id": "street", "office_id": "office",
    "goods_category_id": "goods_category", "station_id": "station", "predecessor_id": "station",
    "successor_id": "station", "case_id": "case", "standard_id": "standard",
}  # fmt: skip
_FACILITY_LABELS = {item.code: item.label for item in DEFAULT_FACILITIES}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of an audit row as shown: its label, the old value ("" for a new row's field)
    and the new one."""

    key: str
    label: str
    old: str
    new: str
    is_change: bool


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the 操作日志, ready to show and export."""

    id: int
    at: datetime
    username: str
    action: str
    action_label: str
    table_name: str
    table_label: str
    row_id: int | None
    station_id: int | None
    station_code: str
    station_name: str
    changes: tuple[FieldChange, ...]
    summary: str
    row_hash: str

    @property
    def station_text(self) -> str:
        return f"{self.station_code} {self.station_name}".strip()


def field_label(table: str, key: str) -> str:
    return (FORM_LABELS.get(table, {}).get(key) or EXTRA_FIELD_LABELS.get(table, {}).get(key)
            or EXTRA_FIELD_LABELS["*"].get(key) or key)  # fmt: skip


# The order a form shows its fields in, where the labels' own order is not it.
FORM_ORDER: dict[str, list[str]] = {
    "station": [f.name.replace("_yuan", "_fen") for f in fields(station_rules.StationDraft)],
    "mediation_case": [f.name for f in fields(case_rules.CaseDraft)],
}


def _order(table: str) -> dict[str, int]:
    keys = [*FORM_ORDER.get(table, []), *FORM_LABELS.get(table, {}), *EXTRA_FIELD_LABELS.get(table, {}),
            *EXTRA_FIELD_LABELS["*"]]  # fmt: skip
    return {key: number for number, key in enumerate(dict.fromkeys(keys))}


_ORDERS = {table: _order(table) for table in {*FORM_LABELS, *EXTRA_FIELD_LABELS}}


class _Names:
    """What the ids in a page of rows point at, read with one query per kind of row."""

    def __init__(self, session: Session, records: Iterable[AuditRecord]) -> None:
        wanted: dict[str, set[int]] = {}
        for record in records:
            for values in (record.old_values, record.new_values):
                for key, value in values.items():
                    kind = REFERENCES.get(key)
                    if kind and isinstance(value, int) and not isinstance(value, bool):
                        wanted.setdefault(kind, set()).add(value)
        self.names: dict[str, dict[int, str]] = {kind: self._read(session, kind, ids) for kind, ids in wanted.items()}

    @staticmethod
    def _read(session: Session, kind: str, ids: set[int]) -> dict[int, str]:
        named = {"category": Category, "county": County, "street": Street, "office": Office,
                 "goods_category": GoodsCategory}  # fmt: skip
        if kind in named:
            model = named[kind]
            return dict(session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())
        if kind == "station":
            rows = session.execute(select(Station.id, Station.code, Station.name).where(Station.id.in_(ids)))
            return {sid: f"{code} {name}" for sid, code, name in rows}
        if kind == "case":
            rows = session.execute(select(MediationCase.id, MediationCase.received_on).where(MediationCase.id.in_(ids)))
            return {cid: case_rules.case_number(cid, received) for cid, received in rows}
        rows = session.execute(select(Standard.id, Standard.year, Standard.level, Standard.revision)
                               .where(Standard.id.in_(ids)))  # fmt: skip
        return {sid: f"{year}年{StationLevel.label_for(level)}标准第{revision}版" for sid, year, level, revision in rows}

    def of(self, key: str, value: int) -> str:
        found = self.names.get(REFERENCES[key], {}).get(value)
        return found if found is not None else f"#{value}"


def display(table: str, key: str, value: Any, names: _Names | None = None) -> str:
    """A stored value as people read it: words for codes, names for ids, 元 for fen."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        if (table, key) == ("app_user", "active"):
            return "启用" if value else "停用"
        return "是" if value else "否"
    if key in REFERENCES and isinstance(value, int):
        return names.of(key, value) if names is not None else f"#{value}"
    if key.endswith("_fen") and isinstance(value, int):
        return f"{format_yuan(value)} 元"
    enum = CODED.get((table, key))
    if enum is not None and isinstance(value, str):
        return enum.label_for(value)
    if (table, key) == ("setting", "deadline_rule") and value in DEADLINE_RULES:
        return DEADLINE_RULES[value].label
    if key == "facilities" and isinstance(value, dict):
        return "、".join(_FACILITY_LABELS.get(k, k) for k, present in value.items() if present) or "（无）"
    if isinstance(value, dict):
        return "；".join(f"{k}：{v}" for k, v in value.items())
    if isinstance(value, list):
        return "；".join(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in value)
    return str(value)


def _changes(record: AuditRecord, names: _Names) -> tuple[FieldChange, ...]:
    old, new, table = record.old_values, record.new_values, record.table_name
    order = _ORDERS.get(table, _ORDERS["*"])
    keys = sorted(dict.fromkeys([*new, *old]), key=lambda k: order.get(k, len(order)))
    found = []
    for key in keys:
        is_change = key in old
        found.append(FieldChange(
            key, field_label(table, key), display(table, key, old.get(key), names) if is_change else "",
            display(table, key, new.get(key), names) if key in new else EMPTY, is_change,
        ))  # fmt: skip
    return tuple(found)


def summary_of(action: str, changes: Sequence[FieldChange]) -> str:
    """"联系电话：13812345678 → 13912345678；地址：…" — a new row's fields without the empty ones
    (nor its station, which the list shows beside)."""
    parts = [
        f"{c.label}：{c.old} → {c.new}" if c.is_change else f"{c.label}：{c.new}"
        for c in changes
        if c.is_change or (c.new not in (EMPTY, "否", "（无）") and c.key != "station_id")
    ]
    return "；".join(parts) or NOTES.get(action, "")


def _entry(record: AuditRecord, names: _Names) -> AuditEntry:
    changes = _changes(record, names)
    return AuditEntry(
        record.id, record.at, record.username, record.action, action_label(record.table_name, record.action),
        record.table_name, table_label(record.table_name), record.row_id, record.station_id, record.station_code,
        record.station_name, changes, summary_of(record.action, changes), record.row_hash,
    )  # fmt: skip


# -- the service functions -----------------------------------------------------------------------
def audit_ids(db: Database, flt: AuditFilter, descending: bool = True) -> list[int]:
    with db.reading() as session:
        return audit_queries.audit_ids(session, flt, descending)


def audit_entries(db: Database, ids: Sequence[int]) -> dict[int, AuditEntry]:
    """The entries of `ids` (a page), by id, every id a row points at named."""
    with db.reading() as session:
        records = audit_queries.audit_records(session, ids)
        names = _Names(session, records.values())
    return {row_id: _entry(record, names) for row_id, record in records.items()}


def audit_usernames(db: Database) -> list[str]:
    with db.reading() as session:
        return audit_queries.usernames(session)
