"""A table model over an ordered list of row ids, fetching full rows a page at a time.

The conventions' list pattern (Anki's browser table): the id list comes from one SQL query
(sorted and filtered there), and `data()` asks for the rows of a page only when the view
paints it. A small LRU of pages bounds memory at any list size.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

Row = TypeVar("Row")
PAGE_SIZE = 200
MAX_PAGES = 40
_Index = QModelIndex | QPersistentModelIndex
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


@dataclass(frozen=True)
class Column(Generic[Row]):
    """A declared column: its key (also the sort key), header, width, alignment and formatter."""

    key: str
    header: str
    width: int
    text: Callable[[Row], str]
    numeric: bool = False
    sortable: bool = True
    tooltip: str = ""
    # A colour name ("#b3261e") for the cell's text, or None for the default: overdue in red.
    colour: Callable[[Row], str | None] | None = None

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return _RIGHT if self.numeric else _LEFT


class LazyTableModel(QAbstractTableModel, Generic[Row]):
    """Rows are `fetch_rows(ids) -> {id: row}` results, cached by page."""

    def __init__(
        self, columns: Sequence[Column[Row]], fetch_rows: Callable[[Sequence[int]], dict[int, Row]]
    ) -> None:
        super().__init__()
        self.columns = list(columns)
        self._fetch_rows = fetch_rows
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, Row]] = OrderedDict()

    # -- contents ---------------------------------------------------------------------------
    def set_ids(self, ids: Sequence[int]) -> None:
        self.beginResetModel()
        self._ids = list(ids)
        self._pages.clear()
        self.endResetModel()

    def set_fetcher(self, fetch_rows: Callable[[Sequence[int]], dict[int, Row]]) -> None:
        """New source of rows (another year's figures): drop cached pages, keep the ids."""
        self._fetch_rows = fetch_rows
        self.invalidate()

    def invalidate(self) -> None:
        """Forget cached rows (data changed) and repaint; the ids and selection stay."""
        self._pages.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.columns) - 1))

    def ids(self) -> list[int]:
        return list(self._ids)

    def id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, row_id: int) -> int:
        try:
            return self._ids.index(row_id)
        except ValueError:
            return -1

    def row_object(self, row: int) -> Row | None:
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page_ids = self._ids[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
            page = self._fetch_rows(page_ids)
            self._pages[page_no] = page
            while len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    # -- Qt model interface -----------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.column() < len(self.columns):
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            row = self.row_object(index.row())
            return column.text(row) if row is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.alignment.value)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            row = self.row_object(index.row())
            name = column.colour(row) if row is not None else None
            return QColor(name) if name else None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.header
            if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
                return column.tooltip
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(column.alignment.value)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return None
