"""The demo's monitoring data: a driver with a valid ID number for each demo passenger and dangerous goods vehicle,
last month's platform exports imported through the real import, so the ranking has figures and the enterprises
above the demo threshold have their supervision notice; a second load writes nothing."""

import datetime

import pytest
from django.contrib.auth import get_user_model

import enterprises.demo
import monitoring.demo
import organisation.demo
from monitoring import figures
from monitoring.models import Alarm, DailyRollup, Driver, SupervisionNotice, VehicleDayMileage
from monitoring.validators import validate_id_number

pytestmark = pytest.mark.django_db
OCTOBER = datetime.date(2020, 10, 1)


def counts():
    return [model.objects.count() for model in (Driver, Alarm, VehicleDayMileage, DailyRollup, SupervisionNotice)]


def test_the_demo_month_fills_the_ranking_and_loads_twice_unchanged(settings):
    settings.PORTAL_TODAY = datetime.date(2020, 11, 30)
    organisation.demo.load()
    enterprises.demo.load()
    monitoring.demo.load()
    first = counts()

    drivers = Driver.objects.all()
    assert drivers.count() == monitoring.demo.vehicles().count() > 50
    for driver in drivers:
        validate_id_number(driver.id_number)
    assert all(driver.is_demo for driver in drivers)
    admin = get_user_model().objects.get(username="admin")
    total = figures.total(user=admin, month=OCTOBER)
    assert total.alarms > 300 and total.km > 100_000 and total.disposal_rate and total.night_running
    assert 2 <= SupervisionNotice.objects.filter(month=OCTOBER).count() <= 4
    assert not Alarm.objects.exclude(started_at__month__in=[9, 10]).exists()  # October in Beijing time

    monitoring.demo.load()
    assert counts() == first
