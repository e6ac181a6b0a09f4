"""Station use cases: read one, add, edit (with conflict detection), change status or level.

Each function is one unit of work: it validates with the domain rules the form uses, writes
the station, its history row and the audit rows together, or nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from stationdesk.domain.permissions import Permission
from stationdesk.domain.station_lifecycle import (
    ChangeRefused,
    PlannedChange,
    StationAction,
    plan_change,
    validate_change_request,
)
from stationdesk.domain.station_rules import (
    FIELD_LABELS,
    StationDraft,
    display_field,
    normalise_draft,
    station_code,
    validate_station,
)
from stationdesk.domain.text import match_key
from stationdesk.domain.vocabulary import HistoryKind, StationLevel, StationStatus
from stationdesk.errors import ConflictError, UserError, ValidationFailed
from stationdesk.services import access, audit
from stationdesk.store.bulk import insert_rows
from stationdesk.store.database import Database
from stationdesk.store.models import AuditLog, Category, County, Office, Station, StatusHistory, Street
from stationdesk.store.types import utc_now

DRAFT_FIELDS = [f.name for f in fields(StationDraft)]


class StationConflict(ConflictError):
    """Someone saved the station after this form was opened. `theirs` is the saved version."""

    def __init__(self, theirs: StationDetail) -> None:
        super().__init__(
            f"站点“{theirs.name}”在您打开后已被 {theirs.updated_by or '他人'} 修改并保存",
            hint="请对比两边的内容后再保存",
        )
        self.theirs = theirs


@dataclass(frozen=True)
class StationDetail:
    """One station as the station page shows it, with the version it was read at."""

    id: int
    version: int
    draft: StationDraft
    status: str
    category_name: str
    county_name: str
    street_name: str
    office_name: str
    status_changed_on: date | None
    status_reason: str
    created_by: str
    created_at: Any
    updated_by: str
    updated_at: Any

    @property
    def code(self) -> str:
        return self.draft.code

    @property
    def name(self) -> str:
        return self.draft.name


@dataclass(frozen=True)
class SavedStation:
    id: int
    code: str
    version: int


@dataclass(frozen=True)
class DuplicateMatch:
    id: int
    code: str
    name: str
    why: str


@dataclass(frozen=True)
class HistoryEntry:
    effective_on: date
    kind: str
    old_value: str
    new_value: str
    reason: str
    document_no: str
    person: str


def draft_of(station: Station) -> StationDraft:
    values = {name: getattr(station, name) for name in DRAFT_FIELDS if name != "fund_committed_yuan"}
    values["facilities"] = dict(station.facilities or {})
    return StationDraft(**values, fund_committed_yuan=station.fund_committed_fen / 100)


def drafts_with_versions(session: Session) -> Iterator[tuple[int, int, StationDraft]]:
    """(id, version, draft) of every station, read as plain columns: an import compares a roster
    with the whole register, and 20,000 ORM objects would cost seconds."""
    names = [name for name in DRAFT_FIELDS if name != "fund_committed_yuan"]
    columns = [getattr(Station, name) for name in names]
    query = select(Station.id, Station.version, Station.fund_committed_fen, *columns)
    for station_id, version, fen, *values in session.execute(query):
        fields_ = dict(zip(names, values, strict=True))
        fields_["facilities"] = dict(fields_["facilities"] or {})
        yield station_id, version, StationDraft(**fields_, fund_committed_yuan=fen / 100)


def _detail(session: Session, station: Station) -> StationDetail:
    return StationDetail(
        id=station.id,
        version=station.version,
        draft=draft_of(station),
        status=station.status,
        category_name=station.category.name,
        county_name=station.county.name,
        street_name=station.street.name if station.street else "",
        office_name=station.office.name if station.office else "",
        status_changed_on=station.status_changed_on,
        status_reason=station.status_reason,
        created_by=station.created_by,
        created_at=station.created_at,
        updated_by=station.updated_by,
        updated_at=station.updated_at,
    )


def _get(session: Session, station_id: int) -> Station:
    station = session.get(Station, station_id)
    if station is None:
        raise UserError(f"找不到编号为 {station_id} 的站点", hint="它可能已被他人合并，请刷新列表")
    return station


def get_station(db: Database, station_id: int) -> StationDetail:
    with db.reading() as session:
        return _detail(session, _get(session, station_id))


def find_station_id(db: Database, code: str) -> int:
    """The id of the station with this code; a UserError naming the code if there is none."""
    with db.reading() as session:
        found = session.scalar(select(Station.id).where(Station.code == code.strip().upper()))
    if found is None:
        raise UserError(f"没有站点编号为“{code}”的站点")
    return found


def next_station_code(db: Database, county_id: int) -> str:
    """The next free code in the county: its division code and the next 4-digit sequence."""
    with db.reading() as session:
        county = session.get(County, county_id)
        if county is None:
            raise UserError("请选择县区")
        return station_code(county.code, last_station_sequence(session, county.code) + 1)


def last_station_sequence(session: Session, county_code: str) -> int:
    """The highest 4-digit sequence the county's station codes use (0 when none)."""
    codes = session.scalars(select(Station.code).where(Station.code.like(f"{county_code}____"))).all()
    return max((int(c[len(county_code) :]) for c in codes if c[len(county_code) :].isdigit()), default=0)


