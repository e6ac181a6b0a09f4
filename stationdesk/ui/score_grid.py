"""现场评分 grid: every station of a round in one sheet, one column per checklist item.

Why a grid and not only a per-station form: inspectors come back with a stack of paper sheets or
an Excel workbook and enter a whole county at once. So cells are typed or pasted (Ctrl+V takes a
tab/newline block as Excel copies it), each value is checked on entry by the same
`domain.scoring.check_scores` the service applies, and the edits of all rows are saved in one
`enter_scores` call, which accepts or refuses the lot. Unsaved edits are bold; refused values stay
visible in red with the reason, so nothing typed is silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QTableView,
    QWidget,
)

from stationdesk.domain.dates import parse_user_date
from stationdesk.domain.scoring import SECTIONS, ScoreItem, check_scores
from stationdesk.domain.text import normalise_text
from stationdesk.services.reexam import ReexamRow, ScoreEntry

_Index = QModelIndex | QPersistentModelIndex
INSPECTOR, INSPECTED_ON, SUBTOTAL = "inspector", "inspected_on", "subtotal"
BAD_BACKGROUND, BAD_TEXT = QColor("#f9d6d5"), QColor("#b3261e")
NOT_APPLICABLE, LOCKED_TEXT = QColor("#e4e4e4"), QColor("#7a7a7a")
_CENTER = Qt.AlignmentFlag.AlignCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def points_text(value: Decimal | None, empty: str = "") -> str:
    """Points as people write them: 4, 3.5, 39.1 (no trailing zeros, no exponent)."""
    if value is None:
        return empty
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def item_header(item: ScoreItem, per_line: int = 6, max_lines: int = 3) -> str:
    """"A 统一标牌/牌匾 (4分)" wrapped into a narrow column: a header does not wrap by itself, and
    thirteen one-line headers would push the grid far beyond the screen."""
    text = f"{item.section} {item.label}"
    lines = [text[i : i + per_line] for i in range(0, len(text), per_line)]
    for number in range(1, len(lines)):  # no line starts with a comma or a closing bracket
        while lines[number] and lines[number][0] in "、，。；：）」”":
            lines[number - 1] += lines[number][0]
            lines[number] = lines[number][1:]
    lines = [line for line in lines if line]
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], lines[max_lines - 1][:-1] + "…"]
    return "\n".join([*lines, f"({item.points}分)"])


@dataclass(frozen=True)
class GridColumn:
    """A grid column: a checklist item, the subtotal, the inspector or the inspection date."""

    key: str
    caption: str
    header: str
    width: int
    item: ScoreItem | None = None


def grid_columns(rows: Iterable[ReexamRow]) -> list[GridColumn]:
    """One column per checklist item in the order the sheets list them (the union over levels,
    since a level's sheet may differ), then 小计, 检查人, 检查日期."""
    items: dict[str, ScoreItem] = {}
    for row in rows:
        for item in row.checklist:
            items.setdefault(item.code, item)
    on_site = sum(item.points for item in items.values())
    return [
        *(GridColumn(item.code, item.label, item_header(item), 0, item) for item in items.values()),
        GridColumn(SUBTOTAL, "小计", f"小计\n({on_site}分)", 56),
        GridColumn(INSPECTOR, "检查人", "检查人", 80),
        GridColumn(INSPECTED_ON, "检查日期", "检查日期", 96),
    ]


class ScoreGridModel(QAbstractTableModel):
    """Rows are a round's stations; holds the valid edits not yet saved and the refused cells.

    `problem_found(text)` reports each refused value, for the message line under the grid.
    """

    problem_found = Signal(str)
    edits_changed = Signal()

    def __init__(self, today: date) -> None:
        super().__init__()
        self._today = today
        self.columns: list[GridColumn] = []
        self._rows: list[ReexamRow] = []
        self._closed = False
        self._edits: dict[int, dict[str, str]] = {}
        self._bad: dict[tuple[int, str], tuple[str | None, str]] = {}

    # -- content ------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[ReexamRow], closed: bool) -> None:
        """Show a (re)loaded round; edits of rows that can still be scored are kept, because a
        reload after confirming other stations must not throw away what was typed."""
        self.beginResetModel()
        self._rows, self._closed = list(rows), closed
        self.columns = grid_columns(self._rows)
        open_ids = {r.id for r in self._rows if self.row_editable(r)}
        self._edits = {k: v for k, v in self._edits.items() if k in open_ids}
        self._bad = {k: v for k, v in self._bad.items() if k[0] in open_ids and v[0] is not None}
        self.endResetModel()
        self.edits_changed.emit()

    @property
    def rows(self) -> list[ReexamRow]:
        return list(self._rows)

    @property
    def dirty(self) -> bool:
        """Whether leaving would lose anything typed (valid edits or refused values)."""
        return bool(self._edits) or any(text is not None for text, _m in self._bad.values())

    @property
    def refused_count(self) -> int:
        """Values typed but refused: saving waits until they are corrected or cleared."""
        return sum(1 for text, _m in self._bad.values() if text is not None)

    def edited_ids(self) -> list[int]:
        return [r.id for r in self._rows if r.id in self._edits]

    def row_editable(self, row: ReexamRow) -> bool:
        return not self._closed and not row.decided

    def column_of(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def saved_text(self, row: ReexamRow, key: str) -> str:
        if key == INSPECTOR:
            return row.inspector
        if key == INSPECTED_ON:
            return row.inspected_on.isoformat() if row.inspected_on else ""
        value = row.scores.get(key)
        return "" if value is None or str(value).strip() == "" else points_text(Decimal(str(value)))

    def value_text(self, row: ReexamRow, key: str) -> str:
        """What the cell holds now: the unsaved edit if any, else the saved value."""
        return self._edits.get(row.id, {}).get(key, self.saved_text(row, key))

    def subtotal(self, row: ReexamRow) -> Decimal | None:
        """A–C as now typed; None while the station has no on-site score at all."""
        values = [self.value_text(row, item.code) for item in row.checklist]
        if not any(values) and not row.scores:
            return None
        return sum((Decimal(v) for v in values if v), Decimal(0))

    # -- Qt model -----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def _applies(self, row: ReexamRow, column: GridColumn) -> bool:
        return column.item is None or any(i.code == column.key for i in row.checklist)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        if self.cell_editable(index.row(), index.column()):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def cell_editable(self, row_number: int, column_number: int) -> bool:
        if not (0 <= row_number < len(self._rows) and 0 <= column_number < len(self.columns)):
            return False
        row, column = self._rows[row_number], self.columns[column_number]
        return column.key != SUBTOTAL and self.row_editable(row) and self._applies(row, column)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        bad = self._bad.get((row.id, column.key))
        applies = self._applies(row, column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column.key == SUBTOTAL:
                return points_text(self.subtotal(row))
            if not applies:
                return ""
            return bad[0] if bad is not None and bad[0] is not None else self.value_text(row, column.key)
        if role == Qt.ItemDataRole.BackgroundRole:
            if bad is not None:
                return QBrush(BAD_BACKGROUND)
            return QBrush(NOT_APPLICABLE) if not applies or column.key == SUBTOTAL else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if bad is not None:
                return QBrush(BAD_TEXT)
            return QBrush(LOCKED_TEXT) if not self.row_editable(row) else None
        if role == Qt.ItemDataRole.FontRole and column.key in self._edits.get(row.id, {}):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column, bad, applies)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _LEFT if column.key == INSPECTOR else _CENTER
        return None

    def _tooltip(self, row: ReexamRow, column: GridColumn, bad: tuple[str | None, str] | None, applies: bool) -> str:
        if bad is not None:
            return bad[1]
        if not applies:
            return "该站点的评分表没有此项"
        if row.decided:
            return f"复核结论已确认（{row.outcome_text}），评分不能再改"
        if self._closed:
            return "本轮复核已结束，评分不能再改"
        if column.item is not None:
            return f"{column.item.label}：0 至 {column.item.points} 分（{column.item.method}）"
        return ""

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.header
            if role == Qt.ItemDataRole.ToolTipRole and column.item is not None:
                item = column.item
                return f"{item.section} {SECTIONS.get(item.section, '')}：{item.label}，{item.points} 分，{item.method}"
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            row = self._rows[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{row.code} {row.name}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{row.code} {row.name}（{row.county}）"
            if role == Qt.ItemDataRole.FontRole and row.id in self._edits:
                font = QFont()
                font.setBold(True)
                return font
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Keep a valid value as an unsaved edit; refuse a wrong one (kept in red, with why)."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not self.cell_editable(index.row(), index.column()):
            return False
        row, column = self._rows[index.row()], self.columns[index.column()]
        text = normalise_text("" if value is None else str(value))
        problem, stored = self._check(column, text)
        key = (row.id, column.key)
        if problem:
            self._bad[key] = (text, problem)
            self._changed(index.row(), index.column())
            self.problem_found.emit(self._problem_line(row, column, problem))
            return False
        self._bad.pop(key, None)
        edits = self._edits.setdefault(row.id, {})
        if stored == self.saved_text(row, column.key):
            edits.pop(column.key, None)
        else:
            edits[column.key] = stored
        if not edits:
            del self._edits[row.id]
        self._changed(index.row(), index.column())
        return True

    @staticmethod
    def _problem_line(row: ReexamRow, column: GridColumn | None, problem: str) -> str:
        """"CODE 站点名称：message"; an item's message names the item already."""
        field = f"{column.caption}：" if column is not None and column.item is None else ""
        return f"{row.code} {row.name}：{field}{problem}"

    def _check(self, column: GridColumn, text: str) -> tuple[str, str]:
        """(message, value to keep): the item's range from the domain rule, a real date."""
        if column.item is not None:
            if not text:
                return "", ""
            problem = check_scores([column.item], {column.key: text}).get(column.key, "")
            return problem, "" if problem else points_text(Decimal(text))
        if column.key == INSPECTED_ON:
            try:
                day = parse_user_date(text)
            except ValueError as exc:
                return str(exc), ""
            if day is not None and day > self._today:
                return f"检查日期不能晚于今天（{self._today.isoformat()}）", ""
            return "", day.isoformat() if day else ""
        return "", text

    def _changed(self, row_number: int, column_number: int) -> None:
        self.dataChanged.emit(self.index(row_number, column_number), self.index(row_number, column_number))
        subtotal = self.column_of(SUBTOTAL)
        self.dataChanged.emit(self.index(row_number, subtotal), self.index(row_number, subtotal))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, row_number, row_number)
        self.edits_changed.emit()

    # -- bulk edits ---------------------------------------------------------------------------
    def paste(self, top: int, left: int, text: str) -> tuple[int, list[str]]:
        """Put an Excel block (tabs between cells, newlines between rows) from (top, left) on;
        cells that cannot take a value are skipped. Returns (values taken, messages)."""
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()  # Excel ends a copied block with a newline
        taken, refused = 0, []
        self.problem_found.connect(refused.append)
        try:
            for r, line in enumerate(lines):
                for c, cell in enumerate(line.split("\t")):
                    if self.cell_editable(top + r, left + c):
                        taken += self.setData(self.index(top + r, left + c), cell)
        finally:
            self.problem_found.disconnect(refused.append)
        return taken, refused

    def fill_full_marks(self, row_numbers: Iterable[int]) -> int:
        """Every applicable item of these rows at its full points (the usual sheet, then lower
        the few items found wanting)."""
        filled = 0
        for number in row_numbers:
            row = self._rows[number]
            for item in row.checklist if self.row_editable(row) else ():
                filled += self.setData(self.index(number, self.column_of(item.code)), str(item.points))
        return filled

    def clear_cells(self, indexes: Iterable[QModelIndex]) -> None:
        for index in indexes:
            if self.cell_editable(index.row(), index.column()):
                self.setData(index, "")

    def discard_edits(self, ids: Iterable[int] | None = None) -> None:
        """Forget unsaved edits (of these rows, or all) and the refused values with them."""
        drop = set(self._edits) | {k[0] for k in self._bad} if ids is None else set(ids)
        self.beginResetModel()
        self._edits = {k: v for k, v in self._edits.items() if k not in drop}
        self._bad = {k: v for k, v in self._bad.items() if k[0] not in drop}
        self.endResetModel()
        self.edits_changed.emit()

    # -- saving -------------------------------------------------------------------------------
    def entries(self) -> list[ScoreEntry]:
        """The sheets of every edited row, whole (saved values plus edits), for one save."""
        result = []
        for row in self._rows:
            if row.id not in self._edits:
                continue
            scores = {i.code: self.value_text(row, i.code) for i in row.checklist if self.value_text(row, i.code)}
            day = self.value_text(row, INSPECTED_ON)
            result.append(ScoreEntry(row.id, scores, self.value_text(row, INSPECTOR),
                                     date.fromisoformat(day) if day else None))  # fmt: skip
        return result

    def mark_refused(self, problems: dict[str, str]) -> list[str]:
        """Mark the cells the service refused ("CODE item" keys, or bare keys for one station)
        and return one readable line per problem."""
        by_code = {r.code: r for r in self._rows}
        edited = [r for r in self._rows if r.id in self._edits]
        lines = []
        for key, message in problems.items():
            code, _space, field = key.rpartition(" ")
            row = by_code.get(code) if code else (edited[0] if len(edited) == 1 else None)
            if row is None:
                lines.append(message)
                continue
            self._bad.setdefault((row.id, field), (None, message))
            lines.append(self._problem_line(row, next((c for c in self.columns if c.key == field), None), message))
        if problems:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))
        return lines


