"""Factories for the safety app. ``HazardFactory`` writes a hazard directly (with a code of its own sequence);
tests of registration go through ``safety.services.hazard_register``."""

import datetime
from decimal import Decimal

import factory

from organisation.models import Township
from safety.choices import HazardField, HazardLevel, HazardSource, HazardStatus
from safety.models import Hazard
from tests.factories import UnitFactory, UserFactory

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png_upload(name: str = "现场.png"):
    """A small file that really is a PNG picture."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


class HazardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hazard

    code = factory.Sequence(lambda n: f"YH-2019-{n + 1:04d}")
    field = HazardField.ROAD_TRANSPORT
    level = HazardLevel.GENERAL
    source = HazardSource.INSPECTION
    location = factory.Sequence(lambda n: f"淮川街道测试路段{n}")
    township = factory.LazyFunction(lambda: Township.objects.get(name="淮川街道"))
    description = "客运车辆应急锤缺失。"
    found_on = datetime.date(2020, 5, 10)
    found_by = factory.SubFactory(UserFactory)
    responsible_unit = factory.SubFactory(UnitFactory)
    responsible_person = "张建军"
    measures = "限期补齐。"
    funds = Decimal("1.50")
    deadline = datetime.date(2020, 6, 30)
    status = HazardStatus.PENDING


def register_fields(**overrides) -> dict:
    """Valid register data for ``services.hazard_register`` (township and unit must be given or exist)."""
    fields = {
        "field": HazardField.ROAD_TRANSPORT,
        "level": HazardLevel.GENERAL,
        "source": HazardSource.INSPECTION,
        "location": "淮川街道白沙西路客运站",
        "township": Township.objects.get(name="淮川街道"),
        "description": "客运站安检制度落实不到位。",
        "found_on": datetime.date(2020, 5, 10),
        "responsible_person": "张建军",
        "measures": "落实“三不进站、六不出站”。",
        "funds": Decimal("2.00"),
        "deadline": datetime.date(2020, 6, 30),
        "contingency_plan": "",
    }
    fields.update(overrides)
    return fields
