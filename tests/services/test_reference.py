"""The default station and goods categories a new database starts with."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from stationdesk.domain.categories import DEFAULT_CATEGORIES, DEFAULT_GOODS_CATEGORIES
from stationdesk.services.reference import ensure_reference_data
from stationdesk.store.database import Database, make_engine
from stationdesk.store.migrate import upgrade_to_head
from stationdesk.store.models import Category, GoodsCategory
from tests.conftest import Databases


@pytest.fixture
def db(tmp_path: Path, databases: Databases) -> Iterator[Database]:
    """A migrated database without reference data yet."""
    url = databases.empty(tmp_path, "t")
    engine = make_engine(url)
    upgrade_to_head(engine)
    database = Database(engine)
    yield database
    database.dispose()
    databases.discard(url)


def _categories(db: Database) -> list[Category]:
    with db.reading() as session:
        return list(session.scalars(select(Category).order_by(Category.sort_order)))


def _goods(db: Database) -> list[tuple[int, str, int, bool, str]]:
    with db.reading() as session:
        rows = session.scalars(select(GoodsCategory).order_by(GoodsCategory.sort_order))
        return [(g.id, g.name, g.sort_order, g.active, g.created_by) for g in rows]


def test_inserts_every_default_category_with_synonyms_and_actor(db: Database) -> None:
    with db.writing() as session:
        ensure_reference_data(session, "管理员")
    rows = _categories(db)
    assert [(c.code, c.name) for c in rows] == [(s.code, s.name) for s in DEFAULT_CATEGORIES]
    mall = next(c for c in rows if c.code == "mall")
    assert mall.synonyms == "商场、大型商场、购物中心、百货"
    assert all(c.created_by == "管理员" and c.updated_by == "管理员" and c.active for c in rows)
    assert all(c.version == 1 for c in rows)


def test_running_twice_changes_nothing(db: Database) -> None:
    with db.writing() as session:
        ensure_reference_data(session, "甲")
    before = [(c.id, c.code, c.name, c.synonyms, c.sort_order) for c in _categories(db)]
    goods_before = _goods(db)
    with db.writing() as session:
        ensure_reference_data(session, "乙")
    after = _categories(db)
    assert [(c.id, c.code, c.name, c.synonyms, c.sort_order) for c in after] == before
    assert {c.created_by for c in after} == {"甲"}
    assert _goods(db) == goods_before


def test_inserts_the_default_goods_categories_in_order(db: Database) -> None:
    with db.writing() as session:
        ensure_reference_data(session, "管理员")
    rows = _goods(db)
    assert [name for _id, name, _order, _active, _by in rows] == list(DEFAULT_GOODS_CATEGORIES)
    assert len(set(DEFAULT_GOODS_CATEGORIES)) == len(DEFAULT_GOODS_CATEGORIES)
    assert all(active and by == "管理员" for _id, _name, _order, active, by in rows)
    assert rows[-1][1] == "其他"
    assert {"家用电器", "预付卡消费", "网络购物", "医疗美容", "交通出行"} <= set(DEFAULT_GOODS_CATEGORIES)


def test_a_bureaus_goods_list_is_never_seeded_again(db: Database) -> None:
    with db.writing() as session:
        ensure_reference_data(session, "管理员")
    with db.writing() as session:
        food = session.scalars(select(GoodsCategory).where(GoodsCategory.name == "食品")).one()
        food.name = "食品饮料"  # renamed, so its default name is missing now
        other = session.scalars(select(GoodsCategory).where(GoodsCategory.name == "其他")).one()
        other.active = False
        session.add(GoodsCategory(name="殡葬服务", sort_order=5))
    before = _goods(db)
    with db.writing() as session:
        ensure_reference_data(session, "管理员")
    assert _goods(db) == before
    names = [name for _id, name, _order, _active, _by in before]
    assert "食品" not in names and "食品饮料" in names and names[0] == "殡葬服务"


def test_keeps_a_bureaus_own_and_renamed_categories(db: Database) -> None:
    with db.writing() as session:
        session.add(Category(code="community", name="进社区", synonyms="社区", sort_order=5))
        # A bureau already uses one default's name under a code of its own.
        session.add(Category(code="market_local", name="进市场", synonyms="", sort_order=6))
    with db.writing() as session:
        ensure_reference_data(session, "管理员")
    with db.reading() as session:
        names = {code: name for code, name in session.execute(select(Category.code, Category.name))}
        total = session.scalar(select(func.count()).select_from(Category))
    assert names["community"] == "进社区"
    assert names["market_local"] == "进市场"
    assert "market" not in names  # its name was taken, so the default was skipped
    assert total == len(DEFAULT_CATEGORIES) + 1
