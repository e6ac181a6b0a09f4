"""A station's 变更记录: everything the audit trail holds for it — its own fields, status and level
changes, its cases, follow-ups, payouts, fund, checks, re-examinations and zombie decisions — newest
first with each change's fields old → new; and under it the 状态与级别沿革, the status timeline
with the dates the changes took effect and their document numbers (also from before the audit
trail: a sample's or an imported register's history)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.vocabulary import HistoryKind, StationLevel, StationStatus
from stationdesk.services import stations
from stationdesk.services.audit_trail import AuditFilter
from stationdesk.services.stations import HistoryEntry
from stationdesk.store.database import Database
from stationdesk.ui.audit_view import AuditBrowser
from stationdesk.ui.tasks import TaskRunner

HEADER_STATE_KEY = "station_history/header"
TIMELINE_HEADERS = ["生效日期", "类型", "变更", "原因", "文号", "经办人"]


def _word(code: str) -> str:
    for enum in (StationStatus, StationLevel):
        label = enum.label_for(code)
        if label != code:
            return label
    return code


def timeline_texts(entry: HistoryEntry) -> list[str]:
    change = f"{_word(entry.old_value)} → {_word(entry.new_value)}" if entry.old_value else _word(entry.new_value)
    return [entry.effective_on.isoformat(), HistoryKind.label_for(entry.kind), change, entry.reason,
            entry.document_no, entry.person]  # fmt: skip


class StationHistoryTab(QWidget):
    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, station_id: int,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._db, self._station_id = db, station_id
        self.browser = AuditBrowser(db, runner, settings, HEADER_STATE_KEY, with_station=False,
                                    orientation=Qt.Orientation.Horizontal)  # fmt: skip
        self.browser.splitter.setSizes([560, 380])
        self.timeline = QTableWidget(0, len(TIMELINE_HEADERS))
        self.timeline.setHorizontalHeaderLabels(TIMELINE_HEADERS)
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate((90, 90, 170, 300, 130)):
            self.timeline.setColumnWidth(column, width)
        self.count_label = QLabel()
        self.count_label.setStyleSheet("color: #555;")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 4, 0, 0)
        lower_layout.addWidget(QLabel("<b>状态与级别沿革</b>（按生效日期）"))
        lower_layout.addWidget(self.timeline, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.browser)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)
        self.browser.loaded.connect(
            lambda n: self.count_label.setText(f"操作日志中与本站有关的记录共 {n:,} 条（站点资料、状态、案件、回访、赔付、检查、复核…），最新在前")
        )

    def reload(self) -> None:
        self.browser.set_filter(AuditFilter(station_id=self._station_id))
        entries = stations.station_history(self._db, self._station_id)
        self.timeline.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            for column, text in enumerate(timeline_texts(entry)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.timeline.setItem(row, column, item)
