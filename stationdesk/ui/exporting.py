"""导出 Excel for every list: the current filtered view, in the columns shown and their order,
written off the GUI thread with progress and cancel, then offered to open in Excel.

Lazy lists (register, cases) and the payouts export through `transfer.exports` with typed
columns; the small in-memory lists (a round, the zombie queue) export what they show, typed by
the values they sort by (numbers stay numbers, dates stay dates). An int sort value is taken
for a count, so a list whose columns sort by fen must export through typed columns instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from fractions import Fraction
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QTableView, QWidget

from stationdesk.services.report_types import Cell, Column, ColumnKind
from stationdesk.transfer.list_xlsx import ExportCancelled, ListExport, write_list_xlsx
from stationdesk.ui import dialogs
from stationdesk.ui.list_model import ListColumn, ListModel
from stationdesk.ui.pdf_preview import ask_save_target
from stationdesk.ui.tasks import Cancelled, TaskContext, TaskRunner


def visible_keys(table: QTableView, keys: Sequence[str]) -> list[str]:
    """The keys of the columns shown, in the order the user dragged them into."""
    header = table.horizontalHeader()
    order = [header.logicalIndex(visual) for visual in range(header.count())]
    return [keys[logical] for logical in order if not header.isSectionHidden(logical)]


def export_to_excel(
    parent: QWidget, runner: TaskRunner, settings: QSettings, build: Callable[[], ListExport], name: str
) -> None:
    """Ask where, then build and write the export in the background; offer to open it."""
    target = ask_save_target(parent, settings, "导出 Excel", name, ".xlsx")
    if target is None:
        return

    def job(ctx: TaskContext) -> int:
        def progress(done: int, total: int) -> bool:
            ctx.progress(done, total, f"正在导出：{done:,} ／ {total:,} 行")
            return not ctx.cancelled

        try:
            return write_list_xlsx(build(), target, on_progress=progress)
        except ExportCancelled:
            raise Cancelled from None

    def done(rows: int) -> None:
        if dialogs.confirm(parent, "已导出", f"已导出 {rows:,} 行到“{target}”。", yes="打开", no="关闭"):
            dialogs.open_externally(target)

    runner.run(job, on_done=done, on_error=lambda exc: dialogs.show_error(parent, exc, "export list"),
               progress_parent=parent, progress_title="正在导出…")  # fmt: skip


def _kind_of(values: Sequence[Any]) -> ColumnKind:
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, Fraction):
        return "rate"
    if isinstance(sample, int) and not isinstance(sample, bool):
        return "int"
    if isinstance(sample, date):
        return "date"
    return "text"


def shown_list_export(table: QTableView, model: ListModel[Any], title: str, note: str = "") -> ListExport:
    """What an in-memory list shows, in its current order and visible columns, typed where the
    column sorts by a number, a rate or a date."""
    header = table.horizontalHeader()
    shown = [header.logicalIndex(v) for v in range(header.count()) if not header.isSectionHidden(header.logicalIndex(v))]
    rows = model.rows
    columns: list[Column] = []
    getters: list[Callable[[Any], Cell]] = []
    for logical in shown:
        column: ListColumn[Any] = model.columns[logical]
        values = [column.sort_value(r) for r in rows[:50]] if column.sort_value else []
        kind = _kind_of(values) if column.sort_value else "text"
        columns.append(Column(column.header, kind))
        getters.append(_getter(column, kind))
    data = [tuple(get(row) for get in getters) for row in rows]
    return ListExport(title, tuple(columns), data, len(data), note)


def _getter(column: ListColumn[Any], kind: ColumnKind) -> Callable[[Any], Cell]:
    """Typed columns export the value they sort by; the rest what they show."""
    return column.text if kind == "text" or column.sort_value is None else column.sort_value
