"""Reads of the monitoring app: who may see which enterprise's drivers, alarms and mileage.

``view``: administrators, bureau leaders and the safety-supervising unit see every enterprise; other staff and
unit heads see the enterprises their unit supervises. ``change`` (importing the platform's exports, editing
drivers): administrators and the safety-supervising unit, and for drivers also the enterprise's supervising unit.
Everything outside reads as missing (a 404).
"""

import calendar
import datetime

from django.db import models

from enterprises.models import Enterprise


def month_end(month: datetime.date) -> datetime.date:
    """The last day of ``month``'s calendar month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def may_view(user) -> bool:
    """Whether ``user`` may open the monitoring pages at all."""
    return bool(user.is_authenticated and user.is_active and (user.reads_everything or user.is_unit_member))


def may_import(user) -> bool:
    """Administrators and the safety-supervising unit bring the monitoring platform's exports in."""
    return bool(user.is_authenticated and user.is_active and (user.is_administrator or user.supervises_safety))


def may_change_drivers(user, enterprise) -> bool:
    """Administrators and the safety-supervising unit register any enterprise's drivers; other staff and unit
    heads those of the enterprises their unit supervises."""
    if not (user.is_authenticated and user.is_active) or enterprise is None:
        return False
    if user.is_administrator or user.supervises_safety:
        return True
    return user.is_unit_member and enterprise.supervising_unit_id == user.unit_id


def visible_enterprises(user):
    """The enterprises whose monitoring data ``user`` may see."""
    return restrict_by_enterprise(Enterprise.objects.all(), user, "view", "")


def restrict_by_enterprise(queryset, user, action: str, enterprise_field: str):
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if user.is_administrator or user.supervises_safety:
        return queryset
    if action == "view":
        if user.is_leader:
            return queryset
        if user.is_unit_member:
            prefix = f"{enterprise_field}__" if enterprise_field else ""
            return queryset.filter(**{f"{prefix}supervising_unit_id": user.unit_id})
    return queryset.none()


def restrict_to_supervisors(queryset, user, action: str):
    """As ``restrict_by_enterprise`` over the ``enterprise`` field, and ``change`` also for the staff of the
    enterprise's supervising unit (drivers, supervision notices' replies)."""
    if action == "change" and user.is_authenticated and user.is_active and user.is_unit_member:
        if not user.supervises_safety:
            return queryset.filter(enterprise__supervising_unit_id=user.unit_id)
    return restrict_by_enterprise(queryset, user, action, "enterprise")


class DriverQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict_to_supervisors(self, user, action)

    def qualification_expiring(self, start, end):
        return self.filter(qualification_expires_on__gte=start, qualification_expires_on__lte=end)

    def for_list(self):
        return self.select_related("enterprise").order_by("enterprise__name", "name", "pk")


class AlarmQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict_by_enterprise(self, user, action, "vehicle__enterprise")

    def for_list(self):
        return self.select_related("vehicle__enterprise", "driver").order_by("-started_at", "-pk")


class MileageQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict_by_enterprise(self, user, action, "vehicle__enterprise")


class RollupQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict_by_enterprise(self, user, action, "enterprise")

    def in_month(self, month):
        """The rollups of the calendar month starting on ``month`` (a date, day 1)."""
        return self.filter(day__gte=month, day__lte=month_end(month))


class SupervisionNoticeQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return restrict_to_supervisors(self, user, action)

    def awaiting_reply(self):
        return self.filter(replied_on__isnull=True)

    def for_list(self):
        return self.select_related("enterprise").order_by("-month", "pk")
