"""When an item is reminded: pure functions of its due date, today and its rule, on the working-day calendar.

- Before the due date: one reminder per offset (default 7, 3, 1 and 0 days before). A reminder that would fall on
  a holiday or a weekend goes out on the working day before. The reminder sent is the latest one whose day has
  come, keyed by that day: a scan that missed days (beat or Redis down) sends the one still relevant, once, and
  never the ones it superseded.
- After the due date, while the item is open: an overdue reminder on the 1st working day late, then every
  ``overdue_every`` working days, keyed by its nominal day (catch-up sends the latest one, once).
- Overdue for more than ``escalate_after`` working days: escalated once (to the unit head and the overseeing
  leader), keyed by the day it became due.

The scan runs on working days only: whatever falls on a non-working day was sent before it, or goes out on the
next working day.
"""

import datetime
from dataclasses import dataclass

from .calendar import WorkingCalendar
from .choices import ReminderKind


@dataclass(frozen=True)
class Rule:
    offsets: tuple[int, ...]  # days before the due date
    overdue_every: int  # working days between overdue reminders; 0: none
    escalate_after: int  # working days of grace before escalation; 0: never

    @property
    def lead(self) -> int:
        return max(self.offsets, default=0)


def window_end(today: datetime.date, rule: Rule, calendar: WorkingCalendar) -> datetime.date:
    """The last due date a scan on ``today`` may remind of: one whose earliest reminder would fall before the next
    working day (so a reminder moved before a holiday is not missed)."""
    return calendar.nth_after(today, 1) - datetime.timedelta(days=1) + datetime.timedelta(days=rule.lead)


def reminders_due(
    due: datetime.date, today: datetime.date, rule: Rule, calendar: WorkingCalendar
) -> tuple[tuple[str, datetime.date], ...]:
    """The (kind, day) reminders an open item due on ``due`` has on ``today`` (a working day)."""
    if today <= due:
        chosen = None
        for offset in sorted(rule.offsets, reverse=True):
            day = calendar.on_or_before(due - datetime.timedelta(days=offset))
            if day <= today and (chosen is None or day >= chosen[1]):
                chosen = (offset, day)
        if chosen is None:
            return ()
        return ((ReminderKind.DUE if chosen[0] == 0 else ReminderKind.UPCOMING, chosen[1]),)
    reminders = []
    late = calendar.count_between(due, today)
    if rule.overdue_every and late >= 1:
        step = (late - 1) // rule.overdue_every
        reminders.append((ReminderKind.OVERDUE, calendar.nth_after(due, 1 + step * rule.overdue_every)))
    if rule.escalate_after and late > rule.escalate_after:
        reminders.append((ReminderKind.ESCALATED, calendar.nth_after(due, rule.escalate_after + 1)))
    return tuple(reminders)
