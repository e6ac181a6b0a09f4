"""导出 Excel of the in-memory lists: what is shown, in the order and columns shown, typed."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl

from stationdesk.transfer.list_xlsx import write_list_xlsx
from stationdesk.ui.exporting import shown_list_export, visible_keys
from stationdesk.ui.list_model import ListColumn, ListModel, list_table

ROWS = [("3204020001", 12, Fraction(9, 10), date(2026, 3, 1)), ("3204020002", 3, None, None)]


def test_shown_columns_in_their_order_with_types(qtbot: Any, tmp_path: Path) -> None:
    model: ListModel[tuple[Any, ...]] = ListModel([
        ListColumn("站点编号", 90, lambda r: r[0]),
        ListColumn("受理", 40, lambda r: str(r[1]), lambda r: r[1], numeric=True),
        ListColumn("调解成功率", 60, lambda r: "—" if r[2] is None else f"{float(r[2]):.1%}", lambda r: r[2]),
        ListColumn("最近受理", 80, lambda r: r[3].isoformat() if r[3] else "", lambda r: r[3]),
    ])  # fmt: skip
    model.set_rows(ROWS)
    table = list_table(model)
    qtbot.addWidget(table)
    table.horizontalHeader().moveSection(3, 1)  # the user dragged 最近受理 next to the code
    table.setColumnHidden(1, True)  # and hid 受理
    assert visible_keys(table, ["code", "received", "rate", "last"]) == ["code", "last", "rate"]
    export = shown_list_export(table, model, "测试")
    assert [c.title for c in export.columns] == ["站点编号", "最近受理", "调解成功率"]
    assert [c.kind for c in export.columns] == ["text", "date", "rate"]
    out = tmp_path / "x.xlsx"
    assert write_list_xlsx(export, out) == 2
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    assert sheet["A2"].value == "3204020001" and sheet["B2"].number_format == "yyyy-mm-dd"
    assert sheet["C2"].value == 0.9 and sheet["C3"].value is None


def test_payouts_export_amounts_in_yuan(
    qtbot: Any, demo_db: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    from PySide6.QtCore import QSettings

    from stationdesk.ui import dialogs
    from stationdesk.ui.payouts_page import PayoutsPage
    from stationdesk.ui.tasks import TaskRunner
    from tests.conftest import TODAY

    page = PayoutsPage(demo_db, TaskRunner(synchronous=True), QSettings(str(tmp_path / "s.ini"),
                       QSettings.Format.IniFormat), TODAY, "王芳")  # fmt: skip
    qtbot.addWidget(page)
    page.all_years.setChecked(True)
    page.reload()
    rows = page.model.rows
    assert rows
    target = tmp_path / "赔付.xlsx"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: target)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    page.export_excel()
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    headings = [c.value for c in sheet[1]]
    amount = headings.index("赔付金额（元）") + 1
    assert sheet.cell(2, amount).value == rows[0].amount_fen / 100  # 元, not fen
    assert sheet.cell(2, amount).number_format == "#,##0.00"
