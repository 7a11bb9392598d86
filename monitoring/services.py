"""Writes of the monitoring app. Every door (the admin, the imports, later the API) goes through these, so each
rule is enforced once; the imports check each row with them (``RowCheckWrites``) and then write the file's rows
together, after which ``rollup_rebuild`` brings the daily rollup up to date inside the same transaction."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import clock
from core.imports.copy_insert import insert_instances
from core.writes import Writes, check_editable, refusal
from enterprises.choices import VehicleClass
from enterprises.models import Enterprise, Vehicle

from . import figures
from .choices import AlarmType, HandlingStatus
from .models import Alarm, DailyRollup, Driver, SupervisionNotice, Threshold, VehicleDayMileage
from .querysets import may_change_drivers, may_import, month_end
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


# Alarms in bulk (PostgreSQL) ------------------------------------------------------------------------------------

STAGING = "monitoring_alarm_staging"
TOUCHED = "monitoring_alarm_touched"


def alarm_staging_start() -> None:
    """Open the staging tables of an alarm import (PostgreSQL; temporary, dropped when its transaction ends):
    the checked alarms go to the first with COPY, the vehicles and days written to the second."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} (LIKE {Alarm._meta.db_table} INCLUDING DEFAULTS) "
            "ON COMMIT DROP"
        )
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {TOUCHED} (vehicle_id bigint, day date) ON COMMIT DROP")
        cursor.execute(f"TRUNCATE {STAGING}, {TOUCHED}")


def alarm_staging_insert(alarms: list[Alarm]) -> list[Alarm]:
    """Write checked new alarms (PostgreSQL, after ``alarm_staging_start``): COPY into the staging table, then
    into the alarms, an alarm already recorded (the same vehicle, type and start: a repeat in the file, or one
    recorded meanwhile) merged into it. Returns the alarms inserted."""
    insert_instances(Alarm, alarms, table=STAGING)
    table = Alarm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH inserted AS (INSERT INTO {table} SELECT * FROM {STAGING} "
            "ON CONFLICT (vehicle_id, alarm_type, started_at) DO NOTHING RETURNING id, vehicle_id, started_at), "
            f"touched AS (INSERT INTO {TOUCHED} SELECT DISTINCT vehicle_id, (started_at AT TIME ZONE %s)::date "
            "FROM inserted) SELECT id FROM inserted",
            [settings.TIME_ZONE],
        )
        inserted = {pk for (pk,) in cursor.fetchall()}
        cursor.execute(f"TRUNCATE {STAGING}")
    return [alarm for alarm in alarms if alarm.pk in inserted]


def alarm_staging_touched() -> list[tuple[int, datetime.date]]:
    """(vehicle id, day) keys for ``rollup_rebuild`` covering the vehicles and days the import wrote: each
    vehicle's first and last day, and each day once (not every pair: a million alarms touch ~600,000)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT vehicle_id, min(day) FROM {TOUCHED} GROUP BY 1 UNION SELECT vehicle_id, max(day) FROM {TOUCHED} "
            f"GROUP BY 1 UNION SELECT min(vehicle_id), day FROM {TOUCHED} GROUP BY 2"
        )
        return cursor.fetchall()


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
    the last of them, from the alarms and the mileage: a few queries whatever the number of keys (on PostgreSQL
    two statements, the rollups computed in the database, as an import of a million alarms needs). Call inside
    the transaction that changed them. Returns the number of rollup rows written."""
    keys = list(keys)
    if not keys:
        return 0
    vehicle_ids = {vehicle_id for vehicle_id, _day in keys}
    first, last = min(day for _v, day in keys), max(day for _v, day in keys)
    if connection.vendor == "postgresql":
        return _rollup_rebuild_sql(vehicle_ids, first, last)
    return _rollup_rebuild_python(vehicle_ids, first, last)


def _rollup_rebuild_python(vehicle_ids: set[int], first: datetime.date, last: datetime.date) -> int:
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


