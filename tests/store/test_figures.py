"""Per-station figures in grouped SQL: periods, grouping, restriction, and last activity.

The indicators themselves are checked against a hand-counted year in
tests/services/test_indicators.py; here, what each grouped query counts and by which date, and a
cross-check of the SQL against counting the demo sample's rows one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.figures import StationFigures
from stationdesk.store import figures
from stationdesk.store.database import Database
from stationdesk.store.models import Consultation, FirstPayout, FollowUp, MediationCase

Y2025 = (date(2025, 1, 1), date(2025, 12, 31))
Y2026 = (date(2026, 1, 1), date(2026, 12, 31))


@dataclass(frozen=True)
class Three:
    db: Any
    s1: int  # a 2025 case paid and called back in 2026, and an open 2026 case
    s2: int  # only consultations since 2024, and a 2024 case
    s3: int  # nothing


@pytest.fixture(scope="module")
def three(module_desk: Any) -> Three:
    desk = module_desk
    s1 = desk.station("红梅超市消费维权服务站", scheme=True)
    s2 = desk.station("钟楼商场维权联络站")
    s3 = desk.station("天宁市场维权服务站")
    desk.fund(s1, 1_000, on=date(2025, 12, 1))
    late = desk.case(s1, date(2025, 12, 31), outcome="success", closed_on=date(2026, 1, 2), payout_eligible=True)
    desk.payout(s1, late, 100, date(2026, 1, 2))
    desk.follow_up(late, date(2026, 1, 3), "basic")
    desk.case(s1, date(2026, 1, 1))  # open, due 12 January
    desk.case(s2, date(2024, 3, 1))
    desk.consultation(s2, date(2025, 6, 1))
    desk.consultation(s2, date(2026, 5, 1), 4)
    return Three(desk.db, s1, s2, s3)


def test_case_counts_group_by_station_over_cases_received_in_the_period(three: Three) -> None:
    with three.db.reading() as s:
        found = figures.station_case_counts(s, *Y2025)
        assert set(found) == {three.s1}
        year = found[three.s1]
        assert (year.received, year.closed, year.successful, year.closed_on_time) == (1, 1, 1, 1)
        assert (year.payout_eligible, year.payout_cases) == (1, 1)  # paid in 2026, counted with its case
        assert figures.station_case_counts(s, *Y2025, station_ids=[three.s2]) == {}
        assert set(figures.station_case_counts(s, date(2024, 1, 1), date(2026, 12, 31))) == {three.s1, three.s2}


def test_overdue_is_as_of_the_day_after_the_period_unless_asked(three: Three) -> None:
    with three.db.reading() as s:
        assert figures.station_case_counts(s, date(2026, 1, 1), date(2026, 1, 11))[three.s1].overdue == 0
        assert figures.station_case_counts(s, date(2026, 1, 1), date(2026, 1, 12))[three.s1].overdue == 1
        asked = figures.station_case_counts(s, date(2026, 1, 1), date(2026, 1, 11), as_of=date(2026, 1, 13))
        assert asked[three.s1].overdue == 1


def test_payouts_follow_ups_and_consultations_count_by_their_own_date(three: Three) -> None:
    with three.db.reading() as s:
        found = figures.station_figures(s, *Y2026)
    one = found[three.s1]
    assert (one.received, one.payout_cases) == (1, 0)  # the paid case was received in 2025
    assert (one.payouts, one.payout_fen) == (1, 10_000)  # but paid in 2026
    assert (one.follow_ups, one.reached, one.satisfied, one.basic) == (1, 1, 0, 1)
    two = found[three.s2]
    assert (two.received, two.consultations) == (0, 4)


def test_last_activity_reaches_before_the_period_but_not_after_it(three: Three) -> None:
    with three.db.reading() as s:
        y2026 = figures.station_figures(s, *Y2026)
        y2025 = figures.station_figures(s, *Y2025)
    assert (y2026[three.s2].last_case_on, y2026[three.s2].last_consultation_on) == (date(2024, 3, 1), date(2026, 5, 1))
    assert y2025[three.s2].last_consultation_on == date(2025, 6, 1)
    assert y2025[three.s1].last_case_on == date(2025, 12, 31)
    assert y2026[three.s1].last_activity_on == date(2026, 1, 1)


def test_a_station_with_nothing_is_absent_and_restriction_is_honoured(three: Three) -> None:
    with three.db.reading() as s:
        assert three.s3 not in figures.station_figures(s, *Y2026)
        assert figures.station_figures(s, *Y2026, station_ids=[three.s3]) == {}
        assert set(figures.station_figures(s, *Y2026, station_ids=[three.s2])) == {three.s2}


def test_last_activity_per_station_ever_or_until_a_day(three: Three) -> None:
    with three.db.reading() as s:
        assert figures.last_activity(s, None) == {
            three.s1: (date(2026, 1, 1), None),
            three.s2: (date(2024, 3, 1), date(2026, 5, 1)),
        }
        assert figures.last_activity(s, [three.s2], until=date(2025, 12, 31)) == {
            three.s2: (date(2024, 3, 1), date(2025, 6, 1))
        }
        assert figures.last_activity(s, [three.s3]) == {}
        assert figures.last_case_dates(s, [three.s1, three.s2, three.s3]) == {
            three.s1: date(2026, 1, 1),
            three.s2: date(2024, 3, 1),
        }


# --- cross-check on the demo sample ----------------------------------------------------------


def _count_rows_one_by_one(db: Database, start: date, end: date, as_of: date) -> dict[int, StationFigures]:
    """The same figures, counted in Python from plain rows: an independent reading of the rules."""
    counts: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    c, p, f, t = (m.__table__.c for m in (MediationCase, FirstPayout, FollowUp, Consultation))
    with db.reading() as s:
        for row in s.execute(select(c).where(c.received_on.between(start, end))):
            n = counts[row.station_id]
            n["received"] += 1
            if row.outcome is not None:
                n["closed"] += 1
                n["self_mediated"] += row.handling == "self"
                n["closed_on_time"] += row.due_on is not None and row.closed_on <= row.due_on
                key = {"success": "successful", "failure": "failed"}.get(row.outcome, row.outcome)
                n[key] += 1
            elif row.due_on is not None and row.due_on < as_of:
                n["overdue"] += 1
            n["payout_eligible"] += bool(row.payout_eligible or row.first_payout)
            n["payout_cases"] += bool(row.first_payout)
            n["recovered_fen"] += row.amount_recovered_fen
        for row in s.execute(select(p).where(p.paid_on.between(start, end))):
            n = counts[row.station_id]
            n["payouts"] += 1
            n["payout_fen"] += row.amount_fen
            n["payout_recovered_fen"] += row.recovered_fen
        station_of = dict(s.execute(select(c.id, c.station_id)).all())
        for row in s.execute(select(f).where(f.visited_on.between(start, end))):
            n = counts[station_of[row.case_id]]
            n["follow_ups"] += 1
            n["reached"] += bool(row.reached)
            n["satisfied"] += row.satisfaction == "satisfied"
            n["basic"] += row.satisfaction == "basic"
        for row in s.execute(select(t).where(t.consulted_on.between(start, end))):
            counts[row.station_id]["consultations"] += row.count
    names = {field.name for field in fields(StationFigures)} - {"station_id", "last_case_on", "last_consultation_on"}
    return {sid: StationFigures(sid, **{k: int(v) for k, v in n.items() if k in names}) for sid, n in counts.items()}


def _without_dates(found: StationFigures) -> StationFigures:
    return StationFigures(**{f.name: getattr(found, f.name) for f in fields(StationFigures)
                             if f.name not in ("last_case_on", "last_consultation_on")})  # fmt: skip


def test_the_grouped_sql_agrees_with_counting_the_demo_rows_one_by_one(demo_db: Database) -> None:
    start, end, as_of = date(2026, 1, 1), date(2026, 12, 31), date(2026, 11, 24)
    expected = _count_rows_one_by_one(demo_db, start, end, as_of)
    with demo_db.reading() as s:
        found = figures.station_figures(s, start, end, as_of=as_of)
    assert len(expected) > 100  # the sample is busy enough to exercise every count
    assert sum(e.payouts for e in expected.values()) > 0
    assert sum(e.basic for e in expected.values()) > 0
    for station_id, want in expected.items():
        assert _without_dates(found[station_id]) == want, station_id
    assert all(_without_dates(f) == StationFigures(sid) for sid, f in found.items() if sid not in expected)
