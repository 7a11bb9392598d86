"""Factories for the enterprises app (valid credit codes and plates, generated)."""

import factory

from enterprises.choices import EnterpriseType, VehicleClass
from enterprises.demo import credit_code
from enterprises.models import Enterprise, Vehicle
from tests.factories import UnitFactory

_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"


def _body(n: int) -> str:
    """An 8-character organisation code body, unique per n."""
    return "TF" + "".join(_LETTERS[(n // len(_LETTERS) ** i) % len(_LETTERS)] for i in range(6))


def _plate(n: int) -> str:
    """A valid 湘A plate, unique per n (湘AB0000 …)."""
    return f"湘A{'BCEGHJKLMN'[(n // 10000) % 10]}{n % 10000:04d}"


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"浏阳市测试运输有限公司{n}")
    credit_code = factory.Sequence(lambda n: credit_code(_body(n)))
    enterprise_type = EnterpriseType.PASSENGER
    supervising_unit = factory.SubFactory(UnitFactory)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    plate = factory.Sequence(_plate)
    enterprise = factory.SubFactory(EnterpriseFactory)
    vehicle_class = VehicleClass.SCHEDULED_BUS
    seats = 45
    tonnage = None
