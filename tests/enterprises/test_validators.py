"""The unified social credit code (GB 32100-2015) and number plate validators, on real published codes."""

import pytest
from django.core.exceptions import ValidationError

from enterprises.demo import credit_code, organisation_code
from enterprises.validators import (
    credit_code_check_character,
    normalise_credit_code,
    normalise_plate,
    validate_credit_code,
    validate_plate,
)

# Real, published codes (from public business registrations and the test suites of open-source validators).
REAL_CODES = [
    "91350100M000100Y43",
    "91110000600037341L",
    "91430181MA4TD6NX4G",  # an enterprise registered in Liuyang (430181)
    "91230184MA1BUFLT44",
    "92371000MA3MXH0E3W",  # 92: an individual business (个体工商户)
    "91310115591693856A",
    "91310110666007217T",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    validate_credit_code(code)
    assert credit_code_check_character(code[:17]) == code[17]


def test_the_check_character_of_a_known_code():
    # 91110000600037341: weighted sum 538 → 31 - 538 % 31 = 31 - 11 = 20 → "L" (value 20 in the alphabet).
    assert credit_code_check_character("91110000600037341") == "L"


def test_a_check_value_of_31_becomes_0():
    # Find a body whose weighted sum is a multiple of 31: the check character is then "0", not out of range.
    for n in range(1000):
        first17 = f"91430181{n:09d}"
        if credit_code_check_character(first17) == "0":
            validate_credit_code(first17 + "0")
            break
    else:
        pytest.fail("no body with check value 0 found")


@pytest.mark.parametrize(
    ("code", "what"),
    [
        ("91350100M000100Y44", "check"),  # the last character changed
        ("91110000600037341M", "check"),
        ("91350211M00013FA1N", "check"),  # an early pilot code that does not follow the standard
        ("91110000600037342L", "check"),  # one body digit changed
        ("9111000060003734IL", "characters"),  # I is not used
        ("91110000O00037341L", "characters"),  # nor O
        ("9111000060003734SL", "characters"),  # nor S, V, Z
        ("91110000600037341Z", "characters"),
        ("91110000600037341", "length"),  # 17 characters
        ("91110000600037341LL", "length"),
        ("", "length"),
        ("94110000600037341L", "prefix"),  # 9 (工商) issues type 1–3 only
        ("C1110000600037341L", "prefix"),  # no registration authority C
        ("91AB0000600037341L", "division"),  # the division code is digits
    ],
)
def test_invalid_codes_are_refused(code, what):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == f"credit_code_{what}"


def test_the_message_names_the_problem():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y44")
    assert "check character" in error.value.messages[0]


def test_codes_are_normalised_before_checking():
    assert normalise_credit_code(" 91350100 m000100y43 ") == "91350100M000100Y43"


def test_generated_demo_codes_are_valid():
    code = credit_code("MA4L0A1B")
    assert code.startswith("91430181MA4L0A1B")
    validate_credit_code(code)


def test_the_organisation_code_check_matches_real_codes():
    # GB 11714: the 9th character of the body of real codes.
    assert organisation_code("60003734") == "600037341"
    assert organisation_code("M000100Y") == "M000100Y4"


@pytest.mark.parametrize(
    "plate",
    [
        "湘A12345",
        "湘AB1234",
        "湘A1B2C3",
        "京A00001",
        "粤BZZ999",
        "琼A12345",
        "湘AD12345",  # small new-energy, battery electric
        "湘AF12345",  # small new-energy, other
        "湘ADA1234",  # small new-energy, second position a letter
        "湘A12345D",  # large new-energy
        "湘A12345F",
    ],
)
def test_valid_plates(plate):
    validate_plate(plate)


@pytest.mark.parametrize(
    "plate",
    [
        "湘AI2345",  # I is not used
        "湘AO2345",  # nor O
        "湘IA2345",  # nor as the issuing letter
        "湘A1234",  # too short
        "湘A123456",  # 6 characters but not new-energy
        "湘AD1234A",  # small new-energy: the last four are digits
        "湘A1234DD",  # large new-energy: five digits then D/F
        "湘AA12345",  # 6 characters, first not D/F
        "XA12345",  # no province
        "台A12345",  # not one of the 31 mainland abbreviations
        "湘112345",  # the second character is a letter
        "湘a12345",  # lower case is normalised before, not accepted raw
        "",
    ],
)
def test_invalid_plates(plate):
    with pytest.raises(ValidationError):
        validate_plate(plate)


def test_plates_are_normalised():
    assert normalise_plate(" 湘a·123 45 ") == "湘A12345"
    assert normalise_plate("湘A.D1234-5") == "湘AD12345"
