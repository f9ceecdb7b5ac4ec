"""The bad-input corpus of personal identifiers: each gets a clear message in Chinese and in English."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from hall import identity

VALID_ID_NUMBERS = ["11010519491231002X", "360426199101010071", " 11010519491231002x "]
INVALID_ID_NUMBERS = {
    "110105194912310021": "校验码",  # wrong check character
    "11010519491331002X": "出生日期",  # month 13
    "11010519490230002X": "出生日期",  # 30 February
    "1101051949123100": "18 位",  # too short
    "11010519491231002XX": "18 位",
    "A1010519491231002X": "18 位",
    "<script>alert(1)</script>": "18 位",
    "": "18 位",
}
VALID_USCC = ["91110000600037341L", "91110000600037341l"]
INVALID_USCC = {
    "91110000600037341M": "校验码",
    "9111000060003734": "18 位",
    "91110000600037341I": "18 位",  # I is not in the alphabet
    "91110000600O37341L": "18 位",
}
VALID_MOBILES = ["13812345678", "+86 138 1234 5678", "138-1234-5678"]
INVALID_MOBILES = ["12812345678", "1381234567", "138123456789", "abcdefghijk", "", "13812345678<b>"]


@pytest.mark.parametrize("value", VALID_ID_NUMBERS)
def test_valid_identity_numbers_are_normalised(value):
    assert identity.validate_id_number(value) == value.strip().upper()


@pytest.mark.parametrize(("value", "says"), INVALID_ID_NUMBERS.items())
def test_invalid_identity_numbers_say_why_in_chinese(value, says):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        identity.validate_id_number(value)
    assert says in str(error.value.messages[0])


def message_of(validator, value, language: str) -> str:
    """The message a person reading `language` sees (lazy messages are rendered in that language)."""
    with translation.override(language):
        with pytest.raises(ValidationError) as error:
            validator(value)
        return str(error.value.messages[0])


def test_identity_number_messages_are_english_too():
    assert message_of(identity.validate_id_number, "110105194912310021", "en") == (
        "This identity card number is not valid: its check character does not match."
    )


@pytest.mark.parametrize("value", VALID_USCC)
def test_valid_uscc(value):
    assert identity.validate_uscc(value) == "91110000600037341L"


@pytest.mark.parametrize(("value", "says"), INVALID_USCC.items())
def test_invalid_uscc(value, says):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        identity.validate_uscc(value)
    assert says in str(error.value.messages[0])


@pytest.mark.parametrize("value", VALID_MOBILES)
def test_valid_mobiles(value):
    assert identity.validate_mobile(value) == "13812345678"


@pytest.mark.parametrize("value", INVALID_MOBILES)
def test_invalid_mobiles(value):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        identity.validate_mobile(value)
    assert "11 位" in str(error.value.messages[0])


@pytest.mark.parametrize("value", ["张三", "欧阳娜娜", "阿依古丽·买买提", "John Smith", "Anne-Marie O'Neil"])
def test_real_names_are_accepted(value):
    assert identity.validate_person_name(value) == value


@pytest.mark.parametrize(
    ("value", "says_zh", "says_en"),
    [
        ("<script>alert(1)</script>", "只能包含", "may contain"),
        ("张三<b>", "只能包含", "may contain"),
        ("王" * 31, "最多 30", "at most 30"),
        ("   ", "请输入", "Enter a name"),
        ("张3", "只能包含", "may contain"),
        ("李四\u202e", "只能包含", "may contain"),  # a right-to-left override hides what follows
    ],
)
def test_bad_names_get_clear_messages_in_both_languages(value, says_zh, says_en):
    assert says_zh in message_of(identity.validate_person_name, value, "zh-hans")
    assert says_en in message_of(identity.validate_person_name, value, "en")


def test_masks():
    assert identity.mask_id_number("11010519491231002X") == "1101**********002X"
    assert identity.mask_mobile("13812345678") == "138****5678"
    assert identity.mask_name("张三明") == "张*明"
    assert identity.mask_name("张三") == "张*"
