"""The pages: wiring, the form's over-total confirmation, totals at the foot of the list, and a refusal for
every door (page, import, admin) for another unit's project."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from core.choices import ReviewState
from projects.models import MonthlyProgress

from .factories import MonthlyProgressFactory, ProjectFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2020, 7, 10, 3, tzinfo=datetime.UTC)


def progress_data(**changes):
    data = {
        "month": "2020-06",
        "investment": "120.50",
        "physical_progress": "35",
        "narrative": "完成路基土方。",
        "blockers-TOTAL_FORMS": "2",
        "blockers-INITIAL_FORMS": "0",
        "blockers-MIN_NUM_FORMS": "0",
        "blockers-MAX_NUM_FORMS": "10",
        "blockers-0-category": "land",
        "blockers-0-description": "两户未签协议",
        "submit": "1",
    }
    data.update(changes)
    return data


@time_machine.travel(NOW)
def test_staff_add_a_month_and_see_it_on_the_project(login, alice, project_a):
    client = login(alice)
    response = client.post(reverse("projects:progress_create", args=[project_a.pk]), progress_data())
    assert response.status_code == 302
    progress = MonthlyProgress.objects.get(project=project_a)
    assert (progress.state, progress.investment) == (ReviewState.SUBMITTED, Decimal("120.50"))
    assert progress.blockers.get().category == "land"
    page = client.get(project_a.get_absolute_url() + "?year=2020")
    assert page.context["project"].cumulative == Decimal("120.50")
    assert page.context["chart_data"]["investment"]["completed"][5] == 120.5
    assert 'id="project-chart-data"' in page.text


@time_machine.travel(NOW)
def test_the_form_asks_for_confirmation_above_the_total(login, alice, project_a):
    MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 5, 1), investment=Decimal("950"), accepted=True)
    client = login(alice)
    url = reverse("projects:progress_create", args=[project_a.pk])
    response = client.post(url, progress_data(investment="100"))
    assert response.status_code == 200 and response.context["form"].errors["over_total_reason"]
    response = client.post(url, progress_data(investment="100", confirm_over_total="on"))
    assert response.context["form"].errors["over_total_reason"]  # the reason is needed too
    response = client.post(url, progress_data(investment="100", confirm_over_total="on", over_total_reason="设计变更"))
    assert response.status_code == 302
    assert MonthlyProgress.objects.get(month=datetime.date(2020, 6, 1)).over_total_reason == "设计变更"


@time_machine.travel(NOW)
def test_the_over_total_confirmation_is_asked_only_when_the_figure_is_over_the_total(login, alice, project_a):
    client = login(alice)
    url = reverse("projects:progress_create", args=[project_a.pk])
    page = client.get(url).text
    assert 'type="hidden" name="confirm_over_total"' in page and 'type="checkbox" name="confirm_over_total"' not in page
    under = client.post(url, progress_data(investment="100", narrative=""))  # an error, but not over the total
    assert 'type="checkbox" name="confirm_over_total"' not in under.text
    over = client.post(url, progress_data(investment="1500"))
    assert 'type="checkbox" name="confirm_over_total"' in over.text
    assert (
        'name="over_total_reason"' in over.text and "<textarea" in over.text.split('name="over_total_reason"')[0][-200:]
    )


@time_machine.travel(NOW)
def test_a_new_month_is_the_one_after_the_last_and_shows_it(login, alice, project_a):
    MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 5, 1), physical_progress=30, accepted=True)
    response = login(alice).get(reverse("projects:progress_create", args=[project_a.pk]))
    form = response.context["form"]
    assert (form.initial["month"], form.initial["physical_progress"]) == (datetime.date(2020, 6, 1), 30)
    assert 'id="previous-progress"' in response.text


@time_machine.travel(NOW)
def test_a_month_that_has_its_progress_links_to_it(login, alice, project_a):
    recorded = MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 6, 1), author=alice)
    response = login(alice).post(reverse("projects:progress_create", args=[project_a.pk]), progress_data())
    assert response.context["existing"] == recorded
    assert f'href="{recorded.get_absolute_url()}"' in response.text.split('id="month-has-progress"')[1]


@time_machine.travel(NOW)
def test_future_month_refused_by_the_form(login, alice, project_a):
    response = login(alice).post(
        reverse("projects:progress_create", args=[project_a.pk]), progress_data(month="2020-09")
    )
    assert response.status_code == 200 and not MonthlyProgress.objects.exists()


def test_list_totals_cover_the_filtered_rows(login, leo, project_a, project_b):
    MonthlyProgressFactory(project=project_a, month=datetime.date(2020, 3, 1), investment=Decimal("100"), accepted=True)
    MonthlyProgressFactory(project=project_b, month=datetime.date(2020, 3, 1), investment=Decimal("40"), submitted=True)
    client = login(leo)
    totals = client.get(reverse("projects:project_list") + "?year=2020").context["totals"]
    assert (totals["planned"], totals["completed"]) == (Decimal("1500"), Decimal("140"))
    response = client.get(reverse("projects:project_list") + f"?year=2020&unit={project_b.responsible_unit_id}")
    assert (response.context["totals"]["planned"], response.context["totals"]["completed"]) == (
        Decimal("900"),
        Decimal("40"),
    )
    assert [p.name for p in response.context["page_obj"]] == [project_b.name]


def test_list_filters(login, leo, project_a, project_b):
    ProjectFactory(name="已完工项目", stage="completed", planned_finish=datetime.date(2020, 1, 1))
    project_a.listings.create(list="livelihood")
    client = login(leo)

    def names(query):
        return sorted(p.name for p in client.get(reverse("projects:project_list") + query).context["page_obj"])

    assert names("?stage=completed") == ["已完工项目"]
    assert names("?list=livelihood") == [project_a.name]
    assert names("?behind=false&stage=completed") == ["已完工项目"]


def test_pages_answer(login, carol, project_a):
    progress = MonthlyProgressFactory(project=project_a, submitted=True)
    client = login(carol)
    for url in (
        reverse("projects:project_list"),
        reverse("projects:investment_summary") + "?year=2020",
        project_a.get_absolute_url(),
        reverse("projects:review_queue"),
        progress.get_absolute_url(),
        reverse("projects:milestones_edit", args=[project_a.pk]),
        reverse("projects:project_edit", args=[project_a.pk]),
        reverse("projects:project_export") + "?format=csv",
        reverse("projects:progress_export") + "?format=xlsx",
        reverse("projects:project_import"),
        reverse("projects:progress_import"),
    ):
        assert client.get(url).status_code == 200, url


def test_head_accepts_from_the_page(login, carol, project_a):
    progress = MonthlyProgressFactory(project=project_a, submitted=True)
    login(carol).post(reverse("projects:progress_review", args=[progress.pk]), {"decision": "accept"})
    progress.refresh_from_db()
    assert progress.state == ReviewState.ACCEPTED


# Refusals: another unit's project, through every door -------------------------------------------------------


def test_pages_refuse_another_units_project(login, bob, project_a):
    client = login(bob)
    for url in (
        reverse("projects:progress_create", args=[project_a.pk]),
        reverse("projects:project_edit", args=[project_a.pk]),
        reverse("projects:milestones_edit", args=[project_a.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("projects:progress_create", args=[project_a.pk]), progress_data()).status_code == 404
    assert not MonthlyProgress.objects.exists()
    assert client.get(reverse("projects:project_create")).status_code == 403
    assert client.get(project_a.get_absolute_url()).status_code == 200  # everybody reads the registry


def test_review_refused_to_another_units_head(login, dave, alice, project_a):
    progress = MonthlyProgressFactory(project=project_a, submitted=True)
    client = login(dave)
    response = client.post(reverse("projects:progress_review", args=[progress.pk]), {"decision": "accept"})
    assert response.status_code == 404
    assert list(client.get(reverse("projects:review_queue")).context["page_obj"]) == []
    assert login(alice).get(reverse("projects:review_queue")).status_code == 403  # staff have no queue
    progress.refresh_from_db()
    assert progress.state == ReviewState.SUBMITTED


def test_other_peoples_drafts_stay_hidden(login, bob, project_a):
    draft = MonthlyProgressFactory(project=project_a)
    assert login(bob).get(draft.get_absolute_url()).status_code == 404


def test_admin_site_refuses_unit_members(login, bob, carol, admin_user, project_a):
    url = reverse("admin:projects_project_change", args=[project_a.pk])
    for user in (bob, carol):
        response = login(user).get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert login(admin_user).get(url).status_code == 200
