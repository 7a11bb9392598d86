"""Excel import of projects and of monthly progress: good and broken workbooks, all or nothing, permissions,
the over-total rule, and the pages."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.choices import ReviewState
from core.imports.runner import run_import
from projects import services
from projects.models import MonthlyProgress, Project
from projects.resources import ProgressResource, ProjectResource

from .factories import MonthlyProgressFactory

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


def workbook(resource_class, rows: list[dict]) -> bytes:
    """A workbook with the resource's headers (English here: the catalogue is compiled later) (rows by field name)."""
    fields = resource_class().fields
    names = list(dict.fromkeys(name for row in rows for name in row))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([fields[name].column_name for name in names])
    for row in rows:
        sheet.append([row.get(name) for name in names])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(resource_class, user, rows, dry_run=False):
    return run_import(
        resource=resource_class(user=user), data=workbook(resource_class, rows), fmt="xlsx", user=user, dry_run=dry_run
    )


def issues(outcome) -> list[tuple[int, str]]:
    return [(issue.row, issue.column) for row in outcome.rows for issue in row.issues]


GOOD_PROJECT = {
    "name": "沙市至淳口公路提质改造",
    "code": "X031",
    "category": "trunk_road",
    "stage": "Under construction",
    "townships": "沙市镇、淳口镇",
    "length_km": 11.3,
    "total_investment": "9200",
    "plan_year": 2020,
    "planned_investment": 5000,
    "funding_special_bond": 3680,
    "funding_city": "5,520",
    "responsible_unit": "规建科",
    "leader": "李局长",
    "planned_start": "2020-03-01",
    "planned_finish": "2021年6月30日",
    "lists": "road_network、People's livelihood project",
}


def test_import_good_projects_workbook(admin_user, unit_a, leo):
    outcome = run(ProjectResource, admin_user, [GOOD_PROJECT, {**GOOD_PROJECT, "name": "另一项目", "code": ""}])
    assert outcome.ok, [str(i) for r in outcome.rows for i in r.issues] + [str(i) for i in outcome.file_issues]
    project = Project.objects.get(code="X031")
    assert (project.category, project.stage, project.responsible_unit, project.leader) == (
        "trunk_road",
        "construction",
        unit_a,
        leo,
    )
    assert sorted(t.name for t in project.townships.all()) == ["沙市镇", "淳口镇"]
    assert {f.source: f.amount for f in project.funding_sources.all()} == {
        "special_bond": Decimal("3680"),
        "city": Decimal("5520"),
    }
    assert project.investment_plans.get().amount == Decimal("5000")
    assert sorted(project.listings.values_list("list", flat=True)) == ["livelihood", "road_network"]
    assert project.planned_finish == datetime.date(2021, 6, 30)
    # Imported again unchanged: nothing to do.
    again = run(ProjectResource, admin_user, [GOOD_PROJECT])
    assert (again.ok, again.unchanged) == (True, 1)


def test_broken_projects_workbook_names_the_cells_and_imports_nothing(admin_user, unit_a):
    rows = [
        GOOD_PROJECT,
        {**GOOD_PROJECT, "name": "负数", "code": "", "total_investment": "-5"},
        {**GOOD_PROJECT, "name": "非数字", "code": "", "funding_city": "很多"},
        {**GOOD_PROJECT, "name": "未知类别", "code": "", "category": "航道"},
        {**GOOD_PROJECT, "name": "未知乡镇", "code": "", "townships": "火星镇"},
        {**GOOD_PROJECT, "name": "未知单位", "code": "", "responsible_unit": "不存在科"},
        {**GOOD_PROJECT, "name": "未知清单", "code": "", "lists": "不存在的清单"},
        {**GOOD_PROJECT},  # the same project twice
    ]
    outcome = run(ProjectResource, admin_user, rows)
    fields = ProjectResource().fields
    assert not outcome.ok
    assert issues(outcome) == [
        (3, fields["total_investment"].column_name),
        (4, fields["funding_city"].column_name),
        (5, fields["category"].column_name),
        (6, fields["townships"].column_name),
        (7, fields["responsible_unit"].column_name),
        (8, fields["lists"].column_name),
        (9, ""),
    ]
    assert not Project.objects.exists()


def test_unit_members_import_only_their_projects(alice, bob, project_a, project_b):
    change = {"name": project_b.name, "contractor": "新施工单位"}
    outcome = run(ProjectResource, alice, [change])
    assert not outcome.ok and issues(outcome) == [(2, "")]
    outcome = run(
        ProjectResource,
        alice,
        [{"name": "新建项目", "category": "other", "responsible_unit": "规建科", "total_investment": 1}],
    )
    assert not outcome.ok  # only administrators add projects
    outcome = run(ProjectResource, alice, [{"name": project_a.name, "responsible_unit": "安全科"}])
    assert not outcome.ok  # nor hand one to another unit
    outcome = run(ProjectResource, alice, [{"name": project_a.name, "contractor": "新施工单位"}])
    assert outcome.ok
    project_b.refresh_from_db()
    assert project_b.contractor == ""


def progress_row(project, month="2020-05", investment=100, **extra):
    return {"project": project.name, "month": month, "investment": investment, "physical_progress": 30, **extra}


def test_import_good_progress_workbook(alice, project_a):
    rows = [
        progress_row(project_a, "2020-04", 100, narrative="路基", blocker_category="land", blocker="拆迁"),
        progress_row(project_a, "2020年5月", "250.5"),
    ]
    outcome = run(ProgressResource, alice, rows)
    assert outcome.ok, [str(i) for r in outcome.rows for i in r.issues]
    months = MonthlyProgress.objects.filter(project=project_a).with_totals().order_by("month")
    assert [(m.month.month, m.state, m.cumulative) for m in months] == [
        (4, ReviewState.SUBMITTED, Decimal("100")),
        (5, ReviewState.SUBMITTED, Decimal("350.5")),
    ]
    assert months[0].blockers.get().category == "land" and months[0].author == alice


