"""Reads of the enterprises app: who may see or change what, and the derived expiry facts.

Every queryset a user reaches goes through ``restrict(user, action)``; an object outside it is a 404.
"""

import datetime

from django.db import models
from django.db.models import Count, Q

from core import clock

EXPIRY_WARNING_DAYS = 30


def _today(today: datetime.date | None) -> datetime.date:
    return today or clock.today()


def expiring_q(field: str, today: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS) -> Q:
    """Still valid today but expiring within ``days`` days (today included)."""
    today = _today(today)
    return Q(**{f"{field}__gte": today, f"{field}__lte": today + datetime.timedelta(days=days)})


def expired_q(field: str, today: datetime.date | None = None) -> Q:
    """Expired: the expiry date is before today."""
    return Q(**{f"{field}__lt": _today(today)})


def _restrict(queryset, user, action: str, unit_field: str):
    """``view``: every active bureau user reads the registers. ``change``: administrators, and staff and unit
    heads of the supervising unit."""
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if action == "view" or user.is_administrator:
        return queryset
    if action == "change" and user.is_unit_member:
        return queryset.filter(**{unit_field: user.unit_id})
    return queryset.none()


class EnterpriseQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return _restrict(self, user, action, "supervising_unit_id")

    def licence_expiring(self, today: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS):
        """Business licence still valid but expiring within ``days`` days."""
        return self.filter(expiring_q("licence_expires_on", today, days))

    def licence_expired(self, today: datetime.date | None = None):
        return self.filter(expired_q("licence_expires_on", today))

    def listed(self):
        """On the red or the black list."""
        return self.exclude(list_status="none")

    def with_vehicle_count(self):
        return self.annotate(vehicle_count=Count("vehicles", distinct=True))

    def for_list(self):
        return self.select_related("township", "supervising_unit").with_vehicle_count().order_by("name", "pk")


class VehicleQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        return _restrict(self, user, action, "enterprise__supervising_unit_id")

    def certificate_expiring(self, today: datetime.date | None = None, days: int = EXPIRY_WARNING_DAYS):
        """Road transport certificate still valid but expiring within ``days`` days."""
        return self.filter(expiring_q("certificate_expires_on", today, days))

    def certificate_expired(self, today: datetime.date | None = None):
        return self.filter(expired_q("certificate_expires_on", today))

    def in_operation(self):
        return self.filter(status="operating")

    def two_passengers_one_dangerous(self):
        """ "两客一危": scheduled buses, tour/charter buses and dangerous-goods vehicles."""
        return self.filter(vehicle_class__in=["scheduled_bus", "charter_bus", "dangerous_goods"])

    def for_list(self):
        return self.select_related("enterprise")
