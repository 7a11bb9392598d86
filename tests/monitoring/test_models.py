"""The database keeps the monitoring data's rules whatever door writes it."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from monitoring.models import Alarm, VehicleDayMileage

pytestmark = pytest.mark.django_db

START = datetime.datetime(2020, 11, 3, 8, 15, tzinfo=timezone.get_fixed_timezone(480))


def alarm(vehicle, **values):
    return Alarm(vehicle=vehicle, alarm_type="fatigue", started_at=START, **values)


def test_the_same_alarm_is_stored_once(vehicle_a):
    alarm(vehicle_a).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        alarm(vehicle_a).save()


@pytest.mark.parametrize(
    "values",
    [
        {"ended_at": START - datetime.timedelta(minutes=1)},
        {"handling_status": "handled"},  # without the time it was handled
        {"handling_status": "handled", "handled_at": START - datetime.timedelta(minutes=1)},
        {"speed": -1},
        {"alarm_type": "made_up"},
    ],
)
def test_an_impossible_alarm_is_refused(vehicle_a, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Alarm(**{"vehicle": vehicle_a, "alarm_type": "fatigue", "started_at": START, **values}).save()


def test_a_vehicle_day_has_one_mileage_per_driver_and_one_without(vehicle_a, driver_a):
    day = datetime.date(2020, 11, 3)
    VehicleDayMileage.objects.create(vehicle=vehicle_a, day=day, km=10)
    VehicleDayMileage.objects.create(vehicle=vehicle_a, driver=driver_a, day=day, km=20)
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleDayMileage.objects.create(vehicle=vehicle_a, day=day, km=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        VehicleDayMileage.objects.create(vehicle=vehicle_a, driver=driver_a, day=day, km=5)
