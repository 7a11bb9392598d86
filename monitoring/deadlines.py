"""The monitoring app's deadlines, declared to the reminders app (``reminders.registry``): the enterprise's reply
to a supervision notice (督办) by its due date, and drivers' qualification certificates (从业资格证) from 30 days
before they expire and while they stay expired (not escalated by default, as the other certificates)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from enterprises.deadlines import OFFSETS
from reminders.registry import Deadline, DeadlineSource, url_maker

from .choices import DriverStatus
from .models import Driver, SupervisionNotice


def _notice_rows(queryset):
    url = url_maker("monitoring:notice_detail")
    label = _("reply to the supervision notice")
    rows = queryset.values_list("pk", "enterprise__name", "month", "due_on", "enterprise__supervising_unit_id")
    for pk, name, month, due_on, unit_id in rows.iterator(chunk_size=5000):
        yield Deadline(str(pk), f"{name} {month:%Y-%m} {label}", due_on, unit_id, url(pk))


def notices_awaiting_reply(*, today, last_day):
    return _notice_rows(SupervisionNotice.objects.awaiting_reply().filter(due_on__lte=last_day).order_by())


def notices_replied(first, last):
    return _notice_rows(SupervisionNotice.objects.filter(replied_on__range=(first, last)).order_by("replied_on", "pk"))


def expiring_qualifications(*, today, last_day):
    label = _("qualification certificate expires")
    url = reverse("monitoring:alarm_list")  # the driver's page: their alarms
    rows = Driver.objects.filter(status=DriverStatus.ACTIVE, qualification_expires_on__lte=last_day).values_list(
        "pk", "name", "enterprise__name", "qualification_expires_on", "enterprise__supervising_unit_id"
    )
    for pk, name, enterprise, expires, unit_id in rows.order_by().iterator(chunk_size=5000):
        yield Deadline(str(pk), f"{enterprise} {name} {label}", expires, unit_id, f"{url}?driver={pk}")


SOURCES = [
    DeadlineSource(
        key="monitoring.notice",
        label=_("Replies to supervision notices"),
        items=notices_awaiting_reply,
        completed=notices_replied,
    ),
    DeadlineSource(
        key="monitoring.qualification",
        label=_("Drivers' qualification certificates"),
        items=expiring_qualifications,
        offsets=OFFSETS,
        escalate_after=0,
    ),
]
