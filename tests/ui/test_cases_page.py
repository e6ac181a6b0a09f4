"""The case list driven as a user would: filter, search, sort, overdue only, open and add cases."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.modeltest import ModelTester

from stationdesk.domain.case_rules import case_number
from stationdesk.services import cases
from stationdesk.store.case_queries import CaseFilter
from stationdesk.store.database import Database
from stationdesk.ui.cases_page import CasesPage
from stationdesk.ui.tasks import TaskRunner

TODAY = date(2026, 11, 24)


@pytest.fixture
def page(qtbot, demo_db: Database, runner: TaskRunner, qsettings: QSettings) -> CasesPage:  # type: ignore[no-untyped-def]
    cases_page = CasesPage(demo_db, runner, qsettings, TODAY, "王芳")
    qtbot.addWidget(cases_page)
    cases_page.resize(1300, 700)
    cases_page.show()
    cases_page.reload()
    return cases_page


def _texts(page: CasesPage, key: str) -> list[str]:
    column = page.table.column_of(key)
    return [page.model.data(page.model.index(r, column)) for r in range(min(page.model.rowCount(), 200))]


def test_the_list_shows_this_years_cases_newest_first_with_consumers_masked(page: CasesPage) -> None:
    expected = cases.count_cases(page._db, CaseFilter(received_from=date(2026, 1, 1), received_to=date(2026, 12, 31)))
    assert page.model.rowCount() == expected > 0
    received = _texts(page, "received_on")
    assert received == sorted(received, reverse=True)
    assert all("*" in name for name in _texts(page, "consumer") if name)
    assert f"{expected:,}" in page.count_label.text()


def test_the_model_passes_qt_model_checks(qtbot, page: CasesPage) -> None:  # type: ignore[no-untyped-def]
    ModelTester(qtbot).check(page.model)


def test_overdue_only_lists_open_cases_past_their_due_date_in_red(qtbot, page: CasesPage) -> None:  # type: ignore[no-untyped-def]
    page.overdue.setChecked(True)
    expected = cases.list_case_ids(page._db, CaseFilter(overdue_on=TODAY))
    assert page.model.rowCount() == len(expected) > 0
    assert set(page.model.ids()) == set(expected)
    assert set(_texts(page, "outcome")) == {"办理中"}
    assert all(due < TODAY.isoformat() for due in _texts(page, "due_on"))
    deadline = page.table.column_of("deadline")
    assert page.model.data(page.model.index(0, deadline)).startswith("逾期")
    colour = page.model.data(page.model.index(0, deadline), Qt.ItemDataRole.ForegroundRole)
    assert colour is not None and colour.name() == "#b3261e"
    assert "逾期" in page.count_label.text()


def test_search_by_case_number_finds_that_case(qtbot, page: CasesPage) -> None:  # type: ignore[no-untyped-def]
    target = page.model.id_at(7)
    row = page.model.row_object(7)
    assert row is not None
    page.search.insert(case_number(target, row.received_on))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert page.model.id_at(0) == target


def test_sorting_by_amount_is_done_in_sql(qtbot, page: CasesPage) -> None:  # type: ignore[no-untyped-def]
    column = page.table.column_of("amount_disputed")
    page.table.horizontalHeader().setSortIndicator(column, Qt.SortOrder.DescendingOrder)
    amounts = [float(t.replace(",", "")) for t in _texts(page, "amount_disputed")]
    assert amounts == sorted(amounts, reverse=True)


def test_state_filter_keeps_only_successful_cases(page: CasesPage) -> None:
    page.state.setCurrentIndex(page.state.findText("调解成功"))
    assert page.model.rowCount() > 0
    assert set(_texts(page, "outcome")) == {"调解成功"}


def test_a_station_tab_lists_only_that_station_and_all_years(qtbot, demo_db: Database, runner: TaskRunner,  # type: ignore[no-untyped-def]
                                                             qsettings: QSettings) -> None:
    station_page = CasesPage(demo_db, runner, qsettings, TODAY, "王芳", station_id=3)
    qtbot.addWidget(station_page)
    station_page.reload()
    assert station_page.model.rowCount() == cases.count_cases(demo_db, CaseFilter(station_id=3)) > 0
    assert "station" not in [c.key for c in station_page.model.columns]
    assert {station_page.model.row_object(r).station_id for r in range(station_page.model.rowCount())} == {3}  # type: ignore[union-attr]


def test_enter_opens_the_case_and_saving_refreshes_the_row(qtbot, page: CasesPage) -> None:  # type: ignore[no-untyped-def]
    page.table.setCurrentIndex(page.model.index(2, 0))
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = next(iter(page._open_dialogs.values()))
    qtbot.addWidget(dialog)
    target = page.model.id_at(2)
    assert dialog._detail is not None and dialog._detail.id == target
    dialog.operator_name.clear()
    dialog.operator_name.insert("新名称商店")
    assert dialog.save()
    assert page.table.current_id() == target
    column = page.table.column_of("operator_name")
    assert page.model.data(page.model.index(page.model.row_of(target), column)) == "新名称商店"
    assert cases.get_case(page._db, target).updated_by == "王芳"
