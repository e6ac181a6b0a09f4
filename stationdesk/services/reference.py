"""Reference rows every database needs before anything else: the default 五进 categories and
the default goods and service categories (商品/服务类别) of complaints.

Called whenever a database is opened and before sample data is generated; running it again
changes nothing, and categories a bureau renamed or added are left alone.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from stationdesk.domain.categories import DEFAULT_CATEGORIES, DEFAULT_GOODS_CATEGORIES
from stationdesk.services import audit
from stationdesk.store.models import Category, GoodsCategory


def ensure_reference_data(session: Session, actor: str) -> None:
    """Insert the default categories whose code is not in the database yet, and the default
    goods categories into an empty goods-category list (idempotent).

    A default whose name a bureau already uses for a category of its own is skipped, so the
    unique name is never violated.
    """
    added = [*_ensure_station_categories(session, actor), *_ensure_goods_categories(session, actor)]
    session.flush()
    for row in added:
        audit.record(session, actor, "insert", row.__tablename__, row.id, new=audit.row_values(row))


def _ensure_station_categories(session: Session, actor: str) -> list[Category]:
    added: list[Category] = []
    rows = session.execute(select(Category.code, Category.name)).all()
    codes = {code for code, _name in rows}
    names = {name for _code, name in rows}
    for order, seed in enumerate(DEFAULT_CATEGORIES, start=1):
        if seed.code in codes or seed.name in names:
            continue
        added.append(
            Category(
                code=seed.code,
                name=seed.name,
                synonyms="、".join(seed.synonyms),
                sort_order=order * 10,
                created_by=actor,
                updated_by=actor,
            )
        )
    session.add_all(added)
    return added


def _ensure_goods_categories(session: Session, actor: str) -> list[GoodsCategory]:
    """Seed the goods categories once, into an empty list only.

    They have no code to recognise a default by, so a default a bureau renamed (食品 → 食品饮料)
    would come back under its old name at the next opening if missing names were added; once
    the list has rows it belongs to the bureau (rename, add, deactivate).
    """
    if session.scalar(select(GoodsCategory.id).limit(1)) is not None:
        return []
    added = [GoodsCategory(name=name, sort_order=order * 10, created_by=actor, updated_by=actor)
             for order, name in enumerate(DEFAULT_GOODS_CATEGORIES, start=1)]  # fmt: skip
    session.add_all(added)
    return added
