"""A station's figures for a year at a glance (the top of its 调解记录 tab).

The same `StationFigures` the re-examination and the reports use; each rate shows its counts
("93.8%（182/194）") so nobody has to trust a bare percentage.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QSpinBox, QWidget

from stationdesk.domain.figures import STATION_RATES, StationFigures
from stationdesk.domain.money import format_yuan
from stationdesk.services import indicators
from stationdesk.store.database import Database


def figure_items(figures: StationFigures, count_basic: bool) -> list[tuple[str, str]]:
    """(caption, value) pairs in display order."""
    items = [
        ("受理", f"{figures.received} 件"),
        ("已办结", f"{figures.closed} 件"),
        ("逾期未办结", f"{figures.overdue} 件"),
        ("挽回损失", f"{format_yuan(figures.recovered_fen)} 元"),
    ]
    for indicator in STATION_RATES:
        rate = figures.rate(indicator, count_basic)
        counts = f"（{rate.counts_text()}）" if rate.has_data else ""
        items.append((indicator.label, f"{rate.percent_text()}{counts}"))
    last = figures.last_activity_on
    items += [
        ("先行赔付", f"{figures.payouts} 笔 {format_yuan(figures.payout_fen)} 元"),
        ("回访", f"{figures.follow_ups} 次（联系上 {figures.reached}）"),
        ("咨询", f"{figures.consultations} 次"),
        ("最近活动", last.isoformat() if last else "从无记录"),
    ]
    return items


class FiguresPanel(QGroupBox):
    """Year chooser and the station's figures for that year."""

    COLUMNS = 4

    def __init__(self, db: Database, station_id: int, today: date, parent: QWidget | None = None) -> None:
        super().__init__("年度指标", parent)
        self._db, self._station_id, self._today = db, station_id, today
        self.year = QSpinBox(minimum=2000, maximum=today.year, value=today.year, suffix=" 年")
        self.year.valueChanged.connect(lambda _y: self.reload())
        self._grid = QGridLayout(self)
        self._grid.addWidget(QLabel("统计年度"), 0, 0)
        self._grid.addWidget(self.year, 0, 1)
        self.values: dict[str, QLabel] = {}
        self.reload()

    def reload(self) -> None:
        year = self.year.value()
        start, end = indicators.year_bounds(year)
        figures = indicators.indicators_of(self._db, self._station_id, start, end, self._today)
        count_basic = indicators.counts_basic_as_satisfied(self._db)
        for number, (caption, value) in enumerate(figure_items(figures, count_basic)):
            label = self.values.get(caption)
            if label is None:
                row, column = divmod(number, self.COLUMNS)
                self._grid.addWidget(QLabel(f"{caption}："), row + 1, column * 2)
                label = QLabel()
                label.setObjectName(f"figure_{number}")
                self._grid.addWidget(label, row + 1, column * 2 + 1)
                self.values[caption] = label
            label.setText(value)
