"""The station page's 年度复核 tab: every round the station was in, as it stood at the time.

Figures and level come from the round's snapshot, not from today's register, so a station
downgraded by the 2025 round still shows "市级示范" and the 2025 rates it was judged on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from stationdesk.domain.indicators import Indicator
from stationdesk.domain.vocabulary import ReexamOutcome, StationLevel
from stationdesk.services import reexam
from stationdesk.services.reexam import StationRound
from stationdesk.store.database import Database
from stationdesk.ui.list_model import ListColumn, ListModel, list_table
from stationdesk.ui.timefmt import local_time

EMPTY_TEXT = "该站点尚未参加年度复核"
PENDING = "待确认"


def _label(kind: type[StationLevel] | type[ReexamOutcome], code: str | None) -> str:
    """A stored code's Chinese label; an unknown code is shown as stored rather than hidden."""
    if not code:
        return ""
    member = kind.from_label(code)
    return member.label if member is not None else code


def _rate(row: StationRound, indicator: Indicator) -> str:
    rate = row.figures.rate(indicator)
    return f"{rate.percent_text()}（{rate.counts_text()}）" if rate.has_data else rate.percent_text()


def _total(row: StationRound) -> str:
    return "未评分" if row.total is None else f"{row.total:.1f}"


def round_columns() -> list[ListColumn[StationRound]]:
    return [
        ListColumn("年度", 56, lambda r: str(r.year), lambda r: r.year, numeric=True),
        ListColumn("当时级别", 78, lambda r: _label(StationLevel, r.level)),
        ListColumn("受理", 50, lambda r: f"{r.figures.received:,}", lambda r: r.figures.received, numeric=True),
        ListColumn("自行调解率", 118, lambda r: _rate(r, Indicator.SELF_MEDIATION),
                   lambda r: r.figures.rate(Indicator.SELF_MEDIATION).fraction, numeric=True),
        ListColumn("调解成功率", 118, lambda r: _rate(r, Indicator.MEDIATION_SUCCESS),
                   lambda r: r.figures.rate(Indicator.MEDIATION_SUCCESS).fraction, numeric=True),
        ListColumn("总分", 60, _total, lambda r: r.total, numeric=True),
        ListColumn("系统建议", 76, lambda r: _label(ReexamOutcome, r.proposed)),
        ListColumn("理由", 210, lambda r: "；".join(r.reasons)),
        ListColumn("复核结论", 76, lambda r: _label(ReexamOutcome, r.decided) or PENDING),
        ListColumn("改判理由", 120, lambda r: r.decision_reason),
        ListColumn("确认人", 64, lambda r: r.decided_by),
        ListColumn("确认时间", 120, lambda r: local_time(r.decided_at), lambda r: r.decided_at),
    ]  # fmt: skip


class StationReexamTab(QWidget):
    """The station's re-examination history, newest round first; a plain sentence when there is none."""

    def __init__(self, db: Database, station_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db, self._station_id = db, station_id
        self.model: ListModel[StationRound] = ListModel(round_columns())
        self.table = list_table(self.model)
        self.table.setWordWrap(False)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #5f6368; font-size: 11pt;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.table)
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.stack, 1)
        self.reload()

    def reload(self) -> None:
        rows = reexam.station_rounds(self._db, self._station_id)
        self.model.set_rows(rows)
        self.stack.setCurrentWidget(self.table if rows else self.empty)
        decided = sum(1 for r in rows if r.decided)
        self.summary.setText(f"参加年度复核 {len(rows)} 次，已确认结论 {decided} 次" if rows else "")
        self.summary.setVisible(bool(rows))
