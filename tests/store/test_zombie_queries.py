"""The facts the zombie rules read, straight from SQL: the latest activity, check, re-examination
and decision per station as of a date, and the overdue open cases.

One county built once for the module through the services (tests/conftest.py `module_desk`):

  quiet      closed case 2025-03-10, consultation 2025-06-01, closed case 2026-06-01
  busy       closed 2026-02-01; open 2026-03-02 and 2026-04-01 (long overdue); open 2026-11-20 (not due)
  checked    site checks 2026-05-10 联系不上, 2026-09-01 reached; two on 2026-10-10 (reached, then not)
  examined   provincial: 2025 round decided 降级; 2026 round proposed, undecided
  decided    暂缓 on 2026-10-01 until 2026-12-31, then 激活 on 2026-11-20 until 2027-02-28
  removed    已撤销 through the register
  blank      建站日期 left blank
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.domain.station_rules import StationDraft
from stationdesk.domain.zombie_rules import StationFacts
from stationdesk.services import reexam, stations, zombies
from stationdesk.store import zombie_queries
from stationdesk.store.models import MediationCase, Station

TODAY = date(2026, 11, 24)
CHIEF = "张科长"


@dataclass(frozen=True)
class County:
    db: Any
    quiet: int
    busy: int
    checked: int
    examined: int
    decided: int
    removed: int
    blank: int
    busy_due: tuple[date, date]


@pytest.fixture(scope="module")
def county(module_desk: Any) -> County:
    desk = module_desk
    quiet = desk.station("青果巷市场消费维权服务站")
    desk.case(quiet, date(2025, 3, 10), outcome="success")
    desk.consultation(quiet, date(2025, 6, 1))
    desk.case(quiet, date(2026, 6, 1), outcome="success")

    busy = desk.station("红梅超市消费维权服务站")
    desk.case(busy, date(2026, 2, 1), outcome="success")
    overdue = [desk.case(busy, date(2026, 3, 2)), desk.case(busy, date(2026, 4, 1))]
    desk.case(busy, date(2026, 11, 20))
    with desk.db.reading() as s:
        due = tuple(s.scalars(select(MediationCase.due_on).where(MediationCase.id.in_(overdue)).order_by(MediationCase.due_on)))

    checked = desk.station("天宁商场12315联络站")
    for day, reachable in ((date(2026, 5, 10), False), (date(2026, 9, 1), True), (date(2026, 10, 10), True),
                           (date(2026, 10, 10), False)):  # fmt: skip
        zombies.record_site_check(desk.db, checked, day, "电话抽查", "王芳", reachable, "", CHIEF, TODAY)

    examined = desk.station("新北万达广场省级示范站", level="provincial", scheme=True)
    first = reexam.start_round(desk.db, 2025, CHIEF, TODAY, [examined])
    row = reexam.round_rows(desk.db, first.id)[0]
    reexam.decide(desk.db, row.id, "downgrade", "全年无调解记录", CHIEF, TODAY)
    reexam.start_round(desk.db, 2026, CHIEF, TODAY, [examined])

    decided = desk.station("常州恐龙园消费维权服务站")
    zombies.decide(desk.db, [decided], "defer", reason="等待街道核实", decided_on=date(2026, 10, 1), actor=CHIEF,
                   today=TODAY, deadline=date(2026, 12, 31))  # fmt: skip
    zombies.decide(desk.db, [decided], "revive", reason="街道核实仍在运行", decided_on=date(2026, 11, 20), actor=CHIEF,
                   today=TODAY, deadline=date(2027, 2, 28), rectification="补挂标牌")  # fmt: skip

    removed = desk.station("已关闭商场消费维权服务站")
    stations.change_station_status(desk.db, removed, StationAction.REMOVE, reason="商场关闭",
                                   effective_on=date(2026, 1, 5), actor=CHIEF, today=TODAY)  # fmt: skip
    draft = StationDraft(code="3204029999", name="台账导入服务站", category_id=desk.category_id, county_id=desk.county_id)
    blank = stations.create_station(desk.db, draft, CHIEF, TODAY).id
    return County(desk.db, quiet, busy, checked, examined, decided, removed, blank, due)  # type: ignore[arg-type]


def facts_of(county: County, as_of: date, ids: list[int] | None = None) -> dict[int, StationFacts]:
    with county.db.reading() as session:
        return {f.station_id: f for f in zombie_queries.station_facts(session, as_of, ids)}


def test_every_station_not_removed_has_facts_and_a_removed_one_has_none(county: County) -> None:
    found = facts_of(county, TODAY)
    assert {county.quiet, county.busy, county.checked, county.examined, county.decided} <= set(found)
    assert county.removed not in found


def test_the_facts_can_be_read_for_a_few_stations_only(county: County) -> None:
    assert set(facts_of(county, TODAY, [county.quiet, county.removed])) == {county.quiet}


def test_the_last_case_and_consultation_are_the_latest_on_or_before_the_date(county: County) -> None:
    now = facts_of(county, TODAY)[county.quiet]
    assert (now.last_case_on, now.last_consultation_on) == (date(2026, 6, 1), date(2025, 6, 1))
    before = facts_of(county, date(2026, 5, 31))[county.quiet]
    assert (before.last_case_on, before.last_activity_on) == (date(2025, 3, 10), date(2025, 6, 1))
    that_day = facts_of(county, date(2026, 6, 1))[county.quiet]
    assert that_day.last_case_on == date(2026, 6, 1)


def test_a_station_with_no_activity_yet_has_neither_date(county: County) -> None:
    quiet = facts_of(county, date(2025, 3, 9))[county.quiet]
    assert (quiet.last_case_on, quiet.last_consultation_on, quiet.last_activity_on) == (None, None, None)
    assert quiet.established_on == date(2019, 3, 15) and quiet.host_status == "normal"


def test_the_day_a_station_was_entered_is_read_where_its_setup_date_is_blank(county: County) -> None:
    with county.db.reading() as session:
        entered = session.scalar(select(Station.created_at).where(Station.id == county.blank))
    assert entered is not None
    blank = facts_of(county, TODAY)[county.blank]
    assert (blank.established_on, blank.entered_on) == (None, entered.date())
    assert facts_of(county, TODAY)[county.quiet].entered_on is None  # its set-up date is what counts


def test_open_cases_past_their_due_date_are_counted_with_the_oldest_due_date(county: County) -> None:
    busy = facts_of(county, TODAY)[county.busy]
    assert (busy.overdue_open, busy.oldest_overdue_due_on) == (2, county.busy_due[0])
    assert facts_of(county, TODAY)[county.quiet].overdue_open == 0


def test_a_case_due_on_the_date_itself_is_not_yet_overdue(county: County) -> None:
    busy = facts_of(county, county.busy_due[0])[county.busy]
    assert (busy.overdue_open, busy.oldest_overdue_due_on) == (0, None)


def test_the_latest_site_check_on_or_before_the_date_is_read_and_the_later_entry_wins_a_day(county: County) -> None:
    assert (facts_of(county, TODAY)[county.checked].last_check_on,
            facts_of(county, TODAY)[county.checked].last_check_reachable) == (date(2026, 10, 10), False)  # fmt: skip
    september = facts_of(county, date(2026, 9, 30))[county.checked]
    assert (september.last_check_on, september.last_check_reachable) == (date(2026, 9, 1), True)
    june = facts_of(county, date(2026, 6, 30))[county.checked]
    assert (june.last_check_on, june.last_check_reachable) == (date(2026, 5, 10), False)
    assert facts_of(county, date(2026, 5, 9))[county.checked].last_check_on is None


def test_the_latest_reexamination_up_to_the_dates_year_is_read_decided_or_proposed(county: County) -> None:
    last_year = facts_of(county, date(2025, 12, 31))[county.examined]
    assert (last_year.last_reexam_year, last_year.last_reexam_outcome, last_year.last_reexam_decided) == (
        2025, "downgrade", True,
    )  # fmt: skip
    this_year = facts_of(county, TODAY)[county.examined]
    assert (this_year.last_reexam_year, this_year.last_reexam_decided) == (2026, False)
    assert this_year.last_reexam_outcome is not None
    assert facts_of(county, TODAY)[county.quiet].last_reexam_year is None


def test_the_last_decision_per_station_is_the_latest_on_or_before_the_date(county: County) -> None:
    with county.db.reading() as session:
        october = zombie_queries.last_decisions(session, date(2026, 10, 15))
        now = zombie_queries.last_decisions(session, TODAY)
        before = zombie_queries.last_decisions(session, date(2026, 9, 30))
    assert (october[county.decided].action, october[county.decided].deadline) == ("defer", date(2026, 12, 31))
    assert (now[county.decided].action, now[county.decided].decided_on, now[county.decided].deadline) == (
        "revive", date(2026, 11, 20), date(2027, 2, 28),
    )  # fmt: skip
    assert county.decided not in before and county.quiet not in now
