"""Checklists for the tests: a 2020 督查激励 checklist signed by leo, with an entered item led by unit A (alice,
carol) on which unit B (bob) is responsible, and a computed one (the year's hazard zero-out rate)."""

import datetime
from decimal import Decimal

import pytest

from checklists import services
from checklists.choices import ChecklistKind, DataSource
from tests.events.conftest import eager, run  # noqa: F401  a service run with the events it dispatches
from tests.monitoring.conftest import (  # noqa: F401  the monitoring's vehicles and drivers, for its figure
    driver_a,
    driver_b,
    enterprise_a,
    enterprise_b,
    vehicle_a,
    vehicle_b,
)


@pytest.fixture
def checklist(admin_user, leo):
    return services.checklist_create(
        user=admin_user,
        year=2020,
        kind=ChecklistKind.INCENTIVE,
        title="真抓实干督查激励指标自评",
        deadline=datetime.date(2020, 12, 20),
        responsible_leader=leo,
    )


@pytest.fixture
def item_a(admin_user, checklist, unit_a, unit_b):
    return services.item_create(
        user=admin_user,
        checklist=checklist,
        number=1,
        name="建制村通客车率",
        unit_of_measure="%",
        target="100",
        scoring_rule="达到100%得满分，每低1个百分点扣1分。",
        full_marks=Decimal("10"),
        lead_unit=unit_a,
        responsible_units=[unit_b],
    )


@pytest.fixture
def computed_item(admin_user, checklist, unit_b, unit_a):
    return services.item_create(
        user=admin_user,
        checklist=checklist,
        number=2,
        name="隐患清零率",
        unit_of_measure="%",
        target="100",
        scoring_rule="清零率每低1个百分点扣0.5分。",
        full_marks=Decimal("5"),
        lead_unit=unit_b,
        responsible_units=[unit_a],
        source=DataSource.COMPUTED,
        figure_key="safety.zero_out_rate",
    )


@pytest.fixture
def filled(alice, bob, item_a, computed_item):
    """Both items filled by their lead units."""
    services.item_fill(user=alice, item=item_a, value=Decimal("100"), self_score=Decimal("10"), explanation="全部通车")
    services.item_fill(user=bob, item=computed_item, self_score=Decimal("5"))
    return item_a, computed_item
