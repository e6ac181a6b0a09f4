"""The default 五进 categories a new database starts with.

Bureaus add their own (进社区、进乡村 …) as rows; this list only seeds a new database. Synonyms are
the words rosters in the wild use for the same category; the import matches on them.
"""

from __future__ import annotations

from typing import NamedTuple


class CategorySeed(NamedTuple):
    code: str
    name: str
    synonyms: tuple[str, ...]


DEFAULT_CATEGORIES: tuple[CategorySeed, ...] = (
    CategorySeed("mall", "进商场", ("商场", "大型商场", "购物中心", "百货")),
    CategorySeed("supermarket", "进超市", ("超市", "大型超市", "卖场")),
    CategorySeed("market", "进市场", ("市场", "农贸市场", "专业市场", "批发市场")),
    CategorySeed("enterprise", "进企业", ("企业", "生产企业", "4S店", "服务企业")),
    CategorySeed("scenic", "进景区", ("景区", "旅游景区", "景点")),
    CategorySeed("platform", "进网络交易平台", ("网络交易平台", "电商平台", "平台")),
    CategorySeed("association", "进行业协会", ("行业协会", "协会")),
    CategorySeed("chamber", "进专业商会", ("专业商会", "商会")),
)
