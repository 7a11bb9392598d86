"""Factories of the projects app (factory_boy)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from core.choices import ReviewState
from projects.choices import MilestonePhase, ProjectCategory, ProjectStage
from projects.models import Blocker, FundingSource, InvestmentPlan, Milestone, MonthlyProgress, Project
from tests.factories import UnitFactory, UserFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"测试项目{n}")
    category = ProjectCategory.TRUNK_ROAD
    stage = ProjectStage.CONSTRUCTION
    total_investment = Decimal("10000.00")
    responsible_unit = factory.SubFactory(UnitFactory)
    planned_start = datetime.date(2019, 3, 1)
    planned_finish = datetime.date(2030, 12, 31)


class InvestmentPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentPlan

    project = factory.SubFactory(ProjectFactory)
    year = 2020
    amount = Decimal("1200.00")


class FundingSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingSource

    project = factory.SubFactory(ProjectFactory)
    source = "city"
    amount = Decimal("5000.00")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    phase = MilestonePhase.START
    planned_date = datetime.date(2020, 3, 1)


class MonthlyProgressFactory(factory.django.DjangoModelFactory):
    """A month's progress; ``submitted=True`` for a submitted one, ``accepted=True`` for an accepted one."""

    class Meta:
        model = MonthlyProgress

    class Params:
        submitted = factory.Trait(state=ReviewState.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now))
        accepted = factory.Trait(state=ReviewState.ACCEPTED, submitted_at=factory.LazyFunction(timezone.now))

    project = factory.SubFactory(ProjectFactory)
    month = datetime.date(2020, 5, 1)
    investment = Decimal("100.00")
    physical_progress = 30
    narrative = "路基施工。"
    author = factory.LazyAttribute(lambda row: UserFactory(unit=row.project.responsible_unit))
    state = ReviewState.DRAFT


class BlockerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blocker

    progress = factory.SubFactory(MonthlyProgressFactory)
    category = "land"
    description = "征地拆迁滞后"
