"""The embedded mode (no Redis): the development server runs the database schedule in-process, so `make run`
delivers reminders; and the schedule itself (django-celery-beat rows made by the reminders' migration)."""

import datetime

import pytest
from django_celery_beat.models import PeriodicTask

from reminders import embedded
from reminders.models import Notification

from .conftest import SHANGHAI, at

pytestmark = pytest.mark.django_db


def test_the_schedule_is_in_the_database():
    entries = {
        entry.task: (entry.crontab.minute, entry.crontab.hour, entry.crontab.day_of_week, str(entry.crontab.timezone))
        for entry in PeriodicTask.objects.select_related("crontab")
    }
    assert entries["reminders.scan"] == ("30", "8", "*", "Asia/Shanghai")
    assert entries["reminders.weekly_digest"] == ("0", "8", "1", "Asia/Shanghai")
    assert entries["core.purge_stale_import_files"] == ("15", "3", "*", "Asia/Shanghai")


def test_the_embedded_scheduler_runs_the_scan_when_its_time_has_come(measure_due, settings):
    midnight = datetime.datetime(2020, 6, 16, 0, 0, tzinfo=SHANGHAI)
    with at(datetime.date(2020, 6, 16), 8, 0):
        assert "reminders: daily scan" not in embedded.run_due_tasks(midnight)
    assert Notification.objects.count() == 0
    with at(datetime.date(2020, 6, 16), 8, 31):
        assert "reminders: daily scan" in embedded.run_due_tasks(midnight)
    assert Notification.objects.count() == 2  # alice and carol


def test_the_scheduler_starts_only_in_the_embedded_development_server(settings, monkeypatch):
    started = []
    monkeypatch.setattr(embedded.threading, "Thread", lambda **kwargs: started.append(kwargs) or _Dummy())
    monkeypatch.setattr(embedded, "_started", type(embedded._started)())
    monkeypatch.setenv("RUN_MAIN", "true")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert not embedded.start_if_serving(["manage.py", "runserver"])  # with Redis, beat runs the schedule
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert not embedded.start_if_serving(["manage.py", "migrate"])
    assert embedded.start_if_serving(["manage.py", "runserver"])
    assert not embedded.start_if_serving(["manage.py", "runserver"])  # once per process
    assert len(started) == 1


class _Dummy:
    def start(self):
        pass
