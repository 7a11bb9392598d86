"""What every page's template needs from core."""

from . import clock


def demo_clock(request) -> dict:
    """The fixed date of the demo clock (``PORTAL_TODAY``) for the banner of base.html, or None."""
    return {"portal_fixed_date": clock.fixed_date()}
