"""Writes of the monitoring app. Every door (the admin, the imports, later the API) goes through these, so each
rule is enforced once; the imports check each row with them (``RowCheckWrites``) and then write the file's rows
together, after which ``rollup_rebuild`` brings the daily rollup up to date inside the same transaction."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.writes import Writes, check_editable, refusal
from enterprises.choices import VehicleClass
from enterprises.models import Enterprise, Vehicle

from .choices import AlarmType, HandlingStatus
from .models import Alarm, DailyRollup, Driver, VehicleDayMileage
from .querysets import may_change_drivers, may_import
from .validators import normalise_id_number

DRIVER_FIELDS = (
    "name",
    "id_number",
    "certificate_number",
    "qualification_class",
    "qualification_expires_on",
    "enterprise",
    "status",
)
NIGHT_START_HOUR = 2  # 客车凌晨 2–5 点: a passenger vehicle running from 02:00 to 05:00 (Asia/Shanghai)
NIGHT_END_HOUR = 5


def handling_limit() -> datetime.timedelta:
    """How soon after it starts an alarm must be handled to count for 处置率 (``MONITORING_HANDLING_MINUTES``)."""
    return datetime.timedelta(minutes=settings.MONITORING_HANDLING_MINUTES)


# Drivers ------------------------------------------------------------------------------------------------------


def _normalise_driver(values: dict) -> dict:
    values = dict(values)
    if "id_number" in values:
        values["id_number"] = normalise_id_number(values["id_number"])
    for field in ("name", "certificate_number"):
        if isinstance(values.get(field), str):
            values[field] = values[field].strip()
    return values


def driver_create(*, user, enterprise: Enterprise, writes: Writes | None = None, **values) -> Driver:
    """Register a driver of an enterprise whose monitoring data the user may change."""
    writes = writes or Writes()
    check_editable(values, DRIVER_FIELDS)
    if not may_change_drivers(user, enterprise):
        raise refusal(_("You may not register drivers for this enterprise."), field="enterprise")
    driver = Driver(enterprise=enterprise, **_normalise_driver(values))
    with writes.atomic(user):
        writes.clean(driver)
        writes.save(driver)
    return driver


def driver_update(*, user, driver: Driver, writes: Writes | None = None, **changes) -> Driver:
    """Change a driver; moving them to another enterprise needs the right to change drivers of both."""
    writes = writes or Writes()
    check_editable(changes, DRIVER_FIELDS)
    writes.require(user, "change", driver, _("You may not change this driver."))
    new_enterprise = changes.get("enterprise")
    if new_enterprise is not None and not may_change_drivers(user, new_enterprise):
        raise refusal(_("You may not move drivers to this enterprise."), field="enterprise")
    changes = _normalise_driver(changes)
    with writes.atomic(user):
        driver = writes.lock(driver)
        for field, value in changes.items():
            setattr(driver, field, value)
        writes.clean(driver)
        writes.save(driver)
    return driver


# Alarms and mileage -----------------------------------------------------------------------------------------------


def check_alarm_rules(alarm: Alarm) -> None:
    """An alarm ends and is handled after it starts; a handled alarm says when (as the constraints keep it)."""
    errors = {}
    if alarm.started_at and alarm.ended_at and alarm.ended_at < alarm.started_at:
        errors["ended_at"] = _("An alarm cannot end before it starts.")
    if alarm.started_at and alarm.handled_at and alarm.handled_at < alarm.started_at:
        errors["handled_at"] = _("An alarm cannot be handled before it starts.")
    if alarm.handling_status == HandlingStatus.HANDLED and alarm.handled_at is None:
        errors["handled_at"] = _("A handled alarm needs the time it was handled.")
    if errors:
        raise ValidationError(errors)


def alarm_record(*, user, alarm: Alarm, writes: Writes | None = None) -> Alarm:
    """Record (or update the handling of) an alarm from the monitoring platform, and its day's rollup."""
    writes = writes or Writes()
    if not may_import(user):
        raise refusal(_("You may not bring in monitoring data."))
    check_alarm_rules(alarm)
    with writes.atomic(user):
        writes.clean(alarm)
        writes.save(alarm)
        writes.save_parts(lambda: rollup_rebuild(keys=[(alarm.vehicle_id, alarm_day(alarm.started_at))]))
    return alarm


