"""Personas of the API tests (with tests/personas.py): ``province`` is the provincial department's read-only token
over every resource; ``issue_token(...)`` issues others. ``populate(n)`` writes n objects of every resource."""

import datetime
import importlib
import itertools

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiClient
from api.resources import RESOURCES
from api.services import api_token_issue
from checklists.models import Checklist, ChecklistItem, Submission
from emergency.models import DutyAssignment
from inspections.models import Draw
from organisation.models import Township
from projects.models import ProjectListing
from tests.emergency.factories import DutyAssignmentFactory
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory
from tests.factories import (
    CheckpointFactory,
    KeyTaskFactory,
    MeasureFactory,
    ProgressReportFactory,
    UnitFactory,
    UserFactory,
)
from tests.inspections.factories import InspectionFactory
from tests.monitoring.factories import DriverFactory
from tests.projects.factories import (
    BlockerFactory,
    FundingSourceFactory,
    InvestmentPlanFactory,
    MilestoneFactory,
    MonthlyProgressFactory,
    ProjectFactory,
)
from tests.safety.factories import HazardFactory

ALL = list(RESOURCES)


@pytest.fixture(autouse=True)
def _townships(db):
    """Liuyang's townships, as the data migration loads them (also when the tests run without migrations)."""
    from django.apps import apps

    from organisation.models import Township

    if not Township.objects.exists():
        importlib.import_module("organisation.migrations.0003_load_townships").load_townships(apps, None)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # the throttles count in the cache
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def issue_token(admin_user):
    """``issue_token(resources, can_write=False, user=None, **options)`` → an APIClient carrying the token."""
    counter = itertools.count(1)

    def _issue(resources=ALL, *, can_write=False, user=None, **options):
        client = ApiClient.objects.create(name=f"测试客户端{next(counter)}")
        token, plain = api_token_issue(
            user=admin_user, client=client, resources=list(resources), can_write=can_write, acting_user=user, **options
        )
        api_client = APIClient()
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
        api_client.token, api_client.plain = token, plain
        return api_client

    return _issue


@pytest.fixture
def province(issue_token):
    """The provincial department: reads every resource, writes nothing."""
    return issue_token(ALL)


def pull(client, url, **params):
    """Every row of a list, following the "next" links; asserts each page answered 200."""
    rows, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        if not body["next"]:
            return rows
        response = client.get(body["next"])


_draw_seeds = itertools.count(1)


def make_draw(unit, user, **fields):
    return Draw.objects.create(
        title=fields.pop("title", "2020年第二季度双随机抽查"),
        made_by=user,
        lead_unit=unit,
        enterprise_count=1,
        inspectors_per_enterprise=2,
        seed=f"{next(_draw_seeds):064x}",
        enterprise_ids=[1],
        inspector_ids=[1, 2],
        result=[{"enterprise": 1, "inspectors": [1, 2]}],
        **fields,
    )


def populate(n: int, unit, user) -> None:
    """n objects of every mirrored resource (with their nested parts and links)."""
    task = KeyTaskFactory()
    first_day = datetime.date(2020, 1, 1) + datetime.timedelta(days=DutyAssignment.objects.count())
    for i in range(n):
        measure = MeasureFactory(key_task=task, lead_unit=unit)
        measure.cooperating_units.set([unit])
        CheckpointFactory(measure=measure)
        report = ProgressReportFactory(measure=measure, author=user, month=datetime.date(2020, 5, 1), submitted=True)
        report.problems.create(category="land", description="征地")
        project = ProjectFactory(responsible_unit=unit)
        project.townships.set([Township.objects.order_by("pk").first()])
        project.measures.set([measure])
        ProjectListing.objects.create(project=project, list="fyp14")
        FundingSourceFactory(project=project)
        InvestmentPlanFactory(project=project)
        MilestoneFactory(project=project)
        progress = MonthlyProgressFactory(project=project, author=user, submitted=True)
        BlockerFactory(progress=progress)
        enterprise = EnterpriseFactory(supervising_unit=unit)
        VehicleFactory(enterprise=enterprise)
        DriverFactory(enterprise=enterprise)
        hazard = HazardFactory(responsible_unit=unit, found_by=user)
        hazard.transitions.create(action="start", from_status="pending", to_status="rectifying", by=user)
        InspectionFactory(lead_unit=unit, enterprises=[enterprise], inspectors=[user])
        make_draw(unit, user)
        DutyAssignmentFactory(date=first_day + datetime.timedelta(days=i), person=user)
        leader = UserFactory(role="leader", unit=None)
        UnitFactory(overseeing_leader=leader)
        make_signed_checklist(unit, user, leader)


def make_signed_checklist(unit, user, leader):
    """A checklist of one item filled by ``user`` (of ``unit``) and signed by ``leader`` (its submission)."""
    number = Checklist.objects.count() + 1
    checklist = Checklist.objects.create(
        year=2020, kind="incentive", title=f"督查激励指标{number}", deadline=datetime.date(2020, 12, 20)
    )
    item = ChecklistItem.objects.create(
        checklist=checklist,
        number=1,
        name="建制村通客车率",
        target="100",
        scoring_rule="—",
        full_marks=10,
        lead_unit=unit,
        value=100,
        self_score=10,
        filled_by=user,
        filled_at=timezone.now(),
    )
    Submission.objects.create(
        checklist=checklist, signed_by=leader, signed_at=timezone.now(), total_score=10, rows=[{"item": item.pk}]
    )
