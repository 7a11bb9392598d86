"""The investment figures in projects.selectors, on a small known registry."""

import datetime
from decimal import Decimal

import pytest

from organisation.models import Township
from projects import selectors
from projects.models import Project

from .factories import (
    BlockerFactory,
    FundingSourceFactory,
    InvestmentPlanFactory,
    MilestoneFactory,
    MonthlyProgressFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def registry(unit_a, unit_b):
    """A trunk road through two townships and a rural road through one; progress in 2019 and 2020."""
    huaichuan, jili = Township.objects.get(name="淮川街道"), Township.objects.get(name="集里街道")
    trunk = ProjectFactory(name="干线", category="trunk_road", responsible_unit=unit_a, total_investment=D("5000"))
    trunk.townships.set([huaichuan, jili])
    rural = ProjectFactory(name="农村路", category="rural_road", responsible_unit=unit_b, total_investment=D("800"))
    rural.townships.set([jili])
    InvestmentPlanFactory(project=trunk, year=2020, amount=D("1200"))
    InvestmentPlanFactory(project=rural, year=2020, amount=D("300"))
    InvestmentPlanFactory(project=rural, year=2019, amount=D("999"))
    FundingSourceFactory(project=trunk, source="central", amount=D("2000"))
    FundingSourceFactory(project=trunk, source="city", amount=D("3000"))
    FundingSourceFactory(project=rural, source="city", amount=D("800"))
    MonthlyProgressFactory(project=trunk, month=datetime.date(2020, 1, 1), investment=D("100"), accepted=True)
    march = MonthlyProgressFactory(project=trunk, month=datetime.date(2020, 3, 1), investment=D("200"), submitted=True)
    BlockerFactory(progress=march, category="land")
    BlockerFactory(progress=march, category="funding")
    MonthlyProgressFactory(project=trunk, month=datetime.date(2020, 4, 1), investment=D("999"))  # draft
    rural_march = MonthlyProgressFactory(
        project=rural, month=datetime.date(2020, 3, 1), investment=D("150"), accepted=True
    )
    BlockerFactory(progress=rural_march, category="land")
    MonthlyProgressFactory(project=rural, month=datetime.date(2019, 12, 1), investment=D("50"), accepted=True)
    MilestoneFactory(project=rural, planned_date=datetime.date(2020, 2, 1))  # overdue
    return trunk, rural


def test_by_category(registry):
    figures = {row.key: row for row in selectors.investment_by_category(2020)}
    assert [(k, f.projects, f.total_investment, f.planned, f.completed) for k, f in figures.items()] == [
        ("trunk_road", 1, D("5000"), D("1200"), D("300")),
        ("rural_road", 1, D("800"), D("300"), D("150")),
    ]
    assert figures["trunk_road"].rate == 25.0


def test_by_township_counts_a_project_in_each_township(registry):
    figures = {row.label: (row.projects, row.planned, row.completed) for row in selectors.investment_by_township(2020)}
    assert figures == {"淮川街道": (1, D("1200"), D("300")), "集里街道": (2, D("1500"), D("450"))}


def test_by_funding_source(registry):
    assert [(row.key, row.projects, row.amount) for row in selectors.investment_by_funding_source()] == [
        ("central", 1, D("2000")),
        ("city", 2, D("3800")),
    ]


def test_annual_completion_and_base_queryset(registry):
    trunk, rural = registry
    completion = selectors.annual_completion(2020)
    assert (completion.planned, completion.completed, completion.rate) == (D("1500"), D("450"), 30.0)
    only_rural = selectors.annual_completion(2020, Project.objects.filter(pk=rural.pk))
    assert (only_rural.planned, only_rural.completed) == (D("300"), D("150"))
    assert selectors.annual_completion(2019).completed == D("50")


def test_monthly_investment(registry):
    months = selectors.monthly_investment(2020)
    assert len(months) == 12
    assert [m.completed for m in months[:4]] == [D("100"), D("0"), D("350"), D("0")]
    assert months[2].completed_cumulative == D("450")
    assert months[0].planned == D("125.00") and months[-1].planned_cumulative == D("1500.00")


def test_behind_and_blockers(registry):
    trunk, rural = registry
    assert list(selectors.projects_behind_schedule(today=datetime.date(2020, 6, 1))) == [rural]
    assert [(row.key, row.count, row.projects) for row in selectors.blockers_by_category(2020)] == [
        ("land", 2, 2),
        ("funding", 1, 1),
    ]


def test_each_selector_makes_a_fixed_number_of_queries(registry, django_assert_num_queries):
    with django_assert_num_queries(3):  # projects per category; plans per category; progress per category
        selectors.investment_by_category(2020)
    with django_assert_num_queries(3):  # links per township; plans per township; progress per township
        selectors.investment_by_township(2020)
    with django_assert_num_queries(1):
        selectors.investment_by_funding_source()
    with django_assert_num_queries(2):  # planned; completed
        selectors.annual_completion(2020)
    with django_assert_num_queries(2):  # planned; completed per month
        selectors.monthly_investment(2020)
    with django_assert_num_queries(1):
        selectors.blockers_by_category(2020)
