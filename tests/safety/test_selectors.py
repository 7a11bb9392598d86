"""The 隐患清零 figures: counts by field and township, the zero-out rate, overdue, the open major hazards."""

import datetime
from decimal import Decimal

import pytest

from organisation.models import Township
from safety import selectors, services
from safety.choices import HazardField

from .conftest import to_verifying
from .factories import png_upload, register_fields

pytestmark = pytest.mark.django_db


def test_zero_out_figures(alice, dave, unit_a, leo):
    huaichuan, jili = Township.objects.get(name="淮川街道"), Township.objects.get(name="集里街道")

    def register(**fields):
        return services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a, **fields))

    closed = [register(field=HazardField.ROAD_TRANSPORT, township=huaichuan) for _ in range(3)]
    for hazard in closed:
        to_verifying(hazard, alice)
        services.hazard_verify(user=dave, hazard=hazard, passed=True, note="合格", photos=[png_upload()])
    register(field=HazardField.ROAD_TRANSPORT, township=jili, deadline=datetime.date(2020, 6, 1))  # overdue on 7-1
    major = register(field=HazardField.WATERWAYS, township=jili, level="major", deadline=datetime.date(2020, 12, 1))
    register(field=HazardField.ROAD_TRANSPORT, found_on=datetime.date(2021, 2, 1), deadline=datetime.date(2021, 3, 1))

    summary = selectors.hazard_zero_out(year=2020, today=datetime.date(2020, 7, 1))
    by_field = {row.key: row for row in summary.by_field}
    road = by_field[HazardField.ROAD_TRANSPORT]
    assert (road.total, road.open, road.closed, road.overdue, road.rate) == (4, 1, 3, 1, Decimal("75.0"))
    water = by_field[HazardField.WATERWAYS]
    assert (water.total, water.open, water.closed, water.overdue, water.rate) == (1, 1, 0, 0, Decimal("0.0"))
    assert by_field[HazardField.RAILWAY_LINES].rate is None and not by_field[HazardField.RAILWAY_LINES].zeroed
    townships = {row.label: (row.total, row.open, row.closed, row.overdue) for row in summary.by_township}
    assert townships == {"淮川街道": (3, 0, 3, 0), "集里街道": (2, 2, 0, 1)}
    assert [row for row in summary.by_township if row.zeroed][0].label == "淮川街道"
    assert (summary.totals.total, summary.totals.closed, summary.totals.rate) == (5, 3, Decimal("60.0"))
    assert summary.open_major == [major]
    assert selectors.hazard_years() == [2021, 2020]


def test_figures_follow_the_readers_restriction(alice, eve, unit_a, unit_c):
    from safety.models import Hazard

    services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    services.hazard_register(user=eve, **register_fields(responsible_unit=unit_c))
    summary = selectors.hazard_zero_out(year=2020, hazards=Hazard.objects.restrict(alice))
    assert summary.totals.total == 1
