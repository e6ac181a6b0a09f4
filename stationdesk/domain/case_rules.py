"""What makes a mediation case (调解记录) valid, checked the same way by the form, the services,
the command line and imports.

`validate_case` returns one Chinese message per wrong field, keyed by the field's name, so the form
shows each next to its field and an import names the cell. Amounts are integer fen: the boundary
(form, CLI, spreadsheet) parses what people type with `parse_amount`, which names the field.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

from stationdesk.domain.money import format_yuan, yuan_to_fen
from stationdesk.domain.phone import normalise_phone, validate_phone
from stationdesk.domain.text import bad_char_message, check_length, normalise_text
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome

EARLIEST_CASE_DATE = date(2000, 1, 1)
# "More than 8 digits" of yuan is absurd for a consumer dispute and a sure sign of a typing slip
# (an amount pasted into the wrong column, a phone number as an amount).
MAX_AMOUNT_FEN = 100_000_000 * 100 - 1

TEXT_FIELDS: dict[str, tuple[str, int]] = {
    "consumer_name": ("消费者姓名", 40),
    "operator_name": ("被投诉经营者", 100),
    "platform_ref": ("平台工单号", 40),
    "notes": ("备注", 2000),
}
FIELD_LABELS: dict[str, str] = {
    **{key: label for key, (label, _n) in TEXT_FIELDS.items()},
    "station_id": "站点",
    "received_on": "受理日期",
    "channel": "受理渠道",
    "consumer_phone": "消费者电话",
    "goods_category_id": "商品/服务类别",
    "amount_disputed_fen": "争议金额",
    "handling": "处理方式",
    "outcome": "处理结果",
    "closed_on": "办结日期",
    "amount_recovered_fen": "挽回损失",
    "difficult": "疑难案件",
    "payout_eligible": "符合先行赔付条件",
}


@dataclass(frozen=True)
class CaseDraft:
    """A case as typed in the form or read from a spreadsheet row: plain values, not yet saved.

    `outcome` None means the case is still open; then `closed_on` must be empty too.
    """

    station_id: int | None = None
    received_on: date | None = None
    channel: str = CaseChannel.ON_SITE.value
    consumer_name: str = ""
    consumer_phone: str = ""
    operator_name: str = ""
    goods_category_id: int | None = None
    amount_disputed_fen: int = 0
    handling: str = CaseHandling.SELF.value
    outcome: str | None = None
    closed_on: date | None = None
    amount_recovered_fen: int = 0
    difficult: bool = False
    payout_eligible: bool = False
    platform_ref: str = ""
    notes: str = ""

    @property
    def is_closed(self) -> bool:
        return self.outcome is not None


DRAFT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(CaseDraft))


def parse_amount(label: str, text: str) -> int:
    """A typed amount in 元 ("1,234.5", "300元", blank = 0) as fen; ValueError naming the field."""
    if not text.strip():
        return 0
    try:
        fen = yuan_to_fen(normalise_text(text))
    except ValueError as exc:
        raise ValueError(f"{label}：{exc}") from exc
    if fen > MAX_AMOUNT_FEN:
        raise ValueError(f"{label}超过 8 位数（{format_yuan(fen)} 元），请核对")
    return fen


def normalise_case(draft: CaseDraft) -> CaseDraft:
    """Tidy what people type or paste: full-width characters, stray spaces, phone separators."""
    texts = {key: normalise_text(getattr(draft, key)) for key in TEXT_FIELDS if key != "notes"}
    phone = draft.consumer_phone.strip()
    return replace(
        draft,
        **texts,
        consumer_phone=normalise_phone(phone) if phone else "",
        notes=draft.notes.strip(),
    )


def _date_problem(label: str, value: date, today: date) -> str | None:
    if value > today:
        return f"{label}不能晚于今天（{today.isoformat()}）"
    if value < EARLIEST_CASE_DATE:
        return f"{label}早于{EARLIEST_CASE_DATE.year}年，请核对"
    return None


def _amount_problem(label: str, fen: int) -> str | None:
    if fen < 0:
        return f"{label}不能为负数"
    if fen > MAX_AMOUNT_FEN:
        return f"{label}超过 8 位数（{format_yuan(fen)} 元），请核对"
    return None


def _outcome_problems(draft: CaseDraft, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    if draft.outcome is None:
        if draft.closed_on is not None:
            problems["outcome"] = "填写了办结日期，请同时选择处理结果"
        if draft.amount_recovered_fen:
            problems["amount_recovered_fen"] = "案件尚未办结，不能填写挽回损失"
        return problems
    if draft.outcome not in {o.value for o in CaseOutcome}:
        return {"outcome": f"未知的处理结果“{draft.outcome}”"}
    if draft.closed_on is None:
        problems["closed_on"] = "已选择处理结果，请填写办结日期"
    else:
        message = _date_problem("办结日期", draft.closed_on, today)
        if message is None and draft.received_on is not None and draft.closed_on < draft.received_on:
            message = f"办结日期不能早于受理日期（{draft.received_on.isoformat()}）"
        if message:
            problems["closed_on"] = message
    if draft.outcome == CaseOutcome.TRANSFERRED.value and draft.handling == CaseHandling.SELF.value:
        problems["outcome"] = "自行调解的案件结果不能是“移交”；如已移交，请把处理方式改为“移交监管部门”"
    if draft.amount_recovered_fen and draft.outcome != CaseOutcome.SUCCESS.value:
        label = CaseOutcome(draft.outcome).label
        problems["amount_recovered_fen"] = f"处理结果为“{label}”的案件不能有挽回损失；只有调解成功的案件才有"
    return problems


def validate_case(draft: CaseDraft, today: date) -> dict[str, str]:
    """Field name → Chinese message for every problem; empty when the case can be saved.

    Expects a normalised draft (`normalise_case`): the checks see what will be stored.
    """
    problems: dict[str, str] = {}
    if draft.station_id is None:
        problems["station_id"] = "请选择站点"
    if draft.received_on is None:
        problems["received_on"] = "受理日期为必填项"
    elif message := _date_problem("受理日期", draft.received_on, today):
        problems["received_on"] = message
    if draft.channel not in {c.value for c in CaseChannel}:
        problems["channel"] = f"未知的受理渠道“{draft.channel}”"
    if draft.handling not in {h.value for h in CaseHandling}:
        problems["handling"] = f"未知的处理方式“{draft.handling}”"
    for key, (label, limit) in TEXT_FIELDS.items():
        value = getattr(draft, key)
        if message := check_length(label, value, limit) or bad_char_message(label, value):
            problems[key] = message
    if draft.consumer_phone and (message := validate_phone(draft.consumer_phone, "消费者电话")):
        problems["consumer_phone"] = message
    for key in ("amount_disputed_fen", "amount_recovered_fen"):
        if message := _amount_problem(FIELD_LABELS[key], getattr(draft, key)):
            problems[key] = message
    for key, message in _outcome_problems(draft, today).items():
        problems.setdefault(key, message)
    return problems


def case_number(case_id: int, received_on: date) -> str:
    """The case number (案件编号) people quote: year of receipt and the id, "2026-0001234".

    Derived, never stored: it cannot clash, and the id inside makes it searchable.
    """
    return f"{received_on.year}-{case_id:07d}"


def case_id_from_number(text: str) -> int | None:
    """The id inside a typed case number ("2026-0001234", "1234"); None if it is not one."""
    tail = text.strip().rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() and len(tail) <= 12 else None