def _check_references(session: Session, draft: StationDraft) -> dict[str, str]:
    problems: dict[str, str] = {}
    if draft.category_id is not None and session.get(Category, draft.category_id) is None:
        problems["category_id"] = "所选类别不存在"
    if draft.county_id is not None and session.get(County, draft.county_id) is None:
        problems["county_id"] = "所选县区不存在"
    if draft.street_id is not None:
        street = session.get(Street, draft.street_id)
        if street is None or street.county_id != draft.county_id:
            problems["street_id"] = "所选街道乡镇不属于该县区"
    if draft.office_id is not None:
        office = session.get(Office, draft.office_id)
        if office is None or office.county_id != draft.county_id:
            problems["office_id"] = "所选监管所不属于该县区"
    return problems


def _validated(session: Session, draft: StationDraft, today: date, exclude_id: int | None) -> StationDraft:
    draft = normalise_draft(draft)
    problems = validate_station(draft, today) | _check_references(session, draft)
    if "code" not in problems:
        clash = session.scalar(
            select(Station.name).where(Station.code == draft.code, Station.id != (exclude_id or -1))
        )
        if clash is not None:
            problems["code"] = f"站点编号 {draft.code} 已被“{clash}”使用"
    if problems:
        raise ValidationFailed(problems, FIELD_LABELS)
    return draft


def _apply(station: Station, draft: StationDraft) -> None:
    for name in DRAFT_FIELDS:
        if name == "fund_committed_yuan":
            station.fund_committed_fen = round(draft.fund_committed_yuan * 100)
        else:
            setattr(station, name, getattr(draft, name))


def _snapshot(station: Station) -> dict[str, Any]:
    return {name: getattr(station, name) for name in DRAFT_FIELDS if name != "fund_committed_yuan"} | {
        "fund_committed_fen": station.fund_committed_fen
    }


def find_duplicates(db: Database, draft: StationDraft, exclude_id: int | None = None) -> list[DuplicateMatch]:
    """Stations that look like the same one: same credit code and category, or same name and
    address (compared ignoring spaces, case and full-width forms)."""
    draft = normalise_draft(draft)
    found: list[DuplicateMatch] = []
    with db.reading() as session:
        conditions = []
        if draft.host_credit_code and draft.category_id is not None:
            conditions.append(
                (Station.host_credit_code == draft.host_credit_code)
                & (Station.category_id == draft.category_id)
            )
        if draft.name:
            conditions.append(Station.name == draft.name)
        if not conditions:
            return []
        rows = session.execute(
            select(
                Station.id,
                Station.code,
                Station.name,
                Station.address,
                Station.host_credit_code,
                Station.category_id,
            ).where(or_(*conditions), Station.id != (exclude_id or -1))
        ).all()
    for row in rows:
        if (
            draft.host_credit_code
            and row.host_credit_code == draft.host_credit_code
            and row.category_id == draft.category_id
        ):
            found.append(DuplicateMatch(row.id, row.code, row.name, "统一社会信用代码和类别相同"))
        elif match_key(row.name) == match_key(draft.name) and match_key(row.address) == match_key(
            draft.address
        ):
            found.append(DuplicateMatch(row.id, row.code, row.name, "站点名称和地址相同"))
    return found


