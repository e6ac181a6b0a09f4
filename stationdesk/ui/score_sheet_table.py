"""The score sheet's on-site items as an editable table: code, section, what is checked, points, how.

Split from the standards editor: delegates give the section and method columns a fixed choice and
the points a spin box, so a typed value can never be outside what `validate_standard` accepts.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from stationdesk.domain.scoring import (
    FIRST_PAYOUT_POINTS,
    PERFORMANCE_POINTS,
    SECTIONS,
    ScoreItem,
    max_points,
)

ON_SITE_SECTIONS = tuple((code, f"{code} {SECTIONS[code]}") for code in ("A", "B", "C"))
METHODS = tuple((method, method) for method in ("看现场", "查台账", "电话抽查"))
COLUMNS = ("项目代码", "部分", "检查内容", "分值", "检查方法")
CODE, SECTION, LABEL, POINTS, METHOD = range(len(COLUMNS))
CHOICE = Qt.ItemDataRole.UserRole
NOTE_STYLE = "color: #5f6368;"
_Index = QModelIndex | QPersistentModelIndex


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell by picking one of fixed choices: the code is kept under UserRole, the label shown."""

    def __init__(self, choices: tuple[tuple[str, str], ...], parent: QWidget) -> None:
        super().__init__(parent)
        self._choices = choices

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        for code, label in self._choices:
            combo.addItem(label, code)
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(editor.findData(index.data(CHOICE)), 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), CHOICE)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class PointsDelegate(QStyledItemDelegate):
    """Points in a spin box of 0–99: wider than the 1–50 the service accepts, so a wrong value gets
    `validate_standard`'s message rather than a spin box that silently refuses the keystroke."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        return QSpinBox(parent, minimum=0, maximum=99, suffix=" 分")


class ScoreSheetTable(QWidget):
    """The on-site items (sections A–C) with add/remove, section subtotals and the sheet's full marks."""

    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setItemDelegateForColumn(SECTION, ChoiceDelegate(ON_SITE_SECTIONS, self.table))
        self.table.setItemDelegateForColumn(METHOD, ChoiceDelegate(METHODS, self.table))
        self.table.setItemDelegateForColumn(POINTS, PointsDelegate(self.table))
        header = self.table.horizontalHeader()
        for column, width in ((CODE, 130), (SECTION, 110), (POINTS, 56), (METHOD, 84)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(LABEL, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("添加项目")
        self.remove_button = QPushButton("删除所选项目")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_selected)
        self.subtotals = QLabel()
        self.subtotals.setObjectName("subtotals")
        self.full_marks = QLabel()
        self.full_marks.setObjectName("full_marks")
        self.full_marks.setWordWrap(True)
        self.table.itemChanged.connect(self._changed)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.subtotals, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.full_marks)
        self._selection_changed()

    def load(self, items: tuple[ScoreItem, ...]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for item in items:
            self._append(item)
        self.table.blockSignals(False)
        self._changed()

    def items(self) -> tuple[ScoreItem, ...]:
        """The rows as score items; an unreadable points cell counts 0, which validation refuses."""
        result = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, column) for column in range(len(COLUMNS))]
            try:
                points = int(cells[POINTS].data(Qt.ItemDataRole.EditRole)) if cells[POINTS] else 0
            except (TypeError, ValueError):
                points = 0
            result.append(ScoreItem(
                cells[CODE].text().strip() if cells[CODE] else "",
                str(cells[SECTION].data(CHOICE)) if cells[SECTION] else "",
                cells[LABEL].text().strip() if cells[LABEL] else "",
                points,
                str(cells[METHOD].data(CHOICE)) if cells[METHOD] else METHODS[0][0],
            ))  # fmt: skip
        return tuple(result)

    def add_row(self) -> None:
        """A new item in the selected row's section, with a free code; its name is left to the user."""
        taken = {item.code for item in self.items()}
        number = next(n for n in range(1, len(taken) + 2) if f"item{n}" not in taken)
        rows = self.table.selectionModel().selectedRows()
        section = str(self.table.item(rows[0].row(), SECTION).data(CHOICE)) if rows else "A"
        self._append(ScoreItem(f"item{number}", section, "", 2))
        row = self.table.rowCount() - 1
        self.table.selectRow(row)
        self.table.editItem(self.table.item(row, LABEL))
        self._changed()

    def remove_selected(self) -> None:
        for index in sorted(self.table.selectionModel().selectedRows(), key=lambda i: i.row(), reverse=True):
            self.table.removeRow(index.row())
        self._changed()

    def _append(self, item: ScoreItem) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        section = QTableWidgetItem(dict(ON_SITE_SECTIONS).get(item.section, item.section))
        section.setData(CHOICE, item.section)
        points = QTableWidgetItem()
        points.setData(Qt.ItemDataRole.EditRole, item.points)
        points.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        method = QTableWidgetItem(item.method)
        method.setData(CHOICE, item.method)
        for column, cell in ((CODE, QTableWidgetItem(item.code)), (SECTION, section),
                             (LABEL, QTableWidgetItem(item.label)), (POINTS, points), (METHOD, method)):
            self.table.setItem(row, column, cell)

    def _selection_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _changed(self, *_args: object) -> None:
        items = self.items()
        by_section = {code: sum(i.points for i in items if i.section == code) for code, _l in ON_SITE_SECTIONS}
        on_site = sum(by_section.values())
        self.subtotals.setText("　".join(f"{code} {SECTIONS[code]} {points} 分" for code, points in by_section.items()))
        self.full_marks.setText(
            f"现场评分 {on_site} 分 + D 工作实绩 {sum(PERFORMANCE_POINTS.values())} 分（按全年指标计算）"
            f" + E 先行赔付 {FIRST_PAYOUT_POINTS} 分 = 满分 {max_points(items)} 分"
        )
        self.edited.emit()
