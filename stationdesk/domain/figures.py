"""A station's figures for a period: the counts behind every indicator, and the indicators.

Why one shape: the station page, the re-examination, the zombie sweep, the reports and the command
line all read the same `StationFigures`, filled by one SQL function (`store.figures`), so a rate
can never mean one thing on screen and another in print. Counts only; each rate is formed from
them by `domain.indicators`, which states its numerator and denominator.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from stationdesk.domain.indicators import (
    Indicator,
    Rate,
    closure_rate,
    first_payout_rate,
    mediation_success_rate,
    on_time_rate,
    satisfaction_rate,
    self_mediation_rate,
)


@dataclass(frozen=True, slots=True)
class StationFigures:
    """Counts for one station and period. Cases are those *received* in the period; payouts,
    follow-ups and consultations those *made* in it; `overdue` is as of the day asked."""

    station_id: int
    received: int = 0
    closed: int = 0
    self_mediated: int = 0
    successful: int = 0
    failed: int = 0
    terminated: int = 0
    withdrawn: int = 0
    transferred: int = 0
    closed_on_time: int = 0
    overdue: int = 0
    payout_eligible: int = 0
    payout_cases: int = 0
    recovered_fen: int = 0
    payouts: int = 0
    payout_fen: int = 0
    payout_recovered_fen: int = 0
    follow_ups: int = 0
    reached: int = 0
    satisfied: int = 0
    basic: int = 0
    consultations: int = 0
    last_case_on: date | None = None
    last_consultation_on: date | None = None

    @property
    def open(self) -> int:
        return self.received - self.closed

    @property
    def last_activity_on(self) -> date | None:
        """The latest case received or consultation recorded (a zombie's tell when long ago)."""
        days = [d for d in (self.last_case_on, self.last_consultation_on) if d is not None]
        return max(days) if days else None

    def rate(self, indicator: Indicator, count_basic_as_satisfied: bool = True) -> Rate:
        """One indicator of this station, as a Rate (numerator, denominator)."""
        if indicator is Indicator.SELF_MEDIATION:
            # Cases closed as 移交 were sent on (at the consumer's request or beyond the station's
            # remit): the brief excludes them from the denominator (domain.indicators).
            return self_mediation_rate(self.self_mediated, self.closed - self.transferred)
        if indicator is Indicator.MEDIATION_SUCCESS:
            return mediation_success_rate(self.successful, self.failed, self.terminated)
        if indicator is Indicator.CLOSURE:
            return closure_rate(self.closed, self.received)
        if indicator is Indicator.ON_TIME:
            return on_time_rate(self.closed_on_time, self.closed)
        if indicator is Indicator.SATISFACTION:
            return satisfaction_rate(self.satisfied, self.basic, self.reached, count_basic_as_satisfied)
        if indicator is Indicator.FIRST_PAYOUT:
            return first_payout_rate(self.payout_cases, self.payout_eligible)
        raise ValueError(f"{indicator.label} is not a per-station case indicator")

    def as_dict(self, count_basic_as_satisfied: bool = True) -> dict[str, Any]:
        """Counts and rates as plain values (for JSON and exports); rates as "82.4%" and "14/17"."""
        values: dict[str, Any] = asdict(self)
        for key in ("last_case_on", "last_consultation_on"):
            values[key] = values[key].isoformat() if values[key] else None
        last = self.last_activity_on
        values["last_activity_on"] = last.isoformat() if last else None
        for indicator in STATION_RATES:
            rate = self.rate(indicator, count_basic_as_satisfied)
            values[f"{indicator.value}_rate"] = rate.percent_text()
            values[f"{indicator.value}_counts"] = rate.counts_text()
        return values


def sum_figures(items: Iterable[StationFigures], station_id: int = 0) -> StationFigures:
    """Counts added up over stations or areas (a totals row, a county's whole): the rates of the
    sum are formed from the summed counts. The last-activity dates are the latest of any."""
    items = list(items)
    counts = {
        name: sum(getattr(f, name) for f in items)
        for name in StationFigures.__dataclass_fields__
        if name != "station_id" and not name.startswith("last_")
    }
    lasts = {
        name: max((d for f in items if (d := getattr(f, name)) is not None), default=None)
        for name in ("last_case_on", "last_consultation_on")
    }
    return StationFigures(station_id, **counts, **lasts)


# The per-station rates, in the order screens and prints list them.
STATION_RATES: tuple[Indicator, ...] = (
    Indicator.SELF_MEDIATION,
    Indicator.MEDIATION_SUCCESS,
    Indicator.CLOSURE,
    Indicator.ON_TIME,
    Indicator.SATISFACTION,
    Indicator.FIRST_PAYOUT,
)
