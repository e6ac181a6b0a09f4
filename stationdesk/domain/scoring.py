"""The re-examination score sheet (评分表): 100 points, part scored on site, part computed.

Why this shape (domain brief, "scoring sheets in Chinese practice"): sections with points, items
with points and a checking method; the inspector scores A 硬件设施, B 人员与制度 and C 台账质量 on
site; D 工作实绩 is graded from the year's figures against the level's thresholds and E 先行赔付
from whether the station runs the scheme. The checklist is data (edited per year with the
standard); this module holds the defaults and the arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator, Rate
from stationdesk.domain.standards import LevelStandard, Threshold, exact_value
from stationdesk.domain.vocabulary import FirstPayoutDuty

SECTIONS: dict[str, str] = {
    "A": "硬件设施",
    "B": "人员与制度",
    "C": "台账质量",
    "D": "工作实绩",
    "E": "先行赔付",
}


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One line of the on-site checklist: its section, what is checked, how, and its points."""

    code: str
    section: str
    label: str
    points: int
    method: str = "看现场"

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "section": self.section, "label": self.label, "points": self.points,
                "method": self.method}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreItem:
        return cls(str(data["code"]), str(data["section"]), str(data["label"]), int(data["points"]),
                   str(data.get("method", "看现场")))  # fmt: skip


# The default on-site items: A 20 + B 15 + C 15 = 50 points (editable per year and level).
DEFAULT_CHECKLIST: tuple[ScoreItem, ...] = (
    ScoreItem("signage", "A", "统一标牌/牌匾", 4),
    ScoreItem("mediation_area", "A", "固定调解场所", 4),
    ScoreItem("bulletin_board", "A", "宣传栏/公示栏", 3),
    ScoreItem("public_phone", "A", "联系电话公示", 3),
    ScoreItem("computer", "A", "电脑/网络", 2),
    ScoreItem("payout_fund", "A", "先行赔付资金到位", 4, "查台账"),
    ScoreItem("staff", "B", "站长与联络员明确", 4),
    ScoreItem("first_question", "B", "首问负责制度上墙", 4),
    ScoreItem("rules_posted", "B", "先行赔付、调解、回访制度上墙", 4),
    ScoreItem("paired_counsel", "B", "结对律师/法官", 3, "查台账"),
    ScoreItem("register", "C", "投诉登记簿/台账", 6, "查台账"),
    ScoreItem("records_complete", "C", "登记内容完整（消费者、经营者、诉求、结果）", 5, "查台账"),
    ScoreItem("summaries_sent", "C", "按期报送汇总表", 4, "查台账"),
)

# D 工作实绩 (40) and E 先行赔付 (10): computed, never typed in.
PERFORMANCE_POINTS: dict[Indicator, int] = {
    Indicator.SELF_MEDIATION: 10,
    Indicator.MEDIATION_SUCCESS: 15,
    Indicator.ON_TIME: 10,
    Indicator.SATISFACTION: 5,
}
FIRST_PAYOUT_POINTS = 10
ON_TIME_BAR = Threshold(">=", 1.0)  # complaints are to be closed within the time limit, all of them


def _one_decimal(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def graded_points(rate: Rate, bar: Threshold, points: int) -> Decimal:
    """Full points when the rate clears the bar (or the bar asks nothing); otherwise in proportion
    to how much of the bar it reached (82 % against 90 % earns 82/90 of the points); no data, 0."""
    if not bar.is_requirement:
        return Decimal(points)
    exact = rate.fraction
    if exact is None:
        return Decimal(0)
    if bar.met(rate):
        return Decimal(points)
    target = exact_value(bar.value) or Fraction(1)
    return _one_decimal(min(Fraction(1), exact / target) * points)


@dataclass(frozen=True, slots=True)
class ScoreSheet:
    """A station's points by section; `on_site` is None until the inspector has scored it."""

    on_site: dict[str, Decimal] | None
    performance: Decimal
    first_payout: Decimal
    performance_lines: tuple[tuple[str, Decimal, int], ...]

    @property
    def scored(self) -> bool:
        return self.on_site is not None

    @property
    def total(self) -> Decimal | None:
        if self.on_site is None:
            return None
        return sum(self.on_site.values(), Decimal(0)) + self.performance + self.first_payout

    def section(self, code: str) -> Decimal | None:
        if code == "D":
            return self.performance
        if code == "E":
            return self.first_payout
        return None if self.on_site is None else self.on_site.get(code, Decimal(0))


def _blank(value: Any) -> bool:
    return value is None or str(value).strip() == ""


def check_scores(items: Iterable[ScoreItem], scores: Mapping[str, Any]) -> dict[str, str]:
    """Item code → message for every score that is not a number between 0 and the item's points.
    A blank cell is no score (the item counts 0), as `score_sheet` reads it, not a mistake."""
    known = {item.code: item for item in items}
    problems: dict[str, str] = {}
    for code, value in scores.items():
        item = known.get(code)
        if item is None:
            problems[code] = f"评分表中没有“{code}”这一项"
            continue
        if _blank(value):
            continue
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            problems[code] = f"{item.label}：“{value}”不是分数"
            continue
        if not number.is_finite() or number < 0 or number > item.points:
            problems[code] = f"{item.label}：应在 0 至 {item.points} 分之间（填写了 {value}）"
    return problems


def score_sheet(
    standard: LevelStandard,
    items: Iterable[ScoreItem],
    figures: StationFigures,
    operates_first_payout: bool,
    scores: Mapping[str, Any] | None,
    count_basic_as_satisfied: bool = True,
) -> ScoreSheet:
    """The station's points: A–C from the inspector's `scores` (None: not inspected yet; a missing
    item scores 0), D graded from the figures against the standard, E from the scheme."""
    on_site: dict[str, Decimal] | None = None
    if scores is not None:
        on_site = {code: Decimal(0) for code in ("A", "B", "C")}
        for item in items:
            if item.code in scores and not _blank(scores[item.code]):
                on_site[item.section] = on_site.get(item.section, Decimal(0)) + Decimal(str(scores[item.code]))
    bars = {
        Indicator.SELF_MEDIATION: standard.self_mediation,
        Indicator.MEDIATION_SUCCESS: standard.success,
        Indicator.ON_TIME: ON_TIME_BAR,
        Indicator.SATISFACTION: standard.satisfaction,
    }
    lines = tuple(
        (indicator.label, graded_points(figures.rate(indicator, count_basic_as_satisfied), bars[indicator], points),
         points)
        for indicator, points in PERFORMANCE_POINTS.items()
    )  # fmt: skip
    performance = sum((earned for _label, earned, _points in lines), Decimal(0))
    if operates_first_payout or standard.first_payout is FirstPayoutDuty.NONE:
        payout = Decimal(FIRST_PAYOUT_POINTS)
    else:
        payout = Decimal(0)
    return ScoreSheet(on_site, performance, payout, lines)


def max_points(items: Iterable[ScoreItem]) -> int:
    """The sheet's full marks: the on-site items plus the computed sections D and E."""
    return sum(item.points for item in items) + sum(PERFORMANCE_POINTS.values()) + FIRST_PAYOUT_POINTS