def create_station(db: Database, draft: StationDraft, actor: str, today: date) -> SavedStation:
    """Add a station (active); a "建站" history row and an audit row record who added it."""
    with db.writing() as session:
        access.require(session, actor, Permission.EDIT_STATIONS, draft.county_id)
        return add_station(session, draft, actor, today)


def add_station(session: Session, draft: StationDraft, actor: str, today: date, reason: str = "新建站点") -> SavedStation:
    """`create_station` inside a caller's unit of work (a rebuild closes one station and opens its
    successor together)."""
    return _insert_many(session, [_validated(session, draft, today, None)], actor, today, reason)[0]


def add_stations(
    session: Session, drafts: Sequence[StationDraft], actor: str, today: date, reason: str,
    *, rules_checked: bool = False,
) -> list[SavedStation]:
    """Many new stations in the caller's unit of work (an import of a whole province's roster).

    The same checks as `add_station`, made for the batch at once: the drafts by the domain
    rules, the categories, places and codes against sets read once (not one query per station
    per reference), and the rows written with one flush. A ValidationFailed names the draft
    (its position in `drafts`) as "第 n 个"; nothing is added. `rules_checked` says the drafts
    were normalised and passed `validate_station` moments ago (an import's preview): then only
    what others may have changed since (codes, places, categories) is checked again.
    """
    categories = set(session.scalars(select(Category.id)))
    counties = set(session.scalars(select(County.id)))
    streets: dict[int, int] = {sid: cid for sid, cid in session.execute(select(Street.id, Street.county_id))}
    offices: dict[int, int] = {oid: cid for oid, cid in session.execute(select(Office.id, Office.county_id))}
    codes = set(session.scalars(select(Station.code)))
    ready: list[StationDraft] = []
    for number, draft in enumerate(drafts, start=1):
        if not rules_checked:
            draft = normalise_draft(draft)
        problems = {} if rules_checked else validate_station(draft, today)
        if draft.category_id not in categories:
            problems.setdefault("category_id", "所选类别不存在")
        if draft.county_id not in counties:
            problems.setdefault("county_id", "所选县区不存在")
        if draft.street_id is not None and streets.get(draft.street_id) != draft.county_id:
            problems.setdefault("street_id", "所选街道乡镇不属于该县区")
        if draft.office_id is not None and offices.get(draft.office_id) != draft.county_id:
            problems.setdefault("office_id", "所选监管所不属于该县区")
        if draft.code in codes:
            problems.setdefault("code", f"站点编号 {draft.code} 已被使用")
        if problems:
            labelled = {key: f"第 {number} 个：{message}" for key, message in problems.items()}
            raise ValidationFailed(labelled, FIELD_LABELS)
        codes.add(draft.code)
        ready.append(draft)
    return _insert_many(session, ready, actor, today, reason)