def test_broken_progress_workbook(alice, project_a, project_b):
    MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 3, 1), investment=Decimal("10"))
    rows = [
        progress_row(project_a, "2020-04", 100),
        progress_row(project_a, "2020-04", 100),  # twice in the file
        progress_row(project_a, "2020-03", 100),  # already recorded
        progress_row(project_a, "2020-06", -1),
        progress_row(project_a, "2020-07", "abc"),
        progress_row(project_b, "2020-05", 1),  # another unit's project
        {**progress_row(project_a, "2020-08", 1), "project": "没有这个项目"},
        progress_row(project_a, "2020-09", 1, blocker_category="天气", blocker="下雨"),
    ]
    outcome = run(ProgressResource, alice, rows)
    fields = ProgressResource().fields
    column = {name: fields[name].column_name for name in ("month", "investment", "project", "blocker_category")}
    assert issues(outcome) == [
        (3, column["month"]),
        (4, column["month"]),
        (5, column["investment"]),
        (6, column["investment"]),
        (7, column["project"]),
        (8, column["project"]),
        (9, column["blocker_category"]),
    ]
    assert MonthlyProgress.objects.count() == 1


def messages(outcome) -> list[tuple[int, str, str]]:
    return [(issue.row, issue.column, issue.message) for row in outcome.rows for issue in row.issues]


def refusal_of(service, **kwargs) -> str:
    """What ``service`` answers a page (the one message every door gives)."""
    with pytest.raises((PermissionDenied, ValidationError)) as refused:
        service(**kwargs)
    error = refused.value
    return str(error) if isinstance(error, PermissionDenied) else " ".join(error.messages)


def test_project_import_refuses_with_the_services_messages(admin_user, alice, unit_a, project_a):
    fields = ProjectResource().fields
    later = {**GOOD_PROJECT, "planned_start": "2021-07-01"}  # after the planned finish, 2021-06-30
    outcome = run(ProjectResource, admin_user, [later])
    page = refusal_of(
        services.project_create,
        user=admin_user,
        name="页面项目",
        category="trunk_road",
        responsible_unit=unit_a,
        total_investment=1,
        planned_start=datetime.date(2021, 7, 1),
        planned_finish=datetime.date(2021, 6, 30),
    )
    assert messages(outcome) == [(2, fields["planned_finish"].column_name, page)]

    outcome = run(
        ProjectResource,
        alice,
        [{"name": "新建项目", "category": "other", "responsible_unit": "规建科", "total_investment": 1}],
    )
    page = refusal_of(services.project_create, user=alice, name="新建项目", category="other", responsible_unit=unit_a)
    assert messages(outcome) == [(2, "", page)]

    outcome = run(ProjectResource, alice, [{"name": project_a.name, "responsible_unit": "安全科"}])
    assert [(row, column) for row, column, _ in messages(outcome)] == [(2, fields["responsible_unit"].column_name)]
    assert not Project.objects.exclude(pk=project_a.pk).exists()


def test_progress_import_refuses_with_the_services_messages(alice, project_a, project_b):
    fields = ProgressResource().fields
    outcome = run(ProgressResource, alice, [progress_row(project_b, "2020-05", 1)])
    page = refusal_of(
        services.progress_create,
        user=alice,
        project=project_b,
        month=datetime.date(2020, 5, 1),
        investment=Decimal("1"),
        physical_progress=30,
    )
    assert messages(outcome) == [(2, fields["project"].column_name, page)]

    outcome = run(ProgressResource, alice, [progress_row(project_a, "2020-05", 1, blocker="下雨")])
    page = refusal_of(services.blocker_item, category=None, description="下雨")
    assert messages(outcome) == [(2, fields["blocker_category"].column_name, page)]
    assert not MonthlyProgress.objects.exists()


def test_progress_import_follows_the_over_total_rule(alice, project_a):
    rows = [progress_row(project_a, "2020-04", 600), progress_row(project_a, "2020-05", 500)]  # total is 1000
    outcome = run(ProgressResource, alice, rows)
    assert issues(outcome) == [(3, ProgressResource().fields["over_total_reason"].column_name)]
    rows[1].update(confirm_over_total="是", over_total_reason="设计变更")
    assert run(ProgressResource, alice, rows).ok
    assert MonthlyProgress.objects.get(month=datetime.date(2020, 5, 1)).over_total_reason == "设计变更"


def test_import_pages(login, alice, project_a):
    client = login(alice)
    data = workbook(ProgressResource, [progress_row(project_a)])
    upload = SimpleUploadedFile("进度.xlsx", data, content_type=XLSX)
    preview = client.post(reverse("projects:progress_import"), {"file": upload})
    assert preview.status_code == 200 and preview.context["can_confirm"]
    done = client.post(reverse("projects:progress_import_confirm"), {"token": preview.context["token"]})
    assert done.status_code == 302
    assert MonthlyProgress.objects.filter(project=project_a).count() == 1


def test_leaders_may_not_import(login, leo):
    assert login(leo).get(reverse("projects:progress_import")).status_code == 403
    assert login(leo).get(reverse("projects:project_import")).status_code == 403


def test_export_round_trip(admin_user, project_a):
    from core.imports.views import export_response

    response = export_response(
        resource=ProjectResource(user=admin_user, year=2020), queryset=Project.objects.all(), fmt="xlsx", filename="p"
    )
    outcome = run_import(
        resource=ProjectResource(user=admin_user), data=response.content, fmt="xlsx", user=admin_user, dry_run=True
    )
    assert outcome.ok and outcome.unchanged == 1
