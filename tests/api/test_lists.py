"""Lists: query counts constant as rows grow; updated_since, cursor and page size refused with 400 and a message
when malformed; ETag and 304; choices, money and times in their documented form; the summaries' figures."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.resources import MIRRORED
from inspections.choices import InspectionKind
from plans.choices import MeasureStatus
from safety import services as safety_services
from tests.factories import KeyTaskFactory, MeasureFactory
from tests.inspections.factories import InspectionFactory
from tests.projects.factories import InvestmentPlanFactory, MonthlyProgressFactory, ProjectFactory
from tests.safety.factories import HazardFactory, register_fields

from .conftest import make_draw, populate

pytestmark = pytest.mark.django_db

LISTS = [f"/api/v1/{name}/" for name in MIRRORED] + [
    "/api/v1/deletions/",
    "/api/v1/investment-summary/?year=2020",
    "/api/v1/indicators/?year=2020",
    "/api/v1/monitoring-figures/?month=2020-05",
]


def queries(client, url) -> int:
    client.get(url)  # the token's last use is recorded once a minute: not part of the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


@pytest.mark.parametrize("url", LISTS)
def test_a_token_lists_in_a_constant_number_of_queries(province, alice, unit_a, url):
    populate(2, unit_a, alice)
    few = queries(province, url)
    populate(6, unit_a, alice)
    assert queries(province, url) == few


@pytest.mark.parametrize("url", LISTS)
def test_a_session_user_lists_in_a_constant_number_of_queries(api, alice, unit_a, url):
    api.force_login(alice)
    populate(2, unit_a, alice)
    few = queries(api, url)
    populate(6, unit_a, alice)
    assert queries(api, url) == few


def test_the_hazard_page_queries(province, alice, unit_a, django_assert_num_queries):
    populate(3, unit_a, alice)
    province.get("/api/v1/units/")  # records the token's use (once a minute)
    # 1. the token; 2. the page of hazards with their townships (one join); 3. the people they name (id, name)
    with django_assert_num_queries(3):
        assert province.get("/api/v1/hazards/").status_code == 200


# Parameters ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020-06-01T08:00:00", ""),
        ("yesterday", ""),
        ("2020-06-01T08:00:00 08:00", "+"),  # an unencoded + became a space
        ("2020-13-01T00:00:00Z", ""),
    ],
)
def test_updated_since_must_be_iso_8601_with_a_time_zone(province, value, message):
    response = province.get("/api/v1/hazards/", {"updated_since": value})
    assert response.status_code == 400
    assert response.json()["updated_since"][0]
    assert message in response.json()["updated_since"][0]


def test_updated_since_accepts_z_and_offsets(province, alice, unit_a):
    hazard = safety_services.hazard_register(user=alice, **register_fields(responsible_unit=unit_a))
    for value in ("2000-01-01T00:00:00Z", "2000-01-01T08:00:00+08:00"):
        rows = province.get("/api/v1/hazards/", {"updated_since": value}).json()["results"]
        assert [row["id"] for row in rows] == [hazard.pk]


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"cursor": "garbage"}, "cursor"),
        ({"page_size": 501}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"since": "x"}, "since"),
        ({"resource": "nope"}, "resource"),
    ],
)
def test_bad_paging_and_tombstone_parameters_are_400(province, params, key):
    url = "/api/v1/deletions/" if key in ("since", "resource") else "/api/v1/hazards/"
    response = province.get(url, params)
    assert response.status_code == 400
    assert key in response.json()


def test_bad_year_is_400(province):
    assert province.get("/api/v1/indicators/", {"year": "abc"}).status_code == 400
    assert province.get("/api/v1/investment-summary/", {"year": "1850"}).status_code == 400


# ETag and conditional GET ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["list", "detail"])
def test_etag_and_304(province, alice, unit_a, kind):
    hazard = HazardFactory(responsible_unit=unit_a, found_by=alice)
    url = "/api/v1/hazards/" if kind == "list" else f"/api/v1/hazards/{hazard.pk}/"
    first = province.get(url)
    etag = first["ETag"]
    assert etag.startswith('"')
    again = province.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    hazard.location = "集里街道"
    hazard.save()
    changed = province.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_summaries_have_etags(province):
    first = province.get("/api/v1/indicators/?year=2020")
    assert province.get("/api/v1/indicators/?year=2020", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


# Representation --------------------------------------------------------------------------------------------------


def test_choices_money_and_times(province, alice, unit_a):
    hazard = safety_services.hazard_register(
        user=alice, **register_fields(responsible_unit=unit_a, funds=Decimal("12.5"), level="major")
    )
    row = province.get(f"/api/v1/hazards/{hazard.pk}/").json()
    assert row["level"] == {"code": "major", "label": "重大"}
    assert row["status"] == {"code": "pending", "label": "待整改"}
    assert row["funds"] == "12.50"  # 万元, two decimals, a string
    assert row["found_on"] == "2020-05-10"
    assert datetime.datetime.fromisoformat(row["updated_at"]).utcoffset() == datetime.timedelta(hours=8)
    assert row["found_by"] == {"id": alice.pk, "name": "孙爱丽"}
    english = province.get(f"/api/v1/hazards/{hazard.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["level"]["label"] == "重大"  # labels are Chinese whatever the caller asks


# Summaries -------------------------------------------------------------------------------------------------------


def test_investment_summary(province, unit_a, alice):
    project = ProjectFactory(responsible_unit=unit_a, category="rural_road")
    InvestmentPlanFactory(project=project, year=2020, amount=Decimal("1000"))
    MonthlyProgressFactory(
        project=project, author=alice, month=datetime.date(2020, 5, 1), investment=Decimal("250.5"), submitted=True
    )
    MonthlyProgressFactory(
        project=project, author=alice, month=datetime.date(2020, 6, 1), investment=Decimal("999")
    )  # a draft: not counted
    body = province.get("/api/v1/investment-summary/", {"year": 2020}).json()
    assert body["totals"] == {"year": 2020, "planned": "1000.00", "completed": "250.50", "rate": 25.1}
    (category,) = body["by_category"]
    assert (category["key"], category["planned"], category["completed"]) == ("rural_road", "1000.00", "250.50")


def test_indicators(province, unit_a, alice, leo):
    task = KeyTaskFactory()
    MeasureFactory(key_task=task, lead_unit=unit_a, status=MeasureStatus.COMPLETED, due_date=datetime.date(2020, 6, 1))
    MeasureFactory(
        key_task=task, lead_unit=unit_a, status=MeasureStatus.IN_PROGRESS, due_date=datetime.date(2020, 6, 1)
    )
    MeasureFactory(key_task=task, lead_unit=unit_a, due_date=datetime.date(2099, 1, 1))
    HazardFactory(
        responsible_unit=unit_a,
        found_by=alice,
        field="waterways",
        status="closed",
        closed_by=leo,
        closed_at="2020-06-01T00:00:00Z",
        verification_note="ok",
        rectification_reported_by=alice,
        rectification_reported_at="2020-05-20T00:00:00Z",
    )
    HazardFactory(responsible_unit=unit_a, found_by=alice, field="waterways")
    InspectionFactory(lead_unit=unit_a, kind=InspectionKind.UNANNOUNCED, date=datetime.date(2020, 3, 1))
    InspectionFactory(lead_unit=unit_a, kind=InspectionKind.UNANNOUNCED, date=datetime.date(2019, 3, 1))
    make_draw(unit_a, alice, made_at=datetime.datetime(2020, 4, 1, tzinfo=datetime.UTC))
    body = province.get("/api/v1/indicators/", {"year": 2020}).json()
    (row,) = body["measures_by_key_task"]
    assert (row["measures"], row["completed"], row["overdue"]) == (3, 1, 1)
    assert (row["completion_rate"], row["on_time_rate"]) == (33.3, 66.7)
    waterways = next(item for item in body["hazard_zero_out_by_field"] if item["key"] == "waterways")
    assert (waterways["total"], waterways["closed"], waterways["rate"], waterways["zeroed"]) == (2, 1, "50.0", False)
    assert body["inspections"]["total"] == 1
    assert {item["key"]: item["count"] for item in body["inspections"]["by_kind"]}["unannounced"] == 1
    assert body["inspections"]["draws"] == 1
