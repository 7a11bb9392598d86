"""Reads of the inspections app and who may do what.

- Every active bureau user reads inspections and draws; anyone at all (no login) reads the published draws.
- ``inspects(user)``: administrators, and staff and heads of a law-enforcement unit (``Unit.enforces_law``: in the
  bureau the enforcement brigade, the road transport service centre and the construction quality station), make
  inspections and draws.
- ``change`` on an inspection (edit, findings, hazards from findings): administrators, and the members of its
  lead unit while that unit enforces the law.
- The inspector pool and conflicts are managed by administrators in the admin site.
"""

import datetime

from django.db import models
from django.utils import timezone


def inspects(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_administrator or user.enforces_law


class InspectionQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if action == "view" or (user.is_administrator and action == "change"):
            return self
        if action == "change" and user.is_unit_member:
            return self.filter(lead_unit_id=user.unit_id, lead_unit__enforces_law=True)
        return self.none()

    def for_list(self):
        return self.select_related("lead_unit", "draw").prefetch_related("inspectors", "enterprises", "projects")


class FindingQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        from .models import Inspection

        return self.filter(inspection__in=Inspection.objects.restrict(user, action))


class DrawQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """``view``: every active user. ``use`` (turn the draw into inspections): administrators and the members
        of the draw's lead unit while it inspects. Nobody may change a draw."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if action == "view":
            return self
        if action == "use" and inspects(user):
            return self if user.is_administrator else self.filter(lead_unit_id=user.unit_id)
        return self.none()

    def made_in_month(self, month: datetime.date):
        """The draws made in the calendar month of ``month`` (local time, Asia/Shanghai): a range on ``made_at``,
        so its index serves it."""
        first = month.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return self.filter(
            made_at__gte=timezone.make_aware(datetime.datetime.combine(first, datetime.time.min)),
            made_at__lt=timezone.make_aware(datetime.datetime.combine(following, datetime.time.min)),
        )

    def published(self):
        """What the public page shows: every draw (a draw is public from the moment it is made)."""
        return self.select_related("lead_unit", "township")


class InspectorQuerySet(models.QuerySet):
    def pool(self):
        """The inspectors a draw picks from: active ones whose account is active."""
        return self.filter(active=True, user__is_active=True)
