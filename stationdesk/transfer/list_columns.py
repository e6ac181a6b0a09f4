"""The columns a list exports to Excel: Chinese heading, cell type and typed value per row.

Why separate from the screen's columns: the screen shows text ("1,234.50", "93.8%"), Excel wants
numbers and dates it can sum and sort. The keys are the screen's column keys, so an export can
follow the columns the user has chosen and ordered; the command line exports them all.
Consumers' names and phones arrive masked from the services; nothing here unmasks them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from stationdesk.domain.case_rules import case_number
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.vocabulary import (
    CaseChannel,
    CaseHandling,
    CaseOutcome,
    HostStatus,
    StationForm,
    StationLevel,
    StationStatus,
)
from stationdesk.services.cases import CaseRow
from stationdesk.services.payouts import PayoutRow
from stationdesk.services.register import StationRow
from stationdesk.services.report_types import Cell, Column, ColumnKind

Row = TypeVar("Row")
PAGE = 500
"""Rows read per round trip while exporting a lazy list."""


@dataclass(frozen=True)
class ExportColumn(Generic[Row]):
    key: str
    title: str
    kind: ColumnKind
    value: Callable[[Row], Cell]
    width: float = 1.0

    @property
    def column(self) -> Column:
        return Column(self.title, self.kind, self.width)


def _yes(flag: bool) -> str:
    return "是" if flag else ""


def station_export_columns(year: int) -> list[ExportColumn[StationRow]]:
    """The register's columns (keys as on screen), figures for `year`."""
    return [
        ExportColumn("code", "站点编号", "text", lambda r: r.code),
        ExportColumn("name", "站点名称", "text", lambda r: r.name, 3),
        ExportColumn("category", "五进类别", "text", lambda r: r.category),
        ExportColumn("form", "站点形式", "text", lambda r: StationForm.label_for(r.form)),
        ExportColumn("level", "示范级别", "text", lambda r: StationLevel.label_for(r.level)),
        ExportColumn("status", "运行状态", "text", lambda r: StationStatus.label_for(r.status)),
        ExportColumn("county", "所属县区", "text", lambda r: r.county),
        ExportColumn("street", "街道乡镇", "text", lambda r: r.street),
        ExportColumn("host_name", "依托单位", "text", lambda r: r.host_name, 2),
        ExportColumn("host_credit_code", "统一社会信用代码", "text", lambda r: r.host_credit_code),
        ExportColumn("host_status", "依托单位状态", "text", lambda r: HostStatus.label_for(r.host_status)),
        ExportColumn("contact_person", "联系人", "text", lambda r: r.contact_person),
        ExportColumn("contact_phone", "联系电话", "text", lambda r: r.contact_phone),
        ExportColumn("address", "地址", "text", lambda r: r.address, 2),
        ExportColumn("established_on", "建站日期", "date", lambda r: r.established_on),
        ExportColumn("received", f"{year}年受理", "int", lambda r: r.figures.received),
        ExportColumn("self_rate", "自行调解率", "rate", lambda r: r.figures.rate(Indicator.SELF_MEDIATION).fraction),
        ExportColumn("success_rate", "调解成功率", "rate",
                     lambda r: r.figures.rate(Indicator.MEDIATION_SUCCESS).fraction),
        ExportColumn("recovered", "挽回损失（元）", "money", lambda r: r.figures.recovered_fen),
        ExportColumn("last_case_on", "最近受理", "date", lambda r: r.last_case_on),
        ExportColumn("updated_by", "最后修改人", "text", lambda r: r.updated_by),
    ]


def case_export_columns() -> list[ExportColumn[CaseRow]]:
    """A case list's columns; the consumer's name and phone are the masked ones the list shows."""
    return [
        ExportColumn("number", "案件编号", "text", lambda r: case_number(r.id, r.received_on)),
        ExportColumn("received_on", "受理日期", "date", lambda r: r.received_on),
        ExportColumn("station_code", "站点编号", "text", lambda r: r.station_code),
        ExportColumn("station", "站点名称", "text", lambda r: r.station_name, 2),
        ExportColumn("county", "县区", "text", lambda r: r.county),
        ExportColumn("channel", "受理方式", "text", lambda r: CaseChannel.label_for(r.channel)),
        ExportColumn("consumer", "消费者", "text", lambda r: r.consumer),
        ExportColumn("phone", "消费者电话", "text", lambda r: r.phone),
        ExportColumn("operator_name", "被投诉经营者", "text", lambda r: r.operator_name, 2),
        ExportColumn("goods_category", "商品服务类别", "text", lambda r: r.goods_category),
        ExportColumn("amount_disputed", "争议金额（元）", "money", lambda r: r.amount_disputed_fen),
        ExportColumn("handling", "处理方式", "text", lambda r: CaseHandling.label_for(r.handling)),
        ExportColumn("outcome", "处理结果", "text", lambda r: CaseOutcome.label_for(r.outcome) or "办理中"),
        ExportColumn("closed_on", "办结日期", "date", lambda r: r.closed_on),
        ExportColumn("due_on", "应办结日期", "date", lambda r: r.due_on),
        ExportColumn("amount_recovered", "挽回损失（元）", "money", lambda r: r.amount_recovered_fen),
        ExportColumn("difficult", "疑难", "text", lambda r: _yes(r.difficult)),
        ExportColumn("first_payout", "先行赔付", "text", lambda r: _yes(r.first_payout)),
        ExportColumn("platform_ref", "12315工单号", "text", lambda r: r.platform_ref or ""),
        ExportColumn("created_by", "录入人", "text", lambda r: r.created_by),
    ]


def payout_export_columns() -> list[ExportColumn[PayoutRow]]:
    return [
        ExportColumn("case_number", "案件编号", "text", lambda r: r.case_number),
        ExportColumn("station", "站点名称", "text", lambda r: r.station_name, 2),
        ExportColumn("consumer", "消费者", "text", lambda r: r.consumer),
        ExportColumn("paid_on", "赔付日期", "date", lambda r: r.paid_on),
        ExportColumn("amount", "赔付金额（元）", "money", lambda r: r.amount_fen),
        ExportColumn("paid_by", "经办人", "text", lambda r: r.paid_by),
        ExportColumn("recovered", "已追偿", "text", lambda r: _yes(r.recovered)),
        ExportColumn("recovered_on", "追偿日期", "date", lambda r: r.recovered_on),
        ExportColumn("recovered_amount", "追偿金额（元）", "money", lambda r: r.recovered_fen),
        ExportColumn("entered_by", "录入人", "text", lambda r: r.entered_by),
    ]


def chosen(columns: Sequence[ExportColumn[Row]], keys: Sequence[str] | None) -> list[ExportColumn[Row]]:
    """The columns named by `keys` in that order (the screen's visible ones); all when None.
    Keys the export does not know (a screen-only column such as 期限) are skipped."""
    if keys is None:
        return list(columns)
    by_key = {c.key: c for c in columns}
    return [by_key[k] for k in keys if k in by_key]


def lazy_rows(
    ids: Sequence[int],
    fetch: Callable[[Sequence[int]], dict[int, Row]],
    columns: Sequence[ExportColumn[Row]],
    page: int = PAGE,
) -> Iterator[tuple[Cell, ...]]:
    """The rows of `ids` in order, read `page` at a time (memory stays flat for 100,000 cases)."""
    for start in range(0, len(ids), page):
        chunk = ids[start : start + page]
        found = fetch(chunk)
        for row_id in chunk:
            row = found.get(row_id)
            if row is not None:
                yield tuple(column.value(row) for column in columns)
