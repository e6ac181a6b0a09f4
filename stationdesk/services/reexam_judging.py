"""How a re-examination judges one station: the snapshot a round keeps of its year, the standard
revisions read once per unit of work, and the score and proposal recomputed from them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from stationdesk.domain.figures import STATION_RATES, StationFigures
from stationdesk.domain.reexam_rules import (
    Proposal,
    propose,
)
from stationdesk.domain.scoring import ScoreSheet, score_sheet
from stationdesk.domain.standards import LevelStandard
from stationdesk.domain.vocabulary import StationLevel
from stationdesk.services.standards import StandardDraft, draft_of_row
from stationdesk.store.models import Reexamination, Standard, Station

FIGURE_FIELDS = [f.name for f in fields(StationFigures)]


def snapshot(figures: StationFigures, station: Station, count_basic: bool) -> dict[str, Any]:
    """What a round keeps of a station's year: the figures (counts, dates as text) and the facts
    the rules used, so a proposal can be recomputed and explained years later."""
    values: dict[str, Any] = {}
    for name in FIGURE_FIELDS:
        value = getattr(figures, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    rates: dict[str, str] = {}
    for indicator in STATION_RATES:  # as StationFigures.as_dict writes them, without its asdict()
        rate = figures.rate(indicator, count_basic)
        rates[f"{indicator.value}_rate"], rates[f"{indicator.value}_counts"] = rate.percent_text(), rate.counts_text()
    return values | {
        "level": station.level,
        "in_scheme": station.first_payout_scheme,
        "host_status": station.host_status,
        "rates": rates,
    }


def figures_of(snapshot: Mapping[str, Any]) -> StationFigures:
    values = {name: snapshot.get(name) for name in FIGURE_FIELDS}
    for name in ("last_case_on", "last_consultation_on"):
        values[name] = date.fromisoformat(values[name]) if values[name] else None
    return StationFigures(**{k: (0 if v is None and k not in ("last_case_on", "last_consultation_on") else v)
                             for k, v in values.items()})  # fmt: skip


@dataclass(frozen=True)
class Judging:
    """One standard revision, read and parsed once per unit of work (not once per station)."""

    draft: StandardDraft
    level_standard: LevelStandard
    count_basic: bool

    def sheet(self, row: Reexamination, figures: StationFigures) -> ScoreSheet:
        snapshot = row.indicators
        return score_sheet(
            self.level_standard, self.draft.checklist, figures, bool(snapshot.get("in_scheme")),
            row.checklist_scores or None, self.count_basic,
        )  # fmt: skip

    def propose(self, row: Reexamination, figures: StationFigures, total: Decimal | None) -> Proposal:
        snapshot = row.indicators
        return propose(
            StationLevel(snapshot["level"]), self.level_standard, figures, bool(snapshot.get("in_scheme")),
            snapshot.get("host_status", "normal"), total, self.count_basic,
            Decimal(self.draft.pass_score), Decimal(self.draft.upgrade_score),
        )  # fmt: skip


class Standards:
    """The standard revisions a unit of work judges by, by id (a round uses at most three).

    Why a cache: `session.get` per station reloaded the revision every time (the identity map
    holds it weakly), and parsing its checklist per station cost as much again."""

    def __init__(self, session: Session, count_basic: bool) -> None:
        self._session = session
        self._count_basic = count_basic
        self._by_id: dict[int, Judging] = {}

    def add(self, standard: Standard) -> Judging:
        draft = draft_of_row(standard)
        judging = self._by_id[standard.id] = Judging(draft, draft.level_standard(), self._count_basic)
        return judging

    def __getitem__(self, standard_id: int) -> Judging:
        judging = self._by_id.get(standard_id)
        if judging is None:
            standard = self._session.get(Standard, standard_id)
            assert standard is not None
            judging = self.add(standard)
        return judging


def repropose(row: Reexamination, judging: Judging) -> None:
    figures = figures_of(row.indicators)
    total = judging.sheet(row, figures).total
    proposal = judging.propose(row, figures, total)
    row.proposed_outcome = proposal.outcome.value
    row.proposed_reasons = list(proposal.reasons)
    row.total_score = float(total) if total is not None else None

