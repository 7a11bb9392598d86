"""The figures on the hand-computed month of ``world.py``."""

from decimal import Decimal

import pytest

from monitoring import figures
from monitoring.models import DailyRollup

from .world import NOVEMBER, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(vehicle_a, driver_a, vehicle_b, driver_b):
    build(vehicle_a, driver_a, vehicle_b, driver_b)


def test_the_rollups_hold_the_days(world, vehicle_a):
    third = DailyRollup.objects.get(vehicle=vehicle_a, day="2020-11-03")
    assert (third.km, third.alarms, third.handled, third.handled_in_time) == (Decimal("500.0"), 3, 2, 1)
    assert third.by_type == {"fatigue": 3} and not third.night_running
    assert DailyRollup.objects.get(vehicle=vehicle_a, day="2020-11-04").night_running


def test_the_county_month(world, bob):
    total = figures.total(user=bob, month=NOVEMBER)

    assert (total.km, total.alarms) == (Decimal("3000.0"), 6)
    assert total.per_1000_km == Decimal("2.00")
    assert total.per_1000_km_last_year == Decimal("8.00")
    assert total.change == Decimal("-0.7500")
    assert total.disposal_rate == Decimal("0.3333") and total.handling_rate == Decimal("0.5000")
    assert total.night_running == 1  # the bus on the 4th; the dangerous-goods vehicle at 03:30 is not a passenger one


def test_by_enterprise_with_the_same_month_last_year(world, bob, enterprise_a, enterprise_b):
    rows = {figure.label: figure for figure in figures.by(user=bob, month=NOVEMBER, dimension="enterprise")}

    a, b = rows[enterprise_a.name], rows[enterprise_b.name]
    assert (a.per_1000_km, a.per_1000_km_last_year, a.change) == (Decimal("4.00"), Decimal("8.00"), Decimal("-0.5"))
    assert (a.disposal_rate, a.handling_rate) == (Decimal("0.5"), Decimal("0.75"))
    assert (b.per_1000_km, b.per_1000_km_last_year, b.change) == (Decimal("1.00"), None, None)
    assert a.alarm_query == {"enterprise": enterprise_a.pk, "month": "2020-11"}


def test_by_driver_and_vehicle(world, bob, driver_a, vehicle_b):
    drivers = {figure.label: figure.per_1000_km for figure in figures.by(user=bob, month=NOVEMBER, dimension="driver")}
    vehicles = figures.by(user=bob, month=NOVEMBER, dimension="vehicle")

    assert drivers == {"张伟": Decimal("4.00"), "李娜": Decimal("1.00")}
    assert [(figure.label, figure.per_1000_km) for figure in vehicles] == [
        (vehicle_b.plate, Decimal("1.00")),  # the largest mileage first
        ("湘A12345", Decimal("4.00")),
    ]


def test_by_alarm_type(world, bob):
    rows = {figure.alarm_query["alarm_type"]: figure for figure in figures.by_type(user=bob, month=NOVEMBER)}

    assert {key: figure.per_1000_km for key, figure in rows.items()} == {
        "fatigue": Decimal("1.00"),
        "phone": Decimal("0.33"),
        "speeding": Decimal("0.67"),
    }
    assert rows["fatigue"].per_1000_km_last_year == Decimal("8.00")
    assert rows["fatigue"].change == Decimal("-0.8750")


def test_by_month(world, bob):
    months = figures.monthly(user=bob, year=2020)

    assert len(months) == 12
    november = months[10]
    assert (november.label, november.per_1000_km, november.per_1000_km_last_year) == (
        "2020-11",
        Decimal("2.00"),
        Decimal("8.00"),
    )
    assert months[0].per_1000_km is None


def test_the_ranking_puts_each_enterprise_in_one_list(world, bob, enterprise_a, enterprise_b):
    ranking = figures.ranking(figures.by(user=bob, month=NOVEMBER, dimension="enterprise"), size=1)

    assert [figure.label for figure in ranking.best] == [enterprise_b.name]
    assert [figure.label for figure in ranking.worst] == [enterprise_a.name]


def test_a_unit_sees_the_figures_of_its_own_enterprises(world, alice, enterprise_a):
    total = figures.total(user=alice, month=NOVEMBER)
    enterprises = figures.by(user=alice, month=NOVEMBER, dimension="enterprise")

    assert (total.alarms, total.km) == (4, Decimal("1000.0"))
    assert [figure.label for figure in enterprises] == [enterprise_a.name]
