"""The monitoring app's world (see tests/personas.py): enterprise_a is supervised by unit A (alice, carol),
enterprise_b by unit B (bob, dave: the safety-supervising unit). Each has a vehicle and a driver."""

import pytest
from django.utils import translation

from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

from .factories import DriverFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def enterprise_a(unit_a):
    return EnterpriseFactory(name="浏阳市汽车运输有限公司", supervising_unit=unit_a)


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


@pytest.fixture
def driver_a(enterprise_a):
    return DriverFactory(name="张伟", id_number="11010519491231002X", enterprise=enterprise_a)


@pytest.fixture
def driver_b(enterprise_b):
    return DriverFactory(name="李娜", enterprise=enterprise_b)
