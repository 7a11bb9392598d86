"""Model rules and database constraints, derived figures (year to date, cumulative, behind schedule, blockers)
and the services' rules: the over-total confirmation, review states."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from core.choices import ReviewState
from projects import services
from projects.choices import MilestonePhase
from projects.models import FundingSource, Milestone, MonthlyProgress, Project

from .factories import (
    BlockerFactory,
    FundingSourceFactory,
    MilestoneFactory,
    MonthlyProgressFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal


def month(m: int, year: int = 2020) -> datetime.date:
    return datetime.date(year, m, 1)


# Constraints ------------------------------------------------------------------------------------------------


def test_one_progress_per_project_and_month(project_a):
    MonthlyProgressFactory(project=project_a, month=month(5))
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgressFactory(project=project_a, month=month(5))


def test_investment_must_not_be_negative_in_the_database(project_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgressFactory(project=project_a, investment=D("-1"))


@pytest.mark.parametrize("percent", [101, 250])
def test_physical_progress_is_a_percentage(project_a, percent):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgressFactory(project=project_a, physical_progress=percent)


def test_month_is_the_first_day(project_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 5, 2))


def test_returned_progress_needs_a_reason(project_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyProgressFactory(project=project_a, submitted=True, state=ReviewState.RETURNED, return_reason="")


def test_one_milestone_per_phase_and_one_amount_per_source(project_a):
    MilestoneFactory(project=project_a, phase=MilestonePhase.START)
    with pytest.raises(IntegrityError), transaction.atomic():
        MilestoneFactory(project=project_a, phase=MilestonePhase.START)
    FundingSourceFactory(project=project_a, source="central")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingSourceFactory(project=project_a, source="central")
    assert Milestone.objects.count() == 1 and FundingSource.objects.count() == 1


def test_project_code_unique_when_given_and_dates_in_order(unit_a):
    ProjectFactory(code="G106", responsible_unit=unit_a)
    ProjectFactory(code="", responsible_unit=unit_a)
    ProjectFactory(code="", responsible_unit=unit_a)  # many projects have no code
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(code="G106", responsible_unit=unit_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectFactory(planned_start=datetime.date(2021, 1, 1), planned_finish=datetime.date(2020, 1, 1))


# Derived figures --------------------------------------------------------------------------------------------


def test_milestone_delay_in_days():
    milestone = Milestone(phase=MilestonePhase.START, planned_date=datetime.date(2020, 3, 1))
    assert milestone.delay_days(today=datetime.date(2020, 2, 1)) == 0  # not yet due
    assert milestone.delay_days(today=datetime.date(2020, 3, 11)) == 10  # due, not done
    milestone.actual_date = datetime.date(2020, 3, 21)
    assert milestone.delay_days(today=datetime.date(2021, 1, 1)) == 20  # done late
    milestone.actual_date = datetime.date(2020, 2, 25)
    assert milestone.delay_days() == -5  # done early
    assert Milestone(phase=MilestonePhase.START).delay_days() is None


def test_year_to_date_and_cumulative_are_derived_from_counted_months(project_a):
    MonthlyProgressFactory(project=project_a, month=month(11, 2019), investment=D("50"), accepted=True)
    MonthlyProgressFactory(project=project_a, month=month(1), investment=D("100"), accepted=True)
    MonthlyProgressFactory(project=project_a, month=month(2), investment=D("200"), submitted=True)
    MonthlyProgressFactory(project=project_a, month=month(3), investment=D("400"))  # a draft: not counted
    MonthlyProgressFactory(project=project_a, month=month(4), investment=D("25"), accepted=True)
    rows = {row.month: row for row in MonthlyProgress.objects.filter(project=project_a).with_totals()}
    assert [(rows[m].ytd, rows[m].cumulative) for m in (month(11, 2019), month(1), month(2), month(4))] == [
        (D("50"), D("50")),
        (D("100"), D("150")),
        (D("300"), D("350")),
        (D("325"), D("375")),
    ]
    assert (rows[month(3)].ytd, rows[month(3)].cumulative) == (D("700"), D("750"))  # what it would make
    # The figures stay right when the queryset is filtered to one month.
    only = MonthlyProgress.objects.filter(project=project_a, month=month(4)).with_totals().get()
    assert only.cumulative == D("375")

    project = Project.objects.with_investment(2020).get(pk=project_a.pk)
    assert (project.year_planned, project.year_completed, project.cumulative) == (D("600"), D("325"), D("375"))
    assert (project.latest_physical, project.latest_month) == (30, month(4))


def test_projects_without_progress_have_zero_figures(project_a):
    project = Project.objects.with_investment(2020).get(pk=project_a.pk)
    assert (project.year_completed, project.cumulative, project.latest_physical) == (D("0"), D("0"), None)


def test_behind_schedule(unit_a):
    today = datetime.date(2020, 6, 1)
    on_time = ProjectFactory(responsible_unit=unit_a)
    MilestoneFactory(project=on_time, planned_date=datetime.date(2020, 3, 1), actual_date=datetime.date(2020, 4, 1))
    MilestoneFactory(project=on_time, phase=MilestonePhase.HANDOVER, planned_date=datetime.date(2020, 9, 1))
    overdue = ProjectFactory(responsible_unit=unit_a)
    MilestoneFactory(project=overdue, planned_date=datetime.date(2020, 5, 1))
    past_finish = ProjectFactory(responsible_unit=unit_a, planned_finish=datetime.date(2020, 5, 31))
    finished = ProjectFactory(responsible_unit=unit_a, planned_finish=datetime.date(2020, 5, 31), stage="completed")
    behind = set(Project.objects.behind_schedule(today))
    assert behind == {overdue, past_finish}
    flags = {p.pk: p.behind for p in Project.objects.with_behind_schedule(today)}
    assert flags == {on_time.pk: False, overdue.pk: True, past_finish.pk: True, finished.pk: False}


def test_has_blockers_looks_at_the_latest_counted_month(unit_a):
    earlier = ProjectFactory(responsible_unit=unit_a)
    BlockerFactory(progress=MonthlyProgressFactory(project=earlier, month=month(4), accepted=True))
    MonthlyProgressFactory(project=earlier, month=month(5), accepted=True)  # the latest month is clear
    latest = ProjectFactory(responsible_unit=unit_a)
    BlockerFactory(progress=MonthlyProgressFactory(project=latest, month=month(5), submitted=True))
    drafted = ProjectFactory(responsible_unit=unit_a)
    BlockerFactory(progress=MonthlyProgressFactory(project=drafted, month=month(5)))  # a draft
    assert set(Project.objects.filter(Project.objects.has_blockers_q())) == {latest}


# Services ---------------------------------------------------------------------------------------------------


def create(user, project, m=5, investment="100", **kwargs):
    return services.progress_create(
        user=user, project=project, month=month(m), investment=D(investment), physical_progress=40, **kwargs
    )


def test_staff_record_submit_and_head_accepts(alice, carol, project_a):
    progress = create(alice, project_a, blockers=[services.BlockerItem("land", "拆迁未完成")])
    assert progress.state == ReviewState.DRAFT
    assert [(b.category, b.description) for b in progress.blockers.all()] == [("land", "拆迁未完成")]
    services.progress_submit(user=alice, progress=progress)
    services.progress_accept(user=carol, progress=progress)
    progress.refresh_from_db()
    assert (progress.state, progress.reviewed_by) == (ReviewState.ACCEPTED, carol)


def test_head_returns_with_reason_and_staff_resubmits(alice, carol, project_a):
    progress = create(alice, project_a, submit=True)
    with pytest.raises(ValidationError):
        services.progress_return(user=carol, progress=progress, reason="  ")
    services.progress_return(user=carol, progress=progress, reason="请补充计量支付依据")
    progress.refresh_from_db()
    assert progress.state == ReviewState.RETURNED
    services.progress_update(user=alice, progress=progress, investment=D("120"), physical_progress=45, submit=True)
    progress.refresh_from_db()
    assert (progress.state, progress.investment, progress.return_reason) == (ReviewState.SUBMITTED, D("120"), "")


def test_cumulative_above_total_is_refused_without_confirmation(alice, project_a):
    create(alice, project_a, m=4, investment="900", submit=True)
    with pytest.raises(ValidationError) as raised:
        create(alice, project_a, m=5, investment="150")
    assert "over_total_reason" in raised.value.message_dict
    with pytest.raises(ValidationError):
        create(alice, project_a, m=5, investment="150", confirm_over_total=True, over_total_reason=" ")
    with pytest.raises(ValidationError):
        create(alice, project_a, m=5, investment="150", over_total_reason="没有勾选确认")
    progress = create(
        alice, project_a, m=5, investment="150", confirm_over_total=True, over_total_reason="设计变更增加投资"
    )
    assert progress.over_total_reason == "设计变更增加投资"
    assert MonthlyProgress.objects.filter(project=project_a).count() == 2


def test_cumulative_up_to_the_total_needs_no_confirmation(alice, project_a):
    create(alice, project_a, m=4, investment="900")
    assert create(alice, project_a, m=5, investment="100").over_total_reason == ""


def test_editing_a_month_counts_the_other_months_only(alice, project_a):
    progress = create(alice, project_a, m=4, investment="900")
    services.progress_update(user=alice, progress=progress, investment=D("1000"), physical_progress=50)
    with pytest.raises(ValidationError):
        services.progress_update(user=alice, progress=progress, investment=D("1000.01"), physical_progress=50)


def test_negative_and_duplicate_months_refused(alice, project_a):
    create(alice, project_a, m=5)
    with pytest.raises(ValidationError):
        create(alice, project_a, m=5)
    with pytest.raises(ValidationError):
        create(alice, project_a, m=6, investment="-5")


def test_photos_are_checked(alice, project_a, tmp_media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("现场.jpg", b"not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        create(alice, project_a, photos=[fake])
    pdf = SimpleUploadedFile("现场.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    with pytest.raises(ValidationError):
        create(alice, project_a, photos=[pdf])
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    progress = create(alice, project_a, photos=[photo])
    assert [p.original_name for p in progress.photos.all()] == ["现场.png"]


# Permission refusals ----------------------------------------------------------------------------------------


def test_staff_of_another_unit_may_not_report(bob, project_a):
    with pytest.raises(PermissionDenied):
        create(bob, project_a)


def test_leader_may_not_report(leo, project_a):
    with pytest.raises(PermissionDenied):
        create(leo, project_a)


def test_head_of_another_unit_may_not_review(alice, dave, bob, project_a):
    progress = create(alice, project_a, submit=True)
    with pytest.raises(PermissionDenied):
        services.progress_accept(user=dave, progress=progress)
    with pytest.raises(PermissionDenied):
        services.progress_accept(user=alice, progress=progress)  # staff do not review
    with pytest.raises(PermissionDenied):
        services.progress_update(user=bob, progress=progress, investment=D("1"), physical_progress=1)


def test_submitted_progress_can_no_longer_be_changed(alice, project_a):
    progress = create(alice, project_a, submit=True)
    with pytest.raises(PermissionDenied):
        services.progress_update(user=alice, progress=progress, investment=D("1"), physical_progress=1)


def test_only_administrators_create_and_hand_over_projects(alice, admin_user, unit_a, unit_b, project_a):
    with pytest.raises(PermissionDenied):
        services.project_create(user=alice, name="新项目", category="other", responsible_unit=unit_a)
    project = services.project_create(
        user=admin_user,
        name="新项目",
        category="other",
        responsible_unit=unit_a,
        total_investment=D("500"),
        lists=["livelihood"],
        funding={"city": D("500")},
        plans={2020: D("100")},
    )
    assert project.listings.get().list == "livelihood"
    assert project.investment_plans.get().amount == D("100")
    services.project_update(user=alice, project=project_a, stage="completed")
    with pytest.raises(PermissionDenied):
        services.project_update(user=alice, project=project_a, responsible_unit=unit_b)
    services.project_update(user=admin_user, project=project_a, responsible_unit=unit_b)


def test_staff_of_another_unit_may_not_change_project_or_milestones(bob, project_a):
    with pytest.raises(PermissionDenied):
        services.project_update(user=bob, project=project_a, stage="completed")
    with pytest.raises(PermissionDenied):
        services.milestone_set(user=bob, project=project_a, phase="start", planned_date=datetime.date(2020, 1, 1))


@time_machine.travel(datetime.datetime(2020, 6, 15, 10, tzinfo=datetime.UTC))
def test_milestone_set_creates_then_updates(alice, project_a):
    services.milestone_set(user=alice, project=project_a, phase="start", planned_date=datetime.date(2020, 3, 1))
    services.milestone_set(
        user=alice,
        project=project_a,
        phase="start",
        planned_date=datetime.date(2020, 3, 1),
        actual_date=datetime.date(2020, 4, 1),
    )
    milestone = project_a.milestones.get()
    assert (milestone.actual_date, milestone.delay_days()) == (datetime.date(2020, 4, 1), 31)
