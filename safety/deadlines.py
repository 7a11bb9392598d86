"""The hazard register's deadlines, declared to the reminders app (``reminders.registry``): open hazards by their
rectification deadline; hazards closed in a week and new major hazards for the weekly leadership digest."""

from django.utils.translation import gettext_lazy as _

from reminders.registry import Deadline, DeadlineSource, DigestSection, url_maker

from .choices import HazardLevel, HazardStatus
from .models import Hazard

FIELDS = ("pk", "code", "location", "deadline", "responsible_unit_id")


def _rows(queryset, order=()):
    url = url_maker("safety:hazard_detail")
    for pk, code, location, deadline, unit_id in (
        queryset.values_list(*FIELDS).order_by(*order).iterator(chunk_size=5000)
    ):
        yield Deadline(str(pk), f"{code} {location}", deadline, unit_id, url(pk))


def open_hazards(*, today, last_day):
    return _rows(Hazard.objects.filter(status__in=HazardStatus.open(), deadline__lte=last_day))


def hazards_closed(first, last):
    return _rows(
        Hazard.objects.filter(status=HazardStatus.CLOSED, closed_at__date__range=(first, last)), ("closed_at",)
    )


def new_major_hazards(first, last):
    return _rows(Hazard.objects.filter(level=HazardLevel.MAJOR, found_on__range=(first, last)), ("found_on", "pk"))


SOURCES = [
    DeadlineSource(key="safety.hazard", label=_("Hazard rectification"), items=open_hazards, completed=hazards_closed)
]
DIGEST_SECTIONS = [DigestSection(key="safety.new_major", title=_("New major hazards"), rows=new_major_hazards)]
