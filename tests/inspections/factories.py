import datetime

import factory

from inspections.choices import InspectionKind
from inspections.models import ConflictOfInterest, Inspection, Inspector
from tests.enterprises.factories import EnterpriseFactory
from tests.factories import UnitFactory, UserFactory

__all__ = ["EnterpriseFactory", "InspectionFactory", "InspectorFactory"]


class InspectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspector

    user = factory.SubFactory(UserFactory)
    certificate_number = factory.Sequence(lambda n: f"43018120{n:06d}")


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConflictOfInterest

    enterprise = factory.SubFactory(EnterpriseFactory)
    reason = "近亲属在该企业任职"


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection
        skip_postgeneration_save = True

    kind = InspectionKind.ROUTINE
    date = datetime.date(2020, 5, 12)
    lead_unit = factory.SubFactory(UnitFactory)
    summary = "日常检查"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def inspectors(self, create, extracted, **kwargs):
        if create:
            self.inspectors.set(extracted or [UserFactory(unit=self.lead_unit)])

    @factory.post_generation
    def enterprises(self, create, extracted, **kwargs):
        if create and extracted:
            self.enterprises.set(extracted)

    @factory.post_generation
    def projects(self, create, extracted, **kwargs):
        if create and extracted:
            self.projects.set(extracted)
