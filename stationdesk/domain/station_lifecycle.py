"""Status and level changes of a station: which are allowed, and what each one changes.

Every change needs a reason and an effective date, and becomes a history row with the person;
nothing is deleted. The register's dialog, the command line, the re-examination and the zombie
clean-up all go through `plan_change`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from stationdesk.domain.vocabulary import HistoryKind, Labelled, StationLevel, StationStatus

MAX_REASON = 500


class StationAction(Labelled):
    UPGRADE = "upgrade", "升级"
    DOWNGRADE = "downgrade", "降级"
    RECTIFY = "rectify", "限期整改"
    SUSPEND = "suspend", "暂停"
    REMOVE = "remove", "撤销"
    REINSTATE = "reinstate", "恢复运行"
    WITHDRAW_TITLE = "withdraw_title", "撤销示范称号"


@dataclass(frozen=True)
class PlannedChange:
    """What an action does to a station: which attribute, from what, to what."""

    action: StationAction
    kind: HistoryKind
    old_value: str
    new_value: str

    @property
    def attribute(self) -> str:
        return "level" if self.kind is HistoryKind.LEVEL else "status"

    def describe(self) -> str:
        enum = StationLevel if self.kind is HistoryKind.LEVEL else StationStatus
        return f"{self.action.label}：{enum(self.old_value).label} → {enum(self.new_value).label}"


class ChangeRefused(ValueError):
    """The action does not apply to the station as it is; the message says why, in Chinese."""


def available_actions(status: StationStatus, level: StationLevel) -> list[StationAction]:
    """The actions the dialog offers for a station in this state."""
    actions = []
    for action in StationAction:
        try:
            plan_change(action, status, level)
        except ChangeRefused:
            continue
        actions.append(action)
    return actions


def plan_change(action: StationAction, status: StationStatus, level: StationLevel) -> PlannedChange:
    """The change `action` makes, or ChangeRefused with the reason it cannot be made."""
    levels = list(StationLevel)
    if action is StationAction.WITHDRAW_TITLE:
        if not level.is_demonstration:
            raise ChangeRefused("不是示范站点，没有示范称号可撤销")
        return PlannedChange(action, HistoryKind.LEVEL, level.value, StationLevel.ORDINARY.value)
    if action in (StationAction.UPGRADE, StationAction.DOWNGRADE):
        if status is StationStatus.REMOVED:
            raise ChangeRefused("已撤销的站点不能调整级别，请先恢复运行")
        step = 1 if action is StationAction.UPGRADE else -1
        target = level.rank + step
        if not 0 <= target < len(levels):
            raise ChangeRefused("已是最高级别（省级示范）" if step > 0 else "已是普通站点，不能再降级")
        return PlannedChange(action, HistoryKind.LEVEL, level.value, levels[target].value)
    targets = {
        StationAction.RECTIFY: (StationStatus.RECTIFYING, {StationStatus.ACTIVE}),
        StationAction.SUSPEND: (StationStatus.SUSPENDED, {StationStatus.ACTIVE, StationStatus.RECTIFYING}),
        StationAction.REMOVE: (
            StationStatus.REMOVED,
            {StationStatus.ACTIVE, StationStatus.RECTIFYING, StationStatus.SUSPENDED},
        ),
        StationAction.REINSTATE: (
            StationStatus.ACTIVE,
            {StationStatus.RECTIFYING, StationStatus.SUSPENDED, StationStatus.REMOVED},
        ),
    }
    new_status, allowed_from = targets[action]
    if status not in allowed_from:
        raise ChangeRefused(f"站点当前为“{status.label}”，不能{action.label}")
    return PlannedChange(action, HistoryKind.STATUS, status.value, new_status.value)


def validate_change_request(reason: str, effective_on: date | None, today: date,
                            established_on: date | None) -> dict[str, str]:
    """Field → message for the reason and date of a change; empty when acceptable."""
    problems: dict[str, str] = {}
    if not reason.strip():
        problems["reason"] = "请填写变更原因"
    elif len(reason.strip()) > MAX_REASON:
        problems["reason"] = f"变更原因不能超过{MAX_REASON}个字"
    if effective_on is None:
        problems["effective_on"] = "请填写生效日期"
    elif effective_on > today:
        problems["effective_on"] = "生效日期不能晚于今天"
    elif established_on is not None and effective_on < established_on:
        problems["effective_on"] = f"生效日期不能早于建站日期（{established_on.isoformat()}）"
    return problems
