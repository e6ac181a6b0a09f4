"""Importing a case ledger (调解台账): each row checked as the case form checks it, then the new
cases written in one transaction, each dated by the deadline rule like a case typed in.

Cases are only ever added: a row the register already holds (same station, day received,
consumer and seller) is 无变化, so importing the same ledger twice adds nothing. The station is
found by its code, else by its name (which must then be unique).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.case_rules import CaseDraft, normalise_case, validate_case
from stationdesk.domain.import_columns import CASE_FIELDS, cell_amount_fen, cell_bool, cell_date, cell_text
from stationdesk.domain.text import match_key
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, Labelled
from stationdesk.errors import UserError
from stationdesk.services import access, audit, backups, cases
from stationdesk.services.station_import import NEW, REJECTED, UNCHANGED, ImportPlan, ImportRow, PlannedRow
from stationdesk.store.database import Database
from stationdesk.store.models import GoodsCategory, MediationCase, Station

LABELS = {spec.key: spec.label for spec in CASE_FIELDS}
# Field of the draft whose message names a spreadsheet column.
_SHEET_KEY = {"station_id": "station_name", "goods_category_id": "goods_category", "amount_disputed_fen": "amount_disputed",
              "amount_recovered_fen": "amount_recovered"}


class _Lookups:
    def __init__(self, session: Session) -> None:
        self.by_code: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        for station_id, code, name in session.execute(select(Station.id, Station.code, Station.name)):
            self.by_code[code] = station_id
            by_name.setdefault(match_key(name), []).append(station_id)
        self.by_name = by_name
        self.goods = {match_key(name): gid for gid, name in session.execute(select(GoodsCategory.id, GoodsCategory.name))}

    def station(self, code: str, name: str) -> tuple[int | None, str | None]:
        if code:
            found = self.by_code.get(code.upper())
            return (found, None) if found else (None, f"没有站点编号为“{code}”的站点")
        matches = self.by_name.get(match_key(name), [])
        if len(matches) == 1:
            return matches[0], None
        if matches:
            return None, f"有 {len(matches)} 个站点名为“{name}”，请填写站点编号"
        return None, f"没有名为“{name}”的站点"


def _coded(enum: type[Labelled], text: str, default: str | None) -> tuple[str | None, bool]:
    """(code, understood) for a labelled cell; blank gives the default."""
    if not text:
        return default, True
    member = enum.from_label(text)
    return (member.value, True) if member else (default, False)


def _draft_of(values: Mapping[str, Any], lookups: _Lookups) -> tuple[CaseDraft, dict[str, str]]:
    problems: dict[str, str] = {}
    text = {key: cell_text(values.get(key)) for key in
            ("station_code", "station_name", "channel", "consumer_name", "consumer_phone", "operator_name",
             "goods_category", "handling", "outcome", "platform_ref", "notes")}
    station_id, missing = lookups.station(text["station_code"], text["station_name"])
    if missing:
        problems["station_code" if text["station_code"] else "station_name"] = missing
    parsed: dict[str, Any] = {}
    readers: dict[str, Callable[[object], Any]] = {"received_on": cell_date, "closed_on": cell_date,
        "amount_disputed": cell_amount_fen, "amount_recovered": cell_amount_fen, "difficult": cell_bool}
    for key, read in readers.items():
        try:
            parsed[key] = read(values.get(key))
        except ValueError as exc:
            problems[key], parsed[key] = str(exc), None
    coded = {}
    for key, enum, default in (("channel", CaseChannel, CaseChannel.ON_SITE.value),
                               ("handling", CaseHandling, CaseHandling.SELF.value), ("outcome", CaseOutcome, None)):
        coded[key], understood = _coded(enum, text[key], default)
        if not understood:
            problems[key] = f"不认识的{LABELS[key]}“{text[key]}”，可填：" + "、".join(m.label for m in enum)
    goods_id = lookups.goods.get(match_key(text["goods_category"])) if text["goods_category"] else None
    if text["goods_category"] and goods_id is None:
        problems["goods_category"] = f"不认识的商品服务类别“{text['goods_category']}”"
    draft = CaseDraft(
        station_id=station_id, received_on=parsed["received_on"], channel=coded["channel"] or CaseChannel.ON_SITE.value,
        consumer_name=text["consumer_name"], consumer_phone=text["consumer_phone"], operator_name=text["operator_name"],
        goods_category_id=goods_id, amount_disputed_fen=parsed["amount_disputed"] or 0,
        handling=coded["handling"] or CaseHandling.SELF.value, outcome=coded["outcome"], closed_on=parsed["closed_on"],
        amount_recovered_fen=parsed["amount_recovered"] or 0, difficult=bool(parsed["difficult"]),
        platform_ref=text["platform_ref"], notes=text["notes"],
    )
    return draft, problems


def _identity(draft: CaseDraft) -> tuple[object, ...]:
    return (draft.station_id, draft.received_on, match_key(draft.consumer_name), match_key(draft.operator_name))


def plan_case_import(
    db: Database, rows: Sequence[ImportRow], today: date, should_cancel: Callable[[], bool] | None = None
) -> ImportPlan:
    """Judge every row; nothing is written."""
    with db.reading() as session:
        lookups = _Lookups(session)
        first = min((d for r in rows if (d := _safe_date(r.values.get("received_on")))), default=None)
        known = set()
        if first is not None:
            query = select(MediationCase.station_id, MediationCase.received_on, MediationCase.consumer_name,
                           MediationCase.operator_name).where(MediationCase.received_on >= first)
            known = {(s, d, match_key(c or ""), match_key(o or "")) for s, d, c, o in session.execute(query)}
    planned: list[PlannedRow] = []
    seen: dict[tuple[object, ...], int] = {}
    for number, row in enumerate(rows):
        if should_cancel is not None and number % 200 == 0 and should_cancel():
            raise UserError("已取消导入，数据库未作改动")
        draft, problems = _draft_of(row.values, lookups)
        draft = normalise_case(draft)
        for key, message in validate_case(draft, today).items():
            problems.setdefault(_SHEET_KEY.get(key, key), message)
        key = _identity(draft)
        if not problems and key in seen:
            problems["received_on"] = f"与第 {seen[key]} 行是同一件投诉（重复）"
        if problems:
            planned.append(PlannedRow(row.line, REJECTED, row.values, draft, problems=problems, labels=LABELS))
            continue
        seen[key] = row.line
        verdict = UNCHANGED if key in known else NEW
        planned.append(PlannedRow(row.line, verdict, row.values, draft, labels=LABELS))
    return ImportPlan(planned)


def _safe_date(value: object) -> date | None:
    try:
        return cell_date(value)
    except ValueError:
        return None


def apply_case_import(db: Database, plan: ImportPlan, actor: str, today: date) -> list[str]:
    """Write the plan's new cases in one transaction (all or none); returns their case numbers.
    A SQLite database is backed up first ("before-import")."""
    if plan.writable:
        backups.backup_before(db, "before-import")
    numbers: list[str] = []
    with db.writing() as session:
        counties = access.station_counties(session, [row.draft.station_id for row in plan.writable if row.draft])
        access.require_lines(session, actor, [(row.line, counties.get(row.draft.station_id)) for row in plan.writable
                                              if row.draft])  # fmt: skip
        for row in plan.writable:
            try:
                numbers.append(cases.add_case_in(session, row.draft, actor, today).number)
            except UserError as exc:
                raise UserError(f"第 {row.line} 行：{exc}", hint="未导入任何数据") from exc
        audit.record(session, actor, "import", "mediation_case", None, new={"created": len(numbers)})
    return numbers