#: The rollups of ``_rollup_rebuild_python`` computed by PostgreSQL: the same rows (a day in ``zone``; handled in
#: time within ``limit``; a passenger vehicle's night-running alarm or alarm starting from 02:00 to 05:00).
_ROLLUP_SQL = """
WITH counted AS (
    SELECT vehicle_id, driver_id, (started_at AT TIME ZONE %(zone)s)::date AS day, alarm_type, count(*) AS alarms,
           count(*) FILTER (WHERE handling_status = %(handled)s) AS handled,
           count(*) FILTER (WHERE handling_status = %(handled)s AND handled_at - started_at <= %(limit)s)
               AS handled_in_time,
           bool_or(alarm_type = %(night_type)s OR extract(hour FROM started_at AT TIME ZONE %(zone)s)
               BETWEEN %(night_start)s AND %(night_end)s - 1) AS night
    FROM {alarm}
    WHERE vehicle_id = ANY(%(vehicles)s) AND started_at >= %(start)s AND started_at < %(end)s
    GROUP BY 1, 2, 3, 4
), alarms AS (
    SELECT vehicle_id, driver_id, day, sum(alarms) AS alarms, sum(handled) AS handled,
           sum(handled_in_time) AS handled_in_time, jsonb_object_agg(alarm_type, alarms) AS by_type,
           bool_or(night) AS night
    FROM counted GROUP BY 1, 2, 3
), mileage AS (
    SELECT vehicle_id, driver_id, day, sum(km) AS km
    FROM {mileage}
    WHERE vehicle_id = ANY(%(vehicles)s) AND day BETWEEN %(first)s AND %(last)s
    GROUP BY 1, 2, 3
)
INSERT INTO {rollup} (vehicle_id, driver_id, enterprise_id, day, km, alarms, handled, handled_in_time, by_type,
                      night_running)
SELECT vehicle.id, coalesce(alarms.driver_id, mileage.driver_id), vehicle.enterprise_id,
       coalesce(alarms.day, mileage.day), coalesce(mileage.km, 0), coalesce(alarms.alarms, 0),
       coalesce(alarms.handled, 0), coalesce(alarms.handled_in_time, 0), coalesce(alarms.by_type, '{{}}'),
       coalesce(alarms.night, false) AND vehicle.vehicle_class = ANY(%(passenger)s)
FROM alarms
FULL JOIN mileage ON mileage.vehicle_id = alarms.vehicle_id AND mileage.day = alarms.day
    AND coalesce(mileage.driver_id, 0) = coalesce(alarms.driver_id, 0)
JOIN {vehicle} vehicle ON vehicle.id = coalesce(alarms.vehicle_id, mileage.vehicle_id)
"""


