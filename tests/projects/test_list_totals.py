"""The registry's totals line (``ProjectQuerySet.investment_totals``, grouped joins) agrees with the figures
added up directly from the rows, after a write through each door: the page, an import, the admin — and the API's
investment summary reads the same figures. The totals are cached (``projects.selectors.registry_totals``): each
test reads the list before the write too, so a total kept from before it would show; the writes' after-commit
callbacks run (``django_capture_on_commit_callbacks``), as they do outside a test's transaction."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.choices import ReviewState
from core.imports.runner import run_import
from projects.models import InvestmentPlan, MonthlyProgress, Project
from projects.resources import ProgressResource
from tests.enterprises.test_admin import form_errors, post

from .factories import InvestmentPlanFactory, MonthlyProgressFactory, ProjectFactory
from .test_admin import project_data
from .test_import import progress_row, workbook
from .test_review_doors import accept_in_admin
from .test_views import progress_data

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2020, 7, 10, 3, tzinfo=datetime.UTC)


def direct_totals(year: int, projects) -> dict[str, Decimal]:
    """The totals added up in Python from every row, without the queryset's joins."""
    projects = list(projects.all())  # read again, not a cached evaluation
    plans = InvestmentPlan.objects.filter(year=year, project__in=projects)
    progress = MonthlyProgress.objects.filter(project__in=projects, month__year=year)
    return {
        "total_investment": sum((p.total_investment for p in projects), Decimal(0)),
        "planned": sum((plan.amount for plan in plans), Decimal(0)),
        "completed": sum((m.investment for m in progress if m.state in ReviewState.counted()), Decimal(0)),
    }


def list_totals(client, query: str = "") -> dict[str, Decimal]:
    response = client.get(reverse("projects:project_list") + f"?year=2020{query}")
    assert response.status_code == 200
    totals = response.context["totals"]
    for key, html_id in (("total_investment", "total-investment"), ("planned", "total-planned")):
        assert f'id="{html_id}">{totals[key]:.2f}<' in response.text
    # the rows of the page (all on one page here) add up to the same figures
    rows = list(response.context["page_obj"])
    assert sum((p.year_planned for p in rows), Decimal(0)) == totals["planned"]
    assert sum((p.year_completed for p in rows), Decimal(0)) == totals["completed"]
    return totals


@pytest.fixture
def registry(project_a, project_b, unit_b):
    """Projects with plans of several years and progress in every state, in and out of 2020."""
    other = ProjectFactory(name="无计划项目", responsible_unit=unit_b, total_investment=Decimal("12.5"))
    InvestmentPlanFactory(project=project_a, year=2019, amount=Decimal("77"))
    rows = [
        (project_a, datetime.date(2019, 12, 1), "31.5", {"accepted": True}),  # another year
        (project_a, datetime.date(2020, 2, 1), "100", {"accepted": True}),
        (project_a, datetime.date(2020, 3, 1), "20.25", {"submitted": True}),
        (project_a, datetime.date(2020, 4, 1), "999", {}),  # a draft: not counted
        (project_b, datetime.date(2020, 2, 1), "40", {"submitted": True}),
        (other, datetime.date(2020, 5, 1), "5", {"accepted": True}),
    ]
    for project, month, investment, state in rows:
        MonthlyProgressFactory(project=project, month=month, investment=Decimal(investment), **state)
    return Project.objects.all()


def test_the_totals_are_the_figures_added_up(login, leo, registry, project_b):
    client = login(leo)
    assert list_totals(client) == direct_totals(2020, registry)
    assert list_totals(client) == {
        "total_investment": Decimal("3012.50"),
        "planned": Decimal("1500"),
        "completed": Decimal("165.25"),
    }
    unit = f"&unit={project_b.responsible_unit_id}"
    assert list_totals(client, unit) == direct_totals(
        2020, registry.filter(responsible_unit=project_b.responsible_unit)
    )
    empty = list_totals(client, "&q=没有这个项目")
    assert empty == {"total_investment": 0, "planned": 0, "completed": 0}


@time_machine.travel(NOW)
def test_after_a_month_reported_on_the_page(login, bob, leo, registry, project_b, django_capture_on_commit_callbacks):
    assert list_totals(login(leo))["completed"] == Decimal("165.25")
    with django_capture_on_commit_callbacks(execute=True):
        page = login(bob).post(reverse("projects:progress_create", args=[project_b.pk]), progress_data())
    assert page.status_code == 302
    totals = list_totals(login(leo))
    assert totals == direct_totals(2020, registry) and totals["completed"] == Decimal("285.75")


@time_machine.travel(NOW)
def test_after_an_import(settings, tmp_path, login, bob, leo, registry, project_b, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    assert list_totals(login(leo))["completed"] == Decimal("165.25")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        data = workbook(ProgressResource, [progress_row(project_b, "2020-05", "250.5")])
        outcome = run_import(resource=ProgressResource(user=bob), data=data, fmt="xlsx", user=bob, dry_run=False)
    assert outcome.ok, [str(issue) for row in outcome.rows for issue in row.issues]
    totals = list_totals(login(leo))
    assert totals == direct_totals(2020, registry) and totals["completed"] == Decimal("415.75")


def test_after_an_acceptance_and_a_project_change_in_the_admin(
    login, admin_user, leo, registry, project_a, django_capture_on_commit_callbacks
):
    draft = MonthlyProgress.objects.get(project=project_a, month=datetime.date(2020, 4, 1))
    draft.state, draft.submitted_at = ReviewState.SUBMITTED, NOW
    draft.save()
    assert list_totals(login(leo))["completed"] == Decimal("165.25") + Decimal("999")
    client = login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert accept_in_admin(client, draft).status_code == 200
    assert MonthlyProgress.objects.get(pk=draft.pk).state == ReviewState.ACCEPTED
    totals = list_totals(login(leo))
    assert totals == direct_totals(2020, registry) and totals["completed"] == Decimal("1164.25")
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    data = project_data(project_a.responsible_unit, name=project_a.name, total_investment="1500")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(login(admin_user), url, data)  # the same test client, logged in again
    assert response.status_code == 302, form_errors(response)
    totals = list_totals(login(leo))
    assert totals == direct_totals(2020, registry) and totals["total_investment"] == Decimal("3512.50")


def test_the_api_summary_reads_the_same_figures(login, leo, registry):
    client = login(leo)
    summary = client.get("/api/v1/investment-summary/?year=2020")
    assert summary.status_code == 200, summary.content
    totals = list_totals(client)
    api = summary.json()["totals"]
    assert (Decimal(str(api["planned"])), Decimal(str(api["completed"]))) == (totals["planned"], totals["completed"])
