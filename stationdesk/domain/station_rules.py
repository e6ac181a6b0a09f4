"""What makes a station record valid, checked the same way by the form, the services and imports.

`validate_station` returns one Chinese message per field that is wrong, keyed by the field's
name, so the form can show each message next to its field and the import can name the cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import date

from stationdesk.domain.credit_code import normalise_credit_code, validate_credit_code
from stationdesk.domain.phone import normalise_phone, validate_phone
from stationdesk.domain.text import bad_char_message, check_length, normalise_text
from stationdesk.domain.vocabulary import HostStatus, Labelled, StationForm, StationLevel

# Field → (Chinese label, maximum length). The single place these limits live.
TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "code": ("站点编号", 20),
    "name": ("站点名称", 100),
    "host_name": ("依托单位", 100),
    "address": ("地址", 200),
    "contact_person": ("联系人", 40),
    "paired_counsel": ("结对律师/法官", 100),
    "notes": ("备注", 2000),
}
REQUIRED = ("code", "name", "category_id", "form", "level", "county_id")
FIELD_LABELS: dict[str, str] = {
    **{key: label for key, (label, _n) in TEXT_FIELDS.items()},
    "category_id": "类别",
    "form": "形式",
    "level": "级别",
    "county_id": "县区",
    "street_id": "街道乡镇",
    "office_id": "监管所",
    "host_credit_code": "统一社会信用代码",
    "host_status": "依托单位状态",
    "contact_phone": "联系电话",
    "established_on": "建站日期",
    "plaque_on": "授牌日期",
    "fund_committed_yuan": "先行赔付资金",
}
_CODE_PATTERN = re.compile(r"^[0-9A-Za-z-]+$")
EARLIEST_DATE = date(1990, 1, 1)
MAX_FUND_YUAN = 100_000_000


@dataclass(frozen=True)
class StationDraft:
    """A station as typed in a form or read from a spreadsheet row: plain values, not yet saved."""

    code: str = ""
    name: str = ""
    category_id: int | None = None
    form: str = StationForm.SERVICE.value
    level: str = StationLevel.ORDINARY.value
    host_name: str = ""
    host_credit_code: str = ""
    address: str = ""
    county_id: int | None = None
    street_id: int | None = None
    office_id: int | None = None
    contact_person: str = ""
    contact_phone: str = ""
    established_on: date | None = None
    plaque_on: date | None = None
    host_status: str = HostStatus.NORMAL.value
    first_payout_scheme: bool = False
    fund_committed_yuan: float = 0.0
    first_question_duty: bool = False
    paired_counsel: str = ""
    facilities: dict[str, bool] = field(default_factory=dict)
    notes: str = ""

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def normalise_draft(draft: StationDraft) -> StationDraft:
    """Tidy what people type or paste: full-width digits, stray spaces, line breaks."""
    texts = {key: normalise_text(getattr(draft, key)) for key in TEXT_FIELDS if key not in ("notes", "code")}
    return replace(
        draft,
        **texts,
        code=normalise_text(draft.code).upper(),
        host_credit_code=normalise_credit_code(draft.host_credit_code)
        if draft.host_credit_code.strip()
        else "",
        contact_phone=normalise_phone(draft.contact_phone) if draft.contact_phone.strip() else "",
        notes=draft.notes.strip(),
    )


def _date_problem(label: str, value: date | None, today: date) -> str | None:
    if value is None:
        return None
    if value > today:
        return f"{label}不能晚于今天（{today.isoformat()}）"
    if value < EARLIEST_DATE:
        return f"{label}早于{EARLIEST_DATE.year}年，请核对"
    return None


# The codes a draft may hold, built once (an import checks 20,000 drafts).
_FORMS = frozenset(f.value for f in StationForm)
_LEVELS = frozenset(lv.value for lv in StationLevel)
_HOST_STATUSES = frozenset(hs.value for hs in HostStatus)


def validate_station(draft: StationDraft, today: date) -> dict[str, str]:
    """Field name → Chinese message for every problem; empty when the draft can be saved.

    Expects a normalised draft (`normalise_draft`): the checks see what will be stored.
    """
    problems: dict[str, str] = {}
    for key in REQUIRED:
        value = getattr(draft, key)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems[key] = f"{FIELD_LABELS[key]}为必填项"
    for key, (label, limit) in TEXT_FIELDS.items():
        if key in problems:
            continue
        value = getattr(draft, key)
        message = check_length(label, value, limit) or bad_char_message(label, value)
        if message:
            problems[key] = message
    if "code" not in problems and draft.code and not _CODE_PATTERN.match(draft.code):
        problems["code"] = "站点编号只能由数字、字母和“-”组成"
    if draft.host_credit_code:
        message = validate_credit_code(draft.host_credit_code)
        if message:
            problems["host_credit_code"] = message
    if draft.contact_phone:
        message = validate_phone(draft.contact_phone)
        if message:
            problems["contact_phone"] = message
    for key in ("established_on", "plaque_on"):
        message = _date_problem(FIELD_LABELS[key], getattr(draft, key), today)
        if message:
            problems[key] = message
    if (
        "plaque_on" not in problems
        and draft.plaque_on
        and draft.established_on
        and draft.plaque_on < draft.established_on
    ):
        problems["plaque_on"] = f"授牌日期不能早于建站日期（{draft.established_on.isoformat()}）"
    if draft.fund_committed_yuan < 0 or draft.fund_committed_yuan > MAX_FUND_YUAN:
        problems["fund_committed_yuan"] = "先行赔付资金应在 0 至 1 亿元之间"
    if draft.form not in _FORMS:
        problems["form"] = f"未知的站点形式“{draft.form}”"
    if draft.level not in _LEVELS:
        problems["level"] = f"未知的站点级别“{draft.level}”"
    if draft.host_status not in _HOST_STATUSES:
        problems["host_status"] = f"未知的依托单位状态“{draft.host_status}”"
    return problems


def station_code(county_code: str, sequence: int) -> str:
    """A new station's code: the county's 6-digit division code and a 4-digit sequence.

    There is no national numbering (domain brief); this keeps codes unique per county and
    sortable by county.
    """
    return f"{county_code}{sequence:04d}"


def changed_keys(before: StationDraft, after: StationDraft) -> list[str]:
    """Fields whose value differs between two drafts, in form order."""
    return [f.name for f in fields(StationDraft) if getattr(before, f.name) != getattr(after, f.name)]


def merge_drafts(
    base: StationDraft, theirs: StationDraft, mine: StationDraft
) -> tuple[StationDraft, list[str]]:
    """Three-way merge after a concurrent edit: their saved version with my edits applied on top.

    Returns the merged draft and the fields both sides changed differently (mine wins there;
    the caller shows them so the user decides knowingly). Fields only they changed keep
    their value, so neither person's work is silently lost.
    """
    mine_changed = changed_keys(base, mine)
    clashes = [
        k
        for k in mine_changed
        if getattr(theirs, k) != getattr(base, k) and getattr(theirs, k) != getattr(mine, k)
    ]
    merged = replace(theirs, **{k: getattr(mine, k) for k in mine_changed})
    return merged, clashes


CODED_FIELDS: dict[str, type[Labelled]] = {"form": StationForm, "level": StationLevel, "host_status": HostStatus}


def display_field(key: str, value: object) -> str:
    """A field's value as people read it: coded fields by their Chinese label, the rest as
    `display_value` shows them."""
    enum = CODED_FIELDS.get(key)
    if enum is not None and isinstance(value, str):
        try:
            return enum(value).label
        except ValueError:
            pass
    return display_value(value)


def display_value(value: object) -> str:
    """A field's value as the history and the conflict dialog show it."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict):
        return "、".join(k for k, v in value.items() if v) or "（无）"
    return str(value)