def _rollup_rebuild_sql(vehicle_ids: set[int], first: datetime.date, last: datetime.date) -> int:
    start, end = day_bounds(first, last)
    vehicles = sorted(vehicle_ids)
    DailyRollup.objects.filter(vehicle_id__in=vehicles, day__gte=first, day__lte=last).delete()
    sql = _ROLLUP_SQL.format(
        alarm=Alarm._meta.db_table,
        mileage=VehicleDayMileage._meta.db_table,
        rollup=DailyRollup._meta.db_table,
        vehicle=Vehicle._meta.db_table,
    )
    params = {
        "zone": settings.TIME_ZONE,
        "handled": HandlingStatus.HANDLED.value,
        "limit": handling_limit(),
        "night_type": AlarmType.NIGHT_RUNNING.value,
        "night_start": NIGHT_START_HOUR,
        "night_end": NIGHT_END_HOUR,
        "vehicles": vehicles,
        "start": start,
        "end": end,
        "first": first,
        "last": last,
        "passenger": list(VehicleClass.passenger()),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# Thresholds and supervision notices (督办) ---------------------------------------------------------------------------

THRESHOLD_FIELDS = ("valid_from", "per_1000_km", "reply_days", "education_months")


def threshold_save(*, user, threshold: Threshold | None = None, writes: Writes | None = None, **values) -> Threshold:
    """Set (or change) a 督办 threshold: administrators only. ``valid_from`` is taken as its month's first day."""
    writes = writes or Writes()
    check_editable(values, THRESHOLD_FIELDS)
    if not (user.is_authenticated and user.is_active and user.is_administrator):
        raise refusal(_("Only administrators set the supervision thresholds."))
    if values.get("valid_from") is not None:
        values["valid_from"] = values["valid_from"].replace(day=1)
    with writes.atomic(user):
        threshold = Threshold() if threshold is None else writes.lock(threshold)
        for field, value in values.items():
            setattr(threshold, field, value)
        writes.clean(threshold)
        writes.save(threshold)
    return threshold


def threshold_for(month: datetime.date) -> Threshold | None:
    """The threshold in force in ``month`` (the latest that starts on or before it), if any."""
    return Threshold.objects.filter(valid_from__lte=month.replace(day=1)).order_by("-valid_from").first()


def notices_issue(*, month: datetime.date, user=None, writes: Writes | None = None) -> list[SupervisionNotice]:
    """Issue a supervision notice to each enterprise above the threshold in ``month`` that has none for it yet.
    Idempotent: a second run issues nothing new (and two at once issue each notice once, by the unique
    constraint). Run by the imports for the closed months they touched and daily by ``monitoring.notices_sweep``;
    ``user`` is whoever caused the run (None: the schedule). Returns the notices issued."""
    writes = writes or Writes()
    month = month.replace(day=1)
    threshold = threshold_for(month)
    if threshold is None:
        return []
    already = set(SupervisionNotice.objects.filter(month=month).values_list("enterprise_id", flat=True))
    due_on = clock.today() + datetime.timedelta(days=threshold.reply_days)
    issued = []
    with writes.atomic(user):
        for figure in figures.by(month=month, dimension="enterprise", rollups=DailyRollup.objects.all()):
            enterprise_id = figure.alarm_query["enterprise"]
            rate = figure.per_1000_km
            if enterprise_id in already or rate is None or rate <= threshold.per_1000_km:
                continue
            notice = SupervisionNotice(
                enterprise_id=enterprise_id,
                month=month,
                km=figure.km,
                alarms=figure.alarms,
                per_1000_km=rate,
                threshold=threshold.per_1000_km,
                due_on=due_on,
            )
            try:
                with transaction.atomic():  # another run issuing the same notice at the same moment: theirs stands
                    writes.save(notice)
            except IntegrityError:
                continue
            issued.append(notice)
    return issued


def closed_months(days: Iterable[datetime.date]) -> list[datetime.date]:
    """The months of ``days`` that have ended (before today), in order: the ones notices are issued for."""
    today = clock.today()
    return sorted({day.replace(day=1) for day in days if month_end(day) < today})


def imported(*, keys: Iterable[tuple[int, datetime.date]], user) -> None:
    """After an import wrote alarms or mileage of ``keys`` ((vehicle id, day)), in its transaction: their daily
    rollups rebuilt, and the ended months they touch checked against the 督办 threshold (``notices_issue``)."""
    keys = list(keys)
    rollup_rebuild(keys=keys)
    for month in closed_months(day for _vehicle, day in keys):
        notices_issue(month=month, user=user)


def notices_sweep() -> int:
    """The daily run: the notices of last month (the platform's exports of a month arrive after it ends) and of
    the month before (a late import). Returns how many were issued."""
    last_month = (clock.today().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    before = (last_month - datetime.timedelta(days=1)).replace(day=1)
    return sum(len(notices_issue(month=month)) for month in (before, last_month))


def notice_reply_record(
    *, user, notice: SupervisionNotice, reply: str, replied_on: datetime.date, writes: Writes | None = None
) -> SupervisionNotice:
    """Record the enterprise's reply to a supervision notice (or correct it): the staff of the enterprise's
    supervising unit, the safety-supervising unit and administrators."""
    writes = writes or Writes()
    writes.require(user, "change", notice, _("You may not record replies to this notice."))
    reply = (reply or "").strip()
    errors = {}
    if not reply:
        errors["reply"] = _("Write the enterprise's reply.")
    if replied_on is None:
        errors["replied_on"] = _("Give the date of the reply.")
    elif replied_on > clock.today():
        errors["replied_on"] = _("A reply cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    with writes.atomic(user):
        notice = writes.lock(notice)
        notice.reply, notice.replied_on, notice.reply_recorded_by = reply, replied_on, user
        writes.clean(notice)
        writes.save(notice)
    return notice
