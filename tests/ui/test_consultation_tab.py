"""The station page's 咨询/来访 tab: one entry row, Enter registers, refusals named by field."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from PySide6.QtCore import Qt

from stationdesk.services import consultations
from stationdesk.services.consultations import ANSWER_CHOICES
from stationdesk.store.database import Database
from stationdesk.ui.consultation_tab import COUNT_TIP, ConsultationTab

TODAY = date(2026, 11, 24)


def busy_station(db: Database) -> int:
    """A demo station that already has consultations, read through the service."""
    return next(sid for sid in range(1, 100) if consultations.consultations_of_station(db, sid, limit=1))


def open_tab(qtbot, db: Database, station_id: int) -> ConsultationTab:  # type: ignore[no-untyped-def]
    tab = ConsultationTab(db, station_id, "王芳", TODAY)
    qtbot.addWidget(tab)
    tab.resize(1000, 600)
    with qtbot.waitActive(tab):  # Enter is a shortcut of the entry row: it needs an active window
        tab.show()
    return tab


def totals(db: Database, station_id: int) -> tuple[int, int]:
    rows = consultations.consultations_of_station(db, station_id)
    return len(rows), sum(r.count for r in rows)


def type_count(qtbot, tab: ConsultationTab, digits: str) -> None:  # type: ignore[no-untyped-def]
    tab.count.setFocus()
    tab.count.selectAll()
    qtbot.keyClicks(tab.count, digits)


def test_the_entry_row_starts_filled_in(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = busy_station(demo_db)
    tab = open_tab(qtbot, demo_db, station_id)
    assert tab.consulted_on.text() == TODAY.isoformat()
    assert tab.answered_by.text() == "王芳"
    assert (tab.count.value(), tab.count.minimum(), tab.count.maximum()) == (1, 1, 10000)
    assert tab.count.toolTip() == COUNT_TIP
    assert [tab.how_answered.itemText(i) for i in range(tab.how_answered.count())] == list(ANSWER_CHOICES)
    assert tab.topic.findText("家用电器") >= 0 and tab.topic.currentText() == ""
    n, m = totals(demo_db, station_id)
    assert tab.model.rowCount() == n
    assert tab.total.text() == f"记录 {n} 条，合计 {m:,} 次"


def test_a_count_of_zero_is_refused_and_nothing_is_recorded(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = busy_station(demo_db)
    tab = open_tab(qtbot, demo_db, station_id)
    before = totals(demo_db, station_id)
    type_count(qtbot, tab, "0")
    assert tab.count.text() == "0"
    qtbot.keyClick(tab.count, Qt.Key.Key_Return)
    assert tab.message.isVisible() and "次数" in tab.message.text()
    assert totals(demo_db, station_id) == before
    assert tab.model.rowCount() == before[0]


def test_a_future_date_is_refused_by_field(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = busy_station(demo_db)
    tab = open_tab(qtbot, demo_db, station_id)
    before = totals(demo_db, station_id)
    tab.consulted_on.selectAll()
    tab.consulted_on.insert((TODAY + timedelta(days=3)).isoformat())
    assert tab.add() is False
    assert "日期" in tab.message.text() and "不能晚于今天" in tab.message.text()
    assert totals(demo_db, station_id) == before


def test_a_valid_tally_appears_at_the_top_and_the_total_updates(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = busy_station(demo_db)
    tab = open_tab(qtbot, demo_db, station_id)
    n, m = totals(demo_db, station_id)
    tab.topic.lineEdit().insert("预付卡退费")
    type_count(qtbot, tab, "12")
    with qtbot.waitSignal(tab.changed):
        qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    top = tab.model.row_at(0)
    assert top is not None
    assert (top.consulted_on, top.topic, top.how_answered, top.answered_by, top.count, top.entered_by) == (
        TODAY, "预付卡退费", ANSWER_CHOICES[0], "王芳", 12, "王芳")
    assert tab.total.text() == f"记录 {n + 1} 条，合计 {m + 12:,} 次"
    assert not tab.message.isVisible()
    assert (tab.topic.currentText(), tab.count.value()) == ("", 1), "ready for the next one"
    assert tab.consulted_on.text() == TODAY.isoformat(), "the date stays for a batch of entries"


def test_enter_in_the_entry_row_registers(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = next(sid for sid in range(1, 100) if not consultations.consultations_of_station(demo_db, sid))
    tab = open_tab(qtbot, demo_db, station_id)
    assert tab.total.text() == "记录 0 条，合计 0 次"
    tab.how_answered.setCurrentIndex(1)
    tab.answered_by.setFocus()
    qtbot.keyClick(tab.answered_by, Qt.Key.Key_Return)
    rows = consultations.consultations_of_station(demo_db, station_id)
    assert [(r.how_answered, r.count) for r in rows] == [(ANSWER_CHOICES[1], 1)]
    assert tab.total.text() == "记录 1 条，合计 1 次"
    assert Counter(r.entered_by for r in rows) == Counter({"王芳": 1})
