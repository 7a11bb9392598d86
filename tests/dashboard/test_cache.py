"""Cached figures are counted again after any audited write, so they keep agreeing with the lists."""

import datetime

import pytest
from django.core.cache import cache as django_cache
from django.urls import reverse

from dashboard import cache, tasks
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


@pytest.fixture
def with_worker(settings, monkeypatch):
    """As with Redis and a worker: queued warm-ups are recorded, not run (the tests run them)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    django_cache.delete(cache.WARM_PENDING_KEY)
    queued = []
    monkeypatch.setattr(tasks.warm_task, "apply_async", lambda *args, **kwargs: queued.append(kwargs))
    yield queued
    django_cache.delete(cache.WARM_PENDING_KEY)


def test_a_burst_of_writes_queues_one_warm_up_and_the_next_reader_finds_the_figures_counted(
    world, login, leo, alice, with_worker, django_capture_on_commit_callbacks
):
    client = login(leo)
    figures(client)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.measure_update(user=alice, measure=world.measures.m2, status=MeasureStatus.COMPLETED)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.measure_update(user=alice, measure=world.measures.m2, due_date=datetime.date(2020, 12, 30))
    assert len(with_worker) == 1  # one warm-up pending at a time

    assert tasks.warm() is True  # what the worker runs: counted into the new generation
    warmed = client.get(DASHBOARD)
    assert warmed.context["from_cache"] is True
    cache.new_generation()
    counted = client.get(DASHBOARD)
    assert counted.context["from_cache"] is False
    assert counted.context["body"] == warmed.context["body"]  # the warm-up counted what a reader would

    assert tasks.warm() is False  # already there: nothing counted again
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.measure_update(user=alice, measure=world.measures.m2, due_date=datetime.date(2020, 12, 29))
    assert len(with_worker) == 2  # the warm-up ran, so the next write queues another


def test_without_a_worker_nothing_is_queued(world, alice, settings, monkeypatch, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded mode: the next reader counts
    monkeypatch.setattr(tasks.warm_task, "apply_async", lambda *args, **kwargs: pytest.fail("queued"))
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.measure_update(user=alice, measure=world.measures.m2, status=MeasureStatus.COMPLETED)


def test_a_broker_that_is_down_never_fails_the_write(
    world, alice, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    django_cache.delete(cache.WARM_PENDING_KEY)

    def broker_down(*args, **kwargs):
        raise OSError("Connection refused")

    monkeypatch.setattr(tasks.warm_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.measure_update(user=alice, measure=world.measures.m2, status=MeasureStatus.COMPLETED)
    assert django_cache.get(cache.WARM_PENDING_KEY) is None  # the next write tries again
