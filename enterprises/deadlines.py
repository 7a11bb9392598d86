"""Certificate expiries, declared to the reminders app (``reminders.registry``): road transport certificates of
vehicles in operation and enterprises' business licences, reminded from 30 days before they expire
(``EXPIRY_WARNING_DAYS``) and while they stay expired. Not escalated by default (an administrator may change it)."""

from django.utils.translation import gettext_lazy as _

from reminders.registry import Deadline, DeadlineSource, url_maker

from .choices import VehicleStatus
from .models import Enterprise, Vehicle
from .querysets import EXPIRY_WARNING_DAYS

OFFSETS = (EXPIRY_WARNING_DAYS, 7, 1, 0)


def expiring_certificates(*, today, last_day):
    url = url_maker("enterprises:vehicle_detail")
    label = _("road transport certificate expires")
    rows = Vehicle.objects.filter(status=VehicleStatus.OPERATING, certificate_expires_on__lte=last_day).values_list(
        "pk", "plate", "certificate_expires_on", "enterprise__supervising_unit_id"
    )
    for pk, plate, expires, unit_id in rows.order_by().iterator(chunk_size=5000):
        yield Deadline(str(pk), f"{plate} {label}", expires, unit_id, url(pk))


def expiring_licences(*, today, last_day):
    url = url_maker("enterprises:enterprise_detail")
    label = _("business licence expires")
    rows = Enterprise.objects.filter(licence_expires_on__lte=last_day).values_list(
        "pk", "name", "licence_expires_on", "supervising_unit_id"
    )
    for pk, name, expires, unit_id in rows.order_by().iterator(chunk_size=5000):
        yield Deadline(str(pk), f"{name} {label}", expires, unit_id, url(pk))


SOURCES = [
    DeadlineSource(
        key="enterprises.vehicle_certificate",
        label=_("Vehicle road transport certificates"),
        items=expiring_certificates,
        offsets=OFFSETS,
        escalate_after=0,
    ),
    DeadlineSource(
        key="enterprises.licence",
        label=_("Enterprise business licences"),
        items=expiring_licences,
        offsets=OFFSETS,
        escalate_after=0,
    ),
]
