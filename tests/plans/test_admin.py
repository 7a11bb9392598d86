"""Issue 12 at the admin door of measures: the add and change views save through the services
(``measure_create`` / ``measure_update``), with the model's rules under their fields and an audit entry; the
figures the reports and the leaders' steps set are read only."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from plans.models import Measure
from tests.enterprises.test_admin import form_errors
from tests.plans.test_audit import measure_admin_data

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_measure_through_the_service(login, admin_user, measure_a, unit_b):
    data = measure_admin_data(measure_a, number=measure_a.number + 1, title="新增措施", cooperating_units=[unit_b.pk])
    response = login(admin_user).post(reverse("admin:plans_measure_add"), data)
    assert response.status_code == 302, form_errors(response)
    measure = Measure.objects.get(title="新增措施")
    assert list(measure.cooperating_units.all()) == [unit_b]
    assert LogEntry.objects.get_for_object(measure).filter(actor=admin_user, action=LogEntry.Action.CREATE).exists()


def test_a_start_after_the_due_date_is_refused_under_the_due_date_with_the_models_message(login, admin_user, measure_a):
    url = reverse("admin:plans_measure_change", args=[measure_a.pk])
    response = login(admin_user).post(
        url, measure_admin_data(measure_a, start_date="2021-03-01", due_date="2021-01-31")
    )
    errors = form_errors(response)
    assert set(errors) == {"due_date"}
    assert "开始" in errors["due_date"][0]
    measure_a.refresh_from_db()
    assert f"{measure_a.due_date:%Y-%m-%d}" == "2020-12-31"


def test_the_progress_and_the_supervision_are_not_changed_in_the_admin(login, admin_user, measure_a):
    url = reverse("admin:plans_measure_change", args=[measure_a.pk])
    before = measure_a.progress
    response = login(admin_user).post(
        url, measure_admin_data(measure_a, progress=before + 30, supervision_note="改", target="新目标")
    )
    assert response.status_code == 302, form_errors(response)
    measure_a.refresh_from_db()
    assert (measure_a.progress, measure_a.supervision_note, measure_a.target) == (before, "", "新目标")


def test_a_comment_is_never_added_or_reworded_in_the_admin_only_removed(login, admin_user, leo, measure_a):
    from plans import services
    from plans.models import MeasureComment

    comment = services.measure_comment_add(user=leo, measure=measure_a, text="请加快")
    client = login(admin_user)
    assert client.get(reverse("admin:plans_measurecomment_add")).status_code == 403
    url = reverse("admin:plans_measurecomment_change", args=[comment.pk])
    client.post(url, {"measure": measure_a.pk, "author": admin_user.pk, "text": "改写"})
    comment.refresh_from_db()
    assert (comment.author, comment.text) == (leo, "请加快")
    response = client.post(reverse("admin:plans_measurecomment_delete", args=[comment.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not MeasureComment.objects.exists()
