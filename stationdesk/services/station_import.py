"""Importing a station roster: every row checked before anything is written, then the good rows
written in one transaction (or nothing). `ImportRow`, `PlannedRow` and `ImportPlan` serve the case
ledger import too (`services.case_import`).

Why plan first: a bureau's roster has hundreds of rows typed by different people over years.
The user must see, before the database changes, which rows are new, which update a station we
already have (matched by code, else credit code + category, else name + address), which change
nothing, and which are refused and why, cell by cell. The same domain rules as the station form
judge each row (`domain.station_rules.validate_station`), so a row the form would refuse is
refused here too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.import_columns import STATION_FIELDS, category_for, cell_bool, cell_date, cell_text
from stationdesk.domain.station_rules import (
    FIELD_LABELS,
    StationDraft,
    normalise_draft,
    station_code,
    validate_station,
)
from stationdesk.domain.text import match_key
from stationdesk.domain.vocabulary import Labelled, StationForm, StationLevel
from stationdesk.errors import ConflictError, UserError, ValidationFailed
from stationdesk.services import access, audit, backups, stations
from stationdesk.services.nogc import collector_paused
from stationdesk.store.database import Database
from stationdesk.store.models import Category, County, Office, Street

NEW, UPDATE, UNCHANGED, REJECTED = "new", "update", "unchanged", "rejected"
VERDICT_LABELS = {NEW: "新增", UPDATE: "更新", UNCHANGED: "无变化", REJECTED: "有问题"}
IMPORT_REASON = "批量导入"

# Words rosters use for a level or a form that are not our labels.
_LEVEL_WORDS = {"省级": StationLevel.PROVINCIAL, "市级": StationLevel.MUNICIPAL, "普通": StationLevel.ORDINARY,
                "否": StationLevel.ORDINARY, "无": StationLevel.ORDINARY, "非示范": StationLevel.ORDINARY}
_FORM_WORDS = {"分会": StationForm.BRANCH, "联络站": StationForm.LIAISON, "服务站": StationForm.SERVICE,
               "维权站": StationForm.SERVICE, "投诉站": StationForm.SERVICE}
# Field key of the spreadsheet → field of the draft whose message names it.
_PROBLEM_FIELD = {"category": "category_id", "county": "county_id", "street": "street_id", "office": "office_id",
                  "first_payout_scheme": "first_payout_scheme"}
LABELS = {spec.key: spec.label for spec in STATION_FIELDS}


@dataclass(frozen=True)
class ImportRow:
    """One spreadsheet row: its number as Excel shows it, and its cells by field key."""

    line: int
    values: Mapping[str, Any]


@dataclass(frozen=True)
class PlannedRow:
    line: int
    verdict: str
    values: Mapping[str, Any]
    draft: StationDraft | None = None
    station_id: int | None = None
    version: int | None = None
    changes: tuple[str, ...] = ()
    problems: Mapping[str, str] = field(default_factory=dict)
    """Spreadsheet field key → message, for a refused row."""
    labels: Mapping[str, str] = field(default_factory=lambda: LABELS)
    """The fields' names for `reason` (a roster's or a case ledger's)."""

    @property
    def reason(self) -> str:
        return "；".join(f"{self.labels.get(k, k)}：{m}" for k, m in self.problems.items())


@dataclass(frozen=True)
class ImportPlan:
    rows: list[PlannedRow]

    def count(self, verdict: str) -> int:
        return sum(1 for row in self.rows if row.verdict == verdict)

    @property
    def writable(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.verdict in (NEW, UPDATE)]

    @property
    def rejected(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.verdict == REJECTED]

    def summary(self) -> str:
        return "，".join(f"{VERDICT_LABELS[v]} {self.count(v)} 行" for v in (NEW, UPDATE, UNCHANGED, REJECTED))


