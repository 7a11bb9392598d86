"""Inspection personas: the enforcement brigade (执法大队) enforces the law (``Unit.enforces_law``) — eve is its
staff, frank its head. Unit A (alice, carol) and unit B (bob, dave) do not."""

import pytest
from django.utils import translation

from organisation.models import Township, User
from tests.factories import UnitFactory, UserFactory
from tests.inspections.factories import EnterpriseFactory, InspectorFactory


@pytest.fixture(autouse=True)
def english():
    """Messages in English whatever the catalogue holds, so that tests can match them."""
    with translation.override("en"):
        yield


@pytest.fixture
def brigade(db, leo):
    return UnitFactory(name="交通运输综合行政执法大队", short_name="执法大队", overseeing_leader=leo, enforces_law=True)


@pytest.fixture
def eve(brigade):
    return UserFactory(username="eve", full_name="邱依娃", unit=brigade, phone="13973100001")


@pytest.fixture
def frank(brigade):
    return UserFactory(username="frank", full_name="钟福兰", unit=brigade, role=User.Role.UNIT_HEAD)


@pytest.fixture
def township(db):
    return Township.objects.get(name="淮川街道")


@pytest.fixture
def enterprises(township):
    """Six passenger enterprises in 淮川街道 and two freight ones elsewhere."""
    passenger = [
        EnterpriseFactory(name=f"浏阳客运{n}公司", township=township, contact_phone="0731-8000000{n}") for n in range(6)
    ]
    freight = [EnterpriseFactory(name=f"浏阳货运{n}公司", enterprise_type="freight") for n in range(2)]
    return passenger + freight


@pytest.fixture
def pool(brigade):
    """Six active inspectors: four of the brigade, two of another unit; one inactive one."""
    other = UnitFactory(name="道路运输服务中心", short_name="运输中心")
    inspectors = [
        InspectorFactory(user=UserFactory(full_name=f"执法员{n}", unit=brigade, phone=f"1397310100{n}"))
        for n in range(4)
    ]
    inspectors += [InspectorFactory(user=UserFactory(full_name=f"稽查员{n}", unit=other)) for n in range(2)]
    InspectorFactory(user=UserFactory(full_name="退休员", unit=brigade), active=False)
    return inspectors
