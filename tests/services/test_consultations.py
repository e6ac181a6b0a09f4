"""Consultations and daily tallies on a real SQLite file."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from stationdesk.errors import UserError, ValidationFailed
from stationdesk.services import consultations
from stationdesk.store.models import AuditLog, Consultation

CLERK = "李明"
TODAY = date(2026, 11, 24)


def _add(desk: Any, station: int, on: date | None = date(2026, 11, 2), count: int = 1, **texts: str) -> int:
    values = {"topic": "预付卡退费", "how_answered": "当场解答", "answered_by": "王芳"} | texts
    return consultations.add_consultation(
        desk.db, station, on, values["topic"], values["how_answered"], values["answered_by"], count, CLERK, TODAY
    )


def test_a_consultation_and_a_tally_are_saved_newest_first_and_audited(desk: Any) -> None:
    station = desk.station()
    single = _add(desk, station, date(2026, 11, 2), topic="  ＡＢ预付卡  ")
    tally = _add(desk, station, date(2026, 11, 3), count=25, how_answered="")
    entries = consultations.consultations_of_station(desk.db, station)
    assert [(e.id, e.count) for e in entries] == [(tally, 25), (single, 1)]
    assert entries[1].topic == "AB预付卡"
    assert entries[0].entered_by == CLERK
    with desk.db.reading() as s:
        rows = list(s.scalars(select(AuditLog).where(AuditLog.table_name == "consultation")))
    assert [(r.username, r.row_id, r.new_values["count"]) for r in rows] == [(CLERK, single, 1), (CLERK, tally, 25)]


def test_consultations_of_a_station_are_its_own(desk: Any) -> None:
    station, other = desk.station(), desk.station("钟楼商场维权站")
    _add(desk, other)
    assert consultations.consultations_of_station(desk.db, station) == []


@pytest.mark.parametrize(
    ("on", "count", "texts", "field", "words"),
    [
        (None, 1, {}, "consulted_on", "日期为必填项"),
        (date(2026, 11, 25), 1, {}, "consulted_on", "日期不能晚于今天"),
        (date(1999, 12, 31), 1, {}, "consulted_on", "早于2000年"),
        (date(2026, 11, 2), 0, {}, "count", "次数应在 1 至 10,000 之间"),
        (date(2026, 11, 2), -3, {}, "count", "次数应在 1 至 10,000 之间"),
        (date(2026, 11, 2), 10_001, {}, "count", "次数应在 1 至 10,000 之间"),
        (date(2026, 11, 2), 1, {"topic": "问" * 41}, "topic", "咨询内容不能超过40个字"),
        (date(2026, 11, 2), 1, {"answered_by": "王芳😀"}, "answered_by", "答复人不能含有表情符号"),
        (date(2026, 11, 2), 1, {"how_answered": "答" * 21}, "how_answered", "答复方式不能超过20个字"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_saved(
    desk: Any, on: date | None, count: int, texts: dict[str, str], field: str, words: str
) -> None:
    station = desk.station()
    before = desk.count(Consultation), desk.count(AuditLog)
    with pytest.raises(ValidationFailed) as caught:
        _add(desk, station, on, count, **texts)
    assert words in caught.value.problems[field]
    assert (desk.count(Consultation), desk.count(AuditLog)) == before


def test_a_consultation_at_an_unknown_station_is_a_user_error(desk: Any) -> None:
    with pytest.raises(UserError, match="找不到编号为 999 的站点"):
        _add(desk, 999)
    assert desk.count(Consultation) == 0


def test_totals_count_records_and_add_up_tallies(desk) -> None:  # type: ignore[no-untyped-def]
    from stationdesk.services import consultations

    station = desk.station()
    desk.consultation(station, date(2026, 3, 1))
    desk.consultation(station, date(2026, 3, 31), count=41)
    assert consultations.consultation_totals(desk.db, station) == (2, 42)
    assert consultations.consultation_totals(desk.db, desk.station("别的站")) == (0, 0)
