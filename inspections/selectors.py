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
        "rows": draw.result,
        "enterprise_type_label": enterprise_type_label(draw.enterprise_type),
        "verified": rerun == draw.pairs,
        "rerun_error": rerun_error,
        "method": draws.METHOD,
    }
