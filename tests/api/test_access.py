"""Who may read and write what: no credentials → 401; a token outside its scope → 403; a session user reads what
the pages show (another unit's hazard → 404); writes only with a token granted writing, as its user, with the
same refusals as the pages. Plus the token's life: hash only, expiry, revocation, last use, rate limit (429)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from api.models import ApiToken, token_hash
from api.resources import MIRRORED, RESOURCES
from safety import services as safety_services
from safety.choices import HazardStatus
from tests.factories import UnitFactory, UserFactory
from tests.safety.factories import register_fields

from .conftest import populate

pytestmark = pytest.mark.django_db

LIST_URLS = {name: f"/api/v1/{name}/" for name in RESOURCES}


@pytest.fixture
def data(alice, unit_a):
    populate(1, unit_a, alice)


@pytest.fixture
def hazard_a(alice, unit_a):
    return safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))


@pytest.fixture
def hazard_b(bob, unit_b):
    return safety_services.hazard_register(user=bob, **register_fields(responsible_unit=unit_b))


# No credentials, bad tokens --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*LIST_URLS.values(), "/api/v1/deletions/", "/api/schema/"])
def test_no_credentials_is_401(api, url):
    response = api.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer lyt_not-a-token")
    assert api.get("/api/v1/hazards/").status_code == 401


def test_expired_token_is_401(issue_token):
    client = issue_token(["hazards"], expires_at=timezone.now() + datetime.timedelta(days=1))
    assert client.get("/api/v1/hazards/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = client.get("/api/v1/hazards/")
    assert response.status_code == 401


def test_revoked_token_is_401(issue_token, admin_user):
    from api.services import api_token_revoke

    client = issue_token(["hazards"])
    api_token_revoke(user=admin_user, token=client.token)
    assert client.get("/api/v1/hazards/").status_code == 401


def test_only_the_hash_is_stored(issue_token):
    client = issue_token(["hazards"])
    token = ApiToken.objects.get(pk=client.token.pk)
    assert token.key_hash == token_hash(client.plain)
    assert client.plain not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_only_administrators_issue_tokens(alice):
    from django.core.exceptions import PermissionDenied

    from api.models import ApiClient
    from api.services import api_token_issue

    with pytest.raises(PermissionDenied):
        api_token_issue(user=alice, client=ApiClient.objects.create(name="x"), resources=["hazards"])


def test_last_use_is_recorded_at_most_once_a_minute(issue_token, django_assert_num_queries):
    client = issue_token(["units"])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/units/")
        first = ApiToken.objects.get(pk=client.token.pk).last_used_at
        assert first == start
        # Within the minute: the token lookup and the list, no write.
        with django_assert_num_queries(2):
            client.get("/api/v1/units/")
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        client.get("/api/v1/units/")
    assert ApiToken.objects.get(pk=client.token.pk).last_used_at == start + datetime.timedelta(seconds=61)


def test_rate_limit_per_token_is_429_with_retry_after(issue_token):
    limited = issue_token(["units"], rate="3/min")
    other = issue_token(["units"], rate="3/min")
    for _ in range(3):
        assert limited.get("/api/v1/units/").status_code == 200
    response = limited.get("/api/v1/units/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"]
    assert other.get("/api/v1/units/").status_code == 200  # per token


def test_admin_shows_a_new_token_once(client, admin_user):
    from api.models import ApiClient

    province = ApiClient.objects.create(name="湖南省交通运输厅")
    client.force_login(admin_user)
    response = client.post(
        "/admin/api/apitoken/add/",
        {
            "client": province.pk,
            "resources": ["hazards", "projects"],
            "rate": "",
            "expires_at_0": "",
            "expires_at_1": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(client=province)
    shown = [str(message) for message in response.context["messages"]]
    plain = next(part for message in shown for part in message.split("<code>")[1:]).split("</code>")[0]
    assert token_hash(plain) == token.key_hash
    assert token.resources == ["projects", "hazards"] and not token.can_write
    assert plain not in client.get(f"/admin/api/apitoken/{token.pk}/change/").content.decode()


# The matrix: each scope × each endpoint × read/write -------------------------------------------------------------


@pytest.mark.parametrize("scope", list(RESOURCES))
def test_a_token_reads_its_scope_and_nothing_else(issue_token, data, scope):
    client = issue_token([scope])
    for name, url in LIST_URLS.items():
        response = client.get(url)
        if name == scope:
            assert response.status_code == 200, (name, response.content)
        else:
            assert response.status_code == 403, (scope, name)
            assert "results" not in response.json()


@pytest.mark.parametrize("scope", list(MIRRORED))
def test_a_token_reads_no_detail_outside_its_scope(issue_token, province, data, scope):
    others = [name for name in MIRRORED if name != scope]
    client = issue_token(others)
    row = province.get(LIST_URLS[scope]).json()["results"][0]
    assert client.get(f"{LIST_URLS[scope]}{row['id']}/").status_code == 403
    assert issue_token([scope]).get(f"{LIST_URLS[scope]}{row['id']}/").status_code == 200


def test_deletions_of_resources_outside_the_scope_are_not_shown(issue_token, hazard_a, alice, unit_a):
    from tests.enterprises.factories import EnterpriseFactory

    EnterpriseFactory(supervising_unit=unit_a).delete()
    hazard_a.transitions.all().delete()
    hazard_a.delete()
    rows = issue_token(["hazards"]).get("/api/v1/deletions/").json()["results"]
    assert {row["resource"] for row in rows} == {"hazards"}


WRITES = [
    ("progress-reports", "post", "/api/v1/progress-reports/"),
    ("progress-reports", "post", "/api/v1/progress-reports/{report}/submit/"),
    ("hazards", "post", "/api/v1/hazards/{hazard}/start-rectification/"),
    ("hazards", "post", "/api/v1/hazards/{hazard}/report-rectification/"),
]


@pytest.fixture
def write_targets(hazard_a, draft_a):
    return {"report": draft_a.pk, "hazard": hazard_a.pk}


@pytest.mark.parametrize(("scope", "method", "url"), WRITES)
def test_a_read_only_token_cannot_write(issue_token, write_targets, scope, method, url):
    client = issue_token(list(RESOURCES))
    response = getattr(client, method)(url.format(**write_targets), {"note": "x"}, format="json")
    assert response.status_code == 403
    assert "只" in response.json()["detail"] or "read" in response.json()["detail"]


@pytest.mark.parametrize(("scope", "method", "url"), WRITES)
def test_a_writing_token_cannot_write_outside_its_scope(issue_token, alice, write_targets, scope, method, url):
    others = [name for name in RESOURCES if name != scope]
    client = issue_token(others, can_write=True, user=alice)
    response = getattr(client, method)(url.format(**write_targets), {"note": "x"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize(("scope", "method", "url"), [w for w in WRITES if w[0] == "hazards"])
def test_a_writing_token_cannot_write_another_units_hazard(issue_token, alice, hazard_b, scope, method, url):
    client = issue_token([scope], can_write=True, user=alice)
    response = getattr(client, method)(url.format(hazard=hazard_b.pk), {"note": "已整改"}, format="json")
    assert response.status_code == 404  # alice may not even see unit B's hazard
    hazard_b.refresh_from_db()
    assert hazard_b.status == HazardStatus.PENDING


def test_a_token_may_only_be_given_writing_with_a_user(admin_user):
    from django.core.exceptions import ValidationError

    from api.models import ApiClient
    from api.services import api_token_issue

    with pytest.raises(ValidationError):
        api_token_issue(
            user=admin_user, client=ApiClient.objects.create(name="x"), resources=["hazards"], can_write=True
        )


def test_a_writing_token_reports_a_rectification_as_its_user(issue_token, alice, hazard_a):
    client = issue_token(["hazards"], can_write=True, user=alice)
    started = client.post(f"/api/v1/hazards/{hazard_a.pk}/start-rectification/", {}, format="json")
    assert started.status_code == 200, started.content
    assert started.json()["status"]["code"] == "rectifying"
    response = client.post(
        f"/api/v1/hazards/{hazard_a.pk}/report-rectification/", {"note": "已补齐应急锤"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == {"code": "verifying", "label": "待验收"}
    assert response.json()["rectification_reported_by"]["id"] == alice.pk
    transition = hazard_a.transitions.get(action="report")
    assert transition.by == alice
    from core.audit import history_for

    assert all(entry.actor == alice for entry in history_for(hazard_a))


def test_reporting_needs_a_note_and_the_right_status(issue_token, alice, hazard_a):
    client = issue_token(["hazards"], can_write=True, user=alice)
    url = f"/api/v1/hazards/{hazard_a.pk}/report-rectification/"
    assert client.post(url, {"note": ""}, format="json").status_code == 400
    response = client.post(url, {"note": "已整改"}, format="json")  # still 待整改: must start first
    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_supervisor_who_may_see_but_not_rectify_is_refused_403(issue_token, bob, hazard_a):
    safety_services.hazard_start_rectification(user=hazard_a.found_by, hazard=hazard_a)
    client = issue_token(["hazards"], can_write=True, user=bob)  # 安全应急科: reads every hazard
    response = client.post(f"/api/v1/hazards/{hazard_a.pk}/report-rectification/", {"note": "x"}, format="json")
    assert response.status_code == 403


def test_a_writing_token_writes_and_submits_a_progress_report(issue_token, alice, measure_a):
    client = issue_token(["progress-reports"], can_write=True, user=alice)
    response = client.post(
        "/api/v1/progress-reports/",
        {
            "measure": measure_a.pk,
            "month": "2020-07-15",
            "text": "完成规划初稿。",
            "progress": 60,
            "problems": [{"category": "funding", "description": "资金未到位"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["month"] == "2020-07-01" and body["state"]["code"] == "draft"
    assert body["problems"] == [{"category": {"code": "funding", "label": "资金"}, "description": "资金未到位"}]
    submitted = client.post(f"/api/v1/progress-reports/{body['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"]["code"] == "submitted"
    again = client.post(
        "/api/v1/progress-reports/",
        {"measure": measure_a.pk, "month": "2020-07-01", "text": "重复", "progress": 60},
        format="json",
    )
    assert again.status_code == 400  # one report per month, as on the page


def test_another_units_measure_takes_no_report_from_a_token(issue_token, bob, measure_a):
    client = issue_token(["progress-reports"], can_write=True, user=bob)
    response = client.post(
        "/api/v1/progress-reports/",
        {"measure": measure_a.pk, "month": "2020-07-01", "text": "越权", "progress": 10},
        format="json",
    )
    assert response.status_code == 403
    assert not measure_a.reports.exists()


# Session users: what the pages let them see ----------------------------------------------------------------------


def test_a_session_user_sees_their_units_hazards_only(api, alice, hazard_a, hazard_b):
    api.force_authenticate(None)
    api.force_login(alice)
    ids = [row["id"] for row in api.get("/api/v1/hazards/").json()["results"]]
    assert ids == [hazard_a.pk]
    assert api.get(f"/api/v1/hazards/{hazard_b.pk}/").status_code == 404
    transitions = api.get("/api/v1/hazard-transitions/").json()["results"]
    assert transitions == []  # none yet; and never unit B's


def test_a_safety_supervisor_sees_every_hazard(api, bob, hazard_a, hazard_b):
    api.force_login(bob)
    ids = {row["id"] for row in api.get("/api/v1/hazards/").json()["results"]}
    assert ids == {hazard_a.pk, hazard_b.pk}


def test_a_session_user_does_not_see_other_peoples_drafts(api, bob, draft_a, submitted_a):
    api.force_login(bob)
    ids = {row["id"] for row in api.get("/api/v1/progress-reports/").json()["results"]}
    assert draft_a.pk not in ids
    assert api.get(f"/api/v1/progress-reports/{draft_a.pk}/").status_code == 404


def test_a_token_does_not_read_drafts(province, draft_a, submitted_a):
    ids = {row["id"] for row in province.get("/api/v1/progress-reports/").json()["results"]}
    assert ids == {submitted_a.pk}


def test_a_session_user_writes_through_the_same_service(api, alice, carol, hazard_a):
    api.force_login(carol)
    response = api.post(f"/api/v1/hazards/{hazard_a.pk}/start-rectification/", {}, format="json")
    assert response.status_code == 200
    api.force_login(UserFactory(unit=UnitFactory(name="运输服务科")))
    response = api.post(f"/api/v1/hazards/{hazard_a.pk}/report-rectification/", {"note": "x"}, format="json")
    assert response.status_code == 404  # an outsider does not see unit A's hazard


def test_an_inactive_user_is_refused(api, alice):
    alice.is_active = False
    alice.save()
    api.force_authenticate(alice)
    assert api.get("/api/v1/hazards/").status_code == 403
