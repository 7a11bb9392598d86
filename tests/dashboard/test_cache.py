"""Cached figures are counted again after any audited write, so they keep agreeing with the lists."""

import datetime

from django.urls import reverse

from plans import services as plan_services
from plans.choices import MeasureStatus
from safety import services as safety_services
from tests.safety.factories import register_fields

DASHBOARD = reverse("dashboard:dashboard")


def figures(client):
    response = client.get(DASHBOARD)
    return response.context.get("figures"), response.context["from_cache"]


def test_a_measure_completed_through_its_service_shows_at_once(
    world, login, leo, alice, django_capture_on_commit_callbacks
):
    client = login(leo)
    before, _ = figures(client)
    assert figures(client)[1] is True  # cached
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.measure_update(user=alice, measure=world.measures.m2, status=MeasureStatus.COMPLETED)
    after, from_cache = figures(client)
    assert from_cache is False
    assert (after.plan.completed, after.plan.overdue) == (before.plan.completed + 1, before.plan.overdue - 1)


def test_a_hazard_registered_shows_at_once(world, login, leo, bob, unit_b, django_capture_on_commit_callbacks):
    client = login(leo)
    before, _ = figures(client)
    with django_capture_on_commit_callbacks(execute=True):
        safety_services.hazard_register(
            user=bob,
            responsible_unit=unit_b,
            **register_fields(found_on=datetime.date(2020, 9, 14), deadline=datetime.date(2020, 10, 31)),
        )
    after, from_cache = figures(client)
    assert from_cache is False and after.safety.totals.total == before.safety.totals.total + 1


def test_the_cache_is_cleared_only_once_the_write_commits(world, login, leo, alice, django_capture_on_commit_callbacks):
    client = login(leo)
    figures(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan_services.measure_update(user=alice, measure=world.measures.m2, status=MeasureStatus.COMPLETED)
    assert figures(client)[1] is True  # not yet committed: still the cached figures
    for callback in callbacks:
        callback()
    assert figures(client)[1] is False


def test_the_figures_of_a_new_day_are_counted_again(world, login, leo):
    import time_machine

    client = login(leo)
    figures(client)
    with time_machine.travel(datetime.datetime(2020, 9, 16, 2, tzinfo=datetime.UTC), tick=False):
        fresh, from_cache = figures(client)
    assert from_cache is False and fresh.today == datetime.date(2020, 9, 16)


def test_caching_can_be_switched_off(world, login, leo, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = login(leo)
    figures(client)
    assert figures(client)[1] is False
