"""Known data for the dashboard and the briefing. Today is 15 September 2020 (Asia/Shanghai).

Plan 2020 — key task 1: m1 completed (due 30 June), m2 overdue (due 31 Aug, unit A), m3 open (due 31 Dec, unit B
leads, unit A cooperates), m4 cancelled (due 1 May: never overdue); key task 2: m5 completed (due 31 Dec, not yet
due), m6 overdue (due 1 Sep, unit B) with a returned report. Plan 2019: one overdue measure (other year).

Projects: p1 trunk road, plan 2020 1,200, accepted 100 (May) + submitted 50 (June) + draft 999 (not counted), a
land blocker in May (and a funding one on the draft); p2 rural road, plan 800, planned finish 30 June (behind);
p3 trunk road, no plan, a milestone overdue (behind).

Hazards 2020: road transport h1 pending overdue, h2 closed (10 Sep); highways h3 major rectifying (deadline 31
Dec), h4 major verifying overdue. A 2019 hazard, closed. Inspections: 3 Sep and 20 Aug; draws: 2 Sep and 1 Aug.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from core.choices import ReviewState
from dashboard.cache import new_generation
from inspections.models import Draw
from plans.choices import MeasureStatus
from safety.choices import HazardField, HazardLevel, HazardStatus
from tests.factories import KeyTaskFactory, MeasureFactory, ProgressReportFactory, UserFactory, WorkPlanFactory
from tests.inspections.factories import InspectionFactory
from tests.projects.factories import (
    BlockerFactory,
    InvestmentPlanFactory,
    MilestoneFactory,
    MonthlyProgressFactory,
    ProjectFactory,
)
from tests.safety.factories import HazardFactory

NOW = datetime.datetime(2020, 9, 15, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Liuyang
TODAY = datetime.date(2020, 9, 15)


@pytest.fixture(autouse=True)
def fixed_time():
    with time_machine.travel(NOW, tick=False):
        yield


def aware(year, month, day, hour=10):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def make_draw(user, unit, made_at, seed):
    return Draw.objects.create(
        title="双随机抽查",
        made_at=made_at,
        made_by=user,
        lead_unit=unit,
        enterprise_count=1,
        inspectors_per_enterprise=2,
        seed=seed,
        enterprise_ids=[],
        inspector_ids=[],
        result=[],
    )


def make_closed_hazard(closed_at, **fields):
    reporter, verifier = UserFactory(), UserFactory()
    return HazardFactory(
        status=HazardStatus.CLOSED,
        rectification_reported_by=reporter,
        rectification_reported_at=closed_at - datetime.timedelta(days=1),
        closed_by=verifier,
        closed_at=closed_at,
        verification_note="复查合格",
        **fields,
    )


@pytest.fixture
def world(unit_a, unit_b, leo, alice, bob, dave):
    plan = WorkPlanFactory(year=2020)
    task1 = KeyTaskFactory(plan=plan, number=1, title="全力推进交通项目建设")
    task2 = KeyTaskFactory(plan=plan, number=2, title="竭力守住安全发展底线")
    m = SimpleNamespace()
    m.m1 = MeasureFactory(
        key_task=task1,
        number=1,
        lead_unit=unit_a,
        responsible_leader=leo,
        due_date=datetime.date(2020, 6, 30),
        status=MeasureStatus.COMPLETED,
        progress=100,
    )
    m.m2 = MeasureFactory(
        key_task=task1, number=2, lead_unit=unit_a, responsible_leader=leo, due_date=datetime.date(2020, 8, 31)
    )
    m.m3 = MeasureFactory(key_task=task1, number=3, lead_unit=unit_b, due_date=datetime.date(2020, 12, 31))
    m.m3.cooperating_units.add(unit_a)
    m.m4 = MeasureFactory(
        key_task=task1, number=4, lead_unit=unit_b, due_date=datetime.date(2020, 5, 1), status=MeasureStatus.CANCELLED
    )
    m.m5 = MeasureFactory(
        key_task=task2,
        number=1,
        lead_unit=unit_b,
        due_date=datetime.date(2020, 12, 31),
        status=MeasureStatus.COMPLETED,
        progress=100,
    )
    m.m6 = MeasureFactory(
        key_task=task2,
        number=2,
        lead_unit=unit_b,
        responsible_leader=leo,
        due_date=datetime.date(2020, 9, 1),
        status=MeasureStatus.NOT_STARTED,
        progress=0,
    )
    ProgressReportFactory(
        measure=m.m6,
        author=bob,
        month=datetime.date(2020, 8, 1),
        state=ReviewState.RETURNED,
        submitted_at=aware(2020, 8, 25),
        reviewed_at=aware(2020, 8, 26),
        reviewed_by=dave,
        return_reason="内容不全",
    )
    old_plan = WorkPlanFactory(year=2019)
    m.old = MeasureFactory(
        key_task=KeyTaskFactory(plan=old_plan, number=1),
        lead_unit=unit_a,
        start_date=datetime.date(2019, 1, 1),
        due_date=datetime.date(2019, 12, 31),
    )

    p = SimpleNamespace()
    p.p1 = ProjectFactory(
        name="S309浏阳段改建", code="XM-1", category="trunk_road", responsible_unit=unit_a, leader=leo
    )
    InvestmentPlanFactory(project=p.p1, year=2020, amount=Decimal("1200.00"))
    may = MonthlyProgressFactory(
        project=p.p1, month=datetime.date(2020, 5, 1), investment=Decimal("100.00"), accepted=True
    )
    MonthlyProgressFactory(project=p.p1, month=datetime.date(2020, 6, 1), investment=Decimal("50.00"), submitted=True)
    draft = MonthlyProgressFactory(project=p.p1, month=datetime.date(2020, 7, 1), investment=Decimal("999.00"))
    BlockerFactory(progress=may, category="land")
    BlockerFactory(progress=draft, category="funding")
    p.p2 = ProjectFactory(
        name="农村公路提质改造", code="XM-2", category="rural_road", planned_finish=datetime.date(2020, 6, 30)
    )
    InvestmentPlanFactory(project=p.p2, year=2020, amount=Decimal("800.00"))
    p.p3 = ProjectFactory(name="金阳大道延伸", code="XM-3", category="trunk_road", responsible_unit=unit_b)
    MilestoneFactory(project=p.p3, planned_date=datetime.date(2020, 3, 1))

    h = SimpleNamespace()
    h.h1 = HazardFactory(field=HazardField.ROAD_TRANSPORT, responsible_unit=unit_a, deadline=datetime.date(2020, 6, 30))
    h.h2 = make_closed_hazard(aware(2020, 9, 10), field=HazardField.ROAD_TRANSPORT, responsible_unit=unit_a)
    h.h3 = HazardFactory(
        field=HazardField.HIGHWAYS_BRIDGES,
        level=HazardLevel.MAJOR,
        status=HazardStatus.RECTIFYING,
        responsible_unit=unit_b,
        deadline=datetime.date(2020, 12, 31),
    )
    h.h4 = HazardFactory(
        field=HazardField.HIGHWAYS_BRIDGES,
        level=HazardLevel.MAJOR,
        status=HazardStatus.VERIFYING,
        rectification_reported_by=bob,
        rectification_reported_at=aware(2020, 8, 30),
        responsible_unit=unit_b,
        deadline=datetime.date(2020, 9, 1),
    )
    h.old = make_closed_hazard(
        aware(2019, 12, 1),
        field=HazardField.WATERWAYS,
        found_on=datetime.date(2019, 10, 1),
        deadline=datetime.date(2019, 11, 30),
        responsible_unit=unit_b,
    )

    InspectionFactory(date=datetime.date(2020, 9, 3), lead_unit=unit_b)
    InspectionFactory(date=datetime.date(2020, 8, 20), lead_unit=unit_b)
    make_draw(bob, unit_b, aware(2020, 9, 2), "a1")
    make_draw(bob, unit_b, aware(2020, 8, 1), "a2")
    new_generation()  # the factories' writes happen outside a request: start from a fresh cache
    return SimpleNamespace(plan=plan, task1=task1, task2=task2, measures=m, projects=p, hazards=h)


@pytest.fixture
def more_data(world, unit_a, unit_b):
    """Many more rows of every kind (for the query counts: they must not grow)."""
    for number in range(10):
        task = KeyTaskFactory(plan=world.plan, number=10 + number)
        for measure_number in range(3):
            measure = MeasureFactory(key_task=task, number=measure_number + 1, due_date=datetime.date(2020, 7, 31))
            measure.cooperating_units.add(unit_a)
        project = ProjectFactory(category=["bridge", "tunnel", "urban_road"][number % 3])
        InvestmentPlanFactory(project=project, year=2020)
        BlockerFactory(
            progress=MonthlyProgressFactory(
                project=project, accepted=True, month=datetime.date(2020, 3 + number % 6, 1)
            ),
            category=["land", "funding", "environment"][number % 3],
        )
        HazardFactory(field=list(HazardField.values)[number % 5], level=HazardLevel.MAJOR, responsible_unit=unit_b)
        InspectionFactory(date=datetime.date(2020, 9, 1 + number))
    new_generation()
    return world
