"""Demo drivers (valid ID numbers, check character computed) of the demo passenger and dangerous goods vehicles,
a 督办 threshold, and a month of the monitoring platform's exports for them — last month, as the county receives
it after the month ends: the vehicle-day mileage and the alarm detail, generated from a seeded random (the same
month gives the same files), written as the platform writes them (GBK CSV with a title line) and brought in by the
same import as a real file, as the demo administrator, so the rollups, figures and supervision notices follow.
Idempotent: a month whose demo alarms are in place is not imported again."""

import csv
import datetime
import io
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import translation

from core import clock
from core.demo import upsert
from core.imports.runner import run_import
from enterprises.choices import VehicleClass, VehicleStatus
from enterprises.models import Vehicle

from .choices import AlarmType, QualificationClass
from .figures import previous_month
from .models import Alarm, Driver, Threshold
from .querysets import month_end
from .resources import ALARM_TYPE_SYNONYMS, AlarmResource, MileageResource
from .services import day_bounds
from .validators import id_check_character

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗郑梁谢宋唐"
GIVEN_NAMES = ("伟", "芳", "敏", "静", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "建华", "志强", "海波",
               "建军", "国平", "春生", "小龙", "德明", "湘军", "立新", "红兵")  # fmt: skip
# Alarm types the platform raises, with their weights: a passenger vehicle's, a dangerous goods vehicle's.
PASSENGER_ALARMS = {
    AlarmType.FATIGUE: 30, AlarmType.PHONE: 14, AlarmType.SMOKING: 10, AlarmType.SEAT_BELT: 8,
    AlarmType.DISTRACTION: 18, AlarmType.SPEEDING: 12, AlarmType.OVERTIME: 5, AlarmType.OVERLOADING: 2,
    AlarmType.DRIVER_IDENTITY: 1,
}  # fmt: skip
GOODS_ALARMS = {
    AlarmType.FATIGUE: 26, AlarmType.PHONE: 10, AlarmType.SMOKING: 12, AlarmType.SEAT_BELT: 6,
    AlarmType.DISTRACTION: 16, AlarmType.SPEEDING: 14, AlarmType.OVERTIME: 6, AlarmType.ESCORT_IDENTITY: 5,
    AlarmType.OUT_OF_MONITORING: 5,
}  # fmt: skip
HANDLING_METHODS = ("语音提醒", "短信下发", "电话提醒", "约谈驾驶员")
THRESHOLD = Decimal("1.50")
ENTERPRISE_RATES = (
    0.9,
    0.6,
    2.4,
    0.8,
    1.1,
    0.5,
    1.9,
    0.7,
    1.2,
    0.4,
    1.0,
)  # two or three above the threshold  # alarms per 1,000 km in a month
ALARM_TITLE = "浏阳市两客一危智能监控平台报警明细（{month:%Y年%m月}）"
MILEAGE_TITLE = "浏阳市两客一危智能监控平台车辆日行驶里程统计（{month:%Y年%m月}）"


def id_number(index: int) -> str:
    """A valid ID number of someone born in Liuyang (430181) between 1965 and 1994, unique per ``index``."""
    born = datetime.date(1965, 1, 1) + datetime.timedelta(days=index * 397 % 10950)
    first17 = f"430181{born:%Y%m%d}{index % 1000:03d}"
    return first17 + id_check_character(first17)


def vehicles():
    """The demo passenger and dangerous goods vehicles in operation, in a fixed order."""
    return (
        Vehicle.objects.filter(
            is_demo=True,
            status=VehicleStatus.OPERATING,
            vehicle_class__in=(*VehicleClass.passenger(), *VehicleClass.goods()),
        )
        .select_related("enterprise")
        .order_by("enterprise__credit_code", "plate")
    )


def load_drivers(today: datetime.date) -> list[tuple[Vehicle, Driver]]:
    """One driver for each vehicle; the qualification certificates expire from 30 days ago to about two years
    ahead of the first load (never moved afterwards)."""
    pairs = []
    for index, vehicle in enumerate(vehicles(), start=1):
        goods = vehicle.vehicle_class in VehicleClass.goods()
        name = SURNAMES[index * 7 % len(SURNAMES)] + GIVEN_NAMES[index * 5 % len(GIVEN_NAMES)]
        driver, _ = upsert(
            Driver,
            {"id_number": id_number(index)},
            {
                "name": name,
                "certificate_number": f"430181{index:012d}",
                "qualification_class": (QualificationClass.DANGEROUS_GOODS if goods else QualificationClass.PASSENGER),
                "enterprise": vehicle.enterprise,
                "is_demo": True,
            },
            {"qualification_expires_on": today + datetime.timedelta(days=index * 89 % 760 - 30)},
        )
        pairs.append((vehicle, driver))
    return pairs


