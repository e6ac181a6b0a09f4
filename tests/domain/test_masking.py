import pytest
from hypothesis import given
from hypothesis import strategies as st

from stationdesk.domain.masking import COMPOUND_SURNAMES, mask_name, mask_phone


def test_only_the_surname_is_shown() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("张三") == "张*"
    assert mask_name("王女士") == "王**"


BRIEF_COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟",
    "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐",
)  # fmt: skip


@pytest.mark.parametrize("surname", BRIEF_COMPOUND_SURNAMES)
def test_compound_surnames_keep_both_characters(surname: str) -> None:
    assert surname in COMPOUND_SURNAMES
    assert mask_name(surname + "明") == surname + "*"
    assert mask_name(surname + "明明") == surname + "**"


def test_a_two_character_name_starting_like_a_compound_surname_is_surname_plus_given_name() -> None:
    assert mask_name("欧阳") == "欧*"


def test_single_character_and_empty_names() -> None:
    assert mask_name("张") == "张"
    assert mask_name("") == ""
    assert mask_name("  ") == ""


def test_surrounding_spaces_are_ignored() -> None:
    assert mask_name(" 李四 ") == "李*"


@given(st.text(alphabet="张王李赵欧阳司马明华国强", min_size=2, max_size=6))
def test_masked_name_keeps_its_length_and_hides_the_given_name(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0]
    assert masked.endswith("*")


def test_only_the_last_four_digits_of_a_mobile_are_shown() -> None:
    assert mask_phone("13812345678") == "*******5678"


def test_landline_keeps_only_the_last_four_digits() -> None:
    assert mask_phone("0519-88881234") == "*********1234"


def test_several_numbers_are_each_masked() -> None:
    assert mask_phone("0519-88881234、13812345678") == "*********1234、*******5678"


def test_empty_phone_stays_empty() -> None:
    assert mask_phone("") == ""


@given(st.text(alphabet="0123456789", min_size=5, max_size=12))
def test_masked_phone_reveals_exactly_the_last_four_digits(number: str) -> None:
    masked = mask_phone(number)
    assert masked == "*" * (len(number) - 4) + number[-4:]