class _Lookups:
    """Counties, streets, offices and categories by the words a roster uses for them."""

    def __init__(self, session: Session) -> None:
        self.categories = [
            (row.id, row.name, tuple(s for s in (row.synonyms or "").split(",") if s))
            for row in session.execute(select(Category.id, Category.name, Category.synonyms).where(Category.active))
        ]
        self.counties = {row.id: (row.code, row.name) for row in session.execute(select(County.id, County.code, County.name))}
        self.streets = {(r.county_id, match_key(r.name)): r.id for r in session.execute(select(Street.id, Street.county_id, Street.name))}
        self.offices = {}
        for r in session.execute(select(Office.id, Office.county_id, Office.name, Office.short_name)):
            self.offices[(r.county_id, match_key(r.name))] = r.id
            if r.short_name:
                self.offices[(r.county_id, match_key(r.short_name))] = r.id

        self._county_keys = {cid: (match_key(code), match_key(name)) for cid, (code, name) in self.counties.items()}
        self._county_cache: dict[str, int | None] = {}
        self._category_cache: dict[str, int | None] = {}

    def county(self, text: str) -> int | None:
        """By code or name, or by the name without its 区/县/市 ("天宁" for 天宁区); cached, as a
        roster repeats its dozen counties thousands of times."""
        key = match_key(text)
        if key not in self._county_cache:
            exact = [cid for cid, keys in self._county_keys.items() if key in keys]
            prefix = [cid for cid, (_code, name) in self._county_keys.items() if key and name.startswith(key)]
            found = exact or prefix
            self._county_cache[key] = found[0] if len(found) == 1 else None
        return self._county_cache[key]

    def category(self, value: object) -> int | None:
        key = cell_text(value)
        if key not in self._category_cache:
            self._category_cache[key] = category_for(value, self.categories)
        return self._category_cache[key]


def _coded(enum: type[Labelled], words: Mapping[str, Labelled], text: str, default: Labelled) -> Labelled | None:
    if not text:
        return default
    return enum.from_label(text) or words.get(text)


def _draft_of(values: Mapping[str, Any], lookups: _Lookups) -> tuple[StationDraft, dict[str, str]]:
    """The row's cells as a draft, and the cells that could not be read (field key → message)."""
    problems: dict[str, str] = {}
    text = {key: cell_text(values.get(key)) for key in
            ("code", "name", "host_name", "host_credit_code", "address", "contact_person", "contact_phone",
             "notes", "category", "form", "level", "county", "street", "office")}
    dates: dict[str, date | None] = {}
    for key in ("established_on", "plaque_on"):
        try:
            dates[key] = cell_date(values.get(key))
        except ValueError as exc:
            problems[key], dates[key] = str(exc), None
    try:
        scheme = bool(cell_bool(values.get("first_payout_scheme")))
    except ValueError as exc:
        problems["first_payout_scheme"], scheme = str(exc), False
    category_id = lookups.category(values.get("category")) if text["category"] else None
    if text["category"] and category_id is None:
        problems["category"] = f"不认识的五进类别“{text['category']}”"
    county_id = lookups.county(text["county"]) if text["county"] else None
    if text["county"] and county_id is None:
        problems["county"] = f"不认识的县区“{text['county']}”"
    street_id = lookups.streets.get((county_id, match_key(text["street"]))) if text["street"] else None
    if text["street"] and street_id is None and county_id is not None:
        problems["street"] = f"“{text['street']}”不在该县区的街道乡镇名单中（可先在设置中添加）"
    office_id = lookups.offices.get((county_id, match_key(text["office"]))) if text["office"] else None
    if text["office"] and office_id is None and county_id is not None:
        problems["office"] = f"“{text['office']}”不在该县区的监管所名单中"
    form = _coded(StationForm, _FORM_WORDS, text["form"], StationForm.SERVICE)
    level = _coded(StationLevel, _LEVEL_WORDS, text["level"], StationLevel.ORDINARY)
    if form is None:
        problems["form"] = f"不认识的站点形式“{text['form']}”"
    if level is None:
        problems["level"] = f"不认识的示范级别“{text['level']}”"
    draft = StationDraft(
        code=text["code"], name=text["name"], category_id=category_id,
        form=(form or StationForm.SERVICE).value, level=(level or StationLevel.ORDINARY).value,
        host_name=text["host_name"], host_credit_code=text["host_credit_code"], address=text["address"],
        county_id=county_id, street_id=street_id, office_id=office_id, contact_person=text["contact_person"],
        contact_phone=text["contact_phone"], established_on=dates["established_on"], plaque_on=dates["plaque_on"],
        first_payout_scheme=scheme, notes=text["notes"],
    )
    return draft, problems


_DRAFT_TO_FIELD = {v: k for k, v in _PROBLEM_FIELD.items()}
_FILLED_FROM_SHEET = {f.name for f in fields(StationDraft)} - {"facilities", "host_status", "fund_committed_yuan",
                                                                "first_question_duty", "paired_counsel"}


