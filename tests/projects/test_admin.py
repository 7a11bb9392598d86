"""Issue 12 at the admin door of projects: the add and change views save through the services
(``project_create`` / ``project_update``), with the model's rules under their fields and an audit entry."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from organisation.models import Township
from projects.models import Project
from tests.enterprises.test_admin import form_errors, post

pytestmark = pytest.mark.django_db


def project_data(unit, **changes) -> dict:
    return {
        "name": "沿溪至大瑶公路",
        "code": "",
        "category": "trunk_road",
        "stage": "planning",
        "total_investment": "3200.50",
        "responsible_unit": unit.pk,
        "planned_start": "2020-03-01",
        "planned_finish": "2021-06-30",
        "townships": [Township.objects.get(name="大瑶镇").pk],
        **changes,
    }


def test_an_administrator_adds_a_project_through_the_service(login, admin_user, unit_a):
    response = post(login(admin_user), reverse("admin:projects_project_add"), project_data(unit_a))
    assert response.status_code == 302, form_errors(response)
    project = Project.objects.get(name="沿溪至大瑶公路")
    assert [t.name for t in project.townships.all()] == ["大瑶镇"]
    assert LogEntry.objects.get_for_object(project).filter(actor=admin_user).exists()


def test_a_start_after_the_finish_is_refused_under_the_finish(login, admin_user, unit_a, project_a):
    client = login(admin_user)
    response = post(client, reverse("admin:projects_project_add"), project_data(unit_a, planned_start="2021-07-01"))
    assert set(form_errors(response)) == {"planned_finish"}
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    response = post(
        client, url, project_data(unit_a, name=project_a.name, actual_start="2021-02-01", actual_finish="2021-01-01")
    )
    assert set(form_errors(response)) == {"actual_finish"}
    assert list(Project.objects.values_list("name", flat=True)) == [project_a.name]


def test_the_funding_rows_plan_and_milestones_are_shown_not_changed_in_the_admin(login, admin_user, project_a):
    """They are set on the project's page, through project_update and milestone_set."""
    page = login(admin_user).get(reverse("admin:projects_project_change", args=[project_a.pk]))
    formsets = page.context["inline_admin_formsets"]
    assert {f.formset.prefix for f in formsets} == {"listings", "funding_sources", "investment_plans", "milestones"}
    for formset in formsets:
        assert not (formset.has_add_permission or formset.has_change_permission or formset.has_delete_permission)
