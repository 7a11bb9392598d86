"""Reads of the safety app: who may see or do what with a hazard (in one place), and the derived facts lists need.

Every queryset a user reaches goes through ``restrict(user, action)``; a hazard outside it is a 404. The rules are
``Q`` objects built by ``hazard_rule(user, action)``, so that the same rule filters lists, guards services and
annotates a detail page with the actions its user may take (``with_permissions``, one query for all of them).
"""

import datetime

from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When

from core import clock

from .choices import HazardStatus

#: Actions a user may be allowed on an existing hazard. ``view``: read it; ``change``: edit its register data and
#: five fixes (never its status); the others are the workflow's steps.
ACTIONS = ("view", "change", "start", "report", "sign_off", "verify")
WORKFLOW_ACTIONS = ("start", "report", "sign_off", "verify")


def _today(today: datetime.date | None) -> datetime.date:
    return today or clock.today()  # Asia/Shanghai (settings.TIME_ZONE)


def may_register(user) -> bool:
    """Any active bureau user may register a hazard."""
    return bool(user.is_authenticated and user.is_active)


def may_import_ledger(user) -> bool:
    """Bringing a whole ledger in, with the statuses it records: administrators and the safety-supervising unit."""
    return bool(may_register(user) and (user.is_administrator or user.supervises_safety))


def hazard_rule(user, action: str) -> Q | None:
    """The hazards ``user`` may ``action``, as a filter (None: none at all). The whole permission model:

    - ``view``: administrators, bureau leaders and the members of a unit that supervises safety
      (``Unit.supervises_safety``, in the bureau 安全应急科) read every hazard; a unit's staff and head read their
      unit's hazards (it is the responsible unit) and those they registered; anyone else those they registered.
    - ``change`` (register data and five fixes) on an open hazard: administrators; the responsible unit's
      members; the person who registered it while it awaits rectification.
    - ``start`` (待整改 → 整改中) and ``report`` (整改中 → 待验收): administrators and the responsible unit's
      members (staff or head).
    - ``sign_off`` a hazard that is or was major, awaiting verification, not yet signed off: bureau leaders (role leader) only.
    - ``verify`` (pass → 已销号, or fail → back to 整改中) a hazard awaiting verification: administrators, the
      members of a unit that supervises safety, and the head of the responsible unit — never the person who
      reported the rectification (four eyes), whatever their role.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action: {action}")
    if not (user.is_authenticated and user.is_active):
        return None
    unit_member = user.is_unit_member
    own_unit = Q(responsible_unit_id=user.unit_id) if unit_member else None
    registered = Q(found_by_id=user.pk)
    if action == "view":
        if user.reads_everything or user.supervises_safety:
            return Q()
        return own_unit | registered if own_unit is not None else registered
    if action == "change":
        open_ = Q(status__in=HazardStatus.open())
        if user.is_administrator:
            return open_
        registered_pending = registered & Q(status=HazardStatus.PENDING)
        return open_ & (own_unit | registered_pending if own_unit is not None else registered_pending)
    if action in ("start", "report"):
        status = HazardStatus.PENDING if action == "start" else HazardStatus.RECTIFYING
        if user.is_administrator:
            return Q(status=status)
        return Q(status=status) & own_unit if own_unit is not None else None
    if action == "sign_off":
        if not user.is_leader:
            return None
        return Q(status=HazardStatus.VERIFYING, ever_major=True, signed_off_at__isnull=True)
    # verify
    waiting = Q(status=HazardStatus.VERIFYING) & ~Q(rectification_reported_by_id=user.pk)
    if user.is_administrator or user.supervises_safety:
        return waiting
    if user.is_unit_head:
        return waiting & own_unit
    return None


class HazardQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view"):
        rule = hazard_rule(user, action)
        return self.none() if rule is None else self.filter(rule)

    def with_permissions(self, user):
        """Annotate ``may_<action>`` for every action but view (one query answers them all)."""
        annotations = {}
        for action in ACTIONS[1:]:
            rule = hazard_rule(user, action)
            annotations[f"may_{action}"] = (
                Value(False, output_field=BooleanField())
                if rule is None
                else Case(When(rule, then=Value(True)), default=Value(False), output_field=BooleanField())
            )
        return self.annotate(**annotations)

    @staticmethod
    def overdue_q(today: datetime.date | None = None, prefix: str = "") -> Q:
        """Overdue: still open and its deadline has passed (today in Asia/Shanghai). Derived, never stored."""
        return Q(**{f"{prefix}deadline__lt": _today(today), f"{prefix}status__in": HazardStatus.open()})

    def overdue(self, today: datetime.date | None = None):
        return self.filter(self.overdue_q(today))

    def with_overdue(self, today: datetime.date | None = None):
        return self.annotate(
            overdue=Case(
                When(self.overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )

    def open(self):
        return self.filter(status__in=HazardStatus.open())

    def for_year(self, year: int):
        """Hazards found in ``year`` (a hazard's year is the year of its found date, as in its code)."""
        return self.filter(found_on__gte=datetime.date(year, 1, 1), found_on__lte=datetime.date(year, 12, 31))

    def for_list(self):
        return self.select_related("township", "responsible_unit", "enterprise", "project", "vehicle", "found_by")
