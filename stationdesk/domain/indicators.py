"""The inspection indicators, each kept as numerator and denominator.

Why: every evaluation stores the counts behind a percentage, not the percentage alone, so a
printed "82.4%" can always be traced back to "14 of 17 cases" and recomputed under another
standard. A rate with nothing to count (denominator 0) has *no data* ("—"), which is different
from 0 %: a station without any mediated case has not failed mediation.

Counting errors (negative counts, more successes than cases) are bugs in the caller, not user
input, so they raise ValueError instead of producing a message.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Protocol

from stationdesk.domain.vocabulary import Labelled

NO_DATA = "—"


class Indicator(Labelled):
    """Indicator codes (stored with each evaluation) and their names on screen and in prints."""

    SELF_MEDIATION = "self_mediation", "自行调解率"
    MEDIATION_SUCCESS = "mediation_success", "调解成功率"
    CLOSURE = "closure", "办结率"
    ON_TIME = "on_time", "按时办结率"
    SATISFACTION = "satisfaction", "回访满意率"
    FIRST_PAYOUT = "first_payout", "先行赔付率"
    FIRST_PAYOUT_ADOPTION = "first_payout_adoption", "先行赔付实行率"
    FACILITIES = "facilities", "硬件设施配备率"
    EFFECTIVENESS = "effectiveness", "效能发挥达标率"


class SupportsMet(Protocol):
    """Anything that judges a rate, e.g. `standards.Threshold`."""

    def met(self, rate: Rate) -> bool | None: ...


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


@dataclass(frozen=True, slots=True)
class Rate:
    """numerator ÷ denominator, with "no data" when the denominator is 0."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        _check_count("numerator", self.numerator)
        _check_count("denominator", self.denominator)
        if self.numerator > self.denominator:
            raise ValueError(f"numerator {self.numerator} exceeds denominator {self.denominator}")

    @property
    def has_data(self) -> bool:
        return self.denominator > 0

    @property
    def fraction(self) -> Fraction | None:
        """The exact value, for comparisons that must not suffer float rounding."""
        return Fraction(self.numerator, self.denominator) if self.denominator else None

    @property
    def value(self) -> float | None:
        """The rate in [0, 1], or None when there is nothing to count (never ZeroDivisionError)."""
        return self.numerator / self.denominator if self.denominator else None

    def percent_text(self, decimals: int = 1) -> str:
        """The rate as "82.4%" (rounded half up, as Chinese reports do), or "—" when there is no data."""
        if not self.denominator:
            return NO_DATA
        scale = 10**decimals
        scaled = Fraction(self.numerator * 100 * scale, self.denominator)
        rounded = int(scaled + Fraction(1, 2))  # non-negative, so int() is floor
        whole, part = divmod(rounded, scale)
        return f"{whole}.{part:0{decimals}d}%" if decimals else f"{whole}%"

    def counts_text(self) -> str:
        """The counts as "14/17": what lies behind the percentage, for prints and tooltips."""
        return f"{self.numerator}/{self.denominator}"

    def meets(self, threshold: float | SupportsMet) -> bool | None:
        """Whether the rate reaches `threshold`; None when there is no data.

        A number means "at least this fraction" (0.9 = 90 %), compared exactly as the decimal
        written, so 63/70 meets 0.9. A `standards.Threshold` applies its own operator.
        """
        if not isinstance(threshold, int | float):
            return threshold.met(self)
        exact = self.fraction
        if exact is None:
            return None
        return exact >= Fraction(str(threshold))


def self_mediation_rate(self_mediated: int, accepted: int) -> Rate:
    """自行调解率.

    numerator: closed complaints the station mediated itself (自行调解);
    denominator: closed complaints the station accepted, excluding refusals (不予受理) and cases
    sent on to the bureau at the consumer's request.
    """
    return Rate(self_mediated, accepted)


def mediation_success_rate(successful: int, failed: int, terminated: int) -> Rate:
    """调解成功率.

    numerator: mediations that ended in agreement (调解成功);
    denominator: successful + failed (调解不成功) + terminated (终止) mediations.
    Withdrawals (撤回) and transfers are excluded from both: the consumer ended them, not a
    mediation result.
    """
    for name, count in (("successful", successful), ("failed", failed), ("terminated", terminated)):
        _check_count(name, count)
    return Rate(successful, successful + failed + terminated)


def closure_rate(closed: int, accepted: int) -> Rate:
    """办结率. numerator: accepted complaints that are closed; denominator: complaints accepted."""
    return Rate(closed, accepted)


def on_time_rate(closed_on_time: int, closed: int) -> Rate:
    """按时办结率.

    numerator: closed complaints whose closing date is on or before their due date;
    denominator: closed complaints (open ones are not yet late or on time).
    """
    return Rate(closed_on_time, closed)


def satisfaction_rate(
    satisfied: int, basic: int, reached: int, count_basic_as_satisfied: bool = True
) -> Rate:
    """回访满意率.

    numerator: follow-ups answered 满意, plus 基本满意 when `count_basic_as_satisfied` (a setting);
    denominator: follow-up calls that reached the consumer (unanswered calls are excluded).
    """
    for name, count in (("satisfied", satisfied), ("basic", basic), ("reached", reached)):
        _check_count(name, count)
    if satisfied + basic > reached:
        raise ValueError(f"satisfied {satisfied} + basic {basic} exceeds follow-ups reached {reached}")
    return Rate(satisfied + basic if count_basic_as_satisfied else satisfied, reached)


def first_payout_rate(payouts: int, eligible_cases: int) -> Rate:
    """先行赔付率 (per case).

    numerator: complaints settled by a first payout from the fund;
    denominator: complaints eligible for first payout (the host or a tenant owed the consumer).
    """
    return Rate(payouts, eligible_cases)


def first_payout_adoption_rate(stations_operating: int, stations: int) -> Rate:
    """先行赔付实行率 (per station).

    numerator: stations of the group that operate the first-payout scheme (fund in place);
    denominator: stations in the group (e.g. all provincial demonstration stations).
    """
    return Rate(stations_operating, stations)


def facilities_rate(present: int, required: int) -> Rate:
    """硬件设施配备率.

    numerator: checklist items required for the station's level that were found present;
    denominator: checklist items required for that level (optional items count in neither).
    """
    return Rate(present, required)


def effectiveness_rate(stations_meeting_all: int, stations_inspected: int) -> Rate:
    """效能发挥达标率.

    numerator: inspected stations meeting every threshold of their level's standard;
    denominator: stations inspected.
    """
    return Rate(stations_meeting_all, stations_inspected)
