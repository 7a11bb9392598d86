"""Issue 12 for progress reports, at every door (service, page, admin; the API's in tests/api/test_review_rules.py): nobody reviews a report they wrote
(four eyes), a report is never for a month after the current one, and the admin reviews through the services."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.choices import ReviewState
from plans import services
from plans.models import ProgressReport
from tests.factories import ProgressReportFactory
from tests.plans.test_audit import measure_admin_data

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 7, 10, 3, tzinfo=datetime.UTC)  # 2020-07-10 in Shanghai
APRIL = datetime.date(2020, 4, 1)


def reload(obj):
    obj.refresh_from_db()
    return obj


@pytest.fixture
def own_a(carol, measure_a):
    """carol (head of unit A) wrote and submitted a report on her unit's measure."""
    return ProgressReportFactory(measure=measure_a, author=carol, month=APRIL, progress=70, submitted=True)


# Four eyes ---------------------------------------------------------------------------------------------------------


class TestNobodyReviewsTheirOwnReport:
    def test_the_unit_head_may_not_accept_her_own_report(self, carol, own_a, measure_a):
        with pytest.raises(PermissionDenied, match="自己填报"):
            services.progress_report_accept(user=carol, report=own_a)

        assert (reload(own_a).state, own_a.reviewed_by) == (ReviewState.SUBMITTED, None)
        assert reload(measure_a).progress == 10

    def test_the_unit_head_may_not_return_her_own_report(self, carol, own_a):
        with pytest.raises(PermissionDenied, match="自己填报"):
            services.progress_report_return(user=carol, report=own_a, reason="重写")

        assert (reload(own_a).state, own_a.return_reason) == (ReviewState.SUBMITTED, "")

    def test_an_administrator_may_not_accept_his_own_report(self, admin_user, measure_a):
        report = ProgressReportFactory(measure=measure_a, author=admin_user, submitted=True)

        with pytest.raises(PermissionDenied):
            services.progress_report_accept(user=admin_user, report=report)

        assert reload(report).state == ReviewState.SUBMITTED

    def test_another_reviewer_accepts_it(self, admin_user, own_a, measure_a):
        services.progress_report_accept(user=admin_user, report=own_a)

        assert (reload(own_a).state, own_a.reviewed_by) == (ReviewState.ACCEPTED, admin_user)
        assert reload(measure_a).progress == 70

    def test_the_page_refuses_and_offers_no_review(self, login, carol, own_a):
        client = login(carol)

        assert client.get(own_a.get_absolute_url()).context["can_review"] is False
        response = client.post(reverse("plans:report_review", args=[own_a.pk]), {"decision": "accept"})

        assert response.status_code == 403
        assert reload(own_a).state == ReviewState.SUBMITTED

    def test_the_review_queue_leaves_out_her_own(self, login, carol, own_a, submitted_a):
        rows = login(carol).get(reverse("plans:review_queue")).context["page_obj"].object_list

        assert list(rows) == [submitted_a]

    def test_the_admin_action_refuses_it(self, login, admin_user, measure_a):
        report = ProgressReportFactory(measure=measure_a, author=admin_user, submitted=True)
        client = login(admin_user)

        response = accept_in_admin(client, report)

        assert reload(report).state == ReviewState.SUBMITTED
        assert any("自己填报" in str(m) for m in get_messages(response.wsgi_request))


# The month ---------------------------------------------------------------------------------------------------------


