"""The import wizard driven step by step on a real roster file, and 导出 Excel on the lists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QWizard

from stationdesk.store.database import Database
from stationdesk.store.models import Station
from stationdesk.ui import dialogs
from stationdesk.ui.import_wizard import ImportWizard
from stationdesk.ui.register_page import RegisterPage
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import TODAY, Desk


def roster(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["天宁区消费维权服务站名册"])
    sheet.merge_cells("A1:F1")
    sheet.append(["维权站名称", "所在单位", "辖区", "站长", "五进类别", "建站时间"])
    sheet.append(["新开超市消费维权服务站", "新开超市", "天宁区", "张三", "超市", "2017.9.1"])
    sheet.append(["好又多商场消费维权服务站", "好又多", "天宁", "李四", "大型商场", "2018年3月5日"])
    sheet.append(["坏数据站", "", "火星区", "", "进菜场", "2017-13-01"])
    book.save(path)
    return path


@pytest.fixture
def wizard(qtbot: Any, desk: Desk, runner: TaskRunner, qsettings: QSettings) -> ImportWizard:
    widget = ImportWizard(desk.db, runner, qsettings, TODAY, "王芳")
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_roster_goes_in_through_the_three_steps(
    wizard: ImportWizard, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(dialogs, "inform", lambda _p, _t, text: said.append(text))
    before = desk.count(Station)
    wizard.file_page.choose(roster(tmp_path / "名册.xlsx"))
    assert wizard.file_page.sheet.currentText() == "Sheet"
    assert wizard.file_page.isComplete()
    wizard.next()
    assert wizard.currentPage() is wizard.columns_page
    chosen = wizard.columns_page.mapping()
    assert set(chosen.values()) >= {"name", "host_name", "county", "contact_person", "category", "established_on"}
    wizard.columns_page.save_name.setText("天宁区名册")
    wizard.next()
    assert wizard.currentPage() is wizard.check_page
    assert wizard.plan is not None and wizard.plan.summary() == "新增 2 行，更新 0 行，无变化 0 行，有问题 1 行"
    assert desk.count(Station) == before  # nothing written before 完成
    rejects = tmp_path / "问题行.xlsx"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: rejects)
    wizard.check_page.save_rejects()
    sheet = openpyxl.load_workbook(rejects).active
    assert sheet is not None and "火星区" in str(sheet["A2"].value)
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert desk.count(Station) == before + 2
    assert wizard.result is not None and wizard.result.created == 2
    assert said and "已新增 2 行" in said[-1]
    from stationdesk.services.import_mappings import saved_mappings

    assert "天宁区名册" in saved_mappings(desk.db, "stations")


def test_a_file_that_is_not_a_spreadsheet_is_named(
    wizard: ImportWizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warnings.append(text))
    fake = tmp_path / "名册.xlsx"
    fake.write_bytes(b"%PDF-1.4 not a workbook")
    wizard.file_page.choose(fake)
    assert warnings and "名册.xlsx" in warnings[0]
    assert not wizard.file_page.isComplete()


def test_register_exports_what_it_shows(
    qtbot: Any, demo_db: Database, runner: TaskRunner, qsettings: QSettings, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    page = RegisterPage(demo_db, runner, qsettings, TODAY, "王芳")
    qtbot.addWidget(page)
    page.reload()
    target = tmp_path / "台账"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: target)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    page.export_excel()
    sheet = openpyxl.load_workbook(target.with_name("台账.xlsx")).active
    assert sheet is not None
    headings = [c.value for c in sheet[1]]
    shown = [c.key for i, c in enumerate(page.model.columns) if not page.table.isColumnHidden(i)]
    assert len(headings) == len([k for k in shown if k != "zombie"])  # the marker is screen-only
    assert headings[:2] == ["站点编号", "站点名称"]
    assert sheet.max_row == page.model.rowCount() + 1
    assert isinstance(sheet.cell(2, 1).value, str)  # codes stay text


@pytest.mark.parametrize(("kind", "heading"), [("stations", "站点名称"), ("cases", "受理日期")])
def test_templates_are_saved_where_asked(
    qtbot: Any, qsettings: QSettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, heading: str
) -> None:
    from PySide6.QtWidgets import QWidget

    from stationdesk.ui.import_wizard import save_import_template

    target = tmp_path / f"{kind}.xlsx"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: target)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    parent = QWidget()
    qtbot.addWidget(parent)
    assert save_import_template(parent, qsettings, kind) == target  # type: ignore[arg-type]
    book = openpyxl.load_workbook(target)
    assert heading in [c.value for c in book.worksheets[0][1]]
    assert book.sheetnames[1] == "填写说明"
