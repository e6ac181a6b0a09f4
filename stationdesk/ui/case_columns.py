"""The case lists' columns: one declaration each (header, width, formatter, sort key, colour).

Consumer name and phone arrive masked from the store (`CaseRow`); nothing here can unmask them.
"""

from __future__ import annotations

from datetime import date

from stationdesk.domain.case_rules import case_number
from stationdesk.domain.deadlines import Urgency, urgency
from stationdesk.domain.money import format_yuan
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, Labelled
from stationdesk.store.case_queries import CaseRow
from stationdesk.ui.lazy_model import Column

URGENCY_TEXT: dict[Urgency, str] = {
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "open": "办理中",
    "closed_on_time": "按时办结",
    "closed_late": "超期办结",
}
URGENCY_COLOUR: dict[Urgency, str] = {"overdue": "#b3261e", "due_soon": "#a15c00", "closed_late": "#7a4d00"}
OPEN_TEXT = "办理中"


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _label(enum: type[Labelled], code: str | None) -> str:
    if code is None:
        return OPEN_TEXT
    try:
        return enum(code).label
    except ValueError:
        return code


def case_urgency(row: CaseRow, today: date) -> Urgency | None:
    return urgency(row.due_on, today, row.closed_on) if row.due_on else None


def urgency_text(row: CaseRow, today: date) -> str:
    found = case_urgency(row, today)
    if found is None:
        return ""
    if found == "overdue" and row.due_on is not None:
        return f"逾期 {(today - row.due_on).days} 天"
    return URGENCY_TEXT[found]


def case_columns(today: date, *, with_station: bool = True) -> list[Column[CaseRow]]:
    """All columns a case list offers; the station's own tab leaves out the station columns."""

    def tone(row: CaseRow) -> str | None:
        found = case_urgency(row, today)
        return URGENCY_COLOUR.get(found) if found else None

    columns: list[Column[CaseRow]] = [
        Column("number", "案件编号", 110, lambda r: case_number(r.id, r.received_on)),
        Column("received_on", "受理日期", 90, lambda r: _day(r.received_on)),
        Column("station", "站点", 200, lambda r: r.station_name, tooltip="受理站点（按站点编号排序）"),
        Column("county", "县区", 70, lambda r: r.county),
        Column("channel", "渠道", 90, lambda r: _label(CaseChannel, r.channel)),
        Column("consumer", "消费者", 70, lambda r: r.consumer, tooltip="已脱敏；在案件中可申请查看完整信息"),
        Column("phone", "电话", 110, lambda r: r.phone, sortable=False),
        Column("operator_name", "被投诉经营者", 180, lambda r: r.operator_name),
        Column("goods_category", "类别", 90, lambda r: r.goods_category),
        Column("amount_disputed", "争议金额(元)", 100, lambda r: format_yuan(r.amount_disputed_fen), numeric=True),
        Column("handling", "处理方式", 100, lambda r: _label(CaseHandling, r.handling)),
        Column("outcome", "处理结果", 80, lambda r: _label(CaseOutcome, r.outcome)),
        Column("closed_on", "办结日期", 90, lambda r: _day(r.closed_on)),
        Column("due_on", "应办结日期", 90, lambda r: _day(r.due_on), colour=tone),
        Column(
            "deadline",
            "期限",
            80,
            lambda r: urgency_text(r, today),
            sortable=False,
            colour=tone,
            tooltip="按案件的期限规则和法定节假日计算",
        ),
        Column("amount_recovered", "挽回损失(元)", 100, lambda r: format_yuan(r.amount_recovered_fen), numeric=True),
        Column("difficult", "疑难", 50, lambda r: "是" if r.difficult else ""),
        Column("first_payout", "先行赔付", 70, lambda r: "是" if r.first_payout else ""),
        Column("created_by", "录入人", 70, lambda r: r.created_by),
    ]
    if not with_station:
        columns = [c for c in columns if c.key not in ("station", "county")]
    return columns


DEFAULT_HIDDEN = frozenset({"phone", "channel", "difficult", "created_by"})
