"""A table view over a `LazyTableModel` with what every list in the app does the same way.

Sorting is delegated to SQL (the view emits `sort_requested(key, descending)` and the page reloads
the ids), columns can be shown or hidden from the header's menu, the header layout is remembered
in QSettings, Enter or a double-click opens the current row (`row_activated(id)`), and reloading
keeps the selected row and the scroll position.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QPoint, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from stationdesk.ui.lazy_model import Column, LazyTableModel

Row = TypeVar("Row")


class LazyTable(QTableView, Generic[Row]):
    """The view; `model_` holds the ids and rows."""

    sort_requested = Signal(str, bool)
    row_activated = Signal(int)

    def __init__(
        self,
        model: LazyTableModel[Row],
        settings: QSettings,
        state_key: str,
        hidden: Collection[str] = (),
        sort: tuple[str, bool] = ("", False),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model_ = model
        self._settings, self._state_key = settings, state_key
        self.sort_key, self.descending = sort
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setSortingEnabled(False)  # sorting is done in SQL
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        for number, column in enumerate(model.columns):
            self.setColumnWidth(number, column.width)
            self.setColumnHidden(number, column.key in hidden)
        keys = [c.key for c in model.columns]
        if self.sort_key in keys:
            order = Qt.SortOrder.DescendingOrder if self.descending else Qt.SortOrder.AscendingOrder
            header.setSortIndicator(keys.index(self.sort_key), order)
        self._restore()
        header.sortIndicatorChanged.connect(self._on_sort)
        self.doubleClicked.connect(lambda index: self.row_activated.emit(model.id_at(index.row())))
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            action = QAction(self, shortcut=QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(self._activate_current)
            self.addAction(action)

    # -- rows -------------------------------------------------------------------------------
    def show_ids(self, ids: Sequence[int], select: int | None = None) -> None:
        """New contents; the previously selected row (or `select`) stays selected if still there."""
        selected = select if select is not None else self.current_id()
        scroll = self.verticalScrollBar().value()
        self.model_.set_ids(ids)
        self.verticalScrollBar().setValue(scroll)
        if selected is not None and (row := self.model_.row_of(selected)) >= 0:
            self.setCurrentIndex(self.model_.index(row, 0))

    def current_id(self) -> int | None:
        index = self.currentIndex()
        return self.model_.id_at(index.row()) if index.isValid() else None

    def selected_ids(self) -> list[int]:
        """The ids of the selected rows, in list order (the current one when none is selected)."""
        rows = sorted({index.row() for index in self.selectionModel().selectedRows()})
        if not rows:
            current = self.current_id()
            return [current] if current is not None else []
        return [self.model_.id_at(row) for row in rows]

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.model_.columns) if c.key == key)

    def _activate_current(self) -> None:
        current = self.current_id()
        if current is not None:
            self.row_activated.emit(current)

    def _on_sort(self, section: int, order: Qt.SortOrder) -> None:
        column: Column[Row] = self.model_.columns[section]
        if not column.sortable:
            return
        self.sort_key, self.descending = column.key, order == Qt.SortOrder.DescendingOrder
        self.sort_requested.emit(self.sort_key, self.descending)

    # -- columns, remembered ----------------------------------------------------------------
    def _column_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for number, column in enumerate(self.model_.columns):
            action = menu.addAction(column.header)
            action.setCheckable(True)
            action.setChecked(not self.isColumnHidden(number))
            action.toggled.connect(lambda shown, n=number: self._set_column_shown(n, shown))
        menu.exec(self.horizontalHeader().mapToGlobal(pos))

    def _set_column_shown(self, number: int, shown: bool) -> None:
        self.setColumnHidden(number, not shown)
        self.save_state()

    def save_state(self) -> None:
        self._settings.setValue(self._state_key, self.horizontalHeader().saveState())

    def _restore(self) -> None:
        state: Any = self._settings.value(self._state_key)
        if state is None:
            return
        header = self.horizontalHeader()
        header.restoreState(state)
        section = header.sortIndicatorSection()
        if 0 <= section < len(self.model_.columns) and self.model_.columns[section].sortable:
            self.sort_key = self.model_.columns[section].key
            self.descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
