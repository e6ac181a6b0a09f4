"""The 统计报表 page, the register's 打印检查报告 and 设置 → 单位信息, driven on the demo sample:
what comes out is a real PDF in the preview or a real file on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QSettings

from stationdesk.services import preferences
from stationdesk.services.report_types import SUMMARY_KINDS
from stationdesk.services.station_reports import ReportScope, report_station_ids
from stationdesk.store.database import Database
from stationdesk.ui import dialogs
from stationdesk.ui.bureau_tab import BureauTab
from stationdesk.ui.register_page import RegisterPage
from stationdesk.ui.reports_page import ReportsPage
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import TODAY


@pytest.fixture
def page(qtbot: Any, demo_db: Database, runner: TaskRunner, qsettings: QSettings) -> ReportsPage:
    widget = ReportsPage(demo_db, runner, qsettings, TODAY)
    qtbot.addWidget(widget)
    widget.reload()
    return widget


def choose_county(page: ReportsPage, name: str) -> int:
    index = page.county.findText(name)
    assert index > 0
    page.county.setCurrentIndex(index)
    return int(page.county.currentData())


def test_counties_are_listed_and_the_scope_counted(page: ReportsPage, demo_db: Database) -> None:
    assert page.county.count() > 3
    county_id = choose_county(page, "天宁区")
    expected = len(report_station_ids(demo_db, ReportScope(county_id)))
    assert page.scope_label.text() == f"共 {expected:,} 个站点"
    page.include_removed.setChecked(True)
    with_removed = len(report_station_ids(demo_db, ReportScope(county_id, include_removed=True)))
    assert page.scope_label.text() == f"共 {with_removed:,} 个站点"


def test_a_county_previews_as_one_pdf_with_a_page_per_station(page: ReportsPage, demo_db: Database) -> None:
    county_id = choose_county(page, "天宁区")
    page.preview_stations()
    assert len(page.printing.previews) == 1
    preview = page.printing.previews[0]
    stations = len(report_station_ids(demo_db, ReportScope(county_id)))
    assert preview.page_count() >= stations
    assert "天宁区" in preview.windowTitle()


def test_each_station_to_its_own_file(
    page: ReportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, demo_db: Database
) -> None:
    county_id = choose_county(page, "天宁区")
    monkeypatch.setattr(dialogs, "folder_path", lambda *_a: tmp_path / "reports")
    said: list[str] = []
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text, **_k: said.append(text) or False)
    page.save_station_files()
    files = list((tmp_path / "reports").glob("*.pdf"))
    assert len(files) == len(report_station_ids(demo_db, ReportScope(county_id)))
    assert said and f"{len(files):,} 份" in said[0]


def test_summary_preview_and_excel(page: ReportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page.kinds.setCurrentRow(1)  # 年度工作情况汇总表
    assert page.current_kind() == "work"
    page.preview_summary()
    assert page.printing.previews and page.printing.previews[-1].page_count() >= 1
    target = tmp_path / "工作情况"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: target)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    page.export_summary()
    sheet = openpyxl.load_workbook(target.with_name("工作情况.xlsx")).active
    assert sheet is not None
    assert "工作情况汇总表" in str(sheet["A1"].value)


def test_weekly_bulletin_preview_and_excel(page: ReportsPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           qtbot: Any) -> None:  # fmt: skip
    from PySide6.QtCore import QDate

    assert page.week_label.text() == "2026年第47周（11月16日—11月22日）", "last full week before 11-24"
    page.week_day.setDate(QDate(2026, 11, 12))  # any day of a week chooses the week
    assert page.week_label.text().startswith("2026年第46周（11月9日")
    page.preview_bulletin()
    preview = page.printing.previews[-1]
    assert preview.page_count() >= 1 and "每周动态" in preview.windowTitle()
    target = tmp_path / "周报"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a: target)
    monkeypatch.setattr(dialogs, "confirm", lambda *_a, **_k: False)
    page.export_bulletin()
    sheet = openpyxl.load_workbook(tmp_path / "周报.xlsx").active
    assert sheet is not None and sheet.title == "每周动态"
    texts = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "天宁区" in texts and "合计" in texts and any("第46周" in t for t in texts)


def test_the_overview_summary_prints_its_charts(page: ReportsPage) -> None:
    page.kinds.setCurrentRow(list(SUMMARY_KINDS).index("overview"))
    page.preview_summary()
    assert page.printing.previews[-1].page_count() >= 3, "the table page, then the four charts"


def test_ranking_without_a_round_says_so(page: ReportsPage, monkeypatch: pytest.MonkeyPatch) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(dialogs, "warn", lambda _p, _t, text: warnings.append(text))
    page.kinds.setCurrentRow(2)
    page.summary_year.setValue(2019)
    page.preview_summary()
    assert warnings and "没有复核轮次" in warnings[0]
    assert not page.printing.previews


def test_register_prints_the_selected_stations(
    qtbot: Any, demo_db: Database, runner: TaskRunner, qsettings: QSettings
) -> None:
    register = RegisterPage(demo_db, runner, qsettings, TODAY, "王芳")
    qtbot.addWidget(register)
    register.reload()
    register.table.selectRow(0)
    register.print_selected()
    assert register.printing.previews[-1].page_count() >= 1
    register.table.selectionModel().clearSelection()
    for row in range(3):
        register.table.selectionModel().select(
            register.model.index(row, 0),
            register.table.selectionModel().SelectionFlag.Select | register.table.selectionModel().SelectionFlag.Rows,
        )
    assert len(register.table.selected_ids()) == 3
    register.print_selected()
    assert register.printing.previews[-1].page_count() >= 3
    assert "3 个站点" in register.printing.previews[-1].windowTitle()


def test_bureau_name_is_saved_for_every_pc(qtbot: Any, demo_db: Database) -> None:
    tab = BureauTab(demo_db, "王芳")
    qtbot.addWidget(tab)
    assert not tab.save_button.isEnabled()
    tab.bureau_name.setText("  常州市市场监督管理局 ")
    assert tab.is_dirty and tab.save_button.isEnabled()
    assert tab.save()
    assert preferences.get(demo_db, "bureau_name") == "常州市市场监督管理局"
    assert not tab.is_dirty
    assert tab.status.text() == "已保存"
