"""The emergency lists cost as many queries with 3N rows as with N (see tests/plans/test_queries.py)."""

import datetime

import pytest
from django.urls import reverse

from emergency.choices import DutyRole
from tests.emergency.factories import DrillFactory, DutyAssignmentFactory, SpecialPeriodFactory
from tests.factories import LeaderFactory, UnitFactory, UserFactory
from tests.plans.test_queries import assert_same_cost

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keeper")]


def test_roster_month(login, alice):
    # session, user, unit (whose flag says whether the user keeps the roster; the navigation bar reuses it);
    # special periods overlapping the month; the month's duties (with person and unit)
    days = iter(range(1, 32))

    def add_rows(n):
        for _ in range(n):
            day = datetime.date(2020, 1, next(days))
            DutyAssignmentFactory(date=day, role=DutyRole.LEADER, person=LeaderFactory())
            DutyAssignmentFactory(date=day, person=UserFactory())
            DutyAssignmentFactory(date=day, person=UserFactory())
            SpecialPeriodFactory(start_date=day, end_date=day)

    assert_same_cost(login(alice), reverse("emergency:roster_month", args=[2020, 1]), add_rows)


def test_roster_day(login, bob):
    # session, user, unit (whether the user keeps the roster); the day's duties (with person and unit); periods;
    # the form's people (with unit)
    def add_rows(n):
        for _ in range(n):
            DutyAssignmentFactory(date=datetime.date(2020, 1, 15), person=UserFactory())

    assert_same_cost(login(bob), reverse("emergency:roster_day", args=["2020-01-15"]), add_rows)


def test_drill_list(login, alice):
    # session, user, unit (whether the user keeps the roster); the filter's units; count, page of drills (with
    # recorder); their units (one prefetch)
    def add_rows(n):
        for _ in range(n):
            DrillFactory(units=[UnitFactory(), UnitFactory()])

    assert_same_cost(login(alice), reverse("emergency:drill_list"), add_rows)


def test_period_list(login, alice):
    # session, user, unit (whether the user keeps the roster); count, page of periods
    def add_rows(n):
        for _ in range(n):
            SpecialPeriodFactory()

    assert_same_cost(login(alice), reverse("emergency:period_list"), add_rows)


def test_drill_detail(login, alice, bob):
    # session, user, unit; the drill (with recorder); units; photos; history
    drill = DrillFactory()

    def add_rows(n):
        for _ in range(n):
            drill.units.add(UnitFactory())

    assert_same_cost(login(alice), reverse("emergency:drill_detail", args=[drill.pk]), add_rows)
