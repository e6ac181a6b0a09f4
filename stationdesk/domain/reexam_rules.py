"""What the annual re-examination (年度复核) proposes for a station, and why; and the ranking.

The rules, in the order they apply (the first that fires decides; every reason is listed):
  1. 一票否决: the host is 经营异常, penalised or closed → 淘汰除名 (the demonstration title goes;
     an ordinary station has none: 限期整改).
  2. 无调解记录: no complaint accepted in the year → 淘汰除名 (ordinary: 限期整改): the station did
     not demonstrate anything (a clear reason, never a division by zero).
  3. An indicator misses the level's standard (自行调解率, 调解成功率, 先行赔付 where required,
     minimum cases) → 降级 (an ordinary station cannot go lower: 限期整改).
  4. Only what can be put right on site fails (回访满意率, or a total below the pass mark once the
     inspector has scored) → 限期整改.
  5. Everything met: a municipal station scoring at least the upgrade mark → 推荐升级 (择优推荐);
     otherwise 保留.
A rate without data (no closed case) counts as not met: a demonstration station must show it.
A person confirms or overrides each proposal; an override needs a reason (`check_decision`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

from stationdesk.domain.figures import StationFigures
from stationdesk.domain.indicators import Indicator
from stationdesk.domain.standards import Finding, LevelStandard, evaluate_against_standard
from stationdesk.domain.station_lifecycle import StationAction
from stationdesk.domain.vocabulary import HostStatus, ReexamOutcome, StationLevel

PASS_SCORE = Decimal(60)
UPGRADE_SCORE = Decimal(90)
RANKING_SIZE = 3
INDICATOR_CODES = frozenset({"self_mediation", "success", "first_payout", "min_cases"})
NO_CASES = "无调解记录：本年度未受理投诉，未发挥示范作用"

# What a confirmed outcome does to the station (None: nothing changes).
OUTCOME_ACTIONS: dict[ReexamOutcome, StationAction | None] = {
    ReexamOutcome.KEEP: None,
    ReexamOutcome.UPGRADE: StationAction.UPGRADE,
    ReexamOutcome.RECTIFY: StationAction.RECTIFY,
    ReexamOutcome.DOWNGRADE: StationAction.DOWNGRADE,
    ReexamOutcome.REMOVE: StationAction.WITHDRAW_TITLE,
}


@dataclass(frozen=True)
class Proposal:
    """The rules' proposal for one station: the outcome, the reasons, and every finding behind it."""

    outcome: ReexamOutcome
    reasons: tuple[str, ...]
    findings: tuple[Finding, ...] = field(default=())


def propose(
    level: StationLevel,
    standard: LevelStandard,
    figures: StationFigures,
    operates_first_payout: bool,
    host_status: str,
    total_score: Decimal | None,
    count_basic_as_satisfied: bool = True,
    pass_score: Decimal = PASS_SCORE,
    upgrade_score: Decimal = UPGRADE_SCORE,
) -> Proposal:
    """The proposal for a station of `level` judged on its year (`figures`) and its score.
    An ordinary station has no title to lose: where a demonstration station would be removed or
    downgraded, it is proposed for 限期整改."""
    worst = ReexamOutcome.RECTIFY if level is StationLevel.ORDINARY else ReexamOutcome.REMOVE
    if host_status != HostStatus.NORMAL.value:
        label = HostStatus(host_status).label
        return Proposal(worst, (f"依托单位{label}（一票否决）",))
    if figures.received == 0:
        return Proposal(worst, (NO_CASES,))
    findings = tuple(
        evaluate_against_standard(
            standard,
            figures.rate(Indicator.SELF_MEDIATION),
            figures.rate(Indicator.MEDIATION_SUCCESS),
            operates_first_payout,
            figures.received,
            figures.rate(Indicator.SATISFACTION, count_basic_as_satisfied),
        )
    )
    missed = [f for f in findings if f.met is not True]
    hard = [f.text for f in missed if f.code in INDICATOR_CODES]
    if hard:
        outcome = ReexamOutcome.RECTIFY if level is StationLevel.ORDINARY else ReexamOutcome.DOWNGRADE
        return Proposal(outcome, tuple(hard), findings)
    soft = [f.text for f in missed]
    if total_score is not None and total_score < pass_score:
        soft.append(f"总分 {total_score} 分，低于合格线 {pass_score} 分")
    if soft:
        return Proposal(ReexamOutcome.RECTIFY, tuple(soft), findings)
    if level is StationLevel.MUNICIPAL and total_score is not None and total_score >= upgrade_score:
        return Proposal(
            ReexamOutcome.UPGRADE, (f"各项指标均达标，总分 {total_score} 分，不低于推荐线 {upgrade_score} 分",), findings
        )
    reason = "各项指标均达标" + ("" if total_score is not None else "（尚未现场评分）")
    return Proposal(ReexamOutcome.KEEP, (reason,), findings)


def check_decision(proposed: str | None, decided: str, reason: str) -> dict[str, str]:
    """Field → message: an outcome other than the proposal needs the reason it was overridden."""
    problems: dict[str, str] = {}
    if decided not in {o.value for o in ReexamOutcome}:
        problems["outcome"] = f"未知的复核结论“{decided}”"
    elif decided != proposed and not reason.strip():
        label = ReexamOutcome(proposed).label if proposed else "无"
        problems["reason"] = f"结论与系统建议（{label}）不同，请填写改判理由"
    if len(reason.strip()) > 500:
        problems["reason"] = "理由不能超过500个字"
    return problems


Row = TypeVar("Row")


TIE_RULE = "同分时依次比较：调解成功率高者在前、受理件数多者在前、站点编号小者在前"


def rank(rows: Sequence[Row], key: Callable[[Row], tuple[Decimal, object, int, str]]) -> list[Row]:
    """Rows in ranking order. `key(row)` is (total score or None, 调解成功率 as a Fraction or None,
    cases received, station code): higher score first, then TIE_RULE; unscored rows last. No two
    rows share a place, so the red and black lists never depend on the order rows came in."""

    def order(row: Row) -> tuple[int, Decimal, Fraction, int, str]:
        total, success, received, code = key(row)
        return (0 if total is not None else 1, -(total or Decimal(0)), _neg(success), -received, code)

    return sorted(rows, key=order)


def _neg(value: object) -> Fraction:
    return -value if isinstance(value, Fraction) else Fraction(1)  # no data ranks after any rate


def red_and_black(ranked: Sequence[Row], size: int = RANKING_SIZE) -> tuple[list[Row], list[Row]]:
    """The first `size` (红榜) and the last `size` (黑榜) of a ranking, never overlapping."""
    size = max(0, min(size, len(ranked) // 2))
    return list(ranked[:size]), list(reversed(ranked[-size:])) if size else []


def group_by(rows: Iterable[Row], key: Callable[[Row], str]) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return groups
