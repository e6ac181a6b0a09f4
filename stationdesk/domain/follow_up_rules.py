"""Follow-up visits (回访) on closed cases: what a visit record must hold, and which cases to call.

Why: the bureau calls back 5–10 recently closed cases a day and records whether the consumer was
satisfied (domain brief, seed 003). A call that did not reach the consumer has no satisfaction;
one that did must say how satisfied they were, or the 回访满意率 cannot be computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stationdesk.domain.text import bad_char_message, check_length, normalise_text
from stationdesk.domain.vocabulary import Satisfaction

# How many cases the "today's follow-ups" list proposes, and how far back it looks.
DAILY_FOLLOW_UPS = 10
FOLLOW_UP_WINDOW_DAYS = 30
FOLLOW_UP_LABELS: dict[str, str] = {
    "case_id": "案件",
    "visited_on": "回访日期",
    "visitor": "回访人",
    "reached": "是否联系上",
    "satisfaction": "满意度",
    "remarks": "备注",
}


@dataclass(frozen=True)
class FollowUpDraft:
    case_id: int | None = None
    visited_on: date | None = None
    visitor: str = ""
    reached: bool = True
    satisfaction: str | None = None
    remarks: str = ""


def validate_follow_up(draft: FollowUpDraft, closed_on: date | None, today: date) -> dict[str, str]:
    """Field → message; `closed_on` is the case's closing date (None: the case is still open)."""
    problems: dict[str, str] = {}
    if closed_on is None:
        problems["case_id"] = "案件尚未办结，办结后才能回访"
    if draft.visited_on is None:
        problems["visited_on"] = "回访日期为必填项"
    elif draft.visited_on > today:
        problems["visited_on"] = f"回访日期不能晚于今天（{today.isoformat()}）"
    elif closed_on is not None and draft.visited_on < closed_on:
        problems["visited_on"] = f"回访日期不能早于办结日期（{closed_on.isoformat()}）"
    visitor = normalise_text(draft.visitor)
    if not visitor:
        problems["visitor"] = "回访人为必填项"
    elif message := check_length("回访人", visitor, 64) or bad_char_message("回访人", visitor):
        problems["visitor"] = message
    if draft.reached and draft.satisfaction not in {s.value for s in Satisfaction}:
        problems["satisfaction"] = "联系上消费者时请选择满意度"
    if not draft.reached and draft.satisfaction is not None:
        problems["satisfaction"] = "未联系上消费者，不能填写满意度"
    if message := check_length("备注", draft.remarks, 500):
        problems["remarks"] = message
    return problems
