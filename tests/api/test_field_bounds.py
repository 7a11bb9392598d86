"""The API refuses what the pages refuse: a text past its cap or a date out of range is a 400 naming the field,
with nothing written (the same service and model validation)."""

import pytest

from core.fields import NOTE_LENGTH, TEXT_LENGTH
from plans.models import ProgressReport
from safety import services as safety_services
from tests.safety.factories import register_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazard_a(alice, unit_a):
    return safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))


def test_a_progress_report_past_the_cap_or_out_of_range_is_refused(issue_token, alice, measure_a):
    client = issue_token(["progress-reports"], can_write=True, user=alice)
    for field, value in (("text", "长" * (TEXT_LENGTH + 1)), ("month", "0001-01-01")):
        report = {"measure": measure_a.pk, "month": "2020-07-15", "text": "完成规划初稿。", "progress": 60}
        response = client.post("/api/v1/progress-reports/", {**report, field: value}, format="json")
        assert response.status_code == 400, response.content
        assert field in response.json(), response.json()
    assert not ProgressReport.objects.exists()


def test_a_rectification_note_past_the_cap_is_refused(issue_token, alice, hazard_a):
    client = issue_token(["hazards"], can_write=True, user=alice)
    assert client.post(f"/api/v1/hazards/{hazard_a.pk}/start-rectification/", {}, format="json").status_code == 200
    url = f"/api/v1/hazards/{hazard_a.pk}/report-rectification/"
    response = client.post(url, {"note": "改" * (NOTE_LENGTH + 1)}, format="json")
    assert response.status_code == 400, response.content
    hazard_a.refresh_from_db()
    assert hazard_a.rectification_note == ""
