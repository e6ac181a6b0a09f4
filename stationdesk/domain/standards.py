"""Standards a station is judged against: thresholds per level and year, and the facilities list.

Why: standards change by year and by province, so they are data (settings with the defaults
below), and every evaluation records which one it used. A threshold keeps its operator because
the documents say "达90%以上" (≥ 90 %), not just "90 %".

Defaults (domain brief, seeds 003/004):
  省级示范  自行调解率 ≥ 100 %, 调解成功率 ≥ 90 %, 先行赔付 must operate
  市级示范  自行调解率 ≥ 100 %, 调解成功率 ≥ 85 %, 先行赔付 actively promoted
  普通站点  自行调解率 no requirement, 调解成功率 ≥ 80 % (platform "五率" target), 先行赔付 none
  回访满意率 ≥ 95 % for every level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal, get_args

from stationdesk.domain.indicators import Rate, facilities_rate
from stationdesk.domain.vocabulary import FirstPayoutDuty, StationLevel

Operator = Literal[">=", ">", "<=", "=="]
_SYMBOL: dict[str, str] = {">=": "≥", ">": ">", "<=": "≤", "==": "="}
_NEGATED: dict[str, str] = {">=": "<", ">": "≤", "<=": ">", "==": "≠"}


def _percent(value: float) -> str:
    """0.9 → "90%", 0.955 → "95.5%": the decimal as written, without float noise."""
    return format((Decimal(str(value)) * 100).normalize(), "f") + "%"


@lru_cache(maxsize=256)
def exact_value(value: float) -> Fraction:
    """The decimal as written, exactly: 0.9 → 9/10 (parsed once per value; a round of 2,000
    stations compares a handful of bars tens of thousands of times)."""
    return Fraction(str(value))


@dataclass(frozen=True, slots=True)
class Threshold:
    """A bar a rate must clear. `value` is a fraction: 0.9 means 90 %."""

    operator: Operator
    value: float

    def __post_init__(self) -> None:
        if self.operator not in get_args(Operator):
            raise ValueError(f"unknown operator {self.operator!r}")
        if not 0 <= self.value <= 1:
            raise ValueError(f"threshold value is a fraction in [0, 1] (0.9 for 90%), got {self.value}")

    @property
    def is_requirement(self) -> bool:
        """False for "≥ 0 %", which every rate meets: the standard sets no requirement."""
        return not (self.operator == ">=" and self.value == 0)

    def met(self, rate: Rate) -> bool | None:
        """Whether `rate` clears the bar, compared exactly; None when the rate has no data."""
        exact = rate.fraction
        if exact is None:
            return None
        bar = exact_value(self.value)
        match self.operator:
            case ">=":
                return exact >= bar
            case ">":
                return exact > bar
            case "<=":
                return exact <= bar
            case _:
                return exact == bar

    def describe(self) -> str:
        """The bar as printed: "≥ 90%"."""
        return f"{_SYMBOL[self.operator]} {_percent(self.value)}"

    def describe_failure(self) -> str:
        """The negated comparison for a rate that missed the bar: "< 90%"."""
        return f"{_NEGATED[self.operator]} {_percent(self.value)}"

    def as_dict(self) -> dict[str, Any]:
        return {"operator": self.operator, "value": self.value}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Threshold:
        return cls(data["operator"], float(data["value"]))


NO_REQUIREMENT = Threshold(">=", 0.0)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One facility an inspector ticks on site. Optional items have no required levels."""

    code: str
    label: str
    points: int
    required_levels: frozenset[StationLevel]

    def required_for(self, level: StationLevel) -> bool:
        return level in self.required_levels

    def as_dict(self) -> dict[str, Any]:
        levels = sorted(level.value for level in self.required_levels)
        return {"code": self.code, "label": self.label, "points": self.points, "required_levels": levels}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChecklistItem:
        levels = frozenset(StationLevel(value) for value in data.get("required_levels", ()))
        return cls(str(data["code"]), str(data["label"]), int(data["points"]), levels)


_ALL_LEVELS = frozenset(StationLevel)
_DEMONSTRATION = frozenset(level for level in StationLevel if level.is_demonstration)

# Default list (editable in settings). Points are the section-A (硬件设施) weights of the default
# scoring sheet: the items required of a demonstration station add up to 20.
DEFAULT_FACILITIES: tuple[ChecklistItem, ...] = (
    ChecklistItem("signage", "统一标牌/牌匾", 3, _ALL_LEVELS),
    ChecklistItem("mediation_area", "固定场所（调解区）", 3, _ALL_LEVELS),
    ChecklistItem("public_phone", "公开联系电话", 2, _ALL_LEVELS),
    ChecklistItem("register", "投诉登记簿/台账", 3, _ALL_LEVELS),
    ChecklistItem("rules_posted", "制度上墙（首问负责、先行赔付、和解/调解、回访）", 2, _ALL_LEVELS),
    ChecklistItem("bulletin_board", "宣传栏/公示栏", 2, _ALL_LEVELS),
    ChecklistItem("staff", "站长与联络员", 2, _ALL_LEVELS),
    ChecklistItem("computer", "电脑/网络", 1, frozenset()),
    ChecklistItem("payout_fund", "先行赔付资金到位", 3, _DEMONSTRATION),
)


def required_items(
    level: StationLevel, items: Iterable[ChecklistItem] = DEFAULT_FACILITIES
) -> list[ChecklistItem]:
    """The checklist items a station of `level` must have."""
    return [item for item in items if item.required_for(level)]


