"""The OpenAPI schema (drf-spectacular) is valid with no warning, documents every endpoint, and the whole API,
driven by schemathesis from that schema (property-based, in-process through the WSGI application), never answers
with a server error."""

import warnings

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from api.resources import MIRRORED, RESOURCES
from api.serializers import ApiModelSerializer

from .conftest import populate

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_serializer_builds_its_fields_without_a_warning():
    """DRF warns of a model validator it cannot translate (a float MinValueValidator on a decimal, once)."""
    classes, built = [ApiModelSerializer], 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        while classes:
            for serializer in classes.pop().__subclasses__():
                classes.append(serializer)
                assert serializer().fields
                built += 1
    assert built >= len(MIRRORED)


def test_every_endpoint_parameter_and_error_is_documented(province):
    schema = province.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for name in RESOURCES:
        assert f"/api/v1/{name}/" in paths
    for name in MIRRORED:
        listing = paths[f"/api/v1/{name}/"]["get"]
        assert {"updated_since", "cursor", "page_size", "If-None-Match"} <= {p["name"] for p in listing["parameters"]}
        assert {"200", "304", "400", "401", "403", "429"} <= set(listing["responses"])
        assert {"200", "304", "401", "403", "404", "429"} <= set(paths[f"/api/v1/{name}/{{id}}/"]["get"]["responses"])
    assert "/api/v1/deletions/" in paths
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_docs_are_served_without_a_cdn(client, admin_user):
    client.force_login(admin_user)
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "cdn." not in page and "unpkg" not in page and "jsdelivr" not in page
        assert "/static/drf_spectacular_sidecar/" in page


@pytest.fixture
def keep_connection():
    """The WSGI handler closes the database connection after each request; the test's transaction needs it (as
    Django's own test client does, the handler is kept from closing it)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_server_error_anywhere(issue_token, admin_user, alice, unit_a, keep_connection):
    import schemathesis
    from schemathesis.checks import not_a_server_error

    from liuyang_transport.wsgi import application

    populate(2, unit_a, alice)
    token = issue_token(list(RESOURCES), can_write=True, user=admin_user, rate="1000000/min")
    headers = {"Authorization": f"Bearer {token.plain}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= len(RESOURCES) * 2 - 2
    statuses = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            statuses.append(case.call_and_validate(headers=headers, checks=[not_a_server_error]).status_code)

        try:
            check()
        except Unsatisfiable:
            pass
    assert len(statuses) > 10 * len(operations)
    assert all(status < 500 for status in statuses)


def test_the_api_docs_link_is_shown_to_leaders_and_administrators(client, leo, admin_user, alice):
    for user, shown in ((leo, True), (admin_user, True), (alice, False)):
        client.force_login(user)
        assert ('id="nav-api-docs"' in client.get("/plans/measures/").content.decode()) is shown