def _sheet_key(draft_key: str) -> str:
    return _DRAFT_TO_FIELD.get(draft_key, draft_key)


def _merged(existing: StationDraft, imported: StationDraft, given: Mapping[str, Any]) -> StationDraft:
    """The stored station with the row's non-blank cells on top: a blank cell never erases data."""
    changes: dict[str, Any] = {}
    for name in _FILLED_FROM_SHEET:
        sheet_key = _sheet_key(name)
        if sheet_key in given and cell_text(given.get(sheet_key)):
            changes[name] = getattr(imported, name)
    return replace(existing, **changes)


@dataclass
class _Existing:
    by_code: dict[str, int]
    by_credit: dict[tuple[str, int | None], int]
    by_name_address: dict[tuple[str, str], int]
    drafts: dict[int, tuple[StationDraft, int]]


def _existing(session: Session) -> _Existing:
    found = _Existing({}, {}, {}, {})
    for station_id, version, draft in stations.drafts_with_versions(session):
        found.by_code[draft.code] = station_id
        if draft.host_credit_code:
            found.by_credit[(draft.host_credit_code, draft.category_id)] = station_id
        found.by_name_address[(match_key(draft.name), match_key(draft.address))] = station_id
        found.drafts[station_id] = (draft, version)
    return found


def _match(draft: StationDraft, existing: _Existing) -> int | None:
    if draft.code and draft.code in existing.by_code:
        return existing.by_code[draft.code]
    if draft.host_credit_code:
        found = existing.by_credit.get((draft.host_credit_code, draft.category_id))
        if found is not None:
            return found
    return existing.by_name_address.get((match_key(draft.name), match_key(draft.address)))


def _identity(draft: StationDraft) -> list[tuple[str, object]]:
    keys: list[tuple[str, object]] = []
    if draft.code:
        keys.append(("code", draft.code))
    if draft.host_credit_code:
        keys.append(("credit", (draft.host_credit_code, draft.category_id)))
    keys.append(("name", (match_key(draft.name), match_key(draft.address))))
    return keys


def _problems_of(draft: StationDraft, today: date, unread: Mapping[str, str]) -> dict[str, str]:
    checked = validate_station(draft, today)
    problems = dict(unread)
    for key, message in checked.items():
        sheet_key = _sheet_key(key)
        if key == "code" and not draft.code:
            continue  # a new station without a code gets the county's next one
        problems.setdefault(sheet_key, message)
    return problems


def plan_station_import(
    db: Database, rows: Sequence[ImportRow], today: date, should_cancel: Callable[[], bool] | None = None
) -> ImportPlan:
    """Judge every row against the register as it is now; nothing is written."""
    with collector_paused():
        return _plan(db, rows, today, should_cancel)


def _plan(
    db: Database, rows: Sequence[ImportRow], today: date, should_cancel: Callable[[], bool] | None
) -> ImportPlan:
    planned: list[PlannedRow] = []
    seen: dict[tuple[str, object], int] = {}
    with db.reading() as session:
        lookups, existing = _Lookups(session), _existing(session)
    for number, row in enumerate(rows):
        if should_cancel is not None and number % 200 == 0 and should_cancel():
            raise UserError("已取消导入，数据库未作改动")
        imported, unread = _draft_of(row.values, lookups)
        imported = normalise_draft(imported)
        twin = next((seen[key] for key in _identity(imported) if key in seen), None)
        if twin is not None:
            planned.append(PlannedRow(row.line, REJECTED, row.values, problems={"name": f"与第 {twin} 行是同一站点（重复）"}))
            continue
        for key in _identity(imported):
            seen[key] = row.line
        station_id = _match(imported, existing)
        if station_id is None:
            draft = imported
            verdict = NEW
            version = None
            changes: tuple[str, ...] = ()
        else:
            stored, version = existing.drafts[station_id]
            draft = normalise_draft(_merged(stored, imported, row.values))
            changes = tuple(FIELD_LABELS.get(k, k) for k in _changed(stored, draft))
            verdict = UPDATE if changes else UNCHANGED
        problems = _problems_of(draft, today, unread)
        if station_id is None and not draft.code and "county" not in problems and draft.county_id is None:
            problems["county"] = "所属县区为必填项"
        if problems:
            planned.append(PlannedRow(row.line, REJECTED, row.values, draft, station_id, version, problems=problems))
            continue
        planned.append(PlannedRow(row.line, verdict, row.values, draft, station_id, version, changes))
    return ImportPlan(planned)


