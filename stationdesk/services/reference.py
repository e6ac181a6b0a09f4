"""Reference rows every database needs before anything else: the default 五进 categories.

Called when a new empty database is created and before sample data is generated; running it
again changes nothing, and categories a bureau renamed or added are left alone.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.categories import DEFAULT_CATEGORIES
from stationdesk.store.models import Category


def ensure_reference_data(session: Session, actor: str) -> None:
    """Insert the default categories whose code is not in the database yet (idempotent).

    A default whose name a bureau already uses for a category of its own is skipped, so the
    unique name is never violated.
    """
    rows = session.execute(select(Category.code, Category.name)).all()
    codes = {code for code, _name in rows}
    names = {name for _code, name in rows}
    for order, seed in enumerate(DEFAULT_CATEGORIES, start=1):
        if seed.code in codes or seed.name in names:
            continue
        session.add(
            Category(
                code=seed.code,
                name=seed.name,
                synonyms="、".join(seed.synonyms),
                sort_order=order * 10,
                created_by=actor,
                updated_by=actor,
            )
        )
    session.flush()
