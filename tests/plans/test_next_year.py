"""Drafting next year's plan from this one (``plan_draft_next_year``) and publishing it (``work_plan_publish``):
on the 2020 demo plan, what is carried and what is not, the dates, units and leaders, the projects' investment
plan; nothing of 2020 changes; only administrators draft and publish, at the page and the admin."""

import datetime
import io
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiClient
from api.services import api_token_issue
from plans import services
from plans.choices import MeasureStatus
from plans.models import KeyTask, Measure, ProgressReport, WorkPlan
from projects.choices import ProjectStage
from projects.models import InvestmentPlan, Project
from tests.factories import KeyTaskFactory, MeasureFactory, ProgressReportFactory, WorkPlanFactory
from tests.projects.factories import InvestmentPlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("load_demo_data", stdout=io.StringIO())
    return WorkPlan.objects.get(year=2020)


def rows_of(year: int) -> dict:
    """Every row of a year's plan and investment plan, field by field."""
    measures = Measure.objects.filter(key_task__plan__year=year)
    return {
        "plan": list(WorkPlan.objects.filter(year=year).values()),
        "tasks": list(KeyTask.objects.filter(plan__year=year).order_by("pk").values()),
        "measures": list(measures.order_by("pk").values()),
        "cooperating": sorted(
            Measure.cooperating_units.through.objects.filter(measure__in=measures).values_list("measure", "unit")
        ),
        "reports": list(ProgressReport.objects.filter(measure__in=measures).order_by("pk").values()),
        "investment": list(InvestmentPlan.objects.filter(year=year).order_by("pk").values()),
    }


def test_the_2020_demo_plan_drafts_2021_carrying_what_is_unfinished(demo, admin_user):
    before = rows_of(2020)
    old = {m.code: m for m in Measure.objects.filter(key_task__plan=demo).select_related("key_task")}
    repeated = old["5.1"]

    draft = services.plan_draft_next_year(user=admin_user, plan=demo, include_completed=[repeated])

    assert rows_of(2020) == before  # nothing of 2020 changed
    assert (draft.year, draft.title, draft.published) == (2021, "浏阳市交通运输局2021年工作计划", False)
    assert list(draft.key_tasks.values_list("number", "title")) == list(demo.key_tasks.values_list("number", "title"))
    new = list(Measure.objects.filter(key_task__plan=draft).select_related("key_task", "carried_from__key_task"))
    unfinished = ["1.2", "1.3", "2.3", "3.3", "4.2"]
    assert [m.carried_from.code for m in new if m.carried_from] == unfinished
    assert [m.title for m in new if m.carried_from is None] == [repeated.title]
    assert [m.code for m in new] == ["1.1", "1.2", "2.1", "3.1", "4.1", "5.1"]  # numbered again in their order
    for measure in new:
        source = measure.carried_from or repeated
        assert (measure.title, measure.text, measure.target) == (source.title, source.text, source.target)
        assert (measure.lead_unit_id, measure.responsible_leader_id) == (
            source.lead_unit_id,
            source.responsible_leader_id,
        )
        assert set(measure.cooperating_units.all()) == set(source.cooperating_units.all())
        assert measure.start_date == source.start_date.replace(year=2021)
        assert measure.due_date == source.due_date.replace(year=2021)
    carried = {m.carried_from.code: m for m in new if m.carried_from}
    assert (carried["1.2"].progress, carried["1.2"].status) == (85, MeasureStatus.IN_PROGRESS)
    assert (carried["1.3"].progress, carried["1.3"].status) == (70, MeasureStatus.IN_PROGRESS)
    again = next(m for m in new if m.carried_from is None)
    assert (again.progress, again.status) == (0, MeasureStatus.NOT_STARTED)

    # Projects still in progress carry what remains of their total investment; the rest carry nothing.
    in_progress = Project.objects.filter(investment_plans__year=2020).exclude(stage=ProjectStage.COMPLETED)
    planned = dict(InvestmentPlan.objects.filter(year=2021).values_list("project__name", "amount"))
    assert set(planned) == set(in_progress.values_list("name", flat=True))
    assert len(planned) == 24
    road = Project.objects.with_investment(2020).get(name="G106浏阳绕城公路（西南环线）")
    assert planned[road.name] == max(road.total_investment - road.cumulative, Decimal(0))


