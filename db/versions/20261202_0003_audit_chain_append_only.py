"""audit trail: hash chain back-filled, table append-only

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 20:10:00

Every existing audit row gets its `row_hash` (the chain of `stationdesk.domain.audit_trail`,
in id order, as the app extends it from now on), then triggers make `audit_log` append-only:
UPDATE and DELETE (and TRUNCATE on PostgreSQL) raise.

NOTE for later migrations: SQLite's batch mode rebuilds a table by copying it, which drops its
triggers; a migration that alters `audit_log` in batch mode must create these triggers again
(and must drop them first to copy the rows at all).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import stationdesk.store.types
from stationdesk.domain.audit_trail import GENESIS, row_hash

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 2000
MESSAGE = "操作日志只能追加，不能修改或删除 (audit_log is append-only)"

_audit = sa.Table(
    "audit_log",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", stationdesk.store.types.Stamp()),
    sa.Column("username", sa.String(64)),
    sa.Column("action", sa.String(20)),
    sa.Column("table_name", sa.String(40)),
    sa.Column("row_id", sa.Integer),
    sa.Column("station_id", sa.Integer),
    sa.Column("old_values", sa.JSON),
    sa.Column("new_values", sa.JSON),
    sa.Column("row_hash", sa.String(64)),
)


def _backfill(bind: sa.Connection) -> None:
    """Chain the rows written before the chain existed, a chunk at a time, in id order."""
    c = _audit.c
    previous, last_id = GENESIS, 0
    update = _audit.update().where(c.id == sa.bindparam("row_id_")).values(row_hash=sa.bindparam("hash_"))
    while True:
        rows = bind.execute(
            sa.select(c.id, c.at, c.username, c.action, c.table_name, c.row_id, c.station_id, c.old_values,
                      c.new_values).where(c.id > last_id).order_by(c.id).limit(CHUNK)
        ).all()  # fmt: skip
        if not rows:
            return
        changes = []
        for id_, at, username, action, table_name, row_id, station_id, old, new in rows:
            previous = row_hash(previous, at, username, action, table_name, row_id, station_id, old or {}, new or {})
            changes.append({"row_id_": id_, "hash_": previous})
        bind.execute(update, changes)
        last_id = rows[-1][0]


def upgrade() -> None:
    bind = op.get_bind()
    _backfill(bind)
    if bind.dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP; END $$"
        )
        op.execute("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")  # fmt: skip
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")  # fmt: skip


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
