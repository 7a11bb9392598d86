"""The report page's own form fields carry the model's caps: a progress text or a problem past them is a form
error (and a ``maxlength`` on the field), nothing is written."""

import pytest
from django.urls import reverse

from core.fields import NOTE_LENGTH, TEXT_LENGTH
from plans.models import ProgressReport
from tests.plans.test_views import report_post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tmp_media")]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("text", "长" * (TEXT_LENGTH + 1)),
        ("problems-0-description", "难" * (NOTE_LENGTH + 1)),
        ("month", "0001-01"),
    ],
)
def test_the_report_page_refuses_what_is_past_the_bounds(login, alice, measure_a, field, value):
    client = login(alice)
    response = client.post(reverse("plans:report_create", args=[measure_a.pk]), report_post(**{field: value}))
    assert response.status_code == 200
    assert not ProgressReport.objects.exists()
    page = client.get(reverse("plans:report_create", args=[measure_a.pk])).content.decode()
    assert f'maxlength="{TEXT_LENGTH}"' in page
