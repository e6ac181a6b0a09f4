from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.text import (
    bad_char_message,
    check_length,
    has_emoji_or_control,
    match_key,
    normalise_text,
)


def test_full_width_digits_and_letters_become_half_width() -> None:
    assert normalise_text("红梅超市１２３号ＡＢＣ") == "红梅超市123号ABC"


def test_ideographic_space_line_breaks_and_tabs_collapse_to_one_space() -> None:
    assert normalise_text("  红梅超市　　天宁店\r\n二楼\t服务台  ") == "红梅超市 天宁店 二楼 服务台"


def test_chinese_full_width_punctuation_is_kept_as_typed() -> None:
    assert normalise_text("红梅超市（天宁店）：一楼，服务台") == "红梅超市（天宁店）：一楼，服务台"


def test_blank_text_normalises_to_empty() -> None:
    assert normalise_text(" \u3000\n\t ") == ""


@given(st.text())
def test_normalising_twice_changes_nothing(s: str) -> None:
    once = normalise_text(s)
    assert normalise_text(once) == once


@given(st.text())
def test_normalised_text_has_no_leading_trailing_or_double_spaces(s: str) -> None:
    result = normalise_text(s)
    assert result == result.strip()
    assert "  " not in result
    assert "\n" not in result and "\u3000" not in result


def test_match_key_ignores_bracket_width_case_and_spaces() -> None:
    assert match_key("红梅超市(天宁店) abc") == match_key("红梅超市（天宁店）ＡＢＣ")


def test_plain_chinese_names_are_accepted() -> None:
    assert not has_emoji_or_control("常州市天宁区红梅超市（天宁店）")
    assert not has_emoji_or_control("买买提·艾力")


def test_rare_characters_outside_the_basic_plane_are_accepted() -> None:
    assert not has_emoji_or_control("𠮷野家")  # U+20BB7, a CJK Extension B character
    assert not has_emoji_or_control("\ue000")  # private use: old systems store 生僻字 there


def test_emoji_are_rejected() -> None:
    for text in ("红梅超市😀", "⭐五星站点", "❤", "👍🏻", "1️⃣", "🇨🇳"):
        assert has_emoji_or_control(text), text


def test_control_and_invisible_characters_are_rejected() -> None:
    for text in ("红梅\x00超市", "红梅\x07", "红\u200b梅", "\ufeff红梅", "红梅\u202e", "a\nb"):
        assert has_emoji_or_control(text), repr(text)


def test_unpaired_surrogates_are_rejected() -> None:
    assert has_emoji_or_control("红梅\ud800")
    assert has_emoji_or_control("\udfff")


def test_bad_char_message_names_the_character_and_its_position() -> None:
    assert bad_char_message("站点名称", "红梅😀超市") == "站点名称不能含有表情符号（第3个字“😀”）"
    assert bad_char_message("站点名称", "红\u200b梅") == "站点名称含有不可见的控制字符（第2个字 U+200B）"
    assert bad_char_message("站点名称", "红梅超市") is None


def test_length_within_limit_is_accepted() -> None:
    assert check_length("站点名称", "字" * 100, 100) is None


def test_too_long_text_names_the_field_the_limit_and_the_actual_length() -> None:
    assert check_length("站点名称", "字" * 101, 100) == "站点名称不能超过100个字（现为101个字）"


def test_one_chinese_character_counts_as_one() -> None:
    assert check_length("姓名", "欧阳修", 3) is None
    assert check_length("姓名", "𠮷野家", 3) is None
