"""From a spreadsheet file to rows the import services judge: pick the sheet, find the header row
(below any merged title), match the columns to fields (or apply a saved mapping), and write the
refused rows back out with their reasons so they can be fixed and imported again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from stationdesk.domain.import_columns import (
    CASE_FIELDS,
    STATION_FIELDS,
    FieldSpec,
    cell_text,
    find_header_row,
    match_columns,
    missing_fields,
    normalise_heading,
)
from stationdesk.errors import UserError
from stationdesk.reports.files import write_with
from stationdesk.services import case_import, station_import
from stationdesk.services.station_import import ImportPlan, ImportResult, ImportRow
from stationdesk.store.database import Database
from stationdesk.transfer.sheets import CellValue, SheetData, read_sheet

Kind = Literal["stations", "cases"]
FIELDS: dict[str, Sequence[FieldSpec]] = {"stations": STATION_FIELDS, "cases": CASE_FIELDS}
REASON_HEADING = "问题说明"


def _apply_cases(db: Database, plan: ImportPlan, actor: str, today: date) -> ImportResult:
    numbers = case_import.apply_case_import(db, plan, actor, today)
    return ImportResult(len(numbers), 0, tuple(numbers))


IMPORTERS: dict[str, tuple[Callable[..., ImportPlan], Callable[[Database, ImportPlan, str, date], ImportResult]]] = {
    "stations": (station_import.plan_station_import, station_import.apply_station_import),
    "cases": (case_import.plan_case_import, _apply_cases),
}
"""Per kind: judge the rows (nothing written), then write the plan in one transaction."""


@dataclass(frozen=True)
class MatchedSheet:
    """A sheet with its header row found and its columns matched to fields."""

    path: Path
    sheet: str
    header_index: int
    headings: list[str]
    mapping: dict[int, str]
    """Column index → field key."""
    body: list[list[CellValue]]
    first_line: int
    """The spreadsheet row number (as Excel shows it) of body[0]."""

    def rows(self) -> list[ImportRow]:
        """The non-blank body rows as field → cell, each with its row number for messages."""
        found = []
        for offset, cells in enumerate(self.body):
            values = {key: cells[index] for index, key in self.mapping.items() if index < len(cells)}
            if any(cell_text(value) for value in values.values()):
                found.append(ImportRow(self.first_line + offset, values))
        return found

    def saved_mapping(self) -> dict[str, str]:
        """The mapping as heading → field, the form a saved mapping keeps (columns may move)."""
        return {normalise_heading(self.headings[i]): key for i, key in self.mapping.items()}


def apply_saved(headings: Sequence[str], saved: Mapping[str, str]) -> dict[int, str]:
    """A saved heading → field mapping applied to this sheet's headings."""
    wanted = {normalise_heading(h): key for h, key in saved.items()}
    return {i: wanted[normalise_heading(h)] for i, h in enumerate(headings) if normalise_heading(h) in wanted}


def match_sheet(
    path: Path, kind: Kind, sheet: str | int | None = None, saved: Mapping[str, str] | None = None,
    mapping: Mapping[int, str] | None = None,
) -> MatchedSheet:
    """Read `sheet` of `path`, find its header row and match its columns.

    `mapping` (column → field, set by hand in the wizard) wins over `saved` (a mapping kept from a
    file laid out the same way), which wins over matching the headings by their known synonyms.
    """
    data = read_sheet(path, sheet)
    return match_data(data, path, kind, saved, mapping)


def match_data(
    data: SheetData, path: Path, kind: Kind, saved: Mapping[str, str] | None = None,
    mapping: Mapping[int, str] | None = None,
) -> MatchedSheet:
    fields = FIELDS[kind]
    header = find_header_row(data.rows, fields)
    if header is None:
        raise UserError(
            f"在工作表“{data.name}”的前几行中没有找到表头",
            hint="表头应包含“站点名称”“所属县区”等列名" if kind == "stations" else "表头应包含“受理日期”“站点名称”等列名",
        )
    headings = [cell_text(cell) for cell in data.rows[header]]
    if mapping is not None:
        chosen = dict(mapping)
    elif saved:
        chosen = apply_saved(headings, saved)
    else:
        chosen = match_columns(headings, fields)
    missing = missing_fields(chosen, kind)
    if missing:
        raise UserError(f"工作表“{data.name}”缺少必需的列：{'、'.join(missing)}",
                        hint="请在导入向导中为这些字段指定列，或按模板调整表头")  # fmt: skip
    return MatchedSheet(path, data.name, header, headings, chosen, data.rows[header + 1 :], header + 2)


def write_rejects(matched: MatchedSheet, plan: ImportPlan, out: Path) -> int:
    """The refused rows as they were in the file, with a 问题说明 column: fix them there and
    import that file again. Returns how many rows were written."""
    rejected = {row.line: row for row in plan.rejected}
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "问题行"
    sheet.append([REASON_HEADING, *matched.headings])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet["A1"].fill = PatternFill("solid", fgColor="FDE7E9")
    for offset, cells in enumerate(matched.body):
        row = rejected.get(matched.first_line + offset)
        if row is not None:
            sheet.append([row.reason, *cells])
            for cell in sheet[sheet.max_row]:
                if cell.data_type == "f":  # text that looks like a formula ("=1+1") stays text
                    cell.data_type = "s"
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 60
    write_with(out, workbook.save)
    return len(rejected)
