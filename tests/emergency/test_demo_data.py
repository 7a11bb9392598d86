import datetime

import pytest

import emergency.demo
import organisation.demo
from emergency.choices import DutyRole, SpecialPeriodKind
from emergency.models import Drill, DutyAssignment, SpecialPeriod
from organisation.models import Unit

pytestmark = pytest.mark.django_db


def counts():
    return [model.objects.count() for model in (SpecialPeriod, DutyAssignment, Drill)]


def test_demo_roster_covers_the_first_quarter_and_loads_twice_unchanged():
    organisation.demo.load()
    emergency.demo.load()
    first = counts()
    leaders = DutyAssignment.objects.filter(role=DutyRole.LEADER)
    assert leaders.count() == 91  # every day of 2020 Q1
    assert set(leaders.values_list("date", flat=True)) >= {datetime.date(2020, 1, 1), datetime.date(2020, 3, 31)}
    assert DutyAssignment.objects.filter(role=DutyRole.STAFF).count() == 182
    assert {SpecialPeriodKind.SPRING_TRAVEL, SpecialPeriodKind.FLOOD_SEASON} <= set(
        SpecialPeriod.objects.values_list("kind", flat=True)
    )
    assert list(Unit.objects.keeping_duty_roster().values_list("name", flat=True)) == ["安全应急科"]
    assert not DutyAssignment.objects.filter(is_demo=False).exists()
    emergency.demo.load()
    assert counts() == first
