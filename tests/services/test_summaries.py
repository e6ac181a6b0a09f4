"""The summaries: counts by county × category × level, the year's work per county with totals
summed from counts (never averaged rates), the red and black list, the zombie list."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from stationdesk.errors import UserError
from stationdesk.services import summaries
from tests.conftest import TODAY, Desk


def test_counties_summary_counts_stations_by_category_and_level(desk: Desk) -> None:
    desk.station(level="provincial")
    desk.station(level="ordinary")
    desk.station(level="ordinary", county_id=desk.other_county_id)
    report = summaries.counties_summary(desk.db, TODAY)
    titles = [c.title for c in report.columns]
    groups = [g.title for g in report.header_groups]
    assert "进商场" in groups and groups[-1] == "合计"
    assert sum(g.span for g in report.header_groups) == len(titles)
    rows = {row[0]: row for row in report.rows}
    # the 合计 group's last four columns: 省级, 市级, 普通, 小计
    assert rows["天宁区"][-4:] == (1, 0, 1, 2)
    assert rows["钟楼区"][-4:] == (0, 0, 1, 1)
    assert report.total is not None and report.total[-4:] == (1, 0, 2, 3)
    assert report.landscape


def test_work_summary_sums_counts_and_forms_rates_from_them(desk: Desk) -> None:
    a, b = desk.station(), desk.station(county_id=desk.other_county_id)
    for day in range(1, 10):
        desk.case(a, date(2026, 3, day), outcome="success", amount_recovered_fen=50_000)
    desk.case(a, date(2026, 3, 20), outcome="failure")
    desk.case(b, date(2026, 4, 1), outcome="failure")
    desk.case(b, date(2025, 4, 1), outcome="success")  # another year
    report = summaries.work_summary(desk.db, 2026, TODAY)
    titles = [c.title for c in report.columns]
    rows = {row[0]: dict(zip(titles, row, strict=True)) for row in report.rows}
    assert rows["天宁区"]["受理投诉"] == 10
    assert rows["天宁区"]["调解成功率"] == Fraction(9, 10)
    assert rows["天宁区"]["挽回经济损失（万元）"] == 450_000
    assert rows["钟楼区"]["调解成功率"] == Fraction(0)
    assert report.total is not None
    total = dict(zip(titles, report.total, strict=True))
    # 9 of 11 mediations, not the average of 90 % and 0 %
    assert total["调解成功率"] == Fraction(9, 11)
    assert total["受理投诉"] == 11
    assert any(p.startswith("2026年全辖区") and "受理投诉 11 件" in p and "挽回经济损失 0.45 万元" in p
               for p in report.paragraphs)  # fmt: skip


def test_ranking_needs_a_round(desk: Desk) -> None:
    with pytest.raises(UserError, match="没有复核轮次"):
        summaries.summary(desk.db, "ranking", 2026, TODAY)


def test_unknown_kind_is_refused(desk: Desk) -> None:
    with pytest.raises(UserError, match="未知的汇总表"):
        summaries.summary(desk.db, "nonsense", 2026, TODAY)


def test_zombie_summary_lists_flagged_stations_waiting_for_a_decision(desk: Desk) -> None:
    quiet = desk.station("沉寂超市消费维权服务站")
    desk.case(quiet, date(2024, 1, 5), outcome="success")
    busy = desk.station("繁忙超市消费维权服务站")
    desk.case(busy, date(2026, 11, 1), outcome="success")
    report = summaries.zombie_summary(desk.db, TODAY.year, TODAY)
    names = {row[1]: row for row in report.rows}
    assert "沉寂超市消费维权服务站" in names
    assert "繁忙超市消费维权服务站" not in names
    assert names["沉寂超市消费维权服务站"][5] == "待处置"
    assert "个月无调解" in str(names["沉寂超市消费维权服务站"][4])


def test_ranking_summary_of_a_round(demo_db) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.domain.scoring import DEFAULT_CHECKLIST
    from stationdesk.services import reexam, reexam_results
    from stationdesk.services.reexam import ScoreEntry

    info = reexam.start_round(demo_db, 2026, "李明", TODAY)
    rows = reexam_results.round_rows(demo_db, info.id)
    # every on-site item at full marks but one point less per station down the list
    entries = []
    for n, row in enumerate(rows):
        sheet = {item.code: str(item.points) for item in DEFAULT_CHECKLIST}
        first = DEFAULT_CHECKLIST[0]
        sheet[first.code] = str(max(0, first.points - n % (first.points + 1)))
        entries.append(ScoreEntry(row.id, sheet, "王芳", TODAY))
    reexam.enter_scores(demo_db, entries, "李明", TODAY)
    report = summaries.summary(demo_db, "ranking", 2026, TODAY)
    boards = [row[0] for row in report.rows]
    assert boards.count("红榜") == boards.count("黑榜") == 3
    places = [row[1] for row in report.rows]
    assert places[:3] == [1, 2, 3]
    assert places[3] == len(rows)  # the black list starts from the very last
    assert all(row[8] == "待确认" for row in report.rows)


def test_the_preparer_signs_every_summary(desk: Desk) -> None:
    from stationdesk.services import preferences

    assert not any("填报人" in note for note in summaries.summary(desk.db, "work", 2026, TODAY).notes)
    preferences.put(desk.db, "report_contact", "消保科 张三 0519-12345678", "李明")
    for kind in ("counties", "work", "zombies"):
        assert summaries.summary(desk.db, kind, 2026, TODAY).notes[-1] == "填报人：消保科 张三 0519-12345678"
