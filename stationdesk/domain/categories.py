"""The default categories a new database starts with: 五进 station categories and the goods and
service categories (商品/服务类别) complaints are filed under.

Bureaus add their own (进社区、进乡村 …) as rows; these lists only seed a new database. Synonyms are
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


# Goods and service categories (商品/服务类别) of a complaint, in the order lists show them: goods
# first, then services, 其他 last. Covers every category the sample data uses plus the ones 12315
# statistics commonly report. Seeds an empty list once; after that the list is the bureau's.
DEFAULT_GOODS_CATEGORIES: tuple[str, ...] = (
    # 商品
    "家用电器",
    "手机及数码产品",
    "食品",
    "农产品",
    "保健食品",
    "烟酒饮料",
    "服装鞋帽",
    "日用百货",
    "化妆品",
    "珠宝首饰",
    "家居用品",
    "装修建材",
    "汽车及零部件",
    "电动自行车",
    "药品及医疗器械",
    "文体用品",
    # 服务
    "餐饮服务",
    "住宿服务",
    "旅游服务",
    "美容美发",
    "医疗美容",
    "健身服务",
    "教育培训",
    "通讯服务",
    "网络购物",
    "预付卡消费",
    "房屋装修",
    "交通出行",
    "快递服务",
    "物业服务",
    "家政服务",
    "维修服务",
    "计量问题",
    "其他",
)