class TestNoReportForAMonthToCome:
    @pytest.fixture(autouse=True)
    def _in_july_2020(self):
        with time_machine.travel(NOW):
            yield

    def test_the_service_refuses_next_month_under_the_month(self, alice, measure_a):
        with pytest.raises(ValidationError) as refused:
            services.progress_report_create(
                user=alice, measure=measure_a, month=datetime.date(2020, 8, 1), text="x", progress=1
            )

        assert "month" in refused.value.message_dict
        assert not ProgressReport.objects.exists()

    def test_the_current_month_is_fine(self, alice, measure_a):
        report = services.progress_report_create(
            user=alice, measure=measure_a, month=datetime.date(2020, 7, 31), text="x", progress=1
        )

        assert report.month == datetime.date(2020, 7, 1)

    def test_the_update_refuses_a_report_for_a_month_to_come(self, alice, measure_a):
        report = ProgressReportFactory(measure=measure_a, author=alice, month=datetime.date(2099, 1, 1))

        with pytest.raises(ValidationError) as refused:
            services.progress_report_update(user=alice, report=report, text="y", progress=2)

        assert "month" in refused.value.message_dict
        assert reload(report).text == "本月按计划推进。"

    def test_the_page_shows_it_under_the_month(self, login, alice, measure_a):
        response = login(alice).post(
            reverse("plans:report_create", args=[measure_a.pk]),
            {
                "month": "2099-01",
                "progress": "10",
                "text": "x",
                "problems-TOTAL_FORMS": "0",
                "problems-INITIAL_FORMS": "0",
                "problems-MIN_NUM_FORMS": "0",
                "problems-MAX_NUM_FORMS": "10",
            },
        )

        assert response.status_code == 200 and response.context["form"].errors["month"]
        assert not ProgressReport.objects.exists()


# The admin ---------------------------------------------------------------------------------------------------------


def accept_in_admin(client, *reports):
    return client.post(
        reverse("admin:plans_progressreport_changelist"),
        {"action": "accept_selected", "_selected_action": [report.pk for report in reports]},
        follow=True,
    )


class TestTheAdminReviewsThroughTheService:
    def test_accepting_in_the_admin_moves_the_measure_like_the_page(self, login, admin_user, submitted_a, measure_a):
        response = accept_in_admin(login(admin_user), submitted_a)

        assert response.status_code == 200
        assert (reload(submitted_a).state, submitted_a.reviewed_by) == (ReviewState.ACCEPTED, admin_user)
        assert reload(measure_a).progress == submitted_a.progress

    def test_a_report_not_waiting_is_reported_not_accepted(self, login, admin_user, draft_a):
        response = accept_in_admin(login(admin_user), draft_a)

        assert reload(draft_a).state == ReviewState.DRAFT
        assert any(m.level_tag == "error" for m in get_messages(response.wsgi_request))

    def test_workflow_fields_are_read_only(self, login, admin_user, submitted_a):
        response = login(admin_user).get(reverse("admin:plans_progressreport_change", args=[submitted_a.pk]))

        form = response.context["adminform"].form
        for name in ("state", "author", "submitted_at", "reviewed_by", "reviewed_at", "return_reason"):
            assert name not in form.fields
        assert submitted_a.get_absolute_url() in response.text  # return on the page, with a reason

    def test_a_post_cannot_change_the_state(self, login, admin_user, submitted_a):
        login(admin_user).post(
            reverse("admin:plans_progressreport_change", args=[submitted_a.pk]),
            {"state": "accepted", "reviewed_by": admin_user.pk},
        )

        assert (reload(submitted_a).state, submitted_a.reviewed_by) == (ReviewState.SUBMITTED, None)

    @pytest.mark.parametrize("persona", ["carol", "leo"])
    def test_nobody_else_accepts_in_the_admin(self, request, login, submitted_a, persona):
        response = accept_in_admin(login(request.getfixturevalue(persona)), submitted_a)

        assert response.redirect_chain[-1][0].startswith(reverse("admin:login"))
        assert reload(submitted_a).state == ReviewState.SUBMITTED


class TestTheMeasureAdmin:
    """A measure's progress comes from its accepted reports and its supervision is a leader's step (services):
    the admin shows them and changes neither."""

    def test_progress_and_supervision_are_read_only(self, login, admin_user, leo, measure_a):
        url = reverse("admin:plans_measure_change", args=[measure_a.pk])
        client = login(admin_user)

        form = client.get(url).context["adminform"].form
        assert not {"progress", "supervised_at", "supervised_by", "supervision_note"} & set(form.fields)
        data = measure_admin_data(measure_a, title="改名", progress=99, supervised_by=leo.pk, supervision_note="督办")
        data.update(supervised_at_0="2020-06-01", supervised_at_1="10:00:00")
        response = client.post(url, data)

        assert response.status_code == 302
        measure_a.refresh_from_db()
        assert (measure_a.title, measure_a.progress, measure_a.supervised_by) == ("改名", 10, None)
