"""Settings shared by every PC on the database (the `setting` table), and the work calendar.

Why in the database and not in QSettings: the chosen deadline rule or whether 基本满意 counts as
satisfied must be the same for everyone who enters cases, or two PCs would compute different due
dates and rates. Values are JSON; every key has its default here, the one place it is decided.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.deadlines import DEADLINE_RULES, DEFAULT_RULE
from stationdesk.domain.logo import decode_logo, logo_problem
from stationdesk.domain.permissions import Permission
from stationdesk.domain.workcalendar import WorkCalendar
from stationdesk.errors import UserError
from stationdesk.services import access, audit
from stationdesk.store.database import Database
from stationdesk.store.models import HolidayOverride, Setting

DEFAULTS: dict[str, Any] = {
    # Which named deadline rule set new cases use (domain.deadlines.DEADLINE_RULES).
    "deadline_rule": DEFAULT_RULE,
    # 回访满意率: whether "基本满意" counts as satisfied (domain brief: a setting, default yes).
    "satisfaction_counts_basic": True,
    # How many recently closed cases "today's follow-ups" proposes (seeds: 5–10 a day).
    "daily_follow_ups": 10,
    # How many stations make the 红榜 and the 黑榜 of a re-examination (seed 002: top and bottom 3).
    "ranking_size": 3,
    # The zombie-station rules, switched and parametrised (domain.zombie_rules; {} = the defaults).
    "zombie_rules": {},
    # 单位信息: the bureau's name as printed at the head of every report ("某某市市场监督管理局").
    "bureau_name": "",
    # 单位信息: who prints the reports (填报人) and the office phone, in summaries' footers.
    "report_contact": "",
    # 单位信息: the bureau's logo (PNG/JPEG as base64, domain.logo), beside its name on reports.
    "bureau_logo": "",
    # 备份与恢复 (SQLite): how many automatic and manual backups are kept (services.backups.KEEP
    # is this default) and the folder they go to ("" = "backups" beside the database file).
    "backup_keep": 30,
    "backup_folder": "",
}

# The most backups the retention setting may keep (a year of dailies).
MAX_BACKUP_KEEP = 366

# The longest bureau name a report header holds on one line of A4.
MAX_BUREAU_NAME = 40


def read(session: Session, key: str) -> Any:
    """The setting's value, or its default when never set."""
    if key not in DEFAULTS:
        raise KeyError(key)
    stored = session.scalar(select(Setting.value).where(Setting.key == key))
    return DEFAULTS[key] if stored is None else json.loads(stored)


def get(db: Database, key: str) -> Any:
    with db.reading() as session:
        return read(session, key)


# The most cases "today's follow-ups" may propose: a day's calls, not the whole register.
MAX_DAILY_FOLLOW_UPS = 100


def _check_value(key: str, value: Any) -> None:
    """Refuse a value every PC would then fail to use (a rule that does not exist, "abc" cases a day)."""
    if key == "deadline_rule" and value not in DEADLINE_RULES:
        raise UserError(f"未知的期限规则“{value}”")
    if key == "satisfaction_counts_basic" and not isinstance(value, bool):
        raise UserError(f"“基本满意计入满意”只能是“是”或“否”，不能是“{value}”")
    if key == "daily_follow_ups" and (
        isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_DAILY_FOLLOW_UPS
    ):
        raise UserError(f"每天回访案件数应为 1 至 {MAX_DAILY_FOLLOW_UPS} 之间的整数，不能是“{value}”")
    if key == "zombie_rules" and not isinstance(value, dict):
        raise UserError("僵尸站点规则的设置格式不对")
    if key in ("bureau_name", "report_contact") and (not isinstance(value, str) or len(value.strip()) > MAX_BUREAU_NAME):
        raise UserError(f"单位名称和填报人每项不超过 {MAX_BUREAU_NAME} 个字")
    if key == "bureau_logo" and (not isinstance(value, str) or (value and not decode_logo(value))):
        data = base64.b64decode(value, validate=False) if isinstance(value, str) else b""
        raise UserError(logo_problem(data) or "单位标志图片无法读取")
    if key == "backup_keep" and (
        isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_BACKUP_KEEP
    ):
        raise UserError(f"保留备份份数应为 1 至 {MAX_BACKUP_KEEP} 之间的整数，不能是“{value}”")
    if key == "backup_folder" and not isinstance(value, str):
        raise UserError("备份文件夹的设置格式不对")
    if key == "ranking_size" and (isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50):
        raise UserError(f"红黑榜人数应为 1 至 50 之间的整数，不能是“{value}”")


def put(db: Database, key: str, value: Any, actor: str) -> None:
    """Change a shared setting; the change is audited like any business write."""
    put_many(db, {key: value}, actor)


def put_many(db: Database, values: dict[str, Any], actor: str) -> None:
    """Change several shared settings in one unit of work: all of them or none."""
    for key, value in values.items():
        if key not in DEFAULTS:
            raise KeyError(key)
        _check_value(key, value)
    with db.writing() as session:
        access.require(session, actor, Permission.MANAGE_SETTINGS)
        for key, value in values.items():
            row = session.get(Setting, key)
            old = DEFAULTS[key] if row is None else json.loads(row.value)
            if row is None:
                row = Setting(key=key)
                session.add(row)
            row.value = json.dumps(value, ensure_ascii=False)
            row.updated_by = actor
            audit.record(session, actor, "update", "setting", None, old={key: old}, new={key: value})


def work_calendar(session: Session) -> WorkCalendar:
    """The official calendar with the administrator's overrides (which always win)."""
    overrides = {day: work for day, work in session.execute(select(HolidayOverride.day, HolidayOverride.is_workday))}
    return WorkCalendar(overrides)