def _insert_many(session: Session, drafts: Sequence[StationDraft], actor: str, today: date, reason: str) -> list[SavedStation]:
    """`_insert` as three multi-row INSERTs (stations with RETURNING, history, audit): the ORM's
    one INSERT per object cost 1 ms a station, 20 s for a province."""
    if not drafts:
        return []
    now = utc_now()
    tracked = {"created_by": actor, "updated_by": actor, "created_at": now, "updated_at": now, "version": 1}
    values = []
    for draft in drafts:
        row = {name: getattr(draft, name) for name in DRAFT_FIELDS if name != "fund_committed_yuan"}
        row["fund_committed_fen"] = round(draft.fund_committed_yuan * 100)
        values.append(row | tracked | {"status": StationStatus.ACTIVE.value})
    # Multi-row INSERTs on the session's connection (store.bulk), then the new ids read back by
    # their unique codes: the ORM's bulk path and RETURNING both went through SQLAlchemy row by row.
    connection = session.connection()
    station, history = Station.__table__, StatusHistory.__table__
    insert_rows(connection, station, values)
    by_code: dict[str, int] = {}
    codes = [draft.code for draft in drafts]
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        by_code.update({code: sid for sid, code in connection.execute(
            select(station.c.id, station.c.code).where(station.c.code.in_(chunk)))})  # fmt: skip
    ids = [by_code[code] for code in codes]
    insert_rows(connection, history, [
        {"station_id": sid, "kind": HistoryKind.CREATED.value, "new_value": StationStatus.ACTIVE.value,
         "effective_on": draft.established_on or today, "reason": reason, "person": actor, "recorded_at": now}
        for sid, draft in zip(ids, drafts, strict=True)
    ])  # fmt: skip
    audit.record_many(session, actor, "insert", "station", [
        (sid, sid, {k: v for k, v in row.items() if k not in tracked}) for sid, row in zip(ids, values, strict=True)
    ])  # fmt: skip
    return [SavedStation(sid, draft.code, 1) for sid, draft in zip(ids, drafts, strict=True)]


def update_station(
    db: Database, station_id: int, draft: StationDraft, expected_version: int, actor: str, today: date
) -> SavedStation:
    """Save edits made on a form opened at `expected_version`.

    If the station was saved by someone else since, nothing is written and StationConflict
    carries their version, so the user can compare and re-apply: neither version is lost.
    """
    with db.writing() as session:
        access.require_station(session, actor, station_id)
        access.require(session, actor, Permission.EDIT_STATIONS, draft.county_id)
        return change_station(session, station_id, draft, expected_version, actor, today)


def change_station(
    session: Session, station_id: int, draft: StationDraft, expected_version: int, actor: str, today: date
) -> SavedStation:
    """`update_station` inside a caller's unit of work (an import updates hundreds together)."""
    station = _get(session, station_id)
    if station.version != expected_version:
        raise StationConflict(_detail(session, station))
    draft = _validated(session, draft, today, station_id)
    before = _snapshot(station)
    _apply(station, draft)
    old, new = audit.changed_fields(before, _snapshot(station))
    if not new:
        return SavedStation(station.id, station.code, station.version)
    station.updated_by = actor
    session.flush()
    audit.record(session, actor, "update", "station", station.id, station_id=station.id, old=old, new=new)
    return SavedStation(station.id, station.code, station.version)


@dataclass(frozen=True)
class StatusChanged:
    station_id: int
    change: PlannedChange
    version: int


def change_station_status(
    db: Database,
    station_id: int,
    action: StationAction,
    *,
    reason: str,
    effective_on: date | None,
    actor: str,
    today: date,
    document_no: str = "",
    kind: HistoryKind | None = None,
) -> StatusChanged:
    """Upgrade, downgrade, rectify, suspend, remove or reinstate a station, with reason and date.

    The station row keeps its data; the change becomes a history row with the person.
    """
    with db.writing() as session:
        access.require_station(session, actor, station_id)
        return apply_status_change(
            session, station_id, action, reason=reason, effective_on=effective_on, actor=actor, today=today,
            document_no=document_no, kind=kind,
        )  # fmt: skip


