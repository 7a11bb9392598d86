"""Reads of the monitoring app for its pages: the alarm list (restricted, filtered) and the drivers listed for
education."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.http import Http404

from enterprises.models import Vehicle

from .figures import previous_month
from .filters import AlarmFilterForm
from .models import Alarm, DailyRollup, Driver, Threshold
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


@dataclass
class EducationRow:
    driver: Driver
    rates: list[Decimal] = field(default_factory=list)  # alarms per 1,000 km, month by month, the oldest first


@dataclass
class EducationList:
    threshold: Threshold | None
    months: list[datetime.date]
    rows: list[EducationRow]


def education_list(*, user, month: datetime.date) -> EducationList:
    """The drivers ``user`` may see who were above the threshold in each of the ``education_months`` months up to
    ``month`` (each month judged by its own threshold, and a month without kilometres is not above it): three
    queries whatever the number of drivers."""
    thresholds = list(Threshold.objects.filter(valid_from__lte=month).order_by("-valid_from"))
    if not thresholds:
        return EducationList(threshold=None, months=[], rows=[])
    months = [month]
    for _number in range(thresholds[0].education_months - 1):
        months.insert(0, previous_month(months[0]))
    limit = {m: next((t.per_1000_km for t in thresholds if t.valid_from <= m), None) for m in months}
    rows = (
        DailyRollup.objects.restrict(user)
        .filter(driver__isnull=False, day__gte=months[0], day__lte=month_end(month))
        .annotate(month=TruncMonth("day"))
        .values("driver_id", "month")
        .annotate(km=Sum("km"), alarms=Sum("alarms"))
        .order_by()
    )
    rates: dict[int, dict] = {}
    for row in rows:
        if row["km"]:
            rate = (Decimal(row["alarms"]) / row["km"] * 1000).quantize(Decimal("0.01"))
            rates.setdefault(row["driver_id"], {})[row["month"]] = rate
    listed = {
        driver_id: by_month
        for driver_id, by_month in rates.items()
        if all(m in by_month and limit[m] is not None and by_month[m] > limit[m] for m in months)
    }
    drivers = Driver.objects.restrict(user).filter(pk__in=listed).for_list()
    return EducationList(
        threshold=thresholds[0],
        months=months,
        rows=[EducationRow(driver=d, rates=[listed[d.pk][m] for m in months]) for d in drivers],
    )