def test_a_completed_project_is_not_carried_and_a_plan_already_there_is_kept(admin_user):
    plan = WorkPlanFactory(year=2020)
    ongoing, finished, planned = ProjectFactory.create_batch(3)
    finished.stage = ProjectStage.COMPLETED
    finished.save()
    for project in (ongoing, finished, planned):
        InvestmentPlanFactory(project=project, year=2020, amount=Decimal("100.00"))
    InvestmentPlanFactory(project=planned, year=2021, amount=Decimal("5.00"))

    services.plan_draft_next_year(user=admin_user, plan=plan)

    assert dict(InvestmentPlan.objects.filter(year=2021).values_list("project", "amount")) == {
        ongoing.pk: Decimal("10000.00"),
        planned.pk: Decimal("5.00"),
    }


def test_29_february_moves_to_28_february_and_cancelled_measures_stay_behind(admin_user):
    task = KeyTaskFactory(plan=WorkPlanFactory(year=2024), number=1)
    leap = MeasureFactory(key_task=task, start_date=datetime.date(2024, 2, 29), due_date=datetime.date(2024, 12, 31))
    MeasureFactory(key_task=task, status=MeasureStatus.CANCELLED)

    draft = services.plan_draft_next_year(user=admin_user, plan=task.plan)

    measure = Measure.objects.get(key_task__plan=draft)
    assert (measure.carried_from, measure.start_date) == (leap, datetime.date(2025, 2, 28))


def test_a_second_draft_is_refused_in_chinese(admin_user):
    plan = WorkPlanFactory(year=2020)
    WorkPlanFactory(year=2021)

    with pytest.raises(ValidationError) as refused:
        services.plan_draft_next_year(user=admin_user, plan=plan)

    assert refused.value.messages == ["2021年已有工作计划，请修改该计划，不要再起草一份。"]
    assert WorkPlan.objects.count() == 2


def test_only_completed_measures_of_the_plan_can_be_chosen_to_repeat(admin_user):
    measure = MeasureFactory(status=MeasureStatus.IN_PROGRESS)

    with pytest.raises(ValidationError):
        services.plan_draft_next_year(user=admin_user, plan=measure.key_task.plan, include_completed=[measure])

    assert not WorkPlan.objects.filter(year=2021).exists()


def test_every_write_of_the_draft_is_in_the_audit_history(admin_user):
    measure = MeasureFactory()
    InvestmentPlanFactory(project=ProjectFactory(), year=2020, amount=Decimal("1.00"))

    draft = services.plan_draft_next_year(user=admin_user, plan=measure.key_task.plan)

    created = LogEntry.objects.filter(action=LogEntry.Action.CREATE, actor=admin_user)
    for model, rows in (
        (WorkPlan, [draft]),
        (KeyTask, draft.key_tasks.all()),
        (Measure, Measure.objects.filter(key_task__plan=draft)),
        (InvestmentPlan, InvestmentPlan.objects.filter(year=2021)),
    ):
        logged = created.filter(content_type=ContentType.objects.get_for_model(model))
        assert set(logged.values_list("object_pk", flat=True)) == {str(row.pk) for row in rows}


def test_the_carried_measure_shows_its_progress_and_last_report(login, admin_user, alice, measure_a):
    measure_a.progress = 40
    measure_a.save()
    ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 5, 1), submitted=True)
    last = ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2020, 6, 1), submitted=True)
    draft = services.plan_draft_next_year(user=admin_user, plan=measure_a.key_task.plan)
    carried = Measure.objects.get(key_task__plan=draft)

    page = login(admin_user).get(carried.get_absolute_url()).content.decode()

    assert "结转自2020年计划" in page and "40%" in page
    assert last.get_absolute_url() in page


