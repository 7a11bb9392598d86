"""A token's rate limit as written (``600/min``, ``20000/hour``): read once here, for the check at issue and for
the throttle (the settings' API_TOKEN_RATE and API_USER_RATE are checked by the same rule in settings.py)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# As Django REST framework reads a period: by its first letter (``min``, ``minute`` and ``m`` are all a minute).
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"(?P<count>[0-9]+)/(?P<period>[a-z]+)")


def parse_rate(rate: str) -> tuple[int, int]:
    """``(requests, seconds)`` of a rate such as ``600/min``; ValueError unless at least one request per second,
    minute, hour or day."""
    match = _RATE.fullmatch(rate)
    if match is None or match["period"][0] not in _SECONDS or int(match["count"]) < 1:
        raise ValueError(f"not a rate: {rate!r}")
    return int(match["count"]), _SECONDS[match["period"][0]]


def validate_rate(rate: str) -> None:
    try:
        parse_rate(rate)
    except ValueError:
        raise ValidationError(
            _("Write the rate as a number of requests (at least 1) per s, min, hour or day, e.g. 600/min."),
            code="invalid_rate",
        ) from None
