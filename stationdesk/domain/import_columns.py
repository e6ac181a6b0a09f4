"""Finding the header row of an imported sheet, matching its columns to fields, and reading cells.

Why: bureaus keep rosters and case ledgers in spreadsheets they designed themselves over years.
The same column is "站点名称" in one county, "维权站名称" in the next and "维权站点名称（全称）\\n*必填"
in a third; a merged title row sits above the header; phone numbers and codes arrive as numbers,
dates as Excel serials or as "2017.9". This module turns all of that into our fields and values,
so the import services only judge rows. Pure: no Qt, no database, no files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from itertools import islice
from typing import Literal

from stationdesk.domain import case_rules, station_rules
from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.money import yuan_to_fen
from stationdesk.domain.text import match_key, normalise_text


@dataclass(frozen=True)
class FieldSpec:
    """One field an import can fill: its key, the Chinese label users see, and the other headings
    rosters in the wild use for it. The label counts as a heading too."""

    key: str
    label: str
    synonyms: tuple[str, ...]
    required: bool = False


_STATION_LABELS = station_rules.FIELD_LABELS
_CASE_LABELS = case_rules.FIELD_LABELS

STATION_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("code", _STATION_LABELS["code"], ("站点编号", "编号", "站点代码", "站点编码", "维权站编号")),
    FieldSpec(
        "name",
        _STATION_LABELS["name"],
        ("站点名称", "维权站名称", "服务站名称", "站名", "名称", "联络站名称", "维权站点名称", "站点全称"),
        required=True,
    ),
    FieldSpec(
        "category",
        _STATION_LABELS["category_id"],
        ("类型", "站点类别", "类别", "五进类别", "分类", "站点类型", "五进类型", "所属类别"),
    ),
    FieldSpec("form", _STATION_LABELS["form"], ("形式", "站点形式", "组织形式")),
    FieldSpec("level", _STATION_LABELS["level"], ("级别", "示范级别", "等级", "示范等级", "站点级别")),
    FieldSpec(
        "host_name",
        _STATION_LABELS["host_name"],
        ("依托单位", "所在单位", "企业名称", "单位名称", "依托企业", "依托单位名称", "依托企业名称"),
    ),
    FieldSpec(
        "host_credit_code",
        _STATION_LABELS["host_credit_code"],
        ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码"),
    ),
    FieldSpec(
        "address",
        _STATION_LABELS["address"],
        ("地址", "详细地址", "经营地址", "站点地址", "所在地址", "住所"),
    ),
    FieldSpec(
        "county",
        _STATION_LABELS["county_id"],
        (
            "所属区域",
            "辖区",
            "县区",
            "区县",
            "所属县区",
            "县（市、区）",
            "所属县（市、区）",
            "县市区",
            "所属辖区",
        ),
    ),
    FieldSpec(
        "street",
        _STATION_LABELS["street_id"],
        ("街道", "乡镇", "街道（乡镇）", "乡镇（街道）", "所属街道", "所属乡镇", "街道乡镇", "乡镇街道"),
    ),
    FieldSpec(
        "office",
        _STATION_LABELS["office_id"],
        ("监管所", "所属市场监管所", "市场监管所", "所属监管所", "市场所", "所属市场所"),
    ),
    FieldSpec(
        "contact_person", _STATION_LABELS["contact_person"], ("负责人", "联系人", "站长", "联系人姓名")
    ),
    FieldSpec(
        "contact_phone",
        _STATION_LABELS["contact_phone"],
        ("联系电话", "电话", "手机", "联系方式", "手机号码", "联系人电话", "负责人电话", "办公电话"),
    ),
    FieldSpec(
        "established_on",
        _STATION_LABELS["established_on"],
        ("建站日期", "成立日期", "设立时间", "建站时间", "成立时间", "设立日期"),
    ),
    FieldSpec("plaque_on", _STATION_LABELS["plaque_on"], ("挂牌日期", "挂牌时间", "授牌日期", "授牌时间")),
    FieldSpec(
        "first_payout_scheme",
        "先行赔付",
        ("先行赔付", "是否先行赔付", "先行赔付承诺", "是否承诺先行赔付", "是否签订先行赔付承诺"),
    ),
    FieldSpec("notes", _STATION_LABELS["notes"], ("备注", "说明")),
)

CASE_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("station_code", "站点编号", ("站点编号", "站点代码", "站点编码", "维权站编号")),
    FieldSpec(
        "station_name", "站点名称", ("站点名称", "维权站", "维权站名称", "维权站点", "受理站点", "所属站点")
    ),
    FieldSpec(
        "received_on",
        _CASE_LABELS["received_on"],
        ("受理日期", "登记日期", "投诉日期", "受理时间", "登记时间", "投诉时间"),
        required=True,
    ),
    FieldSpec(
        "channel", _CASE_LABELS["channel"], ("受理方式", "来源", "渠道", "投诉来源", "受理渠道", "投诉方式")
    ),
    FieldSpec(
        "consumer_name",
        _CASE_LABELS["consumer_name"],
        ("投诉人", "消费者", "消费者姓名", "投诉人姓名", "投诉者"),
    ),
    FieldSpec(
        "consumer_phone",
        _CASE_LABELS["consumer_phone"],
        (
            "联系电话",
            "投诉人电话",
            "消费者电话",
            "投诉人联系电话",
            "消费者联系电话",
            "电话",
            "手机",
            "联系方式",
        ),
    ),
    FieldSpec(
        "operator_name",
        _CASE_LABELS["operator_name"],
        (
            "被投诉人",
            "被投诉方",
            "经营者",
            "被诉经营者",
            "商家",
            "被投诉经营者",
            "被投诉单位",
            "被投诉人名称",
            "被投诉人姓名",
            "被投诉方名称",
            "经营者名称",
        ),
    ),
    FieldSpec(
        "goods_category",
        _CASE_LABELS["goods_category_id"],
        (
            "商品类别",
            "服务类别",
            "投诉类别",
            "商品（服务）类别",
            "商品或服务类别",
            "商品服务类别",
            "投诉类型",
        ),
    ),
    FieldSpec(
        "amount_disputed",
        _CASE_LABELS["amount_disputed_fen"],
        ("争议金额", "涉及金额", "投诉金额", "涉案金额"),
    ),
    FieldSpec("handling", _CASE_LABELS["handling"], ("处理方式", "调解方式")),
    FieldSpec("outcome", _CASE_LABELS["outcome"], ("处理结果", "调解结果", "结果", "办理结果")),
    FieldSpec("closed_on", _CASE_LABELS["closed_on"], ("办结日期", "结案日期", "办结时间", "结案时间")),
    FieldSpec(
        "amount_recovered",
        _CASE_LABELS["amount_recovered_fen"],
        ("挽回损失", "挽回经济损失", "挽回金额", "挽回损失金额"),
    ),
    FieldSpec("difficult", _CASE_LABELS["difficult"], ("疑难", "是否疑难", "是否疑难案件")),
    FieldSpec(
        "platform_ref", _CASE_LABELS["platform_ref"], ("工单号", "12315工单号", "平台工单号", "工单编号")
    ),
    FieldSpec("notes", _CASE_LABELS["notes"], ("备注", "说明")),
)

# Either/or requirements: a case row names its station by code or by name; one column suffices.
_EITHER: dict[str, tuple[tuple[str, str, str], ...]] = {
    "stations": (),
    "cases": (("station_code", "station_name", "站点编号或站点名称"),),
}
_FIELDS_OF: dict[str, tuple[FieldSpec, ...]] = {"stations": STATION_FIELDS, "cases": CASE_FIELDS}

# Headings are short; a longer cell is a title or an instruction ("填表说明：联系电话请填写…"), and
# must not be taken for a heading just because it mentions a field.
_MAX_HEADING_LENGTH = 20

_BRACKETS = str.maketrans(
    {"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "：": ":"}
)
_MARKS = re.compile(r"[*※★☆]")
# Bracketed words that say how to fill the column, not what it is: "（必填）", "（元）",
# "（yyyy-mm-dd）". "（万元）" stays: it changes what the numbers mean (see `amount_unit_yuan`).
_NOISE = re.compile(
    r"\((?:必填|必填项|选填|选填项|可选|非必填|单位:?元|人民币元|元|人民币)\)"
    r"|\([^()]*(?:yyyy|格式|例:|如:|例如)[^()]*\)"
)
_BRACKETED = re.compile(r"\([^()]*\)")


def normalise_heading(text: object) -> str:
    """A heading as matching compares it: half-width, brackets folded to "()", no spaces, line
    breaks or asterisks, no "（必填）" or "（元）", Latin letters lower-cased.

    "维权站点名称\\n（必填）*" → "维权站点名称"; "县（市、区）" → "县(市、区)". Idempotent.
    """
    folded = cell_text(text).translate(_BRACKETS)
    folded = _MARKS.sub("", "".join(folded.split()))
    return _NOISE.sub("", folded).strip(":").lower()


@lru_cache(maxsize=256)
def _terms(spec: FieldSpec) -> tuple[str, ...]:
    """The field's label and synonyms, normalised once."""
    return tuple(dict.fromkeys(normalise_heading(t) for t in (spec.label, *spec.synonyms)))


