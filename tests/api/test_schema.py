"""The OpenAPI schema (drf-spectacular) is valid with no warning, documents every endpoint, and the whole API,
driven by schemathesis from that schema (property-based, in-process through the WSGI application), never answers
with a server error."""

import json
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


# What the schema tells a client ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def openapi(django_db_blocker, tmp_path_factory):
    """The schema as ``manage.py spectacular`` writes it."""
    path = tmp_path_factory.mktemp("schema") / "schema.json"
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi-json", "--file", str(path))
    return json.loads(path.read_text())


def _operations(openapi):
    for url, item in openapi["paths"].items():
        for method, operation in item.items():
            yield url, method, operation


def test_the_headers_the_api_sends_are_declared(openapi):
    """Every GET answers 200 and 304 with an ETag (not the streamed export); every operation may answer 429 with
    Retry-After and 401 with WWW-Authenticate."""
    gets = 0
    for url, method, operation in _operations(openapi):
        responses = operation["responses"]
        assert "Retry-After" in responses["429"]["headers"], (url, method)
        assert responses["401"]["headers"]["WWW-Authenticate"]["required"] is True, (url, method)
        if method == "get" and not url.endswith("/export/"):
            gets += 1
            for status in ("200", "304"):
                assert responses[status]["headers"]["ETag"]["required"] is True, (url, status)
            assert "If-None-Match" in {p["name"] for p in operation["parameters"] if p["in"] == "header"}
        else:
            assert "ETag" not in responses.get("200", {}).get("headers", {}), (url, method)
    assert gets == 2 * len(MIRRORED) + 4  # lists and details, the three summaries, the deletions


def test_every_field_of_a_response_is_required(openapi):
    """A response row always carries every field (null when empty): each is listed as required."""
    responses = {
        name: component
        for name, component in openapi["components"]["schemas"].items()
        if "properties" in component and not name.endswith("Request")
    }
    assert {"Hazard", "Measure", "ReportProblem", "PaginatedHazardList", "Deletion"} <= set(responses)
    for name, component in responses.items():
        assert set(component.get("required", [])) == set(component["properties"]), name


def test_the_resources_have_user_facing_descriptions(openapi):
    """Developers' notes (docstrings of the API's base classes, module paths, reST markup) stay out of the schema;
    each resource's row is described for its readers."""
    text = json.dumps(openapi, ensure_ascii=False)
    for note in ("plan compiled", "to_representation", "``", "api.fields", "projects.selectors", "serializer"):
        assert note not in text, note
    components = openapi["components"]["schemas"]
    serializers = {s.__name__.removesuffix("Serializer") for s in _model_serializers()}
    for name in serializers:
        assert components[name]["description"].strip(), name
    assert components["Hazard"]["description"].startswith("The hazard register")


def test_the_filters_and_the_export_are_documented(openapi):
    hazards = openapi["paths"]["/api/v1/hazards/"]["get"]
    assert {"updated_before", "year", "status", "unit", "q"} <= {p["name"] for p in hazards["parameters"]}
    export = openapi["paths"]["/api/v1/hazards/export/"]["get"]
    assert list(export["responses"]["200"]["content"]) == ["application/x-ndjson"]
    assert {"updated_since", "status", "unit"} <= {p["name"] for p in export["parameters"]}
    assert "cursor" not in {p["name"] for p in export["parameters"]}
    assert "NDJSON" in export["description"]


def _model_serializers():
    classes, found = [ApiModelSerializer], []
    while classes:
        for serializer in classes.pop().__subclasses__():
            classes.append(serializer)
            found.append(serializer)
    return found
