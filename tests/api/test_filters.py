"""Lists take the filters of their pages (the apps' own FilterSets): a filter narrows the list, the cursor keeps it
from page to page, ``updated_since`` combines with it, the query count does not grow with the rows, and a bad value
is a 400 with a Chinese message."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from enterprises.choices import VehicleClass
from plans.models import Measure
from safety.models import Hazard
from tests.enterprises.factories import VehicleFactory

from .conftest import populate, pull
from .test_lists import queries

pytestmark = pytest.mark.django_db

#: resource → the filter that picks unit A's rows (the vehicles': the charter buses' class)
NARROWING = {
    "measures": lambda unit: {"unit": unit.pk},
    "projects": lambda unit: {"unit": unit.pk},
    "enterprises": lambda unit: {"supervising_unit": unit.pk},
    "vehicles": lambda unit: {"vehicle_class": VehicleClass.CHARTER_BUS},
    "hazards": lambda unit: {"unit": unit.pk},
    "inspections": lambda unit: {"unit": unit.pk},
    "draws": lambda unit: {"unit": unit.pk},
}


def two_units(n: int, unit_a, alice, unit_b, bob) -> None:
    """n objects of every resource for unit A, one for unit B, and n charter buses (of unit B's enterprises)."""
    populate(n, unit_a, alice)
    populate(1, unit_b, bob)
    VehicleFactory.create_batch(n, vehicle_class=VehicleClass.CHARTER_BUS, enterprise__supervising_unit=unit_b)


@pytest.mark.parametrize("name", NARROWING)
def test_a_filter_narrows_the_list_and_the_cursor_keeps_it(province, alice, unit_a, bob, unit_b, name):
    two_units(3, unit_a, alice, unit_b, bob)
    url, params = f"/api/v1/{name}/", NARROWING[name](unit_a)
    everything = pull(province, url)
    filtered = pull(province, url, **params)
    assert len(filtered) == 3 < len(everything)
    assert pull(province, url, page_size=1, **params) == filtered  # each "next" link carries the filter


@pytest.mark.parametrize("name", NARROWING)
def test_a_filtered_list_takes_a_constant_number_of_queries(province, alice, unit_a, bob, unit_b, name):
    two_units(2, unit_a, alice, unit_b, bob)
    url = f"/api/v1/{name}/?" + "&".join(f"{key}={value}" for key, value in NARROWING[name](unit_a).items())
    few = queries(province, url)
    two_units(6, unit_a, alice, unit_b, bob)
    assert queries(province, url) == few


def test_a_session_user_filters_what_they_may_see(api, alice, unit_a, bob, unit_b):
    two_units(2, unit_a, alice, unit_b, bob)
    api.force_login(alice)
    assert len(pull(api, "/api/v1/hazards/", unit=unit_a.pk)) == 2
    assert pull(api, "/api/v1/hazards/", unit=unit_b.pk) == []  # unit B's hazards are not alice's to see


def test_the_pages_filters_are_the_apis(province, alice, unit_a, bob, unit_b):
    """The page's semantics come along: a measure's unit is its lead or a cooperating unit; a hazard's year its
    found date's."""
    two_units(1, unit_a, alice, unit_b, bob)
    measure = pull(province, "/api/v1/measures/", unit=unit_b.pk)[0]
    hazard = Hazard.objects.get(responsible_unit=unit_a)
    hazard.found_on = datetime.date(2019, 12, 31)
    hazard.save()
    Measure.objects.get(pk=measure["id"]).cooperating_units.add(unit_a)
    assert measure["id"] in {row["id"] for row in pull(province, "/api/v1/measures/", unit=unit_a.pk)}
    assert [row["id"] for row in pull(province, "/api/v1/hazards/", year=2019)] == [hazard.pk]


def test_updated_since_combines_with_a_filter(province, alice, unit_a, bob, unit_b):
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        two_units(2, unit_a, alice, unit_b, bob)
    later = start + datetime.timedelta(hours=1)
    with time_machine.travel(later, tick=True):
        for hazard in Hazard.objects.all():
            hazard.location = "集里街道"
            hazard.save()
    since = (later - datetime.timedelta(minutes=1)).isoformat()
    rows = pull(province, "/api/v1/hazards/", updated_since=since, unit=unit_a.pk)
    assert sorted(row["id"] for row in rows) == sorted(
        Hazard.objects.filter(responsible_unit=unit_a).values_list("pk", flat=True)
    )


def test_updated_before_closes_the_range(province, alice, unit_a, bob, unit_b):
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        two_units(1, unit_a, alice, unit_b, bob)
    with time_machine.travel(start + datetime.timedelta(hours=1), tick=True):
        newer = Hazard.objects.get(responsible_unit=unit_a)
        newer.save()
    cut = (start + datetime.timedelta(minutes=30)).isoformat()
    before = {row["id"] for row in pull(province, "/api/v1/hazards/", updated_before=cut)}
    since = {row["id"] for row in pull(province, "/api/v1/hazards/", updated_since=cut)}
    assert since == {newer.pk}
    assert before == set(Hazard.objects.values_list("pk", flat=True)) - {newer.pk}
    assert province.get("/api/v1/hazards/", {"updated_before": "tomorrow"}).status_code == 400


def _chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("hazards", {"status": "nope"}),
        ("hazards", {"unit": "abc"}),
        ("hazards", {"unit": "99999999999999999999"}),
        ("hazards", {"township": "-1"}),
        ("hazards", {"year": "abc"}),
        ("hazards", {"year": "99999"}),
        ("hazards", {"year": "1e400"}),
        ("measures", {"year": "20200"}),
        ("measures", {"key_task": "x"}),
        ("projects", {"stage": "x"}),
        ("projects", {"blocker": "x"}),
        ("enterprises", {"licence": "x"}),
        ("vehicles", {"vehicle_class": "x"}),
        ("inspections", {"date_from": "2020-02-30"}),
        ("inspections", {"enterprise": "0"}),
        ("draws", {"year": "99999"}),
        ("draws", {"month": "2020-13"}),
    ],
)
def test_a_bad_filter_value_is_400_with_a_chinese_message(province, name, params):
    response = province.get(f"/api/v1/{name}/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content
    (key,) = params
    (message,) = response.json()[key]
    assert _chinese(message), message


@pytest.mark.parametrize(
    "url",
    [
        "safety:hazard_list",
        "inspections:draw_list",
        "plans:measure_list",
        "emergency:drill_list",
    ],
)
def test_the_pages_show_a_year_out_of_range_as_the_filters_error(client, alice, url):
    """The FilterSets are the pages': a year out of range is a form error there, shown under the filter, not a
    server error."""
    client.force_login(alice)
    response = client.get(reverse(url), {"year": "99999"})
    assert response.status_code == 200
    (error,) = response.context["filter"].errors["year"]
    assert f'<div class="invalid-feedback d-block">{error}</div>' in response.text


def test_the_browsable_api_offers_the_filters(api, alice):
    api.force_login(alice)
    page = api.get("/api/v1/hazards/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200
    assert 'name="unit"' in page.content.decode()


@pytest.mark.parametrize("name", NARROWING)
def test_a_list_without_a_filter_named_is_the_list_with_every_filter_empty(province, alice, unit_a, bob, unit_b, name):
    """``api.filters.PageFilterBackend`` skips the FilterSet when no filter is named: what it lists then is what
    the FilterSet lets through with every filter left empty."""
    two_units(2, unit_a, alice, unit_b, bob)
    url = f"/api/v1/{name}/"
    empty = dict.fromkeys(NARROWING[name](unit_a), "")
    assert pull(province, url, page_size=2) == pull(province, url, page_size=2, **empty)
