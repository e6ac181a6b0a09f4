"""每周动态: a hand-built fortnight, counted per county, with the week before beside it."""

from __future__ import annotations

from datetime import date

from stationdesk.domain.periods import Week
from stationdesk.services import bulletin
from tests.conftest import TODAY, Desk

WEEK = Week(date(2026, 11, 16))  # Monday 16 to Sunday 22 November
EARLIER = WEEK.previous


def _columns(report: bulletin.TableReport) -> list[str]:
    titles, position = [], 0
    for group in report.header_groups:
        for column in report.columns[position : position + group.span]:
            titles.append(f"{group.title}/{column.title}" if group.title else column.title)
        position += group.span
    return titles


def _cells(report: bulletin.TableReport, county: str) -> dict[str, object]:
    row = next(r for r in (*report.rows, report.total) if r and r[0] == county)
    return dict(zip(_columns(report), row, strict=True))


def test_counts_a_week_per_county_beside_the_week_before(desk: Desk) -> None:
    tianning = desk.station()
    zhonglou = desk.station(county_id=desk.other_county_id, scheme=True)
    desk.fund(zhonglou, 5_000)
    desk.case(tianning, date(2026, 11, 17))  # new this week, still open
    desk.case(tianning, date(2026, 11, 22), outcome="success")  # new and closed on Sunday
    desk.case(tianning, date(2026, 11, 10), outcome="success", closed_on=date(2026, 11, 18))  # closed this week
    desk.case(tianning, date(2026, 11, 23))  # the next week: not counted
    desk.case(zhonglou, date(2026, 9, 1))  # long overdue at both weeks' end
    closed = desk.case(zhonglou, date(2026, 11, 9), outcome="success")
    desk.follow_up(closed, date(2026, 11, 20), None, reached=False)
    payout_case = desk.case(zhonglou, date(2026, 11, 12), payout_eligible=True)
    desk.payout(zhonglou, payout_case, 300, date(2026, 11, 19))

    report = bulletin.weekly_bulletin(desk.db, WEEK, TODAY)
    assert report.subtitle == "2026年第47周（11月16日—11月22日）"
    tianning_row = _cells(report, "天宁区")
    assert tianning_row["新收投诉（件）/本周"] == 2 and tianning_row["新收投诉（件）/上周"] == 1
    assert tianning_row["新收投诉（件）/增减"] == 1
    assert tianning_row["办结（件）/本周"] == 2
    zhonglou_row = _cells(report, "钟楼区")
    assert zhonglou_row["周末逾期未办结（件）/本周"] == 1 and zhonglou_row["周末逾期未办结（件）/增减"] == 0
    assert zhonglou_row["回访（次）/本周"] == 1
    assert zhonglou_row["先行赔付（笔）/本周"] == 1 and zhonglou_row["本周赔付金额（元）"] == 30_000
    total = _cells(report, "合计")
    assert total["新收投诉（件）/本周"] == 2 and total["新收投诉（件）/上周"] == 3
    assert total["新收投诉（件）/增减"] == -1
    assert "较上周减少 1" in report.paragraphs[0]
    assert "钟楼区 1 件" in report.paragraphs[1]


def test_a_quiet_week_prints_every_county_with_zeros(desk: Desk) -> None:
    report = bulletin.weekly_bulletin(desk.db, WEEK, TODAY)
    assert [row[0] for row in report.rows] == ["天宁区", "钟楼区"]
    assert _cells(report, "合计")["办结（件）/增减"] == 0
    assert len(report.paragraphs) == 1
