"""Alembic environment. The app passes its own connection in `config.attributes["connection"]`;
the alembic command line builds one from STATIONDESK_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context

from stationdesk.store.database import make_engine
from stationdesk.store.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(os.environ.get("STATIONDESK_DATABASE_URL", "sqlite:///dev.sqlite"))
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