def _csv(title: str, header: list[str], rows: list[list[str]]) -> bytes:
    stream = io.StringIO()
    stream.write(title + "\r\n")
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return stream.getvalue().encode("gbk")


def exports(pairs: list[tuple[Vehicle, Driver]], month: datetime.date) -> tuple[bytes, bytes]:
    """The month's mileage and alarm exports (GBK CSV) for the vehicles and their drivers. Each enterprise has its
    own alarm rate (a few run above the threshold), each vehicle runs most days."""
    rng = random.Random(month.toordinal())
    rates = {}  # enterprise → the alarms per 1,000 km it tends to, in turn from ENTERPRISE_RATES
    mileage_rows, alarm_rows = [], []
    days = [month + datetime.timedelta(days=n) for n in range((month_end(month) - month).days + 1)]
    for vehicle, driver in pairs:
        enterprise = vehicle.enterprise
        rate = rates.setdefault(enterprise.pk, ENTERPRISE_RATES[len(rates) % len(ENTERPRISE_RATES)])
        goods = vehicle.vehicle_class in VehicleClass.goods()
        weights = GOODS_ALARMS if goods else PASSENGER_ALARMS
        seen = set()
        for day in days:
            if rng.random() < (0.25 if vehicle.vehicle_class == VehicleClass.CHARTER_BUS else 0.1):
                continue  # a day off
            km = rng.randint(120, 380)
            mileage_rows.append([vehicle.plate, driver.name, f"{day:%Y-%m-%d}", str(km)])
            alarms = sum(rng.random() < km * rate / 1000 / 3 for _try in range(3))
            if vehicle.vehicle_class == VehicleClass.CHARTER_BUS and rng.random() < 0.03:
                alarms += 1  # running between 02:00 and 05:00
                night = True
            else:
                night = False
            for number in range(alarms):
                if night and number == alarms - 1:
                    alarm_type, hour = AlarmType.NIGHT_RUNNING, rng.randint(2, 4)
                else:
                    alarm_type = rng.choices(list(weights), weights=list(weights.values()))[0]
                    hour = rng.randint(6, 20)
                start = datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59), rng.randint(0, 59)))
                if (alarm_type, start) in seen:
                    continue
                seen.add((alarm_type, start))
                alarm_rows.append(_alarm_row(rng, vehicle, driver, alarm_type, start))
    mileage = _csv(MILEAGE_TITLE.format(month=month), ["车牌号码", "驾驶员", "日期", "行驶里程(公里)"], mileage_rows)
    header = ["车牌号码", "车牌颜色", "所属企业", "驾驶员", "报警类型", "报警开始时间", "报警结束时间", "速度",
              "处理状态", "处理时间", "处理方式"]  # fmt: skip
    return mileage, _csv(ALARM_TITLE.format(month=month), header, alarm_rows)


def _alarm_row(rng, vehicle, driver, alarm_type, start: datetime.datetime) -> list[str]:
    end = start + datetime.timedelta(seconds=rng.randint(3, 90))
    speed = str(rng.randint(85, 110) if alarm_type == AlarmType.SPEEDING else rng.randint(20, 80))
    chance = rng.random()
    if chance < 0.75:  # handled within the time limit, mostly
        status, handled = "已处理", start + datetime.timedelta(minutes=rng.randint(2, 25))
    elif chance < 0.88:
        status, handled = "已处理", start + datetime.timedelta(minutes=rng.randint(35, 180))
    elif chance < 0.91:
        status, handled = "申诉", None
    else:
        status, handled = "未处理", None
    moment = "%Y-%m-%d %H:%M:%S"
    return [
        vehicle.plate,
        "黄色",
        vehicle.enterprise.name,
        driver.id_number,
        ALARM_TYPE_SYNONYMS[alarm_type][0],
        start.strftime(moment),
        end.strftime(moment),
        speed,
        status,
        handled.strftime(moment) if handled else "",
        rng.choice(HANDLING_METHODS) if handled else "",
    ]


def load() -> None:
    today = clock.today()
    month = previous_month(today)
    pairs = load_drivers(today)
    upsert(Threshold, {"valid_from": month.replace(month=1)}, {"per_1000_km": THRESHOLD})
    start, end = day_bounds(month, month_end(month))
    if not pairs or Alarm.objects.filter(vehicle__is_demo=True, started_at__gte=start, started_at__lt=end).exists():
        return
    admin = get_user_model().objects.get(username="admin")
    mileage, alarms = exports(pairs, month)
    with translation.override("zh-hans"):
        for resource_class, data in ((MileageResource, mileage), (AlarmResource, alarms)):
            outcome = run_import(resource=resource_class(user=admin), data=data, fmt="csv", user=admin, dry_run=False)
            if not outcome.ok:
                raise RuntimeError(f"demo {resource_class.__name__}: {[str(issue) for issue in outcome.issues][:5]}")
