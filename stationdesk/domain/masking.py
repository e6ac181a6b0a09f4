"""Masking consumers' personal data on lists, prints and exports.

Why: the national complaint-disclosure rule lets lists and printed reports show only the
consumer's surname and the last 4 digits of the phone; full values appear only on the case form
for roles allowed to see them. Masking keeps the length, so a masked name still reads as a name.
"""

from __future__ import annotations

import re

MASK = "*"

# Two-character surnames (复姓) that must stay whole: "欧阳**" not "欧***".
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    {
        "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
        "宇文", "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "呼延",
        "澹台", "公冶", "申屠", "太史", "闻人", "万俟", "司空", "钟离", "宗政", "濮阳",
        "淳于", "单于", "赫连", "百里", "东郭", "拓跋", "第五",
    }
)  # fmt: skip

_PHONE_SEPARATORS = re.compile(r"[、;；/,，\s]+")


def surname_length(name: str) -> int:
    """How many leading characters of `name` form the surname (2 for 复姓, else 1).

    A two-character name that starts like a compound surname ("欧阳" alone) is read as surname +
    given name, because a name is never the surname only.
    """
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if name else 0


def mask_name(name: str) -> str:
    """Keep the surname, replace every other character with "*": "张三丰" → "张**".

    Compound surnames keep two characters ("欧阳修" → "欧阳*"); an empty name stays empty.
    """
    name = name.strip()
    keep = surname_length(name)
    return name[:keep] + MASK * (len(name) - keep)


def _mask_one_phone(number: str) -> str:
    digit_positions = [i for i, ch in enumerate(number) if ch.isdigit()]
    if len(digit_positions) <= 4:
        return number
    first_kept = digit_positions[-4]
    return MASK * first_kept + number[first_kept:]


def mask_phone(phone: str) -> str:
    """Show only the last 4 digits of each number: "13812345678" → "*******5678".

    Several numbers ("0519-88881234、13812345678") are masked one by one and joined with "、";
    an empty value stays empty. Everything before the 4th-last digit, dashes included, becomes "*".
    """
    numbers = [n for n in _PHONE_SEPARATORS.split(phone.strip()) if n]
    return "、".join(_mask_one_phone(n) for n in numbers)
