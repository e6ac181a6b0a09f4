"""The fixed vocabulary of the domain: codes stored in the database and the Chinese words users see.

Codes are short English strings (stable in the database and in exported JSON); labels are what the
UI, prints and spreadsheets show. Categories (五进) are *not* here: bureaus add their own, so they
are rows in the database.
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    """A StrEnum whose members carry a Chinese label (`.label`)."""

    label: str

    def __new__(cls, value: str, label: str) -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def label_for(cls, code: str | None) -> str:
        """The label of a stored code; an unknown code shows as itself (a newer version's value is
        still readable), None as ""."""
        if code is None:
            return ""
        member = next((m for m in cls if m.value == code), None)
        return member.label if member is not None else code

    @classmethod
    def from_label(cls, text: str) -> Labelled | None:
        """The member whose label or code is `text`, or None."""
        text = text.strip()
        for member in cls:
            if text in (member.label, member.value):
                return member
        return None


class StationForm(Labelled):
    """一会两站 (and 两站一中心): the organisational form of a station."""

    BRANCH = "branch", "消协分会"
    LIAISON = "liaison", "12315联络站"
    SERVICE = "service", "消费维权服务站"
    CENTRE = "centre", "投诉中心"


class StationLevel(Labelled):
    """Demonstration level. Ordered: ordinary < municipal < provincial."""

    ORDINARY = "ordinary", "普通站点"
    MUNICIPAL = "municipal", "市级示范"
    PROVINCIAL = "provincial", "省级示范"

    @classmethod
    def senior_first(cls) -> tuple[StationLevel, ...]:
        """Most senior first, as the bureau's tables, charts and editors list the levels."""
        return (cls.PROVINCIAL, cls.MUNICIPAL, cls.ORDINARY)

    @property
    def rank(self) -> int:
        return list(StationLevel).index(self)

    @property
    def is_demonstration(self) -> bool:
        return self is not StationLevel.ORDINARY


class StationStatus(Labelled):
    """Life-cycle of a station. Removal is a status, never a deleted row."""

    ACTIVE = "active", "正常运行"
    RECTIFYING = "rectifying", "限期整改"
    SUSPENDED = "suspended", "暂停"
    REMOVED = "removed", "已撤销"


class HostStatus(Labelled):
    """What the registration authority says of the host (依托单位)."""

    NORMAL = "normal", "正常"
    ABNORMAL = "abnormal", "经营异常"
    PENALISED = "penalised", "受行政处罚"
    CLOSED = "closed", "注销/吊销/停业"


class CaseChannel(Labelled):
    ON_SITE = "on_site", "现场"
    PHONE = "phone", "电话"
    PLATFORM = "platform", "12315平台转办"


class CaseHandling(Labelled):
    """Who mediated: the station itself (自行调解) or the bureau after transfer."""

    SELF = "self", "自行调解"
    TRANSFERRED = "transferred", "移交监管部门"


class CaseOutcome(Labelled):
    """Outcome of a closed case. An open case has no outcome (NULL)."""

    SUCCESS = "success", "调解成功"
    FAILURE = "failure", "调解不成功"
    WITHDRAWN = "withdrawn", "撤回"
    TERMINATED = "terminated", "终止"
    TRANSFERRED = "transferred", "移交"


class Satisfaction(Labelled):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class FundEntryKind(Labelled):
    """Movements of a station's first-payout fund (先行赔付专项资金)."""

    DEPOSIT = "deposit", "存入"
    TOP_UP = "top_up", "补充"
    PAYOUT = "payout", "赔付"
    RECOVERY = "recovery", "追偿收回"
    WITHDRAWAL = "withdrawal", "退出"


class FirstPayoutDuty(Labelled):
    """What a level's standard asks of the first-payout scheme."""

    REQUIRED = "required", "必须实行"
    ENCOURAGED = "encouraged", "积极推行"
    NONE = "none", "不作要求"


class ReexamOutcome(Labelled):
    KEEP = "keep", "保留"
    UPGRADE = "upgrade", "推荐升级"
    RECTIFY = "rectify", "限期整改"
    DOWNGRADE = "downgrade", "降级"
    REMOVE = "remove", "淘汰除名"


class ZombieAction(Labelled):
    REMOVE = "remove", "清除"
    REVIVE = "revive", "激活/规范"
    REBUILD = "rebuild", "重建升级"
    DEFER = "defer", "暂缓"


class HistoryKind(Labelled):
    """What a status-history row records."""

    CREATED = "created", "建站"
    STATUS = "status", "状态变更"
    LEVEL = "level", "级别变更"
    ZOMBIE = "zombie", "僵尸站点处置"
    REEXAM = "reexam", "年度复核"


class Role(Labelled):
    ADMIN = "admin", "管理员"
    CITY = "city", "市局人员"
    COUNTY = "county", "县区人员"
    READ_ONLY = "read_only", "只读"
