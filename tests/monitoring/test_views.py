"""The ranking page and the alarm list: wiring, click-through links, refusals (what a user may not see reads as
missing) and query counts that do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import services
from tests.enterprises.factories import EnterpriseFactory, VehicleFactory

from .factories import DriverFactory
from .world import NOVEMBER, alarm, at, build

pytestmark = pytest.mark.django_db
RANKING = reverse("monitoring:ranking")
ALARMS = reverse("monitoring:alarm_list")


@pytest.fixture
def world(vehicle_a, driver_a, vehicle_b, driver_b):
    build(vehicle_a, driver_a, vehicle_b, driver_b)


def test_the_ranking_page_links_each_figure_to_the_alarms_it_counts(world, login, bob, enterprise_a):
    response = login(bob).get(RANKING, {"month": "2020-11"})

    assert response.status_code == 200
    page = response.content.decode()
    link = f"{ALARMS}?enterprise={enterprise_a.pk}&amp;month=2020-11"
    assert link in page and "4.00" in page
    followed = login(bob).get(ALARMS, {"enterprise": enterprise_a.pk, "month": "2020-11"})
    assert followed.context["page_obj"].paginator.count == 4  # the 4 alarms of the 4.00


def test_the_alarm_list_filters_by_driver_type_and_month(world, login, bob, driver_b):
    client = login(bob)

    assert client.get(ALARMS, {"driver": driver_b.pk}).context["page_obj"].paginator.count == 2
    assert client.get(ALARMS, {"alarm_type": "fatigue", "month": "2020-11"}).context["page_obj"].paginator.count == 3
    assert client.get(ALARMS, {"month": "2019-11"}).context["page_obj"].paginator.count == 8


def test_a_unit_does_not_see_another_units_enterprises(world, login, alice, enterprise_b, driver_b, vehicle_b):
    client = login(alice)

    ranking = client.get(RANKING, {"month": "2020-11"}).content.decode()
    assert enterprise_b.name not in ranking
    assert client.get(ALARMS).context["page_obj"].paginator.count == 12  # enterprise_a's 4 + last year's 8
    assert client.get(ALARMS, {"enterprise": enterprise_b.pk}).status_code == 404
    assert client.get(ALARMS, {"driver": driver_b.pk}).status_code == 404
    assert client.get(ALARMS, {"vehicle": vehicle_b.pk}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in (RANKING, ALARMS, reverse("monitoring:alarm_export")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url


def test_the_export_holds_only_what_the_user_sees(world, login, alice):
    response = login(alice).get(reverse("monitoring:alarm_export"), {"format": "csv"})

    text = response.content.decode("utf-8-sig")
    assert "湘A12345" in text and "湘AD12345" not in text


def _more(unit, n: int) -> None:
    """n more enterprises, each with a vehicle, a driver, a day's mileage and an alarm in November 2020."""
    day = NOVEMBER.replace(day=12)
    for _ in range(n):
        enterprise = EnterpriseFactory(supervising_unit=unit)
        vehicle = VehicleFactory(enterprise=enterprise)
        driver = DriverFactory(enterprise=enterprise)
        services.VehicleDayMileage.objects.create(vehicle=vehicle, driver=driver, day=day, km=300)
        alarm(vehicle, driver, "smoking", at(day, 11))
        services.rollup_rebuild(keys=[(vehicle.pk, day)])


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_the_ranking_page_costs_the_same_queries_for_more_enterprises(world, login, bob, unit_b):
    client = login(bob)
    client.get(RANKING)  # the session and the first-request caches
    # session, user; to-do count and menu are loaded later; total, by type, by enterprise, by driver, by vehicle
    before = _queries(client, RANKING, {"month": "2020-11"})
    _more(unit_b, 5)
    assert _queries(client, RANKING, {"month": "2020-11"}) == before


def test_the_alarm_list_costs_the_same_queries_for_more_alarms(world, login, bob, unit_b):
    client = login(bob)
    client.get(ALARMS)
    # session, user; the enterprise filter's options, the count, the page (alarms with vehicle, enterprise, driver)
    before = _queries(client, ALARMS, {"month": "2020-11"})
    _more(unit_b, 5)
    assert _queries(client, ALARMS, {"month": "2020-11"}) == before