def _exact_field(text: str, fields: Sequence[FieldSpec]) -> str | None:
    """The first field whose label or synonym is `text`, as is or without its bracketed words."""
    for candidate in dict.fromkeys((text, _BRACKETED.sub("", text))):
        for spec in fields:
            if candidate in _terms(spec):
                return spec.key
    return None


def _occurrence(term: str, text: str) -> tuple[bool, int] | None:
    """(at the end, length) if `term` occurs in `text` as a word of its own, else None.

    An occurrence after "被" belongs to the other party: "被投诉人电话" is neither the 投诉人's
    phone nor any 电话 of ours.
    """
    start = text.find(term)
    found: tuple[bool, int] | None = None
    while start >= 0:
        if "被" in term or "被" not in text[:start]:
            found = (start + len(term) == len(text), len(term))
        start = text.find(term, start + 1)
    return found


# Words that end a heading without saying which field it is: in "所属市场监管所名称" the 名称 is
# the office's. Matching also tries the heading without them, and prefers what that finds.
_VAGUE_ENDINGS = ("名称", "姓名", "全称", "名字")


def _without_vague_ending(text: str) -> str:
    for ending in _VAGUE_ENDINGS:
        if text.endswith(ending) and len(text) > len(ending):
            return text.removesuffix(ending)
    return ""


