"""The portal's one "today": every page, service, export and task asks here, never ``date.today()``.

``settings.PORTAL_TODAY`` (the ``PORTAL_TODAY`` variable) fixes the date — the demo data is the 2020 plan, shown
as of a day in late 2020 — while the time of day stays real. Timestamps that record when something happened to the
system (audit history, notifications sent, tokens, import jobs, sync cursors) keep ``timezone.now()``.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def fixed_date() -> datetime.date | None:
    """The date ``PORTAL_TODAY`` sets, or None when the portal runs on the real date."""
    return settings.PORTAL_TODAY


def today() -> datetime.date:
    """Today in Asia/Shanghai (``settings.TIME_ZONE``), or ``PORTAL_TODAY``."""
    return fixed_date() or timezone.localdate()


def now() -> datetime.datetime:
    """Now in Asia/Shanghai, on ``today()``: for the dates of business events (a hazard closed, a report
    submitted, a draw made) that deadlines and period counts compare with."""
    real = timezone.localtime()
    day = fixed_date()
    return real if day is None else datetime.datetime.combine(day, real.timetz())
