"""No page of the projects app makes a query per row: each costs as many queries with 3N rows as with N.

Each test renders its page once to warm the caches, then counts the queries with N rows and after 2N more;
the comment on each test lists the queries the page makes whatever the number of rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from organisation.models import Township
from projects import services
from tests.factories import LeaderFactory, UserFactory
from tests.plans.test_queries import assert_same_cost

from .factories import (
    BlockerFactory,
    FundingSourceFactory,
    InvestmentPlanFactory,
    MilestoneFactory,
    MonthlyProgressFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def a_project(unit=None, **kwargs):
    project = ProjectFactory(leader=LeaderFactory(), **({"responsible_unit": unit} if unit else {}), **kwargs)
    project.townships.set(Township.objects.order_by("?")[:2])
    project.listings.create(list="livelihood")
    InvestmentPlanFactory(project=project)
    FundingSourceFactory(project=project)
    MilestoneFactory(project=project)
    progress = MonthlyProgressFactory(project=project, accepted=True)
    BlockerFactory(progress=progress)
    return project


def test_project_list(login, leo):
    # session, user; the totals (projects with their plan of the year; the year's counted progress); township and
    # unit choices of the filter form; count; page of projects (with unit, leader, investment figures, behind
    # schedule and blockers as subqueries)
    def add_rows(n):
        for _ in range(n):
            a_project()

    assert_same_cost(login(leo), reverse("projects:project_list") + "?year=2020", add_rows)


def test_project_list_filtered(login, leo):
    # as above, with every filter applied in the same queries
    def add_rows(n):
        for _ in range(n):
            a_project()

    query = "?year=2020&category=trunk_road&stage=construction&list=livelihood&behind=true&blocked=true"
    assert_same_cost(login(leo), reverse("projects:project_list") + query, add_rows)


def test_investment_summary(login, leo):
    # session, user; years; completion (2); by category (3); by source (1); monthly (2); by township (3);
    # blockers (1); behind schedule (1)
    def add_rows(n):
        for _ in range(n):
            a_project()

    assert_same_cost(login(leo), reverse("projects:investment_summary") + "?year=2020", add_rows)


def test_review_queue(login, carol, unit_a):
    # session, user (with unit); count; page of submitted months (with project, unit, author, reviewer and the
    # cumulative figures as subqueries)
    def add_rows(n):
        for _ in range(n):
            MonthlyProgressFactory(project=a_project(unit_a), month=datetime.date(2020, 6, 1), submitted=True)

    assert_same_cost(login(carol), reverse("projects:review_queue"), add_rows)


def test_project_detail(login, alice, project_a):
    # session, user, unit; the project (with figures); its plans; milestones; progress rows (with totals and
    # author); their blockers; the latest month's blockers; townships; measures; lists; funding; may the user
    # change it; years; the history (with actor and content type)
    taken, milestones = [], []

    def add_rows(n):
        for _ in range(n):
            number = len(taken)
            month = datetime.date(2010 + number // 12, number % 12 + 1, 1)
            progress = MonthlyProgressFactory(
                project=project_a,
                month=month,
                investment=Decimal("1"),
                author=UserFactory(unit=project_a.responsible_unit),
                accepted=True,
            )
            BlockerFactory(progress=progress)
            project_a.townships.add(Township.objects.exclude(projects=project_a).first())
            InvestmentPlanFactory(project=project_a, year=2000 + number)
            services.project_update(user=alice, project=project_a, contractor=f"施工单位{number}")  # a history row
            taken.append(month)
        phases = ["approval", "feasibility", "start", "land", "handover", "completion", "preliminary_design"]
        for phase in phases[len(milestones) : len(milestones) + n // 4]:
            milestones.append(MilestoneFactory(project=project_a, phase=phase))

    assert_same_cost(login(alice), project_a.get_absolute_url() + "?year=2010", add_rows)
