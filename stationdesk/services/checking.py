"""检查数据库: integrity, schema version and row counts, for the `check` command and the GUI."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from stationdesk.services.audit import verify_audit_chain
from stationdesk.store.database import Database
from stationdesk.store.migrate import current_revision, head_revision
from stationdesk.store.models import Base

# Tables users recognise, with the words they use, in the order a report lists them.
COUNTED_TABLES: dict[str, str] = {
    "county": "县区",
    "street": "街道乡镇",
    "office": "监管所",
    "category": "站点类别",
    "goods_category": "商品服务类别",
    "station": "站点",
    "status_history": "状态变更记录",
    "mediation_case": "调解记录",
    "consultation": "咨询记录",
    "follow_up": "回访记录",
    "first_payout": "先行赔付",
    "fund_entry": "赔付资金流水",
    "site_check": "现场检查",
    "reexamination": "复核结果",
    "zombie_decision": "僵尸站点处置",
    "app_user": "用户",
    "audit_log": "操作日志",
}


@dataclass(frozen=True)
class CheckReport:
    location: str
    backend: str
    sqlite_version: str
    journal_mode: str
    integrity: str
    foreign_key_problems: int
    schema_version: str | None
    schema_head: str
    counts: dict[str, int] = field(default_factory=dict)
    audit_chain: str = "ok"
    """"ok", or where the 操作日志's hash chain breaks (a row changed outside the app)."""

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and self.foreign_key_problems == 0
            and self.schema_version == self.schema_head
            and self.audit_chain == "ok"
        )


def _audit_chain(db: Database) -> str:
    broken = verify_audit_chain(db)
    if broken is None:
        return "ok"
    return f"第 {broken.position} 条（{broken.at:%Y-%m-%d %H:%M}，{broken.username}）与前后记录对不上，可能在本程序之外被改动"


def check_database(db: Database, location: str) -> CheckReport:
    """Full integrity check (SQLite), foreign keys, schema version, row counts, and the audit
    trail's hash chain."""
    sqlite_version = journal = ""
    integrity = "ok"
    fk_problems = 0
    with db.engine.connect() as conn:
        if db.is_sqlite:
            sqlite_version = conn.exec_driver_sql("SELECT sqlite_version()").scalar() or ""
            journal = conn.exec_driver_sql("PRAGMA journal_mode").scalar() or ""
            rows = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")]
            integrity = "ok" if rows == ["ok"] else "; ".join(rows[:5])
            fk_problems = len(conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
        counts = {
            name: conn.execute(select(func.count()).select_from(Base.metadata.tables[name])).scalar_one()
            for name in COUNTED_TABLES
        }
    return CheckReport(
        location=location,
        backend=db.engine.dialect.name,
        sqlite_version=sqlite_version,
        journal_mode=journal,
        integrity=integrity,
        foreign_key_problems=fk_problems,
        schema_version=current_revision(db.engine),
        schema_head=head_revision(db.engine),
        audit_chain=_audit_chain(db),
        counts=counts,
    )