class ScoreGridView(QTableView):
    """The grid as a spreadsheet: type to overwrite, Ctrl+V pastes a block, Ctrl+C copies one,
    Delete clears. Station code and name sit in the row header so they stay while scrolling."""

    pasted = Signal(int, list)

    def __init__(self, model: ScoreGridModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setMaximumWidth(300)
        self.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setDefaultAlignment(_LEFT)
        header = self.horizontalHeader()
        header.setDefaultAlignment(_CENTER)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        model.modelReset.connect(self._size_columns)

    def _size_columns(self) -> None:
        """Item columns as wide as their widest header line, measured in the font in use."""
        metrics = self.horizontalHeader().fontMetrics()
        for number, column in enumerate(self.grid.columns):
            widest = max(metrics.horizontalAdvance(line) for line in column.header.splitlines())
            self.setColumnWidth(number, column.width or max(48, widest + 14))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
        elif event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != self.State.EditingState:
            self.grid.clear_cells(self.selectedIndexes())
        else:
            super().keyPressEvent(event)

    def paste_clipboard(self) -> tuple[int, list[str]]:
        current = self.currentIndex()
        if not current.isValid():
            return 0, []
        taken, refused = self.grid.paste(current.row(), current.column(), QApplication.clipboard().text())
        self.pasted.emit(taken, refused)
        return taken, refused

    def copy_selection(self) -> None:
        """The selected block as Excel reads it back (tabs and newlines)."""
        indexes = self.selectedIndexes()
        if not indexes:
            return
        rows = sorted({i.row() for i in indexes})
        columns = sorted({i.column() for i in indexes})
        lines = ["\t".join(str(self.grid.index(r, c).data() or "") for c in columns) for r in rows]
        QApplication.clipboard().setText("\n".join(lines) + "\n")
