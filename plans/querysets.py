"""Reads of the plans app: who may see or change what, and the derived facts lists need.

Every queryset a user reaches goes through ``restrict(user, action)``; an object outside it is a 404.
"""

import datetime

from django.db import models
from django.db.models import Avg, BooleanField, Case, Count, Q, Value, When
from django.db.models.functions import Coalesce

from core import clock
from core.choices import ReviewState
from core.models import MonthlyReviewQuerySet

from .choices import MeasureStatus


def _today(today: datetime.date | None) -> datetime.date:
    return today or clock.today()


class MeasureQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        """``view``: every active bureau user reads the plan. ``change``: administrators, and staff and unit
        heads of the measure's lead unit."""
        if not (user.is_authenticated and user.is_active):
            return self.none()
        if action == "view" or user.is_administrator:
            return self
        if action == "change" and user.is_unit_member:
            return self.filter(lead_unit_id=user.unit_id)
        return self.none()

    @staticmethod
    def overdue_q(today: datetime.date | None = None, prefix: str = "") -> Q:
        """Overdue: past its due date and still open. ``prefix`` reaches measures through a relation."""
        return Q(**{f"{prefix}due_date__lt": _today(today), f"{prefix}status__in": MeasureStatus.open()})

    def overdue(self, today: datetime.date | None = None):
        return self.filter(self.overdue_q(today))

    def with_overdue(self, today: datetime.date | None = None):
        """Annotate ``overdue`` (derived from due date and status, never stored)."""
        return self.annotate(
            overdue=Case(
                When(self.overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )

    def for_list(self):
        return self.select_related("key_task__plan", "lead_unit", "responsible_leader")


class KeyTaskQuerySet(models.QuerySet):
    def with_summary(self, today: datetime.date | None = None):
        """Per key task: measures in all, completed, overdue, and their average progress (one query)."""
        return self.annotate(
            measure_count=Count("measures"),
            completed_count=Count("measures", filter=Q(measures__status=MeasureStatus.COMPLETED)),
            overdue_count=Count("measures", filter=MeasureQuerySet.overdue_q(today, prefix="measures__")),
            average_progress=Coalesce(Avg("measures__progress"), 0.0),
        )


class ProgressReportQuerySet(MonthlyReviewQuerySet):
    """A progress report's unit is its measure's lead unit; readers other than the lead unit, the author,
    administrators and leaders see the accepted reports only (``MonthlyReviewQuerySet.restrict``)."""

    unit_lookup = "measure__lead_unit_id"
    public_states = (ReviewState.ACCEPTED,)

    def for_list(self):
        return self.select_related("measure__key_task__plan", "measure__lead_unit", "author", "reviewed_by")
