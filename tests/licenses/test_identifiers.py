"""Licence identifiers (GB/T 36904) and their ISO/IEC 7064 MOD 37,36 check character, with identifiers that halls
and platforms have published."""

import io
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from licenses import identifiers

# Published identifiers, each with its own check character: the example of the domain rules (an investment project
# platform's file name), a provincial platform's sample record, a construction-safety certificate's two versions and
# an issuer that uses the 6-digit code of its city.
PUBLISHED = [
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
    "1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000MB03271699022.340100.000000016.001.9",
]
# A placeholder found in published code, whose last character is not the check character (that would be D).
PLACEHOLDER = "1.2.156.3005.2.11100000000013661B006.113700000045046442.209FA4E88F9E4C878F3E9BED2CE7EA49.001.M"


@pytest.mark.parametrize("identifier", PUBLISHED)
def test_published_identifiers_are_valid(identifier):
    assert str(identifiers.parse(identifier)) == identifier


def test_the_check_character_is_computed_by_the_rule():
    assert identifiers.check_character("11100000000013338W009" + "11330105002500287C" + "2025052201" + "002") == "0"
    assert (
        identifiers.check_character("11100000000013661B006113700000045046442209FA4E88F9E4C878F3E9BED2CE7EA49001") == "D"
    )


def test_a_placeholder_with_the_wrong_check_character_is_refused_as_such():
    with pytest.raises(ValidationError) as caught:
        identifiers.parse(PLACEHOLDER)
    assert caught.value.code == "identifier_check"


def test_every_single_changed_character_is_caught():
    """MOD 37,36 catches every substitution of one character: change each position of a valid identifier."""
    original = PUBLISHED[1]
    body_positions = [i for i, char in enumerate(original) if i > len(identifiers.PREFIX) and char != "."]
    for position in body_positions[:-1]:
        for replacement in "07AZ":
            changed = original[:position] + replacement + original[position + 1 :]
            if changed == original:
                continue
            assert identifiers.problem(changed) is not None, changed


def test_build_makes_identifiers_that_parse():
    built = identifiers.build(type_code="11100000000013338W009", issuer_code="330105", serial="A1B2", version=3)
    assert str(built).startswith("1.2.156.3005.2.11100000000013338W009.330105.A1B2.003.")
    assert identifiers.parse(str(built)) == built


def test_full_width_and_lower_case_forms_are_the_same_identifier():
    typed = "１.２.156.3005.2.11100000000013338w009.11330105002500287c.2025052201.002.0 "
    assert str(identifiers.parse(typed)) == PUBLISHED[0]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "identifier_required"),
        ("1.2.156.3005.3.11100000000013338W009.11330105002500287C.2025052201.002.0", "identifier_prefix"),
        ("1.2.156.3005.2.11100000000013338W009.11330105002500287C.002.0", "identifier_shape"),
        ("1.2.156.3005.2.11100000000013338W09.11330105002500287C.2025052201.002.0", "identifier_part"),
        ("1.2.156.3005.2.11100000000013338X009.11330105002500287C.2025052201.002.0", "identifier_part"),  # USCC check
        ("1.2.156.3005.2.11100000000013338W009.1133010500250028.2025052201.002.0", "identifier_part"),
        ("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025-05.002.0", "identifier_part"),
        ("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.02.0", "identifier_part"),
        ("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.", "identifier_part"),
        ("1.2.156.3005.2." + "9" * 200, "identifier"),
        ("1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.\x00", "identifier_part"),
    ],
)
def test_malformed_identifiers_say_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as caught:
        identifiers.parse(value)
    assert caught.value.code == code
    assert caught.value.messages[0]


def test_check_id_command_prints_valid_or_the_reason():
    out = io.StringIO()
    call_command("licenses", "check-id", PUBLISHED[0], stdout=out)
    assert out.getvalue().strip() == "valid"


@pytest.mark.parametrize(
    ("identifier", "expected"),
    [(PUBLISHED[2], (0, "valid")), (PLACEHOLDER, (1, "invalid: ")), ("1.2.3", (1, "invalid: "))],
)
def test_check_id_command_exits_0_or_1(identifier, expected):
    done = subprocess.run(
        [sys.executable, "manage.py", "licenses", "check-id", identifier], capture_output=True, text=True, check=False
    )
    assert done.returncode == expected[0]
    assert done.stdout.startswith(expected[1]) and len(done.stdout.strip()) > len(expected[1]) - 1
