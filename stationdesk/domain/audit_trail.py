"""The audit trail's own vocabulary and its hash chain, in one place.

Vocabulary: what people read for the codes the services write (`action`, `table_name`) and the
groups the 操作日志 filters by. Field labels are not here: each table's fields keep the labels
their forms use (`station_rules.FIELD_LABELS`, `case_rules.FIELD_LABELS` …); only the fields no
form shows get a label below.

Chain: each row's `row_hash` is sha256(previous row's hash + the row's canonical text), so a row
changed, removed or inserted outside the app no longer matches, from that row on. The canonical
text is a permanent format: rows already stored are verified against it, so it never changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# -- the hash chain ------------------------------------------------------------------------------
GENESIS = ""
"""The "previous hash" of the first row."""


# One encoder for every call: `json.dumps` with options builds a new one each time, which cost a
# third of an import's audit step.
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """Compact JSON with sorted keys and characters as themselves: one text per value."""
    return _ENCODER.encode(value)


def row_prefix(at: datetime, username: str, action: str, table_name: str) -> str:
    """The canonical text's start, the same for every row a bulk write makes at once."""
    return "[" + ",".join(canonical_json(v) for v in (at.isoformat(), username, action, table_name)) + ","


def canonical_row(prefix: str, row_id: int | None, station_id: int | None, old_json: str, new_json: str) -> str:
    """A row as hashed: the JSON array [at, username, action, table, row id, station id, old, new]
    (what `canonical_json` gives for that list, built from parts a bulk write already has)."""
    return f"{prefix}{'null' if row_id is None else int(row_id)},{'null' if station_id is None else int(station_id)},{old_json},{new_json}]"


def chain_hash(previous: str, canonical: str) -> str:
    return hashlib.sha256((previous + canonical).encode("utf-8")).hexdigest()


def row_hash(
    previous: str, at: datetime, username: str, action: str, table_name: str, row_id: int | None,
    station_id: int | None, old: Mapping[str, Any], new: Mapping[str, Any],
) -> str:  # fmt: skip
    """The hash a row with these values must carry after a row carrying `previous`."""
    text = canonical_row(row_prefix(at, username, action, table_name), row_id, station_id,
                         canonical_json(old), canonical_json(new))  # fmt: skip
    return chain_hash(previous, text)


# -- vocabulary ----------------------------------------------------------------------------------
TABLE_LABELS: dict[str, str] = {
    "station": "站点",
    "mediation_case": "调解记录",
    "follow_up": "回访记录",
    "consultation": "咨询记录",
    "first_payout": "先行赔付",
    "fund_entry": "赔付资金",
    "site_check": "检查记录",
    "zombie_decision": "僵尸站点处置",
    "reexamination": "站点复核",
    "reexam_round": "年度复核",
    "standard": "考核标准",
    "setting": "设置",
    "import_mapping": "导入列对应",
    "county": "县区",
    "street": "街道乡镇",
    "office": "监管所",
    "category": "站点类别",
    "goods_category": "商品服务类别",
    "app_user": "用户",
    "holiday_override": "节假日调整",
}

ACTION_LABELS: dict[str, str] = {
    "insert": "新增",
    "update": "修改",
    "import": "批量导入",
    "reveal": "查看完整信息",
    "recover": "登记追偿",
    # a station's status and level (domain.station_lifecycle.StationAction)
    "upgrade": "升级",
    "downgrade": "降级",
    "rectify": "限期整改",
    "suspend": "暂停",
    "remove": "撤销",
    "reinstate": "恢复运行",
    "withdraw_title": "撤销示范称号",
    # the year's re-examination
    "start": "开始复核",
    "refresh": "重新统计",
    "score": "录入评分",
    "decide": "确认结论",
    "close": "结束复核",
    "reopen": "重新开放",
    "freeze": "冻结",
    # accounts
    "password": "修改密码",
    "login": "登录",
    "logout": "退出登录",
    "login_failed": "登录失败",
}
# Where the same code means another thing on another table (a zombie decision's "remove" is 清除).
TABLE_ACTION_LABELS: dict[tuple[str, str], str] = {
    ("zombie_decision", "remove"): "清除",
    ("zombie_decision", "revive"): "激活/规范",
    ("zombie_decision", "rebuild"): "重建升级",
    ("zombie_decision", "defer"): "暂缓",
}
STATUS_ACTIONS: tuple[str, ...] = ("upgrade", "downgrade", "rectify", "suspend", "remove", "reinstate", "withdraw_title")