def _contained_field(text: str, fields: Iterable[FieldSpec]) -> str | None:
    """The field with a term inside `text`. A term at the end wins (a Chinese heading ends with
    its head noun: "负责人电话" is a phone), then a match without a vague ending ("街道名称" is the
    街道, not a 名称), then the longer term ("依托企业名称" is 企业名称, not 名称)."""
    best: tuple[bool, bool, int] | None = None
    best_key: str | None = None
    variants = [(text, False), (_without_vague_ending(text), True)]
    for spec in fields:
        for term in _terms(spec):
            for variant, trimmed in variants:
                found = _occurrence(term, variant) if term and variant else None
                score = (found[0], trimmed, found[1]) if found else None
                if score is not None and (best is None or score > best):
                    best, best_key = score, spec.key
    return best_key


def match_columns(headings: Sequence[object], fields: Sequence[FieldSpec]) -> dict[int, str]:
    """Column index → field key for the headings we recognise.

    Exact matches first (a label or synonym, after `normalise_heading`, with or without bracketed
    words), then containment ("维权站点名称（全称）" → 站点名称) for the columns left. Each field
    is used once and the leftmost column wins; a duplicate of an exactly matched column stays
    unmatched rather than being bent to some other field.
    """
    texts = [normalise_heading(h) for h in headings]
    mapping: dict[int, str] = {}
    exact_columns: set[int] = set()
    for index, text in enumerate(texts):
        key = _exact_field(text, fields) if text else None
        if key is not None:
            exact_columns.add(index)
            if key not in mapping.values():
                mapping[index] = key
    for index, text in enumerate(texts):
        if not text or index in exact_columns or len(text) > _MAX_HEADING_LENGTH:
            continue
        free = [spec for spec in fields if spec.key not in mapping.values()]
        key = _contained_field(_BRACKETED.sub("", text), free)
        if key is not None:
            mapping[index] = key
    return dict(sorted(mapping.items()))


