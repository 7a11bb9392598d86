"""The ID number validator (GB 11643-1999), on real published numbers."""

import pytest
from django.core.exceptions import ValidationError

from monitoring.validators import id_check_character, normalise_id_number, validate_id_number


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_real_numbers_are_valid(number):
    validate_id_number(number)


def test_the_check_character_of_a_known_number():
    # 11010519491231002: weighted sum 167 → 167 % 11 = 2 → "X".
    assert id_check_character("11010519491231002") == "X"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("110105194912310021", "id_number_check"),  # the last character changed
        ("11010519491231002", "id_number_length"),
        ("11010519491231002XX", "id_number_length"),
        ("1101051949123100AX", "id_number_characters"),
        ("110105194913310028", "id_number_birth_date"),  # month 13
        ("110105194902300024", "id_number_birth_date"),  # 30 February
    ],
)
def test_wrong_numbers_are_refused(number, code):
    with pytest.raises(ValidationError) as caught:
        validate_id_number(number)
    assert caught.value.code == code


def test_a_lower_case_x_is_normalised():
    assert normalise_id_number(" 11010519491231002x ") == "11010519491231002X"
    validate_id_number(normalise_id_number("11010519491231002x"))
