"""The station page's 年度复核 tab: each round as it stood then, or a plain sentence when none."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from stationdesk.domain.indicators import Indicator
from stationdesk.domain.vocabulary import StationLevel
from stationdesk.services import reexam
from stationdesk.store.database import Database
from stationdesk.ui.station_reexam_tab import EMPTY_TEXT, PENDING, StationReexamTab
from stationdesk.ui.timefmt import local_time

TODAY = date(2026, 11, 24)


def open_tab(qtbot, db: Database, station_id: int) -> StationReexamTab:  # type: ignore[no-untyped-def]
    tab = StationReexamTab(db, station_id)
    qtbot.addWidget(tab)
    tab.resize(1200, 750)
    tab.show()
    return tab


def texts(tab: StationReexamTab, row: int) -> dict[str, str]:
    model = tab.model
    return {model.headerData(c, Qt.Orientation.Horizontal): model.index(row, c).data()
            for c in range(model.columnCount())}


def test_a_station_never_examined_says_so(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = reexam.demonstration_station_ids(demo_db)[0]
    tab = open_tab(qtbot, demo_db, station_id)
    assert tab.model.rowCount() == 0
    assert tab.empty.isVisible() and tab.empty.text() == EMPTY_TEXT == "该站点尚未参加年度复核"
    assert not tab.table.isVisible() and not tab.summary.isVisible()


def test_a_decided_round_is_listed_as_it_stood_then(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    info = reexam.start_round(demo_db, 2026, "王芳", TODAY)
    row = reexam.round_rows(demo_db, info.id)[0]
    tab = open_tab(qtbot, demo_db, row.station_id)
    assert tab.model.rowCount() == 1
    pending = texts(tab, 0)
    assert (pending["复核结论"], pending["确认人"], pending["确认时间"]) == (PENDING, "", "")

    other = "keep" if row.proposed != "keep" else "rectify"
    reexam.decide(demo_db, row.id, other, "现场核查整改到位，同意保留", "张科长", TODAY)
    tab.reload()

    shown = texts(tab, 0)
    history = reexam.station_rounds(demo_db, row.station_id)[0]
    self_mediation = row.figures.rate(Indicator.SELF_MEDIATION)
    success = row.figures.rate(Indicator.MEDIATION_SUCCESS)
    assert shown["年度"] == "2026"
    assert shown["当时级别"] == StationLevel(row.level).label, "the level at the time, not today's"
    assert shown["受理"] == f"{row.figures.received:,}"
    assert shown["自行调解率"] == f"{self_mediation.percent_text()}（{self_mediation.counts_text()}）"
    assert shown["调解成功率"] == f"{success.percent_text()}（{success.counts_text()}）"
    assert shown["总分"] == "未评分"
    assert shown["系统建议"] == row.proposed_text
    assert shown["理由"] == "；".join(row.reasons)
    assert shown["复核结论"] == ("保留" if other == "keep" else "限期整改")
    assert shown["改判理由"] == "现场核查整改到位，同意保留"
    assert shown["确认人"] == "张科长"
    assert shown["确认时间"] == local_time(history.decided_at) != ""
    assert tab.table.isVisible() and not tab.empty.isVisible()
    assert tab.summary.text() == "参加年度复核 1 次，已确认结论 1 次"


def test_rounds_are_listed_newest_first(qtbot, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = reexam.demonstration_station_ids(demo_db)[0]
    reexam.start_round(demo_db, 2026, "王芳", TODAY, station_ids=[station_id])
    reexam.start_round(demo_db, 2025, "王芳", TODAY, station_ids=[station_id])
    tab = open_tab(qtbot, demo_db, station_id)
    assert [texts(tab, r)["年度"] for r in range(tab.model.rowCount())] == ["2026", "2025"]
    assert tab.summary.text() == "参加年度复核 2 次，已确认结论 0 次"


def test_the_model_passes_the_model_tester(qtbot, qtmodeltester, demo_db: Database) -> None:  # type: ignore[no-untyped-def]
    station_id = reexam.demonstration_station_ids(demo_db)[0]
    reexam.start_round(demo_db, 2026, "王芳", TODAY, station_ids=[station_id])
    tab = open_tab(qtbot, demo_db, station_id)
    qtmodeltester.check(tab.model)
