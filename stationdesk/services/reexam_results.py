"""The reads of a re-examination: a round's rows (scores and totals recomputed), its ranking with
the red and black lists, and a station's rounds over the years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.reexam_rules import (
    group_by,
    rank,
    red_and_black,
)
from stationdesk.domain.scoring import ScoreItem
from stationdesk.domain.vocabulary import ReexamOutcome
from stationdesk.services import preferences
from stationdesk.services.reexam_judging import Standards, figures_of
from stationdesk.store.database import Database
from stationdesk.store.models import County, Reexamination, ReexamRound, Standard, Station


@dataclass(frozen=True)
class ReexamRow:
    """One station in a round, as the round view, the grid and the CLI show it."""

    id: int
    station_id: int
    code: str
    name: str
    county: str
    level: str
    figures: StationFigures
    scores: dict[str, Any]
    inspector: str
    inspected_on: date | None
    on_site: Decimal | None
    performance: Decimal
    first_payout_points: Decimal
    total: Decimal | None
    proposed: str | None
    reasons: tuple[str, ...]
    decided: str | None
    decision_reason: str
    document_no: str
    decided_by: str
    decided_at: datetime | None
    checklist: tuple[ScoreItem, ...]

    @property
    def outcome_text(self) -> str:
        return ReexamOutcome(self.decided).label if self.decided else "待确认"

    @property
    def proposed_text(self) -> str:
        return ReexamOutcome(self.proposed).label if self.proposed else ""


def round_rows(db: Database, round_id: int) -> list[ReexamRow]:
    """Every station of the round, by station code (a province has a few thousand)."""
    with db.reading() as session:
        judged = Standards(session, bool(preferences.read(session, "satisfaction_counts_basic")))
        for standard in session.scalars(
            select(Standard).where(Standard.id.in_(
                select(Reexamination.standard_id).where(Reexamination.round_id == round_id).distinct()))
        ):  # fmt: skip
            judged.add(standard)
        result = session.execute(
            select(Reexamination, Station.code, Station.name, County.name)
            .join(Station, Station.id == Reexamination.station_id)
            .join(County, County.id == Station.county_id)
            .where(Reexamination.round_id == round_id)
            .order_by(Station.code)
        ).all()  # fmt: skip
        rows = []
        for row, code, name, county in result:
            judging = judged[row.standard_id]
            figures = figures_of(row.indicators)
            sheet = judging.sheet(row, figures)
            rows.append(
                ReexamRow(
                    row.id, row.station_id, code, name, county, row.indicators.get("level", ""),
                    figures, dict(row.checklist_scores or {}), row.inspector, row.inspected_on,
                    None if sheet.on_site is None else sum(sheet.on_site.values(), Decimal(0)),
                    sheet.performance, sheet.first_payout, sheet.total, row.proposed_outcome,
                    tuple(row.proposed_reasons or ()), row.decided_outcome, row.decision_reason, row.document_no,
                    row.decided_by, row.decided_at, judging.draft.checklist,
                )
            )  # fmt: skip
        return rows


# -- ranking --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Ranking:
    """A round's ranking: overall and per county, with the red and black lists."""

    overall: list[ReexamRow]
    by_county: dict[str, list[ReexamRow]]
    red: list[ReexamRow]
    black: list[ReexamRow]
    size: int


def _rank_key(row: ReexamRow) -> tuple[Decimal, Fraction | None, int, str]:
    return (row.total, row.figures.rate(Indicator.MEDIATION_SUCCESS).fraction, row.figures.received,  # type: ignore[return-value]
            row.code)  # fmt: skip


def ranking(db: Database, round_id: int, size: int | None = None) -> Ranking:
    """Rank the round's stations by total score (ties: `reexam_rules.TIE_RULE`); the top and
    bottom `size` (default: the setting, 3) are the red and black lists."""
    rows = round_rows(db, round_id)
    if size is None:
        size = int(preferences.get(db, "ranking_size"))
    overall = rank(rows, _rank_key)
    scored = [r for r in overall if r.total is not None]
    red, black = red_and_black(scored, size)
    by_county = {county: rank(group, _rank_key) for county, group in group_by(rows, lambda r: r.county).items()}
    return Ranking(overall, by_county, red, black, size)


# -- a station's history --------------------------------------------------------------------
@dataclass(frozen=True)
class StationRound:
    year: int
    level: str
    figures: StationFigures
    total: float | None
    proposed: str | None
    reasons: tuple[str, ...]
    decided: str | None
    decision_reason: str
    decided_by: str
    decided_at: datetime | None


def station_rounds(db: Database, station_id: int) -> list[StationRound]:
    """Every round the station was in, newest first: figures, score, proposal, decision, who."""
    with db.reading() as session:
        rows = session.execute(
            select(ReexamRound.year, Reexamination)
            .join(Reexamination, Reexamination.round_id == ReexamRound.id)
            .where(Reexamination.station_id == station_id)
            .order_by(ReexamRound.year.desc())
        ).all()
        return [
            StationRound(
                year, r.indicators.get("level", ""), figures_of(r.indicators), r.total_score, r.proposed_outcome,
                tuple(r.proposed_reasons or ()), r.decided_outcome, r.decision_reason, r.decided_by, r.decided_at,
            )
            for year, r in rows
        ]
