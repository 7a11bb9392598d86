"""Issue 12 at the API door: a progress report is never for a month after the current one (the service's rule,
answered as 400 under ``month``). The API has no review endpoints, so the four-eyes rule has no door here."""

import datetime

import pytest
import time_machine

from plans.models import ProgressReport

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2020, 7, 10, 3, tzinfo=datetime.UTC)


@time_machine.travel(NOW)
def test_the_api_refuses_a_report_for_a_month_to_come(issue_token, alice, measure_a):
    client = issue_token(["progress-reports"], can_write=True, user=alice)

    response = client.post(
        "/api/v1/progress-reports/",
        {"measure": measure_a.pk, "month": "2099-01-01", "text": "x", "progress": 1},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert response.json()["month"]
    assert not ProgressReport.objects.exists()
