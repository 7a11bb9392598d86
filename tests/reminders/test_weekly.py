"""The weekly leadership digest (Monday 08:00): overdue items by unit, completed last week, new major hazards, with
the dashboard's weekly briefing attached (dashboard.briefing.weekly_briefing_files); once per leader and week."""

import datetime

import pytest
from django.core import mail

from reminders import weekly
from reminders.models import DigestEmail
from tests.factories import MeasureFactory
from tests.projects.factories import MilestoneFactory, ProjectFactory
from tests.safety.factories import HazardFactory

from .conftest import at

D = datetime.date
MONDAY = D(2020, 6, 22)
pytestmark = pytest.mark.django_db


@pytest.fixture
def week(people, unit_a, unit_b):
    late = MeasureFactory(lead_unit=unit_a, title="迟了的举措", due_date=D(2020, 6, 1))
    HazardFactory(responsible_unit=unit_b, deadline=D(2020, 6, 10), found_on=D(2020, 6, 1))
    major = HazardFactory(responsible_unit=unit_b, level="major", found_on=D(2020, 6, 17), deadline=D(2020, 7, 30),
                          location="G319天马山隧道")  # fmt: skip
    reached = MilestoneFactory(project=ProjectFactory(responsible_unit=unit_a, name="东南旅游干线"),
                               planned_date=D(2020, 6, 1), actual_date=D(2020, 6, 18))  # fmt: skip
    return {"late": late, "major": major, "reached": reached}


def test_the_digest_lists_overdue_by_unit_completed_and_new_major_hazards(week, unit_a, unit_b):
    digest = weekly.weekly_digest(D(2020, 6, 15), today=MONDAY)
    assert (digest.week_start, digest.week_end) == (D(2020, 6, 15), D(2020, 6, 21))
    by_unit = {unit.name: unit for unit in digest.overdue}  # in the units' sort order, then by name
    assert {name: unit.count for name, unit in by_unit.items()} == {unit_a.name: 1, unit_b.name: 1}
    assert [item.title for _, item in by_unit[unit_a.name].items] == [week["late"].code + " 迟了的举措"]
    assert [(str(label), [item.title for item in items]) for label, items in digest.completed] == [
        ("Project milestones", ["东南旅游干线 · Construction start"])
    ]
    assert [[item.title for item in rows] for _, rows in digest.sections] == [[f"{week['major'].code} G319天马山隧道"]]


def test_each_leader_gets_the_digest_once_with_the_briefing_attached(week, people):
    with at(MONDAY, 8, 0):
        assert weekly.send_weekly_digests() == 1
        assert weekly.send_weekly_digests() == 0  # again: nothing
    (message,) = mail.outbox
    assert message.to == [people["leo"].email]
    assert "迟了的举措" in message.body and "G319天马山隧道" in message.body
    # The attachment test runs against the dashboard's interface: weekly_briefing_files(week_start).
    names = sorted(name for name, _, _ in message.attachments)
    assert names == ["weekly-briefing-2020-06-15.pdf", "weekly-briefing-2020-06-15.xlsx"]
    assert DigestEmail.objects.get(recipient=people["leo"]).day == D(2020, 6, 15)


def test_the_digest_goes_out_without_attachments_when_the_briefing_fails(week, people, monkeypatch):
    def broken(week_start):
        raise RuntimeError("no font")

    monkeypatch.setattr("reminders.weekly.weekly_briefing_files", broken)
    with at(MONDAY, 8, 0):
        assert weekly.send_weekly_digests() == 1
    assert mail.outbox[0].attachments == []
