"""Contact phone numbers of stations, hosts and consumers.

Why: a station's phone is one of the zombie checks (电话抽查) and the consumer's phone is how the
bureau does follow-up visits (回访), so a number must be dialable. Rosters hold full-width digits,
"(0519)8888 1234", several numbers in one cell and stray letters; we tidy the harmless variants
and report the rest precisely.

Accepted forms of one number:
  mobile          1[3-9] + 9 digits
  landline        0 + 2–3 digit area code, optional "-", 7–8 digits, optional extension "-1…6 digits"
  400/800         400-xxx-xxxx, 800-xxx-xxxx (dashes optional)
  hotline         12315
Several numbers are separated by 、 ; ； / , ， or spaces; normalised text joins them with "、".
"""

from __future__ import annotations

import re
import unicodedata

SEPARATOR = "、"

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}(?:-\d{1,6})?")
_SERVICE = re.compile(r"[48]00-?\d{3}-?\d{4}")
_HOTLINES = frozenset({"12315"})
_LOCAL_ONLY = re.compile(r"[2-9]\d{6,7}(?:-\d{1,6})?")

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u30fc\ufe58\ufe63~～]")
_LIST_SEPARATORS = re.compile(r"[、;；/,，]+")
_AREA_IN_BRACKETS = re.compile(r"[(（]\s*(0\d{2,3})\s*[)）]\s*")
_SPACED_DASH = re.compile(r"\s*-\s*")
# "+86"/"0086" is unambiguous; a bare "86" only when a complete mobile number follows.
_COUNTRY_PREFIX = re.compile(r"(?<![\d-])(?:(?:\+|00)86[\s-]*|86-?(?=1[3-9]\d{9}(?!\d)))")
_AREA_CODE = re.compile(r"0\d{2,3}")
_EXTENSION_WORD = re.compile(r"\s*(?:转|分机)\s*")

# Longest single number without extension: 4-digit area code + 8 digits. Space-separated pieces
# are joined while they could still be parts of one number ("138 1234 5678", "0519 8888 1234").
_MAX_DIGITS = 12


def _digits(s: str) -> int:
    return sum(ch.isdigit() for ch in s)


def is_valid_single_number(number: str) -> bool:
    """True if `number` (already normalised, one number) is an accepted phone form."""
    return bool(
        _MOBILE.fullmatch(number)
        or _LANDLINE.fullmatch(number)
        or _SERVICE.fullmatch(number)
        or number in _HOTLINES
    )


def _join_spaced_pieces(part: str) -> list[str]:
    numbers: list[str] = []
    current = ""
    for piece in part.split():
        if not current:
            current = piece
        elif not is_valid_single_number(current) and _digits(current) + _digits(piece) <= _MAX_DIGITS:
            current += ("-" if _AREA_CODE.fullmatch(current) else "") + piece
        else:
            numbers.append(current)
            current = piece
    if current:
        numbers.append(current)
    return numbers


def split_phone_numbers(text: str) -> list[str]:
    """The individual numbers in `text`, each normalised (see `normalise_phone`)."""
    folded = unicodedata.normalize("NFKC", text)
    folded = _DASHES.sub("-", folded)
    folded = _EXTENSION_WORD.sub("-", folded)
    folded = _AREA_IN_BRACKETS.sub(r"\1-", folded)
    folded = _SPACED_DASH.sub("-", folded)
    folded = _COUNTRY_PREFIX.sub("", folded)
    numbers: list[str] = []
    for part in _LIST_SEPARATORS.split(folded):
        for number in _join_spaced_pieces(part):
            number = number.strip("-")
            if number:
                numbers.append(number)
    return numbers


def normalise_phone(text: str) -> str:
    """Full-width → half-width, spaces removed, dashes unified, numbers joined with "、".

    "(0519)8888 1234；138 1234 5678" → "0519-88881234、13812345678". "转"/"分机" become the
    extension dash; "+86" before a mobile number is dropped. Nothing else is guessed.
    """
    return SEPARATOR.join(split_phone_numbers(text))


def _number_problem(number: str, label: str) -> str | None:
    for ch in number:
        if not (ch.isascii() and (ch.isdigit() or ch in "-+")):
            return f"{label}含有非数字字符“{ch}”"
    if is_valid_single_number(number):
        return None
    if _LOCAL_ONLY.fullmatch(number):
        return f"固定电话需带区号，如 0519-88881234（“{number}”缺少区号）"
    plain = number.replace("-", "")
    if plain.startswith("1") and plain.isdigit() and not plain.startswith("123"):
        if len(plain) != 11:
            return f"手机号码应为11位（“{number}”为{len(plain)}位）"
        return f"手机号码“{number}”的第2位应为3–9"
    if plain.startswith("0"):
        return f"固定电话“{number}”位数不对（区号3–4位，号码7–8位，如 0519-88881234）"
    return f"{label}“{number}”格式不正确（应为11位手机号、带区号的固定电话或400/800电话）"


def validate_phone(text: str, label: str = "联系电话") -> str | None:
    """None if every number in `text` is dialable, else a Chinese message naming the problem and
    the field (`label`: 联系电话, 消费者电话 …).

    An empty value gives "未填写联系电话"; callers with an optional field check emptiness first.
    """
    numbers = split_phone_numbers(text)
    if not numbers:
        return f"未填写{label}"
    for number in numbers:
        problem = _number_problem(number, label)
        if problem is not None:
            return problem
    return None
