import pytest

from stationdesk.domain.phone import normalise_phone, split_phone_numbers, validate_phone


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "19912345678",
        "0519-88881234",
        "051988881234",
        "010-12345678",
        "0519-8888123",
        "0519-88881234-806",
        "400-123-4567",
        "4001234567",
        "800-123-4567",
        "12315",
    ],
)
def test_accepted_phone_forms(text: str) -> None:
    assert validate_phone(text) is None


def test_full_width_digits_and_dashes_are_tidied() -> None:
    assert normalise_phone("０５１９－８８８８１２３４") == "0519-88881234"
    assert normalise_phone("0519—88881234") == "0519-88881234"


def test_spaces_inside_one_number_are_removed() -> None:
    assert normalise_phone("138 1234 5678") == "13812345678"
    assert normalise_phone("0519 8888 1234") == "0519-88881234"
    assert normalise_phone("0519 - 88881234") == "0519-88881234"


def test_area_code_in_brackets_becomes_a_dash() -> None:
    assert normalise_phone("（0519）88881234") == "0519-88881234"
    assert normalise_phone("(021) 6666 8888") == "021-66668888"


def test_extension_written_in_chinese_becomes_a_dash() -> None:
    assert normalise_phone("0519-88881234转806") == "0519-88881234-806"
    assert validate_phone("0519-88881234 分机 806") is None


def test_country_code_before_a_mobile_is_dropped() -> None:
    assert normalise_phone("+86 138 1234 5678") == "13812345678"
    assert normalise_phone("8613812345678") == "13812345678"


@pytest.mark.parametrize("separator", ["、", ";", "；", "/", ",", "，", " ", "  "])
def test_several_numbers_in_one_cell_are_kept_and_joined_with_a_dun_comma(separator: str) -> None:
    text = f"0519-88881234{separator}13812345678"
    assert normalise_phone(text) == "0519-88881234、13812345678"
    assert validate_phone(text) is None


def test_two_space_separated_numbers_are_not_glued_together() -> None:
    assert split_phone_numbers("13812345678 13912345678") == ["13812345678", "13912345678"]
    assert split_phone_numbers("88881234 13812345678") == ["88881234", "13812345678"]


def test_letters_are_named() -> None:
    assert validate_phone("1381234567a") == "联系电话含有非数字字符“a”"
    assert validate_phone("0519-8888123４ 或 13812345678") == "联系电话含有非数字字符“或”"


def test_landline_without_area_code_shows_an_example() -> None:
    assert validate_phone("88881234") == "固定电话需带区号，如 0519-88881234（“88881234”缺少区号）"


def test_mobile_with_wrong_length_says_how_many_digits() -> None:
    assert validate_phone("1381234567") == "手机号码应为11位（“1381234567”为10位）"
    assert validate_phone("138123456789") == "手机号码应为11位（“138123456789”为12位）"


def test_mobile_with_impossible_second_digit_is_rejected() -> None:
    assert validate_phone("12012345678") == "手机号码“12012345678”的第2位应为3–9"


def test_landline_with_too_few_digits_is_rejected() -> None:
    expected = "固定电话“0519-88812”位数不对（区号3–4位，号码7–8位，如 0519-88881234）"
    assert validate_phone("0519-88812") == expected


def test_one_bad_number_among_several_is_reported() -> None:
    expected = "固定电话需带区号，如 0519-88881234（“88881234”缺少区号）"
    assert validate_phone("13812345678、88881234") == expected


def test_empty_phone_says_it_is_missing() -> None:
    assert validate_phone("") == "未填写联系电话"
    assert validate_phone(" 、 ") == "未填写联系电话"
    assert normalise_phone("") == ""


def test_other_shapes_get_a_general_message() -> None:
    expected = "联系电话“9999”格式不正确（应为11位手机号、带区号的固定电话或400/800电话）"
    assert validate_phone("9999") == expected
