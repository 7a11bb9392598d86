"""Reads shared by the draw pages (internal and public)."""

from django.utils.translation import gettext as _

from . import draws
from .services import draw_rerun


def enterprise_type_label(code: str) -> str:
    if not code:
        return _("All types")
    from enterprises.choices import EnterpriseType

    return str(dict(EnterpriseType.choices).get(code, code))


def draw_view(draw) -> dict:
    """A draw with its re-run: the result recomputed now from the recorded seed and inputs, and whether it is
    exactly the recorded one. No query beyond the draw itself."""
    try:
        rerun = draw_rerun(draw)
        rerun_error = ""
    except Exception as error:  # a broken record must show as not reproduced, not crash the public page
        rerun, rerun_error = None, str(error)
    return {
        "draw": draw,
        **draw_numbered(draw),
        "enterprise_type_label": enterprise_type_label(draw.enterprise_type),
        "verified": rerun == draw.pairs,
        "rerun_error": rerun_error,
        "method": draws.METHOD,
    }


def draw_numbered(draw) -> dict:
    """The draw's inputs and result with each enterprise and inspector named by its place among the candidates
    (1, 2, … in the order of their ids) instead of its database id, for the page everyone can read. The numbering
    keeps the order, so re-running the draw on the numbers picks the same places as on the ids."""
    enterprise_no = {pk: number for number, pk in enumerate(sorted(draw.enterprise_ids), start=1)}
    inspector_no = {pk: number for number, pk in enumerate(sorted(draw.inspector_ids), start=1)}
    return {
        "rows": [
            {
                **row,
                "enterprise_no": enterprise_no.get(row["enterprise"]),
                "inspector_nos": [inspector_no.get(pk) for pk in row["inspectors"]],
            }
            for row in draw.result
        ],
        "enterprise_numbers": list(enterprise_no.values()),
        "inspector_numbers": list(inspector_no.values()),
        "excluded_numbers": [[enterprise_no.get(e), inspector_no.get(i)] for e, i in draw.excluded_pairs],
    }