def mileage_record(*, user, mileage: VehicleDayMileage, writes: Writes | None = None) -> VehicleDayMileage:
    """Record (or correct) a vehicle's kilometres on a day, and the day's rollup."""
    writes = writes or Writes()
    if not may_import(user):
        raise refusal(_("You may not bring in monitoring data."))
    with writes.atomic(user):
        writes.clean(mileage)
        writes.save(mileage)
        writes.save_parts(lambda: rollup_rebuild(keys=[(mileage.vehicle_id, mileage.day)]))
    return mileage


# The daily rollup ---------------------------------------------------------------------------------------------------


def alarm_day(moment: datetime.datetime) -> datetime.date:
    """The day (Asia/Shanghai) an alarm that starts at ``moment`` counts on."""
    return timezone.localtime(moment).date()


def is_night(moment: datetime.datetime) -> bool:
    return NIGHT_START_HOUR <= timezone.localtime(moment).hour < NIGHT_END_HOUR


def day_bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of ``first`` to the end of ``last`` (exclusive), in Asia/Shanghai."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def rollup_rebuild(*, keys: Iterable[tuple[int, datetime.date]]) -> int:
    """Recompute the daily rollups of the vehicles in ``keys`` (vehicle id, day) over the days from the first to
    the last of them, from the alarms and the mileage: five queries whatever the number of keys. Call inside the
    transaction that changed them. Returns the number of rollup rows written."""
    keys = list(keys)
    if not keys:
        return 0
    vehicle_ids = {vehicle_id for vehicle_id, _day in keys}
    first, last = min(day for _v, day in keys), max(day for _v, day in keys)
    start, end = day_bounds(first, last)
    vehicles = dict(Vehicle.objects.filter(pk__in=vehicle_ids).values_list("pk", "enterprise_id"))
    passenger = set(
        Vehicle.objects.filter(pk__in=vehicle_ids, vehicle_class__in=VehicleClass.passenger()).values_list(
            "pk", flat=True
        )
    )
    limit = handling_limit()
    rows: dict[tuple, dict] = defaultdict(
        lambda: {"km": Decimal("0"), "alarms": 0, "handled": 0, "handled_in_time": 0, "by_type": {}, "night": False}
    )
    mileage = VehicleDayMileage.objects.filter(vehicle_id__in=vehicle_ids, day__gte=first, day__lte=last)
    for vehicle_id, driver_id, day, km in mileage.values_list("vehicle_id", "driver_id", "day", "km"):
        rows[vehicle_id, driver_id, day]["km"] += km
    alarms = Alarm.objects.filter(vehicle_id__in=vehicle_ids, started_at__gte=start, started_at__lt=end)
    for vehicle_id, driver_id, alarm_type, started_at, status, handled_at in alarms.values_list(
        "vehicle_id", "driver_id", "alarm_type", "started_at", "handling_status", "handled_at"
    ):
        row = rows[vehicle_id, driver_id, alarm_day(started_at)]
        row["alarms"] += 1
        row["by_type"][alarm_type] = row["by_type"].get(alarm_type, 0) + 1
        if status == HandlingStatus.HANDLED:
            row["handled"] += 1
            if handled_at - started_at <= limit:
                row["handled_in_time"] += 1
        if vehicle_id in passenger and (alarm_type == AlarmType.NIGHT_RUNNING or is_night(started_at)):
            row["night"] = True
    DailyRollup.objects.filter(vehicle_id__in=vehicle_ids, day__gte=first, day__lte=last).delete()
    rollups = [
        DailyRollup(
            vehicle_id=vehicle_id,
            driver_id=driver_id,
            enterprise_id=vehicles[vehicle_id],
            day=day,
            km=row["km"],
            alarms=row["alarms"],
            handled=row["handled"],
            handled_in_time=row["handled_in_time"],
            by_type=row["by_type"],
            night_running=row["night"],
        )
        for (vehicle_id, driver_id, day), row in rows.items()
    ]
    DailyRollup.objects.bulk_create(rollups, batch_size=1000)
    return len(rollups)
