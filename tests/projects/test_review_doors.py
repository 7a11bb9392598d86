"""Issue 12 for monthly progress, at every door (service, page, import, admin): nobody reviews progress they
recorded (four eyes), progress is never for a month after the current one, and the admin reviews through the
services."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from core.choices import ReviewState
from projects import services
from projects.models import MonthlyProgress
from projects.resources import ProgressResource

from .factories import MonthlyProgressFactory
from .test_import import issues, progress_row, run
from .test_views import progress_data

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 7, 10, 3, tzinfo=datetime.UTC)  # 2020-07-10 in Shanghai
MAY = datetime.date(2020, 5, 1)


def reload(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def own_a(carol, project_a):
    """carol (head of unit A) recorded and submitted her unit's project's month."""
    return MonthlyProgressFactory(project=project_a, author=carol, month=MAY, submitted=True)


@pytest.fixture
def submitted_by_alice(alice, project_a):
    return MonthlyProgressFactory(project=project_a, author=alice, month=datetime.date(2020, 4, 1), submitted=True)


# Four eyes ---------------------------------------------------------------------------------------------------------


class TestNobodyReviewsTheirOwnProgress:
    def test_the_unit_head_may_not_accept_her_own(self, carol, own_a):
        with pytest.raises(PermissionDenied, match="自己填报"):
            services.progress_accept(user=carol, progress=own_a)

        assert (reload(own_a).state, own_a.reviewed_by) == (ReviewState.SUBMITTED, None)

    def test_the_unit_head_may_not_return_her_own(self, carol, own_a):
        with pytest.raises(PermissionDenied, match="自己填报"):
            services.progress_return(user=carol, progress=own_a, reason="重写")

        assert (reload(own_a).state, own_a.return_reason) == (ReviewState.SUBMITTED, "")

    def test_she_reviews_her_staffs(self, carol, submitted_by_alice):
        services.progress_accept(user=carol, progress=submitted_by_alice)

        assert reload(submitted_by_alice).state == ReviewState.ACCEPTED

    def test_the_page_refuses_and_offers_no_review(self, login, carol, own_a):
        client = login(carol)

        assert client.get(own_a.get_absolute_url()).context["can_review"] is False
        response = client.post(reverse("projects:progress_review", args=[own_a.pk]), {"decision": "accept"})

        assert response.status_code == 403
        assert reload(own_a).state == ReviewState.SUBMITTED

    def test_the_review_queue_leaves_out_her_own(self, login, carol, own_a, submitted_by_alice):
        rows = login(carol).get(reverse("projects:review_queue")).context["page_obj"].object_list

        assert [row.pk for row in rows] == [submitted_by_alice.pk]

    def test_the_admin_action_refuses_it(self, login, admin_user, project_a):
        progress = MonthlyProgressFactory(project=project_a, author=admin_user, submitted=True)

        response = accept_in_admin(login(admin_user), progress)

        assert reload(progress).state == ReviewState.SUBMITTED
        assert any("自己填报" in str(m) for m in get_messages(response.wsgi_request))


# The month ---------------------------------------------------------------------------------------------------------


def record(user, project, month, **options):
    return services.progress_create(
        user=user, project=project, month=month, investment=Decimal("10"), physical_progress=5, **options
    )


class TestNoProgressForAMonthToCome:
    @pytest.fixture(autouse=True)
    def _in_july_2020(self):
        with time_machine.travel(NOW):
            yield

    def test_the_service_refuses_next_month_under_the_month(self, alice, project_a):
        with pytest.raises(ValidationError) as refused:
            record(alice, project_a, datetime.date(2020, 8, 1))

        assert "month" in refused.value.message_dict
        assert not MonthlyProgress.objects.exists()

    def test_the_current_month_is_fine(self, alice, project_a):
        assert record(alice, project_a, datetime.date(2020, 7, 31)).month == datetime.date(2020, 7, 1)

    def test_the_update_refuses_progress_for_a_month_to_come(self, alice, project_a):
        progress = MonthlyProgressFactory(project=project_a, author=alice, month=datetime.date(2099, 1, 1))

        with pytest.raises(ValidationError) as refused:
            services.progress_update(user=alice, progress=progress, investment=Decimal("1"), physical_progress=1)

        assert "month" in refused.value.message_dict
        assert reload(progress).investment == Decimal("100.00")

    def test_the_page_shows_it_under_the_month(self, login, alice, project_a):
        response = login(alice).post(
            reverse("projects:progress_create", args=[project_a.pk]), progress_data(month="2099-01")
        )

        assert response.status_code == 200 and response.context["form"].errors["month"]
        assert not MonthlyProgress.objects.exists()

    def test_the_import_names_the_month_column(self, settings, tmp_path, alice, project_a):
        settings.MEDIA_ROOT = tmp_path
        with translation.override("en"):
            outcome = run(
                ProgressResource, alice, [progress_row(project_a, "2020-06"), progress_row(project_a, "2099-01")]
            )
            month = ProgressResource().fields["month"].column_name

        assert issues(outcome) == [(3, month)]
        assert not MonthlyProgress.objects.exists()


# The admin ---------------------------------------------------------------------------------------------------------


def accept_in_admin(client, *rows):
    return client.post(
        reverse("admin:projects_monthlyprogress_changelist"),
        {"action": "accept_selected", "_selected_action": [row.pk for row in rows]},
        follow=True,
    )


class TestTheAdminReviewsThroughTheService:
    def test_accepting_in_the_admin_calls_the_service(self, login, admin_user, submitted_by_alice, own_a):
        response = accept_in_admin(login(admin_user), submitted_by_alice, own_a)

        assert response.status_code == 200
        assert reload(submitted_by_alice).reviewed_by == admin_user
        assert (submitted_by_alice.state, reload(own_a).state) == (ReviewState.ACCEPTED, ReviewState.ACCEPTED)

    def test_a_row_not_waiting_is_reported_not_accepted(self, login, admin_user, project_a, alice):
        draft = MonthlyProgressFactory(project=project_a, author=alice)

        response = accept_in_admin(login(admin_user), draft)

        assert reload(draft).state == ReviewState.DRAFT
        assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request))

    def test_workflow_fields_are_read_only(self, login, admin_user, own_a):
        response = login(admin_user).get(reverse("admin:projects_monthlyprogress_change", args=[own_a.pk]))

        form = response.context["adminform"].form
        for name in ("state", "author", "submitted_at", "reviewed_by", "reviewed_at", "return_reason"):
            assert name not in form.fields
        assert own_a.get_absolute_url() in response.text

    @pytest.mark.parametrize("persona", ["carol", "leo"])
    def test_nobody_else_accepts_in_the_admin(self, request, login, own_a, persona):
        response = accept_in_admin(login(request.getfixturevalue(persona)), own_a)

        assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
        assert reload(own_a).state == ReviewState.SUBMITTED
