"""Reads of the emergency app and who may change what.

Everyone in the bureau reads the roster and the drills. Writing is for administrators and for the staff and
heads of a unit that keeps the duty roster (``Unit.keeps_duty_roster``, in the bureau 安全应急科), in one rule:
``keeps_roster``."""

import datetime

from django.db import models
from django.db.models import Q


def keeps_roster(user) -> bool:
    """Administrators, and staff and unit heads of a unit that keeps the duty roster."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_administrator or user.keeps_duty_roster


class _EmergencyQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """``view``: every active bureau user. ``change``: see ``keeps_roster``."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if action == "view":
            return self
        if action == "change" and keeps_roster(user):
            return self
        return self.none()


class DutyAssignmentQuerySet(_EmergencyQuerySet):
    def in_month(self, year: int, month: int):
        first = datetime.date(year, month, 1)
        following = datetime.date(year + month // 12, month % 12 + 1, 1)
        return self.filter(date__gte=first, date__lt=following)

    def for_list(self):
        return self.select_related("person", "person__unit")


class SpecialPeriodQuerySet(_EmergencyQuerySet):
    def overlapping(self, first: datetime.date, last: datetime.date):
        return self.filter(Q(start_date__lte=last) & Q(end_date__gte=first))


class DrillQuerySet(_EmergencyQuerySet):
    def for_list(self):
        return self.select_related("created_by").prefetch_related("units")
