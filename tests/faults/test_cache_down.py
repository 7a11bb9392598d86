"""The cache down (Redis on a port nobody listens on) while the database is up: every write answers as usual and
is made once, every read page renders with its figures counted without the cache, and the API's rate limit fails
open with a log line. Transactional tests, so that the callbacks after the commit run inside the request, as in
production."""

import socket

import pytest
from django.test import override_settings
from django.urls import reverse

from core.choices import ReviewState
from organisation.models import Township
from plans.models import ProgressReport
from safety.models import Hazard
from tests.plans.test_views import report_post
from tests.safety.factories import png_upload
from tests.safety.test_views import form_data


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the probe is: nothing listens there


@pytest.fixture(autouse=True)
def cache_down(tmp_media):
    caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    with override_settings(CACHES=caches, DASHBOARD_CACHE_SECONDS=600):
        yield


pytestmark = pytest.mark.django_db(transaction=True)


def test_registering_a_hazard_answers_as_usual_and_saves_it_once(login, alice, unit_a):
    township = Township.objects.get(name="淮川街道")
    response = login(alice).post(
        reverse("safety:hazard_create"), {**form_data(township, unit_a), "photos": [png_upload()]}
    )
    assert response.status_code == 302
    assert Hazard.objects.count() == 1 and response["Location"] == Hazard.objects.get().get_absolute_url()


def test_submitting_a_report_answers_as_usual_and_saves_it_once(login, alice, measure_a):
    response = login(alice).post(reverse("plans:report_create", args=[measure_a.pk]), report_post("submit"))
    assert response.status_code == 302
    assert ProgressReport.objects.filter(state=ReviewState.SUBMITTED).count() == 1


def test_the_dashboard_counts_its_figures_without_the_cache(login, leo, measure_a, caplog):
    response = login(leo).get(reverse("dashboard:dashboard"))
    assert response.status_code == 200 and response.context["from_cache"] is False
    assert "the figures are counted without it" in caplog.text


def test_the_api_answers_and_its_rate_limit_fails_open(login, alice, measure_a, caplog):
    response = login(alice).get("/api/v1/measures/")
    assert response.status_code == 200 and response.json()["results"]
    assert f"api-throttle:user:{alice.pk} is not rate limited" in caplog.text
