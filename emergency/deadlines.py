"""Emergency duty, declared to the reminders app (``reminders.registry``): the person on duty is reminded the
working day before (``offsets=(1,)``; a duty on a holiday, on the working day before the holiday). A duty is never
overdue nor escalated."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from reminders.registry import Deadline, DeadlineSource

from .choices import DutyRole
from .models import DutyAssignment


def coming_duties(*, today, last_day):
    roles = dict(DutyRole.choices)
    label = _("on duty")
    rows = DutyAssignment.objects.filter(date__range=(today, last_day)).values_list(
        "pk", "date", "role", "person_id", "person__unit_id"
    )
    for pk, day, role, person_id, unit_id in rows.order_by("date", "pk"):
        url = reverse("emergency:roster_day", args=[day.isoformat()])
        yield Deadline(str(pk), f"{day:%Y-%m-%d} {roles[role]} {label}", day, unit_id, url, (person_id,))


SOURCES = [
    DeadlineSource(
        key="emergency.duty",
        label=_("Emergency duty"),
        items=coming_duties,
        offsets=(1,),
        overdue_every=0,
        escalate_after=0,
        notify_unit=False,
    )
]
