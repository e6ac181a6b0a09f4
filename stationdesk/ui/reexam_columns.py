"""The re-examination results' columns and colours: one declaration each, shared by the results
table and the ranking."""


from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from stationdesk.domain.indicators import Indicator
from stationdesk.domain.vocabulary import ReexamOutcome, StationLevel
from stationdesk.services.reexam import ReexamRow
from stationdesk.ui.list_model import ListColumn, ListModel
from stationdesk.ui.score_grid import points_text

TAB_KEY, HEADER_KEY, SPLITTER_KEY = "reexam/tab", "reexam/results_header", "reexam/ranking_splitter"

OUTCOME_COLOURS = {
    ReexamOutcome.KEEP.value: "#1b7f3b",
    ReexamOutcome.UPGRADE.value: "#1f5fbf",
    ReexamOutcome.RECTIFY.value: "#a86400",
    ReexamOutcome.DOWNGRADE.value: "#b3261e",
    ReexamOutcome.REMOVE.value: "#b3261e",
}
_DOWN = {ReexamOutcome.DOWNGRADE.value, ReexamOutcome.REMOVE.value}
_UP = {ReexamOutcome.KEEP.value, ReexamOutcome.UPGRADE.value}
FILTERS: tuple[tuple[str, Callable[[ReexamRow], bool]], ...] = (
    ("全部", lambda r: True),
    ("待确认", lambda r: not r.decided),
    ("已确认", lambda r: bool(r.decided)),
    ("建议降级或淘汰", lambda r: r.proposed in _DOWN),
    ("建议整改", lambda r: r.proposed == ReexamOutcome.RECTIFY.value),
    ("建议保留或升级", lambda r: r.proposed in _UP),
)


def rate_text(row: ReexamRow, indicator: Indicator) -> str:
    """A rate with what it is made of, "93.8%（182/194）"; "—" when there is nothing to rate."""
    rate = row.figures.rate(indicator)
    return f"{rate.percent_text()}（{rate.counts_text()}）" if rate.denominator else rate.percent_text()


def level_text(value: str) -> str:
    return StationLevel(value).label if value in {lv.value for lv in StationLevel} else value


def first_payout_text(row: ReexamRow) -> str:
    """Whether the station runs 先行赔付 (it earned section E's points), and how often it paid."""
    runs = "是" if row.first_payout_points > 0 else "否"
    return f"{runs}（{row.figures.payouts} 起）" if row.figures.payouts else runs


class ColouredListModel(ListModel[Any]):
    """A ListModel whose chosen columns are coloured (outcomes) or carry a longer tooltip."""

    def __init__(self, columns: list[ListColumn[Any]], colours: dict[str, Callable[[Any], str | None]],
                 tooltips: dict[str, Callable[[Any], str]]) -> None:  # fmt: skip
        super().__init__(columns)
        self._colours = {i: colours[c.header] for i, c in enumerate(columns) if c.header in colours}
        self._tooltips = {i: tooltips[c.header] for i, c in enumerate(columns) if c.header in tooltips}

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is not None and role == Qt.ItemDataRole.ForegroundRole and index.column() in self._colours:
            colour = self._colours[index.column()](row)
            return QColor(colour) if colour else None
        if row is not None and role == Qt.ItemDataRole.ToolTipRole and index.column() in self._tooltips:
            return self._tooltips[index.column()](row)
        return super().data(index, role)


def result_columns() -> list[ListColumn[ReexamRow]]:
    success, self_med = Indicator.MEDIATION_SUCCESS, Indicator.SELF_MEDIATION
    return [
        ListColumn("站点编号", 88, lambda r: r.code),
        ListColumn("站点名称", 180, lambda r: r.name),
        ListColumn("县区", 56, lambda r: r.county),
        ListColumn("级别", 66, lambda r: level_text(r.level)),
        ListColumn("受理", 46, lambda r: str(r.figures.received), lambda r: r.figures.received, numeric=True),
        ListColumn("自行调解率", 118, lambda r: rate_text(r, self_med), lambda r: r.figures.rate(self_med).fraction),
        ListColumn("调解成功率", 118, lambda r: rate_text(r, success), lambda r: r.figures.rate(success).fraction),
        ListColumn("先行赔付", 70, first_payout_text),
        ListColumn("现场评分", 62, lambda r: points_text(r.on_site, "未评分"), lambda r: r.on_site, numeric=True),
        ListColumn("总分", 50, lambda r: points_text(r.total, "—"), lambda r: r.total, numeric=True),
        ListColumn("系统建议", 64, lambda r: r.proposed_text),
        ListColumn("复核结论", 64, lambda r: r.outcome_text),
        ListColumn("确认人", 52, lambda r: r.decided_by),
        # Last, so the one long text takes what width is left (the view stretches the last column).
        ListColumn("建议理由", 160, lambda r: "；".join(r.reasons)),
    ]


def decision_tooltip(row: ReexamRow) -> str:
    """Who decided, when, why and under which 文号: what a reviewer asks about a conclusion."""
    if not row.decided:
        return "待确认"
    when = f"（{row.decided_by}，{row.decided_at:%Y-%m-%d %H:%M}）" if row.decided_at else ""
    lines = [row.outcome_text + when, row.decision_reason and f"理由：{row.decision_reason}",
             row.document_no and f"文号：{row.document_no}"]  # fmt: skip
    return "\n".join(line for line in lines if line)
