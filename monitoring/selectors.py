"""Reads of the monitoring app for its pages: the alarm list (restricted, filtered)."""

from dataclasses import dataclass

from django.http import Http404

from enterprises.models import Vehicle

from .filters import AlarmFilterForm
from .models import Alarm, Driver
from .querysets import month_end, restrict_by_enterprise
from .services import day_bounds


@dataclass
class AlarmList:
    form: AlarmFilterForm
    queryset: object
    vehicle: Vehicle | None = None
    driver: Driver | None = None


def alarm_list(*, user, params) -> AlarmList:
    """The alarms ``user`` may see, filtered by ``params`` (month, enterprise, type, handling, vehicle, driver).
    A vehicle, driver or enterprise the user may not see reads as missing (Http404)."""
    form = AlarmFilterForm(params, user=user)
    alarms = Alarm.objects.restrict(user).for_list()
    if not form.is_valid():
        if "enterprise" in form.errors or "vehicle" in form.errors or "driver" in form.errors:
            raise Http404
        return AlarmList(form=form, queryset=alarms.none())
    data = form.cleaned_data
    result = AlarmList(form=form, queryset=alarms)
    if data["month"]:
        start, end = day_bounds(data["month"], month_end(data["month"]))
        alarms = alarms.filter(started_at__gte=start, started_at__lt=end)
    if data["enterprise"]:
        alarms = alarms.filter(vehicle__enterprise=data["enterprise"])
    if data["alarm_type"]:
        alarms = alarms.filter(alarm_type=data["alarm_type"])
    if data["handling_status"]:
        alarms = alarms.filter(handling_status=data["handling_status"])
    if data["vehicle"] is not None:
        result.vehicle = Vehicle.objects.filter(pk=data["vehicle"], pk__in=_visible_vehicles(user)).first()
        if result.vehicle is None:
            raise Http404
        alarms = alarms.filter(vehicle=result.vehicle)
    if data["driver"] is not None:
        result.driver = Driver.objects.restrict(user).filter(pk=data["driver"]).first()
        if result.driver is None:
            raise Http404
        alarms = alarms.filter(driver=result.driver)
    result.queryset = alarms
    return result


def _visible_vehicles(user):
    """The vehicles whose monitoring data ``user`` may see (a subquery)."""
    return restrict_by_enterprise(Vehicle.objects.all(), user, "view", "enterprise").values("pk")
