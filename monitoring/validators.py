"""The resident identity card number (GB 11643-1999 公民身份号码): 17 digits and an ISO 7064 MOD 11-2 check
character (0–9 or X)."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2**(18-i) mod 11
ID_CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum mod 11
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(value: str) -> str:
    """Upper case (a final x is X), without spaces."""
    return re.sub(r"\s+", "", value or "").upper()


def id_check_character(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are given."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARACTERS[total % 11]


def validate_id_number(value: str) -> None:
    """Refuse anything but an 18-character ID number with a real date of birth and the right check character."""
    number = value or ""
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(length)d."),
            code="id_number_length",
            params={"length": len(number)},
        )
    if not _ID_SHAPE.match(number):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."),
            code="id_number_characters",
        )
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7–14 of an ID number are the date of birth; %(date)s is not a date."),
            code="id_number_birth_date",
            params={"date": number[6:14]},
        ) from None
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check character of this ID number is wrong: please check the number."),
            code="id_number_check",
        )