# Doors and refusals ------------------------------------------------------------------------------------------


def test_an_administrator_drafts_from_the_page_choosing_what_to_repeat(login, admin_user):
    task = KeyTaskFactory(plan=WorkPlanFactory(year=2020), number=1)
    done = MeasureFactory(key_task=task, status=MeasureStatus.COMPLETED, progress=100)
    MeasureFactory(key_task=task)
    client = login(admin_user)
    page = reverse("plans:plan_draft_next_year", args=[2020])

    assert "起草下一年度计划" in client.get(task.plan.get_absolute_url()).content.decode()
    response = client.post(page, {"include_completed": [done.pk]})

    draft = WorkPlan.objects.get(year=2021)
    assert response.status_code == 302 and response.url == draft.get_absolute_url()
    assert Measure.objects.filter(key_task__plan=draft).count() == 2
    again = client.post(page, {})
    assert "2021年已有工作计划" in again.content.decode()


@pytest.mark.parametrize("persona", ["alice", "carol", "leo"])
def test_others_may_not_draft_or_publish(request, login, persona):
    plan = WorkPlanFactory(year=2020, published=False)
    user = request.getfixturevalue(persona)
    client = login(user)

    assert client.get(reverse("plans:plan_draft_next_year", args=[2020])).status_code == 403
    assert client.post(reverse("plans:plan_draft_next_year", args=[2020]), {}).status_code == 403
    assert client.post(reverse("plans:plan_publish", args=[2020])).status_code == 403
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="draft-next-year"' not in page and 'id="publish-plan"' not in page
    with pytest.raises(PermissionDenied):
        services.plan_draft_next_year(user=user, plan=plan)
    with pytest.raises(PermissionDenied):
        services.work_plan_publish(user=user, plan=plan)
    assert not WorkPlan.objects.filter(year=2021).exists()
    plan.refresh_from_db()
    assert not plan.published


def test_the_api_has_no_door_to_draft_or_publish_plans(admin_user):
    WorkPlanFactory(year=2020, published=False)
    token, plain = api_token_issue(
        user=admin_user,
        client=ApiClient.objects.create(name="测试客户端"),
        resources=["work-plans"],
        can_write=True,
        acting_user=admin_user,
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    plan_url = reverse("api:work-plan-detail", args=[WorkPlan.objects.get().pk])

    assert client.post(reverse("api:work-plan-list"), {"year": 2021}).status_code == 405
    assert client.patch(plan_url, {"published": True}).status_code == 405
    assert not WorkPlan.objects.get().published


def test_an_administrator_publishes_the_draft_once_from_the_page(login, admin_user):
    plan = WorkPlanFactory(year=2021, published=False)
    client = login(admin_user)

    client.post(reverse("plans:plan_publish", args=[2021]))
    plan.refresh_from_db()
    assert plan.published and plan.published_on is not None
    assert LogEntry.objects.get_for_object(plan).filter(actor=admin_user).exists()
    with pytest.raises(ValidationError) as refused:
        services.work_plan_publish(user=admin_user, plan=plan)
    assert refused.value.messages == ["该计划已经发布。"]


def test_the_admin_publishes_through_the_service_and_does_not_edit_the_flag(login, admin_user, alice):
    plan = WorkPlanFactory(year=2021, published=False)
    changelist = reverse("admin:plans_workplan_changelist")

    login(admin_user).post(changelist, {"action": "publish_selected", "_selected_action": [plan.pk]})

    plan.refresh_from_db()
    assert plan.published
    assert "published" in admin.site._registry[WorkPlan].readonly_fields
    assert login(alice).get(changelist).status_code == 302  # the admin admits administrators only
