"""统一社会信用代码 (GB 32100-2015) and the legacy 15-digit 工商注册号 (GS 15-2006).

Why: every host (依托单位) is identified by its credit code; a mistyped code breaks matching
with the registration authority's lists of 经营异常 / penalised hosts, which decide demonstration
eligibility. The check character catches every single-character typo, so we check it and say
exactly what is wrong instead of "格式不正确".

Structure of the 18 characters (positions counted from 1, as users count them):
  1      登记管理部门代码   1–9, A, N, Y (the standard's table as extended since 2015)
  2      机构类别代码       checked against the alphabet only: each authority keeps adding categories
  3–8    登记管理机关行政区划码 (GB/T 2260), digits
  9–17   主体标识码 (组织机构代码)
  18     校验码: weights 3^(i-1) mod 31, check = 31 − (Σ value×weight mod 31), 31 → 0
The alphabet is 0–9 and A–Z without I, O, Z, S, V (31 characters).

Hosts registered before 2015 may still carry a 15-digit 注册号; its last digit is an
ISO 7064 MOD 11,10 check digit (GB/T 17710). It is accepted as a valid legacy identifier.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
EXCLUDED_LETTERS = "IOZSV"

# 登记管理部门代码 (position 1).
REGISTERING_AUTHORITIES: dict[str, str] = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商（市场监管）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}

CREDIT_CODE_LENGTH = 18
REGISTRATION_NUMBER_LENGTH = 15

# Spaces and every dash-like character people paste between groups ("9135-0100-…").
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212\u30fc\uff0d_·.]+")


def normalise_credit_code(text: str) -> str:
    """NFKC (full-width → half-width), drop spaces and dashes, upper-case.

    Look-alike letters (O for 0, I for 1, …) are deliberately NOT corrected: a silent fix could
    turn a typo into someone else's valid code. `validate_credit_code` names them instead.
    """
    folded = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", folded).upper()


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character (position 18) for the first 17 characters.

    Raises ValueError if `first17` is not 17 characters of the code alphabet (a programming
    error: validate user input with `validate_credit_code`).
    """
    if len(first17) != 17 or any(ch not in _VALUE for ch in first17):
        raise ValueError(f"need 17 characters from {ALPHABET!r}, got {first17!r}")
    total = sum(_VALUE[ch] * weight for ch, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def registration_number_check_digit(first14: str) -> str:
    """The ISO 7064 MOD 11,10 check digit of a 15-digit 注册号, from its first 14 digits."""
    if len(first14) != 14 or not first14.isascii() or not first14.isdigit():
        raise ValueError(f"need 14 digits, got {first14!r}")
    product = 10
    for ch in first14:
        remainder = (product + int(ch)) % 10 or 10
        product = remainder * 2 % 11
    return str((11 - product) % 10)


def is_legacy_registration_number(code: str) -> bool:
    """True if the normalised `code` has the shape of a 15-digit 注册号 (not whether it is valid)."""
    return len(code) == REGISTRATION_NUMBER_LENGTH and code.isascii() and code.isdigit()


def _validate_registration_number(code: str) -> str | None:
    expected = registration_number_check_digit(code[:14])
    if code[14] != expected:
        return f"15位注册号校验位错误：第15位应为“{expected}”，实际为“{code[14]}”"
    return None


def _illegal_char_message(position: int, ch: str) -> str:
    if ch in EXCLUDED_LETTERS:
        return f"第{position}位“{ch}”不是有效字符（不使用I、O、Z、S、V）"
    return f"第{position}位“{ch}”不是有效字符（只能是数字或大写英文字母）"


def validate_credit_code(text: str) -> str | None:
    """None if `text` is a valid credit code or 15-digit 注册号, else the reason in Chinese.

    Checks, in order, so the first message is the most useful one: empty; length (15 digits is
    the legacy 注册号); characters outside the alphabet, with position; position 1 against the
    registering authorities; positions 3–8 digits; the check character, saying what it should be.
    """
    code = normalise_credit_code(text)
    if not code:
        return "未填写统一社会信用代码"
    if is_legacy_registration_number(code):
        return _validate_registration_number(code)
    if len(code) != CREDIT_CODE_LENGTH:
        return f"统一社会信用代码应为{CREDIT_CODE_LENGTH}位（现为{len(code)}位）"
    for position, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return _illegal_char_message(position, ch)
    if code[0] not in REGISTERING_AUTHORITIES:
        return f"第1位“{code[0]}”不是登记管理部门代码（应为1–9、A、N、Y之一）"
    for position in range(3, 9):
        ch = code[position - 1]
        if not ch.isdigit():
            return f"第{position}位“{ch}”应为数字（第3–8位是行政区划代码）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验位错误：第18位应为“{expected}”，实际为“{code[17]}”"
    return None


def make_credit_code(prefix17: str) -> str:
    """A valid 18-character code from 17 leading characters (for sample data and tests).

    Raises ValueError if the prefix cannot start a valid code (bad authority, letters in the
    division code, characters outside the alphabet).
    """
    prefix = normalise_credit_code(prefix17)
    code = prefix + credit_code_check_char(prefix)
    problem = validate_credit_code(code)
    if problem is not None:
        raise ValueError(problem)
    return code
