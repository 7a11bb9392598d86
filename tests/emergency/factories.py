import datetime

import factory

from emergency.choices import DutyRole, SpecialPeriodKind
from emergency.models import Drill, DutyAssignment, SpecialPeriod
from tests.factories import UnitFactory, UserFactory


class DutyAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DutyAssignment

    date = datetime.date(2020, 1, 15)
    role = DutyRole.STAFF
    person = factory.SubFactory(UserFactory)
    phone = ""


class SpecialPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpecialPeriod

    kind = SpecialPeriodKind.SPRING_TRAVEL
    name = "2020年春运"
    start_date = datetime.date(2020, 1, 10)
    end_date = datetime.date(2020, 2, 18)


class DrillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Drill
        skip_postgeneration_save = True

    date = datetime.date(2020, 6, 16)
    scenario = factory.Sequence(lambda n: f"应急演练{n}")
    participants = 30
    summary = "演练顺利完成。"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create:
            self.units.set(extracted or [UnitFactory()])