def apply_status_change(
    session: Session,
    station_id: int,
    action: StationAction,
    *,
    reason: str,
    effective_on: date | None,
    actor: str,
    today: date,
    document_no: str = "",
    kind: HistoryKind | None = None,
) -> StatusChanged:
    """`change_station_status` inside a caller's unit of work (a re-examination or zombie decision
    and the station change it makes commit together)."""
    station = _get(session, station_id)
    problems = validate_change_request(reason, effective_on, today, station.established_on)
    if problems:
        raise ValidationFailed(problems, FIELD_LABELS)
    assert effective_on is not None
    try:
        change = plan_change(action, StationStatus(station.status), StationLevel(station.level))
    except ChangeRefused as exc:
        raise UserError(f"站点“{station.name}”：{exc}") from exc
    setattr(station, change.attribute, change.new_value)
    if change.attribute == "status":
        station.status_changed_on = effective_on
        station.status_reason = reason.strip()[:200]
    station.updated_by = actor
    session.add(
        StatusHistory(
            station_id=station.id,
            kind=(kind or change.kind).value,
            old_value=change.old_value,
            new_value=change.new_value,
            effective_on=effective_on,
            reason=reason.strip(),
            document_no=document_no.strip(),
            person=actor,
        )
    )
    session.flush()
    audit.record(
        session,
        actor,
        change.action.value,
        "station",
        station.id,
        station_id=station.id,
        old={change.attribute: change.old_value},
        new={change.attribute: change.new_value, "reason": reason.strip(), "effective_on": effective_on}
        | ({"document_no": document_no.strip()} if document_no.strip() else {}),
    )
    return StatusChanged(station.id, change, station.version)


def station_history(db: Database, station_id: int) -> list[HistoryEntry]:
    """The station's status and level changes, newest first."""
    with db.reading() as session:
        rows = session.execute(
            select(
                StatusHistory.effective_on,
                StatusHistory.kind,
                StatusHistory.old_value,
                StatusHistory.new_value,
                StatusHistory.reason,
                StatusHistory.document_no,
                StatusHistory.person,
            )
            .where(StatusHistory.station_id == station_id)
            .order_by(StatusHistory.effective_on.desc(), StatusHistory.id.desc())
        ).all()
    return [HistoryEntry(*row) for row in rows]


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the station's 变更记录: a status/level change or an edit of its data."""

    on: date
    kind: str
    change: str
    reason: str
    document_no: str
    person: str


def _label_of(code: str) -> str:
    for enum in (StationStatus, StationLevel):
        try:
            return enum(code).label
        except ValueError:
            continue
    return code


def station_timeline(db: Database, station_id: int) -> list[TimelineEntry]:
    """Status/level history and data edits (from the audit trail), newest first."""
    entries: list[tuple[Any, TimelineEntry]] = []
    for h in station_history(db, station_id):
        change = (
            f"{_label_of(h.old_value)} → {_label_of(h.new_value)}" if h.old_value else _label_of(h.new_value)
        )
        kind = HistoryKind(h.kind).label if h.kind in {k.value for k in HistoryKind} else h.kind
        entries.append(
            (h.effective_on, TimelineEntry(h.effective_on, kind, change, h.reason, h.document_no, h.person))
        )
    with db.reading() as session:
        edits = session.execute(
            select(AuditLog.at, AuditLog.username, AuditLog.old_values, AuditLog.new_values).where(
                AuditLog.station_id == station_id,
                AuditLog.table_name == "station",
                AuditLog.action == "update",
            )
        ).all()
    for at, person, old, new in edits:
        change = "；".join(
            f"{FIELD_LABELS.get(k.replace('_fen', '_yuan'), k)}：{display_field(k, old.get(k))} → {display_field(k, v)}"
            for k, v in new.items()
        )
        entries.append((at.date(), TimelineEntry(at.date(), "修改资料", change, "", "", person)))
    entries.sort(key=lambda pair: pair[0], reverse=True)
    return [entry for _key, entry in entries]


def count_by_status(db: Database) -> dict[str, int]:
    with db.reading() as session:
        return dict(session.execute(select(Station.status, func.count()).group_by(Station.status)).all())
