"""The portal's one "today": every page, service, export and task asks here, never ``date.today()``.

``settings.PORTAL_TODAY`` (the ``PORTAL_TODAY`` variable) fixes the date — the demo data is the 2020 plan, shown
as of a day in late 2020 — while the time of day stays real. Timestamps that record when something happened to the
system (audit history, notifications sent, tokens, import jobs, sync cursors) keep ``timezone.now()``.
"""

import contextlib
import contextvars
import datetime

from django.conf import settings
from django.utils import timezone


def fixed_date() -> datetime.date | None:
    """The date ``PORTAL_TODAY`` sets, or None when the portal runs on the real date."""
    return settings.PORTAL_TODAY


_held: contextvars.ContextVar[datetime.date | None] = contextvars.ContextVar("held_today", default=None)


def today() -> datetime.date:
    """Today in Asia/Shanghai (``settings.TIME_ZONE``), or ``PORTAL_TODAY``; inside ``one_day()``, the day it
    was when that began."""
    return _held.get() or fixed_date() or timezone.localdate()


@contextlib.contextmanager
def one_day():
    """Work that must see a single day throughout, such as an import's check of every row: ``today()`` inside
    is the day on entry, even past midnight (and is then answered without a time-zone conversion per call)."""
    token = _held.set(today())
    try:
        yield
    finally:
        _held.reset(token)


def now() -> datetime.datetime:
    """Now in Asia/Shanghai, on ``today()``: for the dates of business events (a hazard closed, a report
    submitted, a draw made) that deadlines and period counts compare with."""
    real = timezone.localtime()
    day = fixed_date()
    return real if day is None else datetime.datetime.combine(day, real.timetz())
