"""The random draw itself (双随机), as a pure function of recorded inputs, so that anyone can re-run it.

Method ("python-random-v1"): ``rng = random.Random(int(seed, 16))``; the candidate enterprise ids and inspector ids
are sorted ascending; ``rng.sample(enterprise_ids, N)`` draws the enterprises in order; then, for each drawn
enterprise in that order, ``rng.sample(eligible, M)`` draws its inspectors, where ``eligible`` is the sorted
inspector ids less those paired with the enterprise in ``excluded_pairs``.
"""

import random
import secrets
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

METHOD = "python-random-v1"
SEED_BYTES = 16


def new_seed() -> str:
    """128 random bits from the operating system's CSPRNG, as 32 hexadecimal digits."""
    return secrets.token_hex(SEED_BYTES)


class NotEnoughInspectors(ValidationError):
    def __init__(self, enterprise_id: int, eligible: int, needed: int):
        self.enterprise_id = enterprise_id
        super().__init__(
            _("Only %(eligible)s eligible inspectors for enterprise %(id)s; %(needed)s are needed.")
            % {"eligible": eligible, "id": enterprise_id, "needed": needed},
            code="not_enough_inspectors",
        )


def compute(
    *,
    seed: str,
    enterprise_ids: Sequence[int],
    inspector_ids: Sequence[int],
    excluded_pairs: Iterable[Sequence[int]],
    enterprise_count: int,
    inspectors_per_enterprise: int,
) -> list[tuple[int, list[int]]]:
    """The draw's result as (enterprise id, [inspector ids]) pairs, in the order drawn."""
    enterprises = sorted(enterprise_ids)
    inspectors = sorted(inspector_ids)
    excluded = {(int(e), int(i)) for e, i in excluded_pairs}
    if enterprise_count > len(enterprises):
        raise ValidationError(
            _("Only %(available)s enterprises match the filter; %(wanted)s cannot be drawn.")
            % {"available": len(enterprises), "wanted": enterprise_count},
            code="not_enough_enterprises",
        )
    rng = random.Random(int(seed, 16))
    result = []
    for enterprise in rng.sample(enterprises, enterprise_count):
        eligible = [inspector for inspector in inspectors if (enterprise, inspector) not in excluded]
        if len(eligible) < inspectors_per_enterprise:
            raise NotEnoughInspectors(enterprise, len(eligible), inspectors_per_enterprise)
        result.append((enterprise, rng.sample(eligible, inspectors_per_enterprise)))
    return result