def find_header_row(
    rows: Sequence[Sequence[object]], fields: Sequence[FieldSpec], scan: int = 30
) -> int | None:
    """Index of the first row, among the first `scan`, whose headings match at least two fields.

    Identical cells count once: a merged title row (its text copied across every column) or a
    "填报单位：…" line can match one field by accident, never two.
    """
    for index, row in enumerate(islice(rows, scan)):
        distinct = list(dict.fromkeys(text for text in map(normalise_heading, row) if text))
        if len(match_columns(distinct, fields)) >= 2:
            return index
    return None


def unmatched_required(mapping: Mapping[int, str], fields: Sequence[FieldSpec]) -> list[FieldSpec]:
    """The required fields no column is mapped to, in field order."""
    present = set(mapping.values())
    return [spec for spec in fields if spec.required and spec.key not in present]


def missing_fields(mapping: Mapping[int, str], kind: Literal["stations", "cases"]) -> list[str]:
    """Chinese labels of what an import of `kind` still needs a column for, e.g.
    ["站点编号或站点名称", "受理日期"]: the required fields and the either/or pairs."""
    present = set(mapping.values())
    missing = [label for first, second, label in _EITHER[kind] if not {first, second} & present]
    return missing + [spec.label for spec in unmatched_required(mapping, _FIELDS_OF[kind])]


# ---------------------------------------------------------------------------------------------
# Cells


def cell_text(value: object) -> str:
    """A cell as tidy text: "" for an empty cell, whole numbers without ".0" (a phone number read
    as 13812345678.0 must come back as 13812345678), dates as 2017-09-01, full-width folded and
    line breaks inside the cell turned into single spaces (`normalise_text`)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return normalise_text(str(value))


_EXCEL_EPOCH = date(1899, 12, 30)
# Serials 20000..80000 are 1954-10-03..2119-01-11: every date a roster or ledger holds. Smaller or
# larger numbers are amounts or codes in the wrong column, not dates.
_SERIAL_RANGE = (20_000, 80_000)
_COMPACT_NUMBER_RANGE = (19_000_101, 21_001_231)
_MONTH_ONLY = re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?$")
_WITH_TIME = re.compile(r"^(.+?)(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


def _first_of_month(year: int, month: int, shown: str) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"“{shown}”不是有效日期（月份应为1到12）")
    return date(year, month, 1)


def _date_from_number(value: float, shown: str) -> date:
    """Excel serials, 20170901 typed into a number cell, and "2017.9" that Excel stored as the
    number 2017.9. "2017.10" becomes 2017.1 too, so a ".1" month is ambiguous and refused."""
    if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    if float(value).is_integer() and _COMPACT_NUMBER_RANGE[0] <= value <= _COMPACT_NUMBER_RANGE[1]:
        return _date_from_text(str(int(value)))
    fractional = not float(value).is_integer()
    month = _MONTH_ONLY.match(repr(float(value))) if fractional and 1900 < value < 2100 else None
    if month is None:
        raise ValueError(f"“{shown}”不是有效日期，请按 2019-03-15 的格式填写")
    year, month_number = int(month[1]), int(month[2])
    if month[2] == "1":
        raise ValueError(f"“{shown}”可能是{year}年1月或10月，请写成 {year}-01 或 {year}-10")
    return _first_of_month(year, month_number, shown)


def _date_from_text(text: str) -> date | None:
    cleaned = normalise_text(text)
    with_time = _WITH_TIME.match(cleaned)
    if with_time is not None:
        cleaned = with_time[1]
    try:
        return parse_user_date(cleaned)
    except ValueError:
        month = _MONTH_ONLY.match(cleaned)
        if month is None:
            raise
        return _first_of_month(int(month[1]), int(month[2]), text.strip())


def cell_date(value: object) -> date | None:
    """The date in a cell, None for an empty one; ValueError with a Chinese message repeating the
    cell otherwise.

    Accepts date cells, Excel serial numbers, and text the way people write dates
    (`parse_user_date`), plus a month alone ("2017-09", "2017.9", "2017年9月" → the 1st: rosters
    often record only the month a station opened) and a date with a time after it.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueError(f"“{cell_text(value)}”不是有效日期")
    if isinstance(value, int | float):
        return _date_from_number(value, cell_text(value))
    return _date_from_text(str(value))


