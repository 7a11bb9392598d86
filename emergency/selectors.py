"""Reads for the roster pages: a month as rows of days, in a fixed number of queries."""

import datetime
from dataclasses import dataclass, field

from .choices import DutyRole
from .models import DutyAssignment, SpecialPeriod
from .services import month_days


@dataclass
class RosterDay:
    date: datetime.date
    periods: list = field(default_factory=list)
    leader: DutyAssignment | None = None
    staff: list = field(default_factory=list)

    @property
    def is_weekend(self) -> bool:
        return self.date.weekday() >= 5


def roster_month(user, year: int, month: int) -> tuple[list[RosterDay], list[SpecialPeriod]]:
    """The month's days with their duties and special periods (two queries)."""
    days = {day: RosterDay(date=day) for day in month_days(year, month)}
    first, last = min(days), max(days)
    periods = list(SpecialPeriod.objects.restrict(user).overlapping(first, last).order_by("start_date"))
    for day in days.values():
        day.periods = [period for period in periods if period.covers(day.date)]
    for duty in DutyAssignment.objects.restrict(user).in_month(year, month).for_list():
        if duty.role == DutyRole.LEADER:
            days[duty.date].leader = duty
        else:
            days[duty.date].staff.append(duty)
    return list(days.values()), periods
