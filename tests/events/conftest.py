"""Fixtures of the events tests: tasks run in-process, and a service run with the work it queues after its commit.
The robots are the reminders tests' local HTTP servers."""

import pytest

from liuyang_transport.celery import app
from tests.reminders.test_webhook import robot_factory  # noqa: F401  (a fixture)


@pytest.fixture
def eager():
    """The broker is up (tasks in-process), even where REDIS_URL is set."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def run(eager, django_capture_on_commit_callbacks):
    """Run a service and the work it queues after its commit (the dispatch)."""

    def _run(service, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return service(**kwargs)

    return _run