_TRUE_WORDS = frozenset({"是", "有", "√", "✓", "✔", "y", "yes", "1", "true", "已", "对"})
_FALSE_WORDS = frozenset({"否", "无", "×", "✗", "✘", "n", "no", "0", "false", "未", "没有"})


def cell_bool(value: object) -> bool | None:
    """是/否 and the other ways a yes/no column is filled (√ ×, Y N, 1 0, 有 无, 已 未); None for
    an empty cell, ValueError repeating anything else."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = cell_text(value)
    word = text.lower()
    if not word:
        return None
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValueError(f"“{text}”不是“是”或“否”")


_WAN = 10_000


def amount_unit_yuan(heading: object) -> int:
    """How many 元 one unit of an amount column is: 10000 under a "（万元）" heading, else 1.

    Why: `normalise_heading` keeps "（万元）", and the column still matches 争议金额; without this
    the import would read 1.2 万元 as 1.2 元.
    """
    return _WAN if "万元" in normalise_heading(heading) else 1


def _scaled_fen(number: str, unit_yuan: int, shown: str) -> int:
    if unit_yuan == 1:
        return yuan_to_fen(number)
    try:
        scaled = Decimal(number.replace(",", "")) * unit_yuan
    except InvalidOperation:
        raise ValueError(f"“{shown}”不是有效的金额") from None
    return yuan_to_fen(format(scaled, "f"))


def cell_amount_fen(value: object, unit_yuan: int = 1) -> int:
    """An amount cell in 元 (or in `unit_yuan` 元, see `amount_unit_yuan`) as integer fen, rounded
    half up; 0 for an empty cell. Text may carry "¥", thousands separators, "元" or "万元".

    Numbers go through their shortest decimal form (repr), so 0.285 元 is 29 fen, as typed, and
    not the 28 the binary float 0.28499… would give.
    """
    if value is None:
        return 0
    if isinstance(value, bool):
        raise ValueError(f"“{cell_text(value)}”不是有效的金额")
    if isinstance(value, int | float):
        return _scaled_fen(repr(value), unit_yuan, cell_text(value))
    text = normalise_text(str(value))
    if not text:
        return 0
    number = text.removeprefix("¥").strip()
    if number.endswith(("万元", "万")):
        number, unit_yuan = number.removesuffix("元").removesuffix("万").strip(), unit_yuan * _WAN
    return _scaled_fen(number, unit_yuan, text)


def _category_terms(name: str, synonyms: Sequence[str]) -> list[str]:
    return [key for key in (match_key(t) for t in (name, *synonyms)) if key]


def _only(ids: Iterable[int]) -> int | None:
    found = set(ids)
    return found.pop() if len(found) == 1 else None


def category_for(value: object, categories: Sequence[tuple[int, str, Sequence[str]]]) -> int | None:
    """The id of the category a cell names, from (id, name, synonyms) rows; None when nothing or
    more than one category fits.

    Exact name or synonym first ("商场", "进商场"); then the longest name or synonym inside the cell
    ("大型综合商场" → 商场); then a category whose name contains the cell ("网络交易" → 进网络交易平台).
    A tie between categories ("商场超市") is left for the user to settle.
    """
    key = match_key(cell_text(value))
    if not key:
        return None
    rows = [(row_id, _category_terms(name, synonyms)) for row_id, name, synonyms in categories]
    exact = [row_id for row_id, terms in rows if key in terms]
    if exact:
        return exact[0]
    inside = [(len(term), row_id) for row_id, terms in rows for term in terms if term in key]
    if inside:
        longest = max(length for length, _id in inside)
        return _only(row_id for length, row_id in inside if length == longest)
    if len(key) < 2:
        return None
    return _only(row_id for row_id, terms in rows if any(key in term for term in terms))
