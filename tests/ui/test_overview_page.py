"""首页概览: the numbers and charts a user sees, each chart's series against the overview's and the
database's counts, links leading to the lists they count, PNGs saved, and the page as the main
window's home."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from stationdesk.services.overview import ListLink
from stationdesk.store import overview_queries
from stationdesk.ui import dialogs
from stationdesk.ui.overview_page import OverviewPage
from stationdesk.ui.tasks import TaskRunner
from tests.conftest import TODAY, Desk


@pytest.fixture
def built(desk: Desk) -> Desk:
    tianning = desk.station(level="provincial")
    zhonglou = desk.station(county_id=desk.other_county_id, level="municipal")
    for day in (2, 9, 16):
        desk.case(tianning, date(2026, 3, day), outcome="success", amount_recovered_fen=10_000)
    desk.case(tianning, date(2026, 3, 23), outcome="failure")
    desk.case(tianning, date(2026, 1, 5))  # overdue
    desk.case(zhonglou, date(2025, 11, 11), outcome="success")
    return desk


@pytest.fixture
def page(qtbot: Any, built: Desk, runner: TaskRunner, qsettings: QSettings) -> OverviewPage:
    widget = OverviewPage(built.db, runner, qsettings, TODAY)
    qtbot.addWidget(widget)
    widget.resize(1200, 1400)
    widget.reload()
    return widget


def _hrefs(label_text: str) -> dict[str, str]:
    """Link text → href in a label's rich text."""
    return {text: href for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', label_text)}


def test_the_tiles_show_the_years_figures(page: OverviewPage) -> None:
    assert page.overview is not None
    assert "2" in page.tiles["stations"].value.text()
    assert ">5<" in page.tiles["received"].value.text()  # received this year; the 2025 case is not
    assert page.tiles["success"].value.text() == "75.0%"
    assert "较去年同期增加 4 件" in page.tiles["received"].detail.text()
    assert "1" in page.tiles["overdue"].value.text() and "#b3261e" in page.tiles["overdue"].value.text()
    assert page.watch is not None and "个" in page.tiles["zombies"].value.text()
    assert "天宁区" in page.breakdown_labels["area"].text()
    assert page.breakdown_labels["ranking"].text() == "尚无复核轮次。"


def test_each_chart_draws_the_overviews_series(page: OverviewPage, built: Desk) -> None:
    assert page.overview is not None
    for chart in page.overview.charts:
        drawn = page.charts[chart.key].series_values()
        for series in chart.series:
            assert drawn[series.name] == list(series.values), chart.key
    with built.db.reading() as session:
        counted = overview_queries.cases_by_month(session, date(2024, 12, 1), date(2026, 11, 30))
    monthly = dict(zip(page.overview.charts[0].categories, page.charts["cases_by_month"].series_values()["受理投诉"],
                       strict=True))  # fmt: skip
    assert {k: v for k, v in monthly.items() if v} == {f"{k // 100}.{k % 100:02d}": n for k, n in counted.items()}
    assert page.charts["success_by_area"].series_values()["调解成功率"] == [75.0, None]  # 钟楼区: none this year


def test_a_number_opens_the_list_it_counts(page: OverviewPage, qtbot: Any, built: Desk) -> None:
    overdue = _hrefs(page.tiles["overdue"].value.text())["1"]
    with qtbot.waitSignal(page.link_activated) as opened:
        page.follow(overdue)
    assert opened.args == [ListLink("cases", overdue=True)]
    levels = re.findall(r'href="([^"]+)"', page.breakdown_labels["level"].text())
    with qtbot.waitSignal(page.link_activated) as opened:
        page.follow(levels[0])
    assert opened.args == [ListLink("register", level="provincial")]
    with qtbot.waitSignal(page.link_activated) as opened:
        page.charts["stations_by_level"].category_clicked.emit(1)
    assert opened.args == [ListLink("register", county_id=built.other_county_id)]
    with qtbot.waitSignal(page.link_activated) as opened:
        page.charts["cases_by_month"].category_clicked.emit(23)
    assert opened.args[0].period == (date(2026, 11, 1), date(2026, 11, 30))


def test_narrowing_to_a_county_counts_its_streets(page: OverviewPage, built: Desk) -> None:
    page.county.setCurrentIndex(page.county.findData(built.county_id))
    assert page.overview is not None and page.overview.filter.county_id == built.county_id
    assert page.area_box.title() == "按街道（天宁区）"
    assert page.charts["success_by_area"].series_values()["调解成功率"] == [75.0]
    assert page.watch is not None and page.watch.zombies.link.county_id == built.county_id


def test_a_past_year_is_counted_whole(page: OverviewPage) -> None:
    page.year.setValue(2025)
    assert page.overview is not None and page.overview.period == (date(2025, 1, 1), date(2025, 12, 31))
    assert "2025-12-31" in page.status.text()


def test_a_chart_is_saved_as_png(page: OverviewPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "月度"
    monkeypatch.setattr(dialogs, "save_path", lambda *_a, **_k: target)
    page.save_chart("cases_by_month")
    image = QImage(str(tmp_path / "月度.png"))
    assert not image.isNull() and image.width() > 300
    assert "已保存图片" in page.status.text()


def test_a_chart_that_cannot_be_saved_says_why(page: OverviewPage, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    warned: list[str] = []
    monkeypatch.setattr(dialogs, "save_path", lambda *_a, **_k: tmp_path / "no such folder" / "x.png")
    monkeypatch.setattr(dialogs, "warn", lambda _p, title, text, **_k: warned.append(f"{title}：{text}"))
    page.save_chart("coverage")
    assert warned and warned[0].startswith("无法保存图片：") and "no such folder" in warned[0]


def test_the_chosen_county_is_remembered(page: OverviewPage, built: Desk, qtbot: Any, runner: TaskRunner,
                                         qsettings: QSettings) -> None:  # fmt: skip
    page.county.setCurrentIndex(page.county.findData(built.other_county_id))
    again = OverviewPage(built.db, runner, qsettings, TODAY)
    qtbot.addWidget(again)
    assert again.county.currentData() == built.other_county_id
    again.county.setCurrentIndex(0)
    assert OverviewPage(built.db, runner, qsettings, TODAY).county.currentData() is None


def test_a_county_user_starts_on_their_county_until_they_choose(built: Desk, qtbot: Any, runner: TaskRunner,
                                                                 qsettings: QSettings) -> None:  # fmt: skip
    home = OverviewPage(built.db, runner, qsettings, TODAY, home_county=built.county_id)
    qtbot.addWidget(home)
    assert home.county.currentData() == built.county_id
    home.county.setCurrentIndex(0)  # 全辖区, chosen
    again = OverviewPage(built.db, runner, qsettings, TODAY, home_county=built.county_id)
    qtbot.addWidget(again)
    assert again.county.currentData() is None


def test_the_window_starts_a_county_user_on_their_county(built: Desk, runner: TaskRunner, qsettings: QSettings,
                                                         qtbot: Any) -> None:  # fmt: skip
    from stationdesk.ui.main_window import MainWindow
    from tests.conftest import ADMIN, account

    county_user = account(built.db, "天宁小李", "county", built.county_id)
    window = MainWindow(qsettings, runner, "test", TODAY, county_user)
    qtbot.addWidget(window)
    assert window._home_county(built.db) == built.county_id
    assert MainWindow(qsettings, runner, "test", TODAY, ADMIN)._home_county(built.db) is None
