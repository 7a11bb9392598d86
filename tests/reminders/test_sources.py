"""Each app's deadline source (<app>/deadlines.py), as the registry finds it: the open items in the window, with
their unit, title and link; closed items and items without a date never."""

import datetime

import pytest

from emergency.choices import DutyRole
from enterprises.choices import VehicleStatus
from projects.choices import ProjectStage
from reminders import registry
from tests.emergency.factories import DutyAssignmentFactory
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory
from tests.factories import CheckpointFactory, MeasureFactory
from tests.projects.factories import MilestoneFactory, MonthlyProgressFactory, ProjectFactory
from tests.safety.factories import HazardFactory

D = datetime.date
TODAY = D(2020, 6, 16)
pytestmark = pytest.mark.django_db


WINDOW_END = D(2020, 6, 23)


def items(key: str, last_day=WINDOW_END, today=TODAY) -> dict[str, registry.Deadline]:
    return {item.key: item for item in registry.source(key).items(today=today, last_day=last_day)}


def test_every_app_declares_its_sources():
    assert {source.key for source in registry.sources()} == {
        "plans.measure",
        "plans.checkpoint",
        "projects.milestone",
        "projects.monthly_progress",
        "safety.hazard",
        "enterprises.vehicle_certificate",
        "enterprises.licence",
        "emergency.duty",
        "checklists.checklist",
        "monitoring.notice",
        "monitoring.qualification",
    }
    assert [section.key for section in registry.sections()] == ["safety.new_major"]


def test_measures_open_and_due_in_the_window(unit_a):
    soon = MeasureFactory(lead_unit=unit_a, due_date=D(2020, 6, 20), title="规划编制")
    late = MeasureFactory(lead_unit=unit_a, due_date=D(2020, 1, 1), start_date=None)
    MeasureFactory(lead_unit=unit_a, due_date=D(2020, 7, 30))  # beyond the window
    MeasureFactory(lead_unit=unit_a, due_date=D(2020, 6, 20), status="completed")
    MeasureFactory(lead_unit=unit_a, due_date=None, start_date=None)
    found = items("plans.measure")
    assert set(found) == {str(soon.pk), str(late.pk)}
    item = found[str(soon.pk)]
    assert (item.title, item.due_date, item.unit_id, item.url) == (
        f"{soon.code} 规划编制",
        D(2020, 6, 20),
        unit_a.pk,
        soon.get_absolute_url(),
    )


def test_checkpoints_not_done(unit_a):
    measure = MeasureFactory(lead_unit=unit_a)
    open_ = CheckpointFactory(measure=measure, due_date=D(2020, 6, 18))
    CheckpointFactory(measure=measure, due_date=D(2020, 6, 18), done_on=D(2020, 6, 10))
    found = items("plans.checkpoint")
    assert set(found) == {str(open_.pk)} and found[str(open_.pk)].unit_id == unit_a.pk
    assert found[str(open_.pk)].url.endswith("#checkpoints")


def test_milestones_not_reached(unit_a):
    project = ProjectFactory(responsible_unit=unit_a)
    pending = MilestoneFactory(project=project, phase="start", planned_date=D(2020, 6, 19))
    MilestoneFactory(project=project, phase="land", planned_date=D(2020, 6, 19), actual_date=D(2020, 6, 1))
    MilestoneFactory(project=project, phase="approval", planned_date=None)
    MilestoneFactory(project=ProjectFactory(stage=ProjectStage.COMPLETED), planned_date=D(2020, 6, 19))
    assert set(items("projects.milestone")) == {str(pending.pk)}


def test_monthly_progress_of_last_month_due_by_the_25th(unit_a, settings):
    missing = ProjectFactory(responsible_unit=unit_a, name="金阳大道三期")
    draft_only = ProjectFactory(responsible_unit=unit_a)
    MonthlyProgressFactory(project=draft_only, month=D(2020, 5, 1))  # a draft is not a report
    reported = ProjectFactory(responsible_unit=unit_a)
    MonthlyProgressFactory(project=reported, month=D(2020, 5, 1), submitted=True)
    ProjectFactory(responsible_unit=unit_a, stage=ProjectStage.PLANNING)  # not under construction
    found = items("projects.monthly_progress", last_day=D(2020, 6, 25))
    assert set(found) == {f"{missing.pk}:2020-05", f"{draft_only.pk}:2020-05"}
    assert found[f"{missing.pk}:2020-05"].due_date == D(2020, 6, 25)
    assert items("projects.monthly_progress", last_day=D(2020, 6, 24)) == {}  # not yet in the window
    settings.REMINDERS_MONTHLY_REPORT_DAY = 20
    assert items("projects.monthly_progress")[f"{missing.pk}:2020-05"].due_date == D(2020, 6, 20)


def test_open_hazards_by_their_deadline(unit_a):
    open_ = HazardFactory(responsible_unit=unit_a, deadline=D(2020, 6, 20), location="白沙西路")
    HazardFactory(responsible_unit=unit_a, deadline=D(2020, 6, 20), status="verifying",
                  rectification_reported_by=open_.found_by,
                  rectification_reported_at=datetime.datetime(2020, 6, 1, tzinfo=datetime.UTC))  # fmt: skip
    HazardFactory(responsible_unit=unit_a, deadline=D(2020, 8, 20))
    found = items("safety.hazard")
    assert len(found) == 2 and found[str(open_.pk)].title == f"{open_.code} 白沙西路"


def test_certificates_and_licences_expiring_within_30_days(unit_a):
    enterprise = EnterpriseFactory(supervising_unit=unit_a, licence_expires_on=D(2020, 7, 10))
    EnterpriseFactory(supervising_unit=unit_a, licence_expires_on=D(2020, 9, 1))
    EnterpriseFactory(supervising_unit=unit_a, licence_expires_on=None)
    vehicle = VehicleFactory(enterprise=enterprise, certificate_expires_on=D(2020, 7, 1))
    VehicleFactory(enterprise=enterprise, certificate_expires_on=D(2020, 7, 1), status=VehicleStatus.SCRAPPED)
    source = registry.source("enterprises.vehicle_certificate")
    assert source.offsets[0] == 30
    last_day = D(2020, 7, 16)  # the window a 30-day rule gives on 06-16
    assert set(items("enterprises.vehicle_certificate", last_day)) == {str(vehicle.pk)}
    assert items("enterprises.vehicle_certificate", last_day)[str(vehicle.pk)].unit_id == unit_a.pk
    assert set(items("enterprises.licence", last_day)) == {str(enterprise.pk)}


def test_tomorrows_duty_reminds_the_person_on_duty(alice, bob):
    duty = DutyAssignmentFactory(date=D(2020, 6, 17), person=alice, role=DutyRole.STAFF)
    DutyAssignmentFactory(date=D(2020, 6, 10), person=bob)  # past
    found = items("emergency.duty", last_day=D(2020, 6, 17))
    assert set(found) == {str(duty.pk)}
    assert found[str(duty.pk)].user_ids == (alice.pk,)
    assert registry.source("emergency.duty").notify_unit is False
