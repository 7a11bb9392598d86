"""Factories for the monitoring app (drivers with valid ID numbers, generated)."""

import datetime

import factory

from monitoring.choices import QualificationClass
from monitoring.models import Driver
from monitoring.validators import id_check_character
from tests.enterprises.factories import EnterpriseFactory


def id_number(n: int) -> str:
    """A valid ID number of someone born in Liuyang (430181), unique per n."""
    born = datetime.date(1970, 1, 1) + datetime.timedelta(days=n % 9000)
    first17 = f"430181{born:%Y%m%d}{n % 1000:03d}"
    return first17 + id_check_character(first17)


class DriverFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Driver

    name = factory.Sequence(lambda n: f"驾驶员{n}")
    id_number = factory.Sequence(id_number)
    qualification_class = QualificationClass.PASSENGER
    certificate_number = factory.Sequence(lambda n: f"4301810000{n:06d}")
    enterprise = factory.SubFactory(EnterpriseFactory)
