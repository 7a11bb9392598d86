"""A small month that the figures' tests compute by hand (times in Beijing time, UTC+8):

November 2020
- 湘A12345 (enterprise_a, a scheduled bus) with 张伟: 500 km on the 3rd and 500 km on the 4th; on the 3rd three
  fatigue alarms (handled after 10 minutes, handled after 60 minutes, not handled), on the 4th a phone alarm at
  03:00 handled after 5 minutes (the bus ran at night). 4 alarms / 1,000 km = 4.00; 处置率 2/4, 处理率 3/4.
- 湘AD12345 (enterprise_b, dangerous goods) with 李娜: 2,000 km on the 10th, two speeding alarms not handled, one
  at 03:30 (not a passenger vehicle: no night running). 2 / 2,000 km = 1.00.
November 2019
- 湘A12345 with 张伟: 1,000 km on the 5th and 8 fatigue alarms. 8.00.
"""

import datetime

from monitoring import services
from monitoring.models import Alarm, VehicleDayMileage

BEIJING = datetime.timezone(datetime.timedelta(hours=8))
NOVEMBER = datetime.date(2020, 11, 1)


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


def alarm(vehicle, driver, alarm_type, started_at, handled_after: int | None = None):
    handled = handled_after is not None
    return Alarm.objects.create(
        vehicle=vehicle,
        driver=driver,
        alarm_type=alarm_type,
        started_at=started_at,
        handling_status="handled" if handled else "pending",
        handled_at=started_at + datetime.timedelta(minutes=handled_after) if handled else None,
    )


def build(vehicle_a, driver_a, vehicle_b, driver_b) -> None:
    third, fourth, tenth = datetime.date(2020, 11, 3), datetime.date(2020, 11, 4), datetime.date(2020, 11, 10)
    VehicleDayMileage.objects.create(vehicle=vehicle_a, driver=driver_a, day=third, km=500)
    VehicleDayMileage.objects.create(vehicle=vehicle_a, driver=driver_a, day=fourth, km=500)
    alarm(vehicle_a, driver_a, "fatigue", at(third, 8), handled_after=10)
    alarm(vehicle_a, driver_a, "fatigue", at(third, 9), handled_after=60)
    alarm(vehicle_a, driver_a, "fatigue", at(third, 10))
    alarm(vehicle_a, driver_a, "phone", at(fourth, 3), handled_after=5)
    VehicleDayMileage.objects.create(vehicle=vehicle_b, driver=driver_b, day=tenth, km=2000)
    alarm(vehicle_b, driver_b, "speeding", at(tenth, 3, 30))
    alarm(vehicle_b, driver_b, "speeding", at(tenth, 14))
    last_year = datetime.date(2019, 11, 5)
    VehicleDayMileage.objects.create(vehicle=vehicle_a, driver=driver_a, day=last_year, km=1000)
    for minute in range(8):
        alarm(vehicle_a, driver_a, "fatigue", at(last_year, 12, minute))
    services.rollup_rebuild(
        keys=[(vehicle_a.pk, third), (vehicle_a.pk, fourth), (vehicle_b.pk, tenth), (vehicle_a.pk, last_year)]
    )
