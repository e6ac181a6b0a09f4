"""The audit trail on screen, shared by the 操作日志 page and a station's 变更记录 tab: a lazy list
(newest first, sorted by time in SQL) and, under it, the selected row's fields, old → new.

Read-only everywhere: no editing, no deleting; the database refuses both anyway.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stationdesk.services import audit_trail
from stationdesk.services.audit_trail import AuditEntry, AuditFilter
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.lazy_model import Column, LazyTableModel
from stationdesk.ui.lazy_table import LazyTable
from stationdesk.ui.tasks import LatestOnly, TaskContext, TaskRunner
from stationdesk.ui.timefmt import local_time

SECONDS = "%Y-%m-%d %H:%M:%S"


def audit_columns(*, with_station: bool = True) -> list[Column[AuditEntry]]:
    """The list's columns; a station's own tab leaves out the station."""
    columns: list[Column[AuditEntry]] = [
        Column("at", "时间", 150, lambda e: local_time(e.at, SECONDS), tooltip="按时间排序"),
        Column("username", "操作人", 80, lambda e: e.username, sortable=False),
        Column("action", "操作", 100, lambda e: e.action_label, sortable=False),
        Column("table", "对象", 100, lambda e: e.table_label, sortable=False),
        Column("station", "站点", 240, lambda e: e.station_text, sortable=False),
        Column("summary", "摘要", 320, lambda e: e.summary, sortable=False, tooltip="改了什么：字段：原值 → 新值"),
    ]
    return [c for c in columns if with_station or c.key != "station"]


class AuditDetail(QWidget):
    """One audit row in full: who, when, what, then each field's label with its old and new value."""

    def __init__(self, parent: QWidget | None = None, *, with_station: bool = True) -> None:
        super().__init__(parent)
        self._with_station = with_station
        self.title = QLabel("选择一条记录查看详情")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QTableWidget(0, 3)
        self.fields.setHorizontalHeaderLabels(["字段", "原值", "新值"])
        self.fields.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fields.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.fields.setWordWrap(True)
        self.fields.verticalHeader().setVisible(False)
        header = self.fields.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.seal = QLabel()
        self.seal.setStyleSheet("color: #666;")
        self.seal.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.fields, 1)
        layout.addWidget(self.seal)
        self.entry: AuditEntry | None = None

    def show_entry(self, entry: AuditEntry | None) -> None:
        self.entry = entry
        self.fields.setRowCount(0)
        if entry is None:
            self.title.setText("选择一条记录查看详情")
            self.seal.clear()
            return
        where = f"<br>站点：{entry.station_text}" if entry.station_text and self._with_station else ""
        shown_by_station = entry.table_name == "station" and entry.row_id == entry.station_id
        record = f"（记录号 {entry.row_id}）" if entry.row_id is not None and not shown_by_station else ""
        self.title.setText(f"<b>{local_time(entry.at, SECONDS)}　{entry.username}　{entry.action_label}"
                           f"　{entry.table_label}{record}</b>{where}")  # fmt: skip
        rows = entry.changes or ()
        added = not any(change.is_change for change in rows)  # a new row: its values, nothing before
        self.fields.setColumnHidden(1, added)
        self.fields.setHorizontalHeaderLabels(["字段", "原值", "值" if added else "新值"])
        self.fields.setRowCount(len(rows))
        for number, change in enumerate(rows):
            for column, text in enumerate((change.label, change.old if change.is_change else "", change.new)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.fields.setItem(number, column, item)
        if not rows:
            self.fields.setRowCount(1)
            self.fields.setItem(0, 0, QTableWidgetItem(entry.summary or "（无字段）"))
        self.fields.resizeRowsToContents()
        self.seal.setText(f"日志编号 {entry.id}　校验值 {entry.row_hash[:16]}…" if entry.row_hash else f"日志编号 {entry.id}")

    def changes(self) -> list[tuple[str, str, str]]:
        """(字段, 原值, 新值) as shown (for tests and copying)."""
        return [tuple(self.fields.item(r, c).text() if self.fields.item(r, c) else "" for c in range(3))  # type: ignore[misc]
                for r in range(self.fields.rowCount())]  # fmt: skip


class AuditBrowser(QWidget):
    """The list and the detail of the selected row, loading `filter` off the GUI thread.

    Emits `loaded(count)` after each load and `open_station(id)` on a double-click of a row that
    belongs to a station (when `with_station`).
    """

    loaded = Signal(int)
    open_station = Signal(int)

    def __init__(self, db: Database, runner: TaskRunner, settings: QSettings, state_key: str, *,
                 with_station: bool = True, orientation: Qt.Orientation = Qt.Orientation.Vertical,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._db = db
        self._filter = AuditFilter()
        self._loader = LatestOnly(runner, self._show_ids, self._on_error)
        self.model: LazyTableModel[AuditEntry] = LazyTableModel(audit_columns(with_station=with_station), self._fetch)
        self.table: LazyTable[AuditEntry] = LazyTable(self.model, settings, state_key, sort=("at", True))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.detail = AuditDetail(with_station=with_station)
        self.splitter = QSplitter(orientation)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _p: self._show_detail(current.row()))
        self.table.sort_requested.connect(lambda _k, _d: self.reload())
        self.table.row_activated.connect(self._activated)
        header = self.table.horizontalHeader()  # remembered as the user changes it
        header.sectionResized.connect(lambda *_a: self.table.save_state())
        header.sectionMoved.connect(lambda *_a: self.table.save_state())

    def _fetch(self, ids: list[int]) -> dict[int, AuditEntry]:  # type: ignore[override]
        return audit_trail.audit_entries(self._db, ids)

    def set_filter(self, flt: AuditFilter) -> None:
        self._filter = flt
        self.reload()

    @property
    def filter(self) -> AuditFilter:
        return self._filter

    def reload(self) -> None:
        flt, descending = self._filter, self.table.descending

        def job(_ctx: TaskContext) -> list[int]:
            return audit_trail.audit_ids(self._db, flt, descending)

        self._loader.run(job)

    def _show_ids(self, ids: list[int]) -> None:
        self.model.invalidate()
        self.table.show_ids(ids)
        current = self.table.currentIndex()
        self._show_detail(current.row() if current.isValid() else -1)
        self.loaded.emit(len(ids))

    def _on_error(self, exc: BaseException) -> None:
        dialogs.show_error(self, exc, "loading the audit trail")

    def _show_detail(self, row: int) -> None:
        self.detail.show_entry(self.model.row_object(row) if row >= 0 else None)

    def _activated(self, row_id: int) -> None:
        entry = self.model.row_object(self.model.row_of(row_id))
        if entry is not None and entry.station_id is not None:
            self.open_station.emit(entry.station_id)

    def select(self, audit_id: int) -> bool:
        """Select and show one row if the list holds it."""
        row = self.model.row_of(audit_id)
        if row < 0:
            return False
        self.table.setCurrentIndex(self.model.index(row, 0))
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def ids(self) -> list[int]:
        return self.model.ids()
