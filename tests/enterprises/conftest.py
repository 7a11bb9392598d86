"""Enterprises of the personas' units (see tests/personas.py): enterprise_a is supervised by unit A (alice,
carol), enterprise_b by unit B (bob, dave); each has one vehicle."""

import pytest
from django.utils import translation

from organisation.models import Township
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory


@pytest.fixture(autouse=True)
def english():
    """Messages and labels in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def huaichuan(db):
    return Township.objects.get(name="淮川街道")


@pytest.fixture
def enterprise_a(unit_a, huaichuan):
    return EnterpriseFactory(name="浏阳市汽车运输有限公司", supervising_unit=unit_a, township=huaichuan)


@pytest.fixture
def enterprise_b(unit_b):
    return EnterpriseFactory(
        name="浏阳市危险货物运输有限公司", enterprise_type="dangerous_goods", supervising_unit=unit_b
    )


@pytest.fixture
def vehicle_a(enterprise_a):
    return VehicleFactory(plate="湘A12345", enterprise=enterprise_a)


@pytest.fixture
def vehicle_b(enterprise_b):
    return VehicleFactory(
        plate="湘AD12345", enterprise=enterprise_b, vehicle_class="dangerous_goods", seats=None, tonnage="18.00"
    )