def action_label(table_name: str, action: str) -> str:
    """What an audit row's action reads as; an unknown code (a newer version's) as itself."""
    return TABLE_ACTION_LABELS.get((table_name, action)) or ACTION_LABELS.get(action, action)


def table_label(table_name: str) -> str:
    return TABLE_LABELS.get(table_name, table_name)


@dataclass(frozen=True)
class ActionGroup:
    """One choice of the viewer's 操作 filter: rows of these actions (any when None) on these
    tables (any when None)."""

    label: str
    actions: tuple[str, ...] | None = None
    tables: tuple[str, ...] | None = None


ACTION_GROUPS: tuple[ActionGroup, ...] = (
    ActionGroup("新增", ("insert",)),
    ActionGroup("修改", ("update",)),
    ActionGroup("状态变更", STATUS_ACTIONS, ("station",)),
    ActionGroup("批量导入", ("import",)),
    ActionGroup("查看完整信息", ("reveal",)),
    ActionGroup("先行赔付追偿", ("recover",)),
    ActionGroup("年度复核", None, ("reexam_round", "reexamination", "standard")),
    ActionGroup("僵尸站点处置", None, ("zombie_decision",)),
)

# Fields that no form labels (the system keeps them), per table; "*" for any table.
EXTRA_FIELD_LABELS: dict[str, dict[str, str]] = {
    "*": {"reason": "原因", "document_no": "文号", "effective_on": "生效日期", "name": "名称", "code": "代码",
          "sort_order": "排列顺序", "active": "启用", "synonyms": "别称", "short_name": "简称", "notes": "备注"},
    "station": {
        "status": "运行状态",
        "level": "示范级别",
        "fund_committed_fen": "先行赔付承诺资金",
        "first_payout_scheme": "实行先行赔付",
        "first_question_duty": "首问负责",
        "facilities": "设施",
        "created": "新增站点数",
        "updated": "更新站点数",
    },
    "mediation_case": {
        "due_on": "应办结日期",
        "first_payout": "已先行赔付",
        "deadline_rule": "期限规则",
        "created": "新增案件数",
    },
    "first_payout": {"paid_by": "赔付方", "recovered": "已追偿"},
    "fund_entry": {"amount_fen": "金额"},
    "follow_up": {"case_id": "案件", "visitor": "回访人", "remarks": "备注"},
    "consultation": {},
    "site_check": {"reachable": "联系得上", "contact_reachable": "联系得上", "findings": "检查情况"},
    "zombie_decision": {"successor": "重建后的站点", "evidence": "依据"},
    "reexamination": {"proposed": "建议结论", "proposed_outcome": "建议结论", "total_score": "总分",
                      "decided_outcome": "复核结论", "standard_id": "考核标准"},
    "reexam_round": {"year": "年度", "stations": "站点数", "closed": "已结束"},
    "standard": {"year": "年度", "level": "级别", "revision": "版本", "frozen": "已冻结"},
    "setting": {
        "deadline_rule": "办结期限规则",
        "satisfaction_counts_basic": "基本满意计入满意",
        "daily_follow_ups": "每天回访案件数",
        "ranking_size": "红黑榜人数",
        "zombie_rules": "僵尸站点规则",
        "bureau_name": "单位名称",
        "report_contact": "填报人及联系电话",
    },
    "import_mapping": {"kind": "类型"},
    "app_user": {"failed_logins": "连续登录失败次数", "locked_until": "锁定至"},
    "county": {"city": "所属地市"},
    "street": {"county_id": "县区"},
    "office": {"county_id": "县区"},
}
