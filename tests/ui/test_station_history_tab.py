"""A station's 变更记录 tab reads the audit trail: its own edits and status changes and its cases,
newest first, each with old → new; the status timeline stays beneath."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

from stationdesk.domain.case_rules import CaseDraft
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.services import cases, stations
from stationdesk.ui.station_dialog import StationDialog

TODAY = date(2026, 11, 24)
SHOTS = os.environ.get("STATIONDESK_SCREENSHOTS")


def test_the_history_tab_shows_the_stations_changes_from_the_audit_trail(qtbot, demo_db, runner, qsettings) -> None:  # type: ignore[no-untyped-def]
    detail = stations.get_station(demo_db, 4)
    stations.update_station(demo_db, 4, replace(detail.draft, contact_phone="13912345678"), detail.version, "王芳",
                            TODAY)  # fmt: skip
    stations.change_station_status(demo_db, 4, StationAction.RECTIFY, reason="台账不全", effective_on=TODAY,
                                   actor="李明", today=TODAY, document_no="常市监〔2026〕12号")  # fmt: skip
    cases.add_case(demo_db, CaseDraft(station_id=4, received_on=TODAY, consumer_name="张三丰",
                                      consumer_phone="13812345678", operator_name="华联超市"), "赵敏", TODAY)  # fmt: skip
    stations.change_station_status(demo_db, 5, StationAction.SUSPEND, reason="另一个站", effective_on=TODAY,
                                   actor="李明", today=TODAY)  # fmt: skip

    dialog = StationDialog(demo_db, "王芳", TODAY, 4, runner=runner, settings=qsettings)
    qtbot.addWidget(dialog)
    dialog.resize(1100, 760)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.history)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "变更记录"
    browser = dialog.history.browser
    newest = [browser.model.row_object(r) for r in range(3)]
    assert [(e.username, e.action_label, e.table_label) for e in newest if e] == [
        ("赵敏", "新增", "调解记录"), ("李明", "限期整改", "站点"), ("王芳", "修改", "站点")]
    assert all(browser.model.row_object(r).station_id == 4 for r in range(browser.model.rowCount()))  # type: ignore[union-attr]
    assert "站点" not in [c.header for c in browser.model.columns], "the tab is about one station"
    assert "张**" in newest[0].summary and "13812345678" not in newest[0].summary  # type: ignore[union-attr]

    browser.table.setCurrentIndex(browser.model.index(2, 0))
    [(label, old, new)] = browser.detail.changes()
    assert (label, new) == ("联系电话", "13912345678") and old != new
    browser.table.setCurrentIndex(browser.model.index(1, 0))
    assert ("运行状态", "正常运行", "限期整改") in browser.detail.changes()
    assert ("文号", "", "常市监〔2026〕12号") in browser.detail.changes()

    timeline = dialog.history.timeline
    kinds = [timeline.item(r, 1).text() for r in range(timeline.rowCount())]
    assert kinds[0] == "状态变更" and "建站" in kinds
    assert timeline.item(0, 2).text() == "正常运行 → 限期整改" and timeline.item(0, 4).text() == "常市监〔2026〕12号"
    assert f"共 {browser.model.rowCount():,} 条" in dialog.history.count_label.text()
    if SHOTS:
        qtbot.wait(50)  # let the layout follow the detail's new text
        dialog.grab().save(str(Path(SHOTS) / "station_history.png"))
