"""The bulk export for a first pull (``/api/v1/<resource>/export/``, NDJSON streamed): the same rows, representation,
scope and filters as the list's pages, read in keyset chunks; refused exactly as the list is."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import views
from api.resources import MIRRORED

from .conftest import populate, pull

pytestmark = pytest.mark.django_db


def export(client, name, **params):
    response = client.get(f"/api/v1/{name}/export/", params)
    assert response.status_code == 200, response.content
    assert response.streaming is True
    assert response["Content-Type"] == "application/x-ndjson"
    body = b"".join(response.streaming_content).decode()
    assert body.endswith("\n") or body == ""
    return [json.loads(line) for line in body.splitlines()]


@pytest.mark.parametrize("name", MIRRORED)
def test_the_export_equals_the_union_of_the_list_pages(province, alice, unit_a, name, monkeypatch):
    populate(5, unit_a, alice)
    monkeypatch.setattr(views, "EXPORT_CHUNK", 2)  # several chunks, the last one short
    assert export(province, name) == pull(province, f"/api/v1/{name}/", page_size=2)


def test_the_export_takes_the_lists_filters(province, alice, unit_a, bob, unit_b):
    populate(2, unit_a, alice)
    populate(1, unit_b, bob)
    rows = export(province, "hazards", unit=unit_a.pk)
    assert len(rows) == 2
    assert rows == pull(province, "/api/v1/hazards/", unit=unit_a.pk)
    assert export(province, "measures", updated_since="2999-01-01T00:00:00Z") == []


def test_a_session_user_exports_what_they_may_see(api, alice, unit_a, bob, unit_b):
    populate(2, unit_a, alice)
    populate(1, unit_b, bob)
    api.force_login(alice)
    assert export(api, "hazards") == pull(api, "/api/v1/hazards/")
    assert len(export(api, "hazards")) == 2


@pytest.mark.parametrize("name", MIRRORED)
def test_the_export_takes_a_constant_number_of_queries_per_chunk(province, alice, unit_a, name):
    populate(2, unit_a, alice)
    province.get("/api/v1/units/")  # records the token's use (once a minute)

    def count():
        with CaptureQueriesContext(connection) as captured:
            export(province, name)
        return len(captured)

    few = count()
    populate(6, unit_a, alice)
    assert count() == few


@pytest.mark.parametrize(
    ("make_client", "status"),
    [
        (lambda issue_token, api: issue_token(["units"]), 403),  # a token without the scope
        (lambda issue_token, api: api, 401),  # no credentials
    ],
)
def test_the_export_is_refused_exactly_as_the_list(issue_token, api, make_client, status):
    client = make_client(issue_token, api)
    listing = client.get("/api/v1/hazards/")
    exported = client.get("/api/v1/hazards/export/")
    assert listing.status_code == exported.status_code == status
    assert exported.streaming is False
    assert exported.json() == listing.json()
    assert exported.get("WWW-Authenticate") == listing.get("WWW-Authenticate")


def test_a_bad_filter_is_400_as_for_the_list(province):
    exported = province.get("/api/v1/hazards/export/", {"status": "nope"})
    assert exported.status_code == 400
    assert exported.json() == province.get("/api/v1/hazards/", {"status": "nope"}).json()


def test_the_export_accepts_an_ndjson_accept_header(province, alice, unit_a):
    populate(1, unit_a, alice)
    response = province.get("/api/v1/units/export/", HTTP_ACCEPT="application/x-ndjson")
    assert response.status_code == 200 and response.streaming


def test_the_exported_labels_are_chinese_whatever_the_caller_asks(province, alice, unit_a):
    populate(1, unit_a, alice)
    response = province.get("/api/v1/hazards/export/", HTTP_ACCEPT_LANGUAGE="en")
    (row,) = [json.loads(line) for line in b"".join(response.streaming_content).splitlines()]
    assert row["status"] == {"code": "pending", "label": "待整改"}