def facilities_check(
    level: StationLevel, present_codes: Iterable[str], items: Iterable[ChecklistItem] = DEFAULT_FACILITIES
) -> Rate:
    """硬件设施配备率 for one station: required items present ÷ items required for its level."""
    present = set(present_codes)
    required = required_items(level, items)
    return facilities_rate(sum(item.code in present for item in required), len(required))


@dataclass(frozen=True, slots=True)
class LevelStandard:
    """The thresholds for one level in one year; stored with every evaluation that used it."""

    level: StationLevel
    year: int
    self_mediation: Threshold
    success: Threshold
    first_payout: FirstPayoutDuty
    min_cases: int
    satisfaction: Threshold


# Minimum complaints accepted in the year. No seed fixes these; they are settings. Ordinary
# stations have none: long inactivity is the zombie rules' business.
_DEFAULT_MIN_CASES = {StationLevel.PROVINCIAL: 10, StationLevel.MUNICIPAL: 5, StationLevel.ORDINARY: 0}


def default_standard(level: StationLevel, year: int) -> LevelStandard:
    """The built-in standard for `level` (the same every year until a bureau edits it)."""
    satisfaction = Threshold(">=", 0.95)
    if level is StationLevel.PROVINCIAL:
        return LevelStandard(
            level, year, Threshold(">=", 1.0), Threshold(">=", 0.90), FirstPayoutDuty.REQUIRED,
            _DEFAULT_MIN_CASES[level], satisfaction,
        )  # fmt: skip
    if level is StationLevel.MUNICIPAL:
        return LevelStandard(
            level, year, Threshold(">=", 1.0), Threshold(">=", 0.85), FirstPayoutDuty.ENCOURAGED,
            _DEFAULT_MIN_CASES[level], satisfaction,
        )  # fmt: skip
    return LevelStandard(
        level, year, NO_REQUIREMENT, Threshold(">=", 0.80), FirstPayoutDuty.NONE,
        _DEFAULT_MIN_CASES[level], satisfaction,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of an evaluation: met is True/False, or None when there was no data to judge."""

    code: str
    met: bool | None
    text: str


def _percent_shown(rate: Rate, threshold: Threshold, met: bool | None) -> str:
    """The rate to one decimal, or to more where rounding would print a miss as the bar itself:
    1799/2000 reads "89.95%", never "90.0% < 90%"."""
    text = rate.percent_text()
    if met is not False:
        return text
    bar = exact_value(threshold.value)
    decimals = 1
    while rate.fraction != bar and decimals < 6 and Fraction(text[:-1]) / 100 == bar:
        decimals += 1
        text = rate.percent_text(decimals)
    return text


def _rate_finding(code: str, label: str, rate: Rate, threshold: Threshold, no_data: str) -> Finding:
    met = threshold.met(rate) if threshold.is_requirement else True
    shown = f"{_percent_shown(rate, threshold, met)}（{rate.counts_text()}）" if rate.has_data else "无数据"
    if not threshold.is_requirement:
        return Finding(code, True, f"{label} {shown}，不作要求")
    if met is None:
        return Finding(code, None, f"{label} 无数据（{no_data}）")
    comparison = threshold.describe() if met else threshold.describe_failure()
    separator = "" if rate.has_data else " "
    return Finding(code, met, f"{label} {shown}{separator}{comparison}")


def _first_payout_finding(duty: FirstPayoutDuty, operates: bool) -> Finding:
    if operates:
        return Finding("first_payout", True, "已实行先行赔付")
    if duty is FirstPayoutDuty.REQUIRED:
        return Finding("first_payout", False, "未实行先行赔付")
    if duty is FirstPayoutDuty.ENCOURAGED:
        return Finding("first_payout", True, "未实行先行赔付（应积极推行，不计为不达标）")
    return Finding("first_payout", True, "未实行先行赔付（不作要求）")


def evaluate_against_standard(
    standard: LevelStandard,
    self_mediation: Rate,
    success: Rate,
    operates_first_payout: bool,
    cases: int,
    satisfaction: Rate | None = None,
) -> list[Finding]:
    """Judge one station's year against `standard`, one Finding per requirement.

    Texts read as an inspector would write them: "调解成功率 82.4%（14/17）< 85%",
    "未实行先行赔付", "受理投诉 2 件，少于最低 5 件". `satisfaction` is judged only when given
    (follow-ups are recorded by the bureau, not every evaluation has them).
    """
    if cases < 0:
        raise ValueError(f"cases must not be negative, got {cases}")
    findings = [
        _rate_finding(
            "self_mediation", "自行调解率", self_mediation, standard.self_mediation, "无应由本站调解的已办结投诉"
        ),
        _rate_finding("success", "调解成功率", success, standard.success, "无调解结案的投诉"),
        _first_payout_finding(standard.first_payout, operates_first_payout),
    ]
    if cases < standard.min_cases:
        findings.append(Finding("min_cases", False, f"受理投诉 {cases} 件，少于最低 {standard.min_cases} 件"))
    elif standard.min_cases:
        findings.append(
            Finding("min_cases", True, f"受理投诉 {cases} 件，不少于最低 {standard.min_cases} 件")
        )
    else:
        findings.append(Finding("min_cases", True, f"受理投诉 {cases} 件（不作要求）"))
    if satisfaction is not None:
        findings.append(
            _rate_finding("satisfaction", "回访满意率", satisfaction, standard.satisfaction, "无回访记录")
        )
    return findings


def meets_all(findings: Iterable[Finding]) -> bool | None:
    """False if any finding failed, else None if any lacked data, else True.

    Used for 效能发挥达标率: a station counts as meeting its level only when every line is met.
    """
    results = [finding.met for finding in findings]
    if False in results:
        return False
    if None in results:
        return None
    return True
