"""Cleaning and checking free text that users type or paste from Excel/WPS rosters.

Why: the same station turns up as "红梅超市 天宁店", "红梅超市　天宁店" (U+3000) and
"红梅超市\\n天宁店" in different sheets, and phone/credit-code cells arrive in full-width digits.
Normalising once, at the edge, keeps duplicates detectable and prints tidy.
"""

from __future__ import annotations

import unicodedata
from functools import cache

# Full-width punctuation that is correct Chinese typography. NFKC would turn "（天宁店）" into
# "(天宁店)"; we keep what the user typed for these and fold everything else (digits, Latin
# letters, the ideographic space, full-width ASCII symbols such as "＃" or "－").
_KEEP_FULL_WIDTH = frozenset("（）：；！？，")

# Ranges whose characters are pictographs/emoji or emoji machinery (variation selectors,
# keycap, tag characters). Names of stations, hosts and people never contain them; when they do,
# the text was pasted from a chat app and prints as empty boxes.
_EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x1F000, 0x1FAFF),  # mahjong, cards, emoticons, pictographs, transport, flags, skin tones
    (0x2300, 0x23FF),  # misc technical: ⌚ ⏰ ⏳
    (0x2600, 0x27BF),  # misc symbols and dingbats: ☀ ✅ ❤
    (0x2B00, 0x2BFF),  # arrows and stars: ⬆ ⭐
    (0xFE00, 0xFE0F),  # variation selectors (emoji presentation)
    (0x20E3, 0x20E3),  # combining enclosing keycap
    (0xE0000, 0xE007F),  # tag characters (subdivision flags)
    (0x3030, 0x3030),  # 〰
    (0x303D, 0x303D),  # 〽
)

# Unicode categories that are never legitimate in a name: control characters, invisible format
# characters (zero-width space, BOM, bidi marks, ZWJ) and lone surrogates. Private-use characters
# are *allowed*: older systems store rare surname characters (生僻字) in the private-use area.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})


@cache
def _fold_char(ch: str) -> str:
    if ch in _KEEP_FULL_WIDTH:
        return ch
    return unicodedata.normalize("NFKC", ch)


def normalise_text(s: str) -> str:
    """Return `s` with compatibility forms folded and whitespace tidied.

    NFKC turns full-width digits and letters ("１２３ＡＢＣ") into half-width ones and U+3000
    into an ordinary space; Chinese full-width punctuation （）：；！？， is left as typed.
    Leading/trailing whitespace is removed and every run of internal whitespace (spaces, tabs,
    line breaks from Excel cells, U+3000) becomes a single space.
    """
    if unicodedata.is_normalized("NFKC", s):  # most cells: nothing to fold (checked in C, fast)
        return " ".join(s.split())
    folded = "".join(map(_fold_char, s))
    # Recombine sequences that NFKC composes across characters (e.g. base + combining mark).
    folded = unicodedata.normalize("NFC", folded)
    return " ".join(folded.split())


def match_key(s: str) -> str:
    """A key for duplicate detection: full NFKC (punctuation too), case-folded, no spaces.

    Why: "红梅超市(天宁店)" and "红梅超市（天宁店）" are the same host; the displayed text keeps
    its punctuation but comparisons must not depend on it.
    """
    return "".join(unicodedata.normalize("NFKC", s).casefold().split())


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _EMOJI_RANGES)


@cache
def _char_problem(ch: str) -> str | None:
    """"emoji", "control" or None for one character; cached, because a 20,000-row roster checks
    the same few thousand characters millions of times."""
    if _is_emoji(ch):
        return "emoji"
    if unicodedata.category(ch) in _BAD_CATEGORIES:
        return "control"
    return None


def _first_problem(s: str) -> tuple[int, str, str] | None:
    """(position from 1, character, kind) of the first bad character, None when clean."""
    if s.isascii() and s.isprintable():
        return None
    for index, ch in enumerate(s, start=1):
        kind = _char_problem(ch)
        if kind is not None:
            return index, ch, kind
    return None


def first_bad_char(s: str) -> str | None:
    """The first emoji, control character, invisible format character or lone surrogate in `s`."""
    found = _first_problem(s)
    return found[1] if found else None


def has_emoji_or_control(s: str) -> bool:
    """True if `s` contains an emoji, a control/format character or an unpaired surrogate.

    Call it on normalised text: raw Excel cells contain line breaks (controls) that
    `normalise_text` turns into spaces.
    """
    return first_bad_char(s) is not None


def _show(ch: str) -> str:
    if unicodedata.category(ch) in _BAD_CATEGORIES:
        return f"U+{ord(ch):04X}"
    return ch


def bad_char_message(field_label: str, s: str) -> str | None:
    """A Chinese message naming the offending character and its position, or None if clean."""
    found = _first_problem(s)
    if found is None:
        return None
    index, ch, kind = found
    if kind == "emoji":
        return f"{field_label}不能含有表情符号（第{index}个字“{ch}”）"
    return f"{field_label}含有不可见的控制字符（第{index}个字 {_show(ch)}）"


def check_length(field_label: str, s: str, max_len: int) -> str | None:
    """None if `s` has at most `max_len` characters, else e.g. "站点名称不能超过100个字（现为105个字）".

    Characters are counted as users count them: one Chinese character is one 字.
    """
    if max_len < 0:
        raise ValueError(f"max_len must be non-negative, got {max_len}")
    length = len(s)
    if length <= max_len:
        return None
    return f"{field_label}不能超过{max_len}个字（现为{length}个字）"
