import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.credit_code import (
    ALPHABET,
    REGISTERING_AUTHORITIES,
    credit_code_check_char,
    is_legacy_registration_number,
    make_credit_code,
    normalise_credit_code,
    registration_number_check_digit,
    validate_credit_code,
)

REAL_CODES = ("91350100M000100Y43", "91110000600037341L")


def _prefixes() -> st.SearchStrategy[str]:
    """17 leading characters of a structurally valid code: authority, category, division, body."""
    return st.builds(
        lambda authority, category, division, body: authority + category + division + body,
        st.sampled_from(sorted(REGISTERING_AUTHORITIES)),
        st.sampled_from(ALPHABET),
        st.text(alphabet="0123456789", min_size=6, max_size=6),
        st.text(alphabet=ALPHABET, min_size=9, max_size=9),
    )


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_published_codes_are_valid(code: str) -> None:
    assert validate_credit_code(code) is None
    assert credit_code_check_char(code[:17]) == code[17]


def test_the_standards_example_code_is_rebuilt_by_make_credit_code() -> None:
    assert make_credit_code("91350100M000100Y4") == "91350100M000100Y43"


def test_social_organisation_codes_starting_with_5_are_valid() -> None:
    code = make_credit_code("51320400MJ5678901")
    assert code.startswith("5")
    assert validate_credit_code(code) is None


@given(_prefixes())
def test_every_single_character_change_of_a_valid_code_is_caught(prefix: str) -> None:
    code = make_credit_code(prefix)
    assert validate_credit_code(code) is None
    for position in range(18):
        for replacement in ALPHABET:
            if replacement == code[position]:
                continue
            changed = code[:position] + replacement + code[position + 1 :]
            assert validate_credit_code(changed) is not None, (code, changed)


@given(_prefixes())
def test_every_swap_of_two_neighbouring_characters_before_the_check_char_is_caught(prefix: str) -> None:
    code = make_credit_code(prefix)
    for position in range(16):
        a, b = code[position], code[position + 1]
        if a == b:
            continue
        swapped = code[:position] + b + a + code[position + 2 :]
        assert validate_credit_code(swapped) is not None, (code, swapped)


def test_full_width_spaces_dashes_and_lower_case_are_tidied() -> None:
    assert normalise_credit_code(" ９１３５０１００－ｍ０００ 100y43 ") == "91350100M000100Y43"
    assert validate_credit_code("9135-0100-m000-100y-43") is None


def test_look_alike_letters_are_not_silently_fixed() -> None:
    assert normalise_credit_code("9135O100M000100Y43") == "9135O100M000100Y43"


def test_wrong_length_says_how_long_it_is() -> None:
    assert validate_credit_code("91350100M000100Y4") == "统一社会信用代码应为18位（现为17位）"
    assert validate_credit_code("91350100M000100Y433") == "统一社会信用代码应为18位（现为19位）"


def test_empty_code_says_it_is_missing() -> None:
    assert validate_credit_code("  ") == "未填写统一社会信用代码"


def test_letters_the_standard_never_uses_are_named_with_their_position() -> None:
    assert validate_credit_code("9135I100M000100Y43") == "第5位“I”不是有效字符（不使用I、O、Z、S、V）"
    for letter in "IOZSV":
        message = validate_credit_code("91350100M" + letter + "00100Y43")
        assert message == f"第10位“{letter}”不是有效字符（不使用I、O、Z、S、V）"


def test_other_illegal_characters_are_named_with_their_position() -> None:
    assert validate_credit_code("91350100M000100Y4#") == "第18位“#”不是有效字符（只能是数字或大写英文字母）"
    assert validate_credit_code("91350100M000100号43") == "第16位“号”不是有效字符（只能是数字或大写英文字母）"


def test_wrong_check_char_says_what_it_should_be() -> None:
    assert validate_credit_code("91350100M000100Y4X") == "校验位错误：第18位应为“3”，实际为“X”"
    assert validate_credit_code("91110000600037341Y") == "校验位错误：第18位应为“L”，实际为“Y”"


def test_unknown_registering_authority_is_rejected() -> None:
    expected = "第1位“B”不是登记管理部门代码（应为1–9、A、N、Y之一）"
    assert validate_credit_code("B1350100M000100Y43") == expected


def test_division_code_must_be_digits() -> None:
    assert validate_credit_code("913A0100M000100Y43") == "第4位“A”应为数字（第3–8位是行政区划代码）"


def test_check_char_can_be_a_letter_or_zero() -> None:
    assert {make_credit_code(f"9132040000000{n:04d}")[-1] for n in range(200)} >= {"0", "X", "Y"}


def test_check_char_needs_17_alphabet_characters() -> None:
    with pytest.raises(ValueError):
        credit_code_check_char("91350100M000100Y")
    with pytest.raises(ValueError):
        credit_code_check_char("91350100M000100YI")


def test_make_credit_code_refuses_a_prefix_that_cannot_be_valid() -> None:
    with pytest.raises(ValueError, match="登记管理部门代码"):
        make_credit_code("B1350100M000100Y4")


def test_legacy_15_digit_registration_number_is_valid() -> None:
    assert is_legacy_registration_number("110108000000016")
    assert validate_credit_code("110108000000016") is None
    assert registration_number_check_digit("11010800000001") == "6"


def test_legacy_registration_number_with_wrong_check_digit_says_what_it_should_be() -> None:
    assert validate_credit_code("110108000000017") == "15位注册号校验位错误：第15位应为“6”，实际为“7”"


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_every_single_digit_change_of_a_registration_number_is_caught(first14: str) -> None:
    number = first14 + registration_number_check_digit(first14)
    assert validate_credit_code(number) is None
    for position in range(15):
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1 :]
                assert validate_credit_code(changed) is not None, (number, changed)


def test_fifteen_characters_with_letters_is_a_short_credit_code_not_a_registration_number() -> None:
    assert validate_credit_code("91350100M000100") == "统一社会信用代码应为18位（现为15位）"
