"""A small in-memory, sortable table model for lists of at most a few hundred rows (a station's
payouts, fund movements, consultations), and the read-only view every such list uses.

Unbounded lists (stations, cases) use `lazy_model.LazyTableModel` over SQL instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class ListColumn(Generic[Row]):
    """A declared column of a small list: header, width, text, and the value it sorts by."""

    header: str
    width: int
    text: Callable[[Row], str]
    sort_value: Callable[[Row], Any] | None = None
    numeric: bool = False

    def sort_key(self, row: Row) -> tuple[bool, Any]:
        value = self.sort_value(row) if self.sort_value else self.text(row)
        return (value is None, value)


class ListModel(QAbstractTableModel, Generic[Row]):
    """Read-only rows held in memory (hundreds to a few thousand), sortable by any column.

    Sorting by column -1 (the header's indicator cleared) restores the order the service gave.
    """

    def __init__(self, columns: Sequence[ListColumn[Row]]) -> None:
        super().__init__()
        self.columns = list(columns)
        self._given: list[Row] = []
        self._rows: list[Row] = []
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._given = list(rows)
        self._rows = self._sorted(self._given)
        self.endResetModel()

    @property
    def rows(self) -> list[Row]:
        return list(self._rows)

    def row_at(self, row: int) -> Row | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(self._rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column.numeric else _LEFT
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return _RIGHT if self.columns[section].numeric else _LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _sorted(self, rows: list[Row]) -> list[Row]:
        section, order = self._sort
        if not 0 <= section < len(self.columns):
            return list(rows)
        return sorted(rows, key=self.columns[section].sort_key, reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self._rows
        self._sort = (column, order)
        self._rows = self._sorted(self._given)
        position = {id(row): number for number, row in enumerate(self._rows)}
        old = self.persistentIndexList()
        new = [self.index(position[id(before[i.row()])], i.column()) for i in old]
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


def list_table(model: ListModel[Any]) -> QTableView:
    """A read-only, row-selecting, sortable view with the model's declared widths."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSortIndicatorClearable(True)
    header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
    header.setStretchLastSection(True)
    table.setSortingEnabled(True)
    for number, column in enumerate(model.columns):
        table.setColumnWidth(number, column.width)
    return table
