"""Fixtures of the projects tests: project_a answers to unit A (alice, carol), project_b to unit B (bob, dave)."""

from decimal import Decimal

import pytest

from .factories import InvestmentPlanFactory, ProjectFactory


@pytest.fixture
def project_a(unit_a, leo):
    project = ProjectFactory(name="金阳大道三期", responsible_unit=unit_a, leader=leo, total_investment=Decimal("1000"))
    InvestmentPlanFactory(project=project, year=2020, amount=Decimal("600"))
    return project


@pytest.fixture
def project_b(unit_b, leo):
    project = ProjectFactory(name="东南旅游干线", responsible_unit=unit_b, leader=leo, total_investment=Decimal("2000"))
    InvestmentPlanFactory(project=project, year=2020, amount=Decimal("900"))
    return project