def _changed(before: StationDraft, after: StationDraft) -> list[str]:
    return [name for name in _FILLED_FROM_SHEET if getattr(before, name) != getattr(after, name)]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    codes: tuple[str, ...]


class ImportConflict(ConflictError):
    """A station the plan would update was changed by someone else since the preview."""


def apply_station_import(db: Database, plan: ImportPlan, actor: str, today: date) -> ImportResult:
    """Write the plan's new and updated rows in one transaction: all of them or none.

    New rows were judged by the preview's rules moments ago; their codes, places and categories,
    which others may have changed since, are checked again. Updated rows go through the same
    service the form uses. A station changed by someone else since the preview refuses the whole
    import (preview again), so nobody's edit is lost.

    A SQLite database is backed up first ("before-import"), so a whole import can be undone; an
    import the actor may not make is refused before that (and again inside the transaction).
    """
    if plan.writable:
        with db.reading() as session:
            _require_lines(session, actor, *_split(plan))
        backups.backup_before(db, "before-import")
    with collector_paused():
        return _apply(db, plan, actor, today)


def _split(plan: ImportPlan) -> tuple[list[PlannedRow], list[PlannedRow]]:
    """The plan's new rows and its updates."""
    return (
        [row for row in plan.writable if row.verdict == NEW],
        [row for row in plan.writable if row.verdict == UPDATE],
    )


def _require_lines(session: Session, actor: str, new_rows: list[PlannedRow], updates: list[PlannedRow]) -> None:
    """A county user imports only their own county's stations: new rows by the county they
    name, updated rows by that and by the county the station is in now."""
    now = access.station_counties(session, [row.station_id for row in updates if row.station_id is not None])
    lines = [(row.line, row.draft.county_id) for row in new_rows + updates if row.draft is not None]
    lines += [(row.line, now.get(row.station_id)) for row in updates if row.station_id is not None]
    access.require_lines(session, actor, sorted(lines, key=lambda line: line[0]))


def _apply(db: Database, plan: ImportPlan, actor: str, today: date) -> ImportResult:
    new_rows, updates = _split(plan)
    with db.writing() as session:
        _require_lines(session, actor, new_rows, updates)
        issued: dict[int, list[Any]] = {}
        drafts = []
        for row in new_rows:
            assert row.draft is not None
            code = row.draft.code or _next_code(session, row.draft.county_id, issued)
            drafts.append(replace(row.draft, code=code))
        try:
            created = stations.add_stations(session, drafts, actor, today, IMPORT_REASON, rules_checked=True)
        except ValidationFailed as exc:
            raise UserError(_first_line(exc, new_rows), hint="未导入任何数据，请重新预览") from exc
        for row in updates:
            assert row.draft is not None and row.station_id is not None and row.version is not None
            try:
                stations.change_station(session, row.station_id, row.draft, row.version, actor, today)
            except stations.StationConflict as exc:
                raise ImportConflict(f"第 {row.line} 行的站点刚被他人修改，未导入任何数据",
                                     hint="请重新预览后再导入") from exc
            except UserError as exc:
                raise UserError(f"第 {row.line} 行：{exc}", hint="未导入任何数据") from exc
        audit.record(session, actor, "import", "station", None, new={"created": len(created), "updated": len(updates)})
    return ImportResult(len(created), len(updates), tuple(saved.code for saved in created))


def _first_line(exc: ValidationFailed, rows: Sequence[PlannedRow]) -> str:
    """The batch's refusal ("第 n 个：…") told by the spreadsheet row it came from."""
    key, message = next(iter(exc.problems.items()))
    number_text, _sep, rest = message.partition("个：")
    number = int(number_text.removeprefix("第 ").strip() or 0)
    line = rows[number - 1].line if 0 < number <= len(rows) else 0
    return f"第 {line} 行：{FIELD_LABELS.get(key, key)}：{rest}"


def _next_code(session: Session, county_id: int | None, issued: dict[int, list[Any]]) -> str:
    """The county's next free code, counting the ones this import has already handed out."""
    assert county_id is not None
    if county_id not in issued:
        county = session.get(County, county_id)
        assert county is not None
        issued[county_id] = [county.code, stations.last_station_sequence(session, county.code)]
    issued[county_id][1] += 1
    return station_code(issued[county_id][0], issued[county_id][1])
