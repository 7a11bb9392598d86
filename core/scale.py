"""Helpers shared by the scale-data generators (``manage.py generate_scale_data``; each app's ``scale.py``)."""

import datetime
import random

from django.utils import timezone

from . import clock


def raw_delete(queryset) -> int:
    """Delete the rows of ``queryset`` in one SQL DELETE and return how many went: no objects are loaded, no
    signals are sent (so no audit entries are written) and nothing cascades — the caller deletes the children
    first. Only for the synthetic scale data, never for a user's delete (that goes through the services)."""
    return queryset._raw_delete(queryset.db)


def random_date(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    """A day between ``start`` and ``end``, both included."""
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


def moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    """An aware time during office hours (Asia/Shanghai) of ``day``, never later than now."""
    local = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
    return min(timezone.make_aware(local), clock.now())


def month_starts(year: int) -> list[datetime.date]:
    return [datetime.date(year, month, 1) for month in range(1, 13)]
