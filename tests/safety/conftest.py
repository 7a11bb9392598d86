"""The safety app's personas (see tests/personas.py): unit A (规划建设科: alice staff, carol head) is the
responsible unit of hazard_a; unit B is 安全应急科, the bureau's safety unit (bob staff, dave head), who may verify
every unit's hazards; eve is staff of unit C (运输服务科), an outsider to hazard_a; leo is a bureau leader."""

import datetime

import pytest
from django.utils import translation

from organisation.models import Township
from safety import services
from tests.factories import UnitFactory, UserFactory

from .factories import png_upload, register_fields


@pytest.fixture(autouse=True)
def english():
    """Messages and labels in English, whatever the catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def huaichuan(db):
    return Township.objects.get(name="淮川街道")


@pytest.fixture
def unit_c(db, leo):
    return UnitFactory(name="运输服务科", short_name="运输科", overseeing_leader=leo)


@pytest.fixture
def eve(unit_c):
    return UserFactory(username="eve", full_name="吴依芙", unit=unit_c)


@pytest.fixture
def hazard_a(alice, unit_a):
    """A general hazard registered by alice, unit A responsible (待整改)."""
    return services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))


@pytest.fixture
def major_a(alice, unit_a):
    return services.hazard_register(
        user=alice,
        **register_fields(responsible_unit=unit_a, level="major", deadline=datetime.date(2020, 8, 31)),
    )


def to_verifying(hazard, reporter):
    """Start and report a hazard's rectification as ``reporter`` (a member of its responsible unit)."""
    services.hazard_start_rectification(user=reporter, hazard=hazard)
    return services.hazard_report_rectification(
        user=reporter, hazard=hazard, note="已补齐设施。", photos=[png_upload("整改.png")]
    )


@pytest.fixture
def verifying_a(hazard_a, alice):
    """hazard_a with its rectification reported by alice (待验收)."""
    return to_verifying(hazard_a, alice)
