"""Compact column types: on SQLite dates, timestamps and codes are integers; Python sees dates,
datetimes and string codes; an unknown code is never stored."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Column, MetaData, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import StatementError
from sqlalchemy.schema import CreateTable

from stationdesk.domain.deadlines import DEADLINE_RULES
from stationdesk.domain.vocabulary import CaseChannel, CaseHandling, CaseOutcome, Satisfaction
from stationdesk.store.database import Database
from stationdesk.store.figures import station_case_counts
from stationdesk.store.models import Base, Category, County, FollowUp, GoodsCategory, MediationCase, Station
from stationdesk.store.types import Code, code_converter, day_to_int, stamp_to_int

# !!! The positions stored on SQLite. A vocabulary may only grow at its end: if this test fails
# because a code moved or vanished, every stored row of that column would change meaning.
# Append new codes here (and at the end of the enum) instead of reordering.
PINNED_POSITIONS: dict[str, tuple[str, ...]] = {
    "mediation_case.channel": ("on_site", "phone", "platform"),
    "mediation_case.handling": ("self", "transferred"),
    "mediation_case.outcome": ("success", "failure", "withdrawn", "terminated", "transferred"),
    "mediation_case.deadline_rule": ("provincial", "national", "station_fast"),
    "follow_up.satisfaction": ("satisfied", "basic", "unsatisfied"),
}


def _code_columns() -> dict[str, Code]:
    return {
        f"{table.name}.{column.name}": column.type
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Code)
    }


def test_every_code_keeps_its_position() -> None:
    columns = _code_columns()
    assert set(columns) == set(PINNED_POSITIONS), "pin the positions of every Code column here"
    for name, pinned in PINNED_POSITIONS.items():
        codes = columns[name].codes
        assert codes[: len(pinned)] == pinned, f"{name}: codes may only be appended, never moved"
        assert codes == pinned, f"{name} gained codes: append them to PINNED_POSITIONS"
    # The vocabularies the columns are built from, member by member.
    for vocabulary, column in (
        (CaseChannel, "mediation_case.channel"),
        (CaseHandling, "mediation_case.handling"),
        (CaseOutcome, "mediation_case.outcome"),
        (Satisfaction, "follow_up.satisfaction"),
    ):
        assert [(m.value, i) for i, m in enumerate(vocabulary)] == [
            (code, i) for i, code in enumerate(PINNED_POSITIONS[column])
        ]
    assert tuple(DEADLINE_RULES) == PINNED_POSITIONS["mediation_case.deadline_rule"]


def _station(db: Database) -> tuple[int, int]:
    """A station to hang cases on, and the id of the goods category 家用电器."""
    with db.writing() as session:
        county = County(code="320402", name="天宁区")
        session.add(county)
        session.flush()
        category_id = session.scalar(select(Category.id).where(Category.code == "mall"))
        station = Station(
            code="3204020001",
            name="测试站",
            category_id=category_id,
            form="service",
            level="ordinary",
            status="active",
            county_id=county.id,
        )
        session.add(station)
        session.flush()
        goods_id = session.scalar(select(GoodsCategory.id).where(GoodsCategory.name == "家用电器"))
        assert goods_id is not None
        return station.id, goods_id


def _case(station_id: int, **values: object) -> MediationCase:
    defaults: dict[str, object] = {
        "station_id": station_id,
        "received_on": date(2026, 11, 24),
        "channel": CaseChannel.PHONE,
        "handling": CaseHandling.SELF,
    }
    return MediationCase(**{**defaults, **values})


@pytest.mark.sqlite_only(reason="SQLite's integer storage (test_postgres checks PostgreSQL's)")
def test_codes_and_dates_are_integers_on_sqlite_and_read_back_as_strings_and_dates(db: Database) -> None:
    station_id, goods_id = _station(db)
    created = datetime(2026, 11, 24, 1, 30, 15)
    with db.writing() as session:
        case = _case(
            station_id,
            channel=CaseChannel.PLATFORM,
            handling="transferred",
            outcome=CaseOutcome.TERMINATED,
            closed_on=date(2026, 11, 30),
            goods_category_id=goods_id,
            deadline_rule="station_fast",
            created_at=created,
        )
        open_case = _case(station_id)  # no outcome, the default rule
        session.add_all([case, open_case])
        session.flush()
        session.add(
            FollowUp(
                case_id=case.id,
                station_id=station_id,
                visited_on=date(2026, 12, 1),
                visitor="张伟",
                reached=True,
                satisfaction=Satisfaction.BASIC,
            )
        )
        ids = case.id, open_case.id
    with db.engine.connect() as conn:
        raw = conn.exec_driver_sql(
            "SELECT channel, handling, outcome, deadline_rule, goods_category_id, received_on, closed_on, "
            "created_at, typeof(channel), typeof(outcome), typeof(received_on), typeof(created_at) "
            f"FROM mediation_case WHERE id = {ids[0]}"
        ).one()
        assert tuple(raw) == (
            2,
            1,
            3,
            2,
            goods_id,
            20261124,
            20261130,
            stamp_to_int(created),
            "integer",
            "integer",
            "integer",
            "integer",
        )
        assert conn.exec_driver_sql(
            f"SELECT outcome, deadline_rule FROM mediation_case WHERE id = {ids[1]}"
        ).one() == (None, 0)
        assert conn.exec_driver_sql("SELECT satisfaction, typeof(satisfaction) FROM follow_up").one() == (
            1,
            "integer",
        )
    with db.reading() as session:
        case = session.get(MediationCase, ids[0])
        assert case is not None
        assert (case.channel, case.handling, case.outcome, case.deadline_rule) == (
            "platform",
            "transferred",
            "terminated",
            "station_fast",
        )
        assert type(case.channel) is str and case.outcome == CaseOutcome.TERMINATED
        assert (case.received_on, case.closed_on, case.created_at) == (
            date(2026, 11, 24),
            date(2026, 11, 30),
            created,
        )
        assert case.goods_category is not None and case.goods_category.name == "家用电器"
        assert case.follow_ups[0].satisfaction == "basic"
        opened = session.get(MediationCase, ids[1])
        assert opened is not None and opened.outcome is None and opened.deadline_rule == "provincial"
        # Comparisons built from the columns convert their literals the same way.
        assert session.scalars(
            select(MediationCase.id).where(MediationCase.outcome == CaseOutcome.TERMINATED.value)
        ).all() == [ids[0]]
        assert session.scalars(
            select(MediationCase.id).where(MediationCase.channel.in_(["phone", "on_site"]))
        ).all() == [ids[1]]
        assert session.scalars(
            select(MediationCase.id).where(MediationCase.received_on == date(2026, 11, 24)).order_by("id")
        ).all() == list(ids)


def test_station_figures_count_codes_stored_as_positions(db: Database) -> None:
    station_id, _goods = _station(db)
    day = date(2026, 3, 15)
    with db.writing() as session:
        for outcome, handling in (
            (CaseOutcome.SUCCESS, CaseHandling.SELF),
            (CaseOutcome.SUCCESS, CaseHandling.TRANSFERRED),
            (CaseOutcome.FAILURE, CaseHandling.SELF),
            (CaseOutcome.TERMINATED, CaseHandling.SELF),
            (CaseOutcome.TRANSFERRED, CaseHandling.TRANSFERRED),
            (None, CaseHandling.SELF),
        ):
            session.add(_case(station_id, received_on=day, outcome=outcome, handling=handling))
    with db.reading() as session:
        counts = station_case_counts(session, date(2026, 1, 1), date(2026, 12, 31))[station_id]
    assert (counts.received, counts.closed, counts.self_mediated) == (6, 5, 3)
    assert (counts.successful, counts.failed, counts.terminated, counts.last_case_on) == (2, 1, 1, day)


def test_an_unknown_code_is_refused_and_nothing_is_stored(db: Database) -> None:
    station_id, _goods = _station(db)
    with pytest.raises(StatementError) as refused, db.writing() as session:
        session.add(_case(station_id, outcome="succes"))  # a typo
    assert isinstance(refused.value.orig, ValueError)
    assert "unknown code 'succes'" in str(refused.value.orig)
    with pytest.raises(StatementError), db.writing() as session:
        session.add(_case(station_id, deadline_rule=""))  # the old "no rule" value is not a code
    with pytest.raises(StatementError), db.reading() as session:
        session.execute(select(MediationCase.id).where(MediationCase.handling == "bureau")).all()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM mediation_case").scalar() == 0


@pytest.mark.sqlite_only(reason="codes are stored as positions on SQLite only")
def test_a_stored_position_outside_the_vocabulary_is_not_read_as_some_code(db: Database) -> None:
    station_id, _goods = _station(db)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO mediation_case (station_id, received_on, channel, consumer_name, consumer_phone, "
            "operator_name, amount_disputed_fen, handling, outcome, amount_recovered_fen, difficult, "
            "first_payout, deadline_rule, notes, created_at, created_by, updated_at, updated_by, version) "
            f"VALUES ({station_id}, {day_to_int(date(2026, 11, 24))}, 0, '', '', '', 0, 0, 5, 0, 0, 0, 0, '', "
            "0, '', 0, '', 1)"
        )
    with pytest.raises(ValueError, match="position 5"), db.reading() as session:
        session.scalars(select(MediationCase.outcome)).all()


def test_code_converter_gives_bulk_inserts_the_stored_values() -> None:
    outcome = code_converter(MediationCase.outcome, "sqlite")
    assert [outcome(m) for m in CaseOutcome] == [0, 1, 2, 3, 4]
    assert outcome(None) is None
    with pytest.raises(ValueError, match="unknown code"):
        outcome("bogus")
    on_pg = code_converter(MediationCase.__table__.c.outcome, "postgresql")
    assert on_pg(CaseOutcome.SUCCESS) == "success" and type(on_pg(CaseOutcome.SUCCESS)) is str
    with pytest.raises(ValueError, match="unknown code"):
        on_pg("bogus")
    with pytest.raises(TypeError):
        code_converter(MediationCase.consumer_name, "sqlite")


def test_on_postgresql_a_code_is_its_text() -> None:
    table = Table("t", MetaData(), Column("rule", Code(tuple(DEADLINE_RULES), length=20)))
    assert "rule VARCHAR(20)" in str(CreateTable(table).compile(dialect=postgresql.dialect()))
    assert "rule INTEGER" in str(CreateTable(table).compile(dialect=sqlite.dialect()))
    pg = table.c.rule.type.dialect_impl(postgresql.dialect())
    assert pg.bind_processor(postgresql.dialect())("national") == "national"
    query = select(table).where(table.c.rule == "national")
    literal = {"literal_binds": True}
    assert str(query.compile(dialect=postgresql.dialect(), compile_kwargs=literal)).endswith("'national'")
    assert str(query.compile(dialect=sqlite.dialect(), compile_kwargs=literal)).endswith("t.rule = 1")


def test_a_vocabulary_must_be_usable() -> None:
    assert Code(CaseHandling).codes == ("self", "transferred")
    with pytest.raises(ValueError, match="distinct"):
        Code(("a", "b", "a"))
    with pytest.raises(ValueError, match="distinct"):
        Code(())
    with pytest.raises(ValueError, match="1 to 4"):
        Code(("short", "x"), length=4)
    # Migrations hold the type as its repr: it must rebuild the same vocabulary.
    rebuilt = eval(repr(Code(CaseOutcome)), {"Code": Code})
    assert rebuilt.codes == Code(CaseOutcome).codes and rebuilt.length == 16
