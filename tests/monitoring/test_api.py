"""The monitoring resources of API v1: drivers (mirrored: updated_since, keyset pages), the month's figures and
the monitoring indicators; a token reads everything in its scope, a logged-in user what the pages show them."""

import pytest
from django.utils import timezone

from tests.api import conftest as api_conftest

from .world import build

pytestmark = pytest.mark.django_db
api, issue_token = api_conftest.api, api_conftest.issue_token  # the API tests' fixtures
FIGURES = "/api/v1/monitoring-figures/"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(vehicle_a, driver_a, vehicle_b, driver_b):
    build(vehicle_a, driver_a, vehicle_b, driver_b)


def test_a_token_pulls_the_drivers_and_then_only_what_changed(issue_token, driver_a, driver_b):
    client = issue_token(["drivers"])
    rows = client.get("/api/v1/drivers/").json()["results"]
    assert {row["id_number"] for row in rows} == {driver_a.id_number, driver_b.id_number}
    assert rows[0]["uid"].startswith("430181:driver:")
    since = timezone.now()
    driver_a.certificate_number = "430181000000999999"
    driver_a.save()

    changed = client.get("/api/v1/drivers/", {"updated_since": since.isoformat()}).json()["results"]

    assert [row["id"] for row in changed] == [driver_a.pk]


def test_a_token_without_the_scope_is_refused(issue_token, driver_a):
    client = issue_token(["vehicles"])
    assert client.get("/api/v1/drivers/").status_code == 403
    assert client.get(FIGURES).status_code == 403


def test_the_months_figures(world, issue_token, enterprise_a, enterprise_b):
    body = issue_token(["monitoring-figures"]).get(FIGURES, {"month": "2020-11"}).json()

    assert body["month"] == "2020-11"
    assert (body["total"]["alarms"], body["total"]["per_1000_km"], body["total"]["night_running"]) == (6, "2.00", 1)
    by_enterprise = {row["enterprise"]: row for row in body["by_enterprise"]}
    assert by_enterprise[enterprise_a.pk]["per_1000_km"] == "4.00"
    assert by_enterprise[enterprise_a.pk]["per_1000_km_last_year"] == "8.00"
    assert by_enterprise[enterprise_a.pk]["change"] == "-0.5000"
    assert by_enterprise[enterprise_b.pk]["disposal_rate"] == "0.0000"
    assert {row["label"] for row in body["by_alarm_type"]} == {"生理疲劳", "使用手持电话", "超速"}


def test_a_bad_month_is_a_400_naming_it(issue_token):
    response = issue_token(["monitoring-figures"]).get(FIGURES, {"month": "2020-13"})
    assert response.status_code == 400 and "month" in response.json()


def test_a_logged_in_user_reads_the_figures_of_the_enterprises_they_may_see(world, api, alice, enterprise_a):
    api.force_login(alice)
    body = api.get(FIGURES, {"month": "2020-11"}).json()
    assert [row["enterprise"] for row in body["by_enterprise"]] == [enterprise_a.pk]
    assert body["total"]["alarms"] == 4
    assert {row["id"] for row in api.get("/api/v1/drivers/").json()["results"]} == {enterprise_a.drivers.get().pk}


def test_the_indicators_give_the_monitoring_figures_by_month(world, issue_token):
    body = issue_token(["indicators"]).get("/api/v1/indicators/", {"year": 2020}).json()
    november = body["monitoring_by_month"][10]
    assert (november["label"], november["alarms"], november["per_1000_km"]) == ("2020-11", 6, "2.00")
    assert november["per_1000_km_last_year"] == "8.00" and november["handling_rate"] == "0.5000"
    assert len(body["monitoring_by_month"]) == 12
