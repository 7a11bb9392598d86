"""The embedded mode's scheduler. With no Redis (``CELERY_TASK_ALWAYS_EAGER``) there is no beat: the development
server (``manage.py runserver``, which ``make run`` starts) runs the database schedule itself, in a daemon thread
of its serving process. Every minute it runs, in-process, the enabled periodic tasks of django-celery-beat whose
time has come since it last looked — at start, since midnight, so a server started at 10:00 still sends the
day's reminders. Each task is idempotent, so a second server or a restart sends nothing twice."""

import datetime
import logging
import os
import threading
import time

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)
TICK_SECONDS = 60
_started = threading.Event()


def start_if_serving(argv: list[str]) -> bool:
    """Start the scheduler thread in the development server's serving process, in the embedded mode only."""
    if not settings.CELERY_TASK_ALWAYS_EAGER or len(argv) < 2 or argv[1] != "runserver":
        return False
    if os.environ.get("RUN_MAIN") != "true" and "--noreload" not in argv:
        return False  # the autoreloader's parent process: its child serves
    if _started.is_set():
        return False
    _started.set()
    threading.Thread(target=_loop, name="reminders-embedded-beat", daemon=True).start()
    return True


def _loop() -> None:
    since = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    while True:
        now = timezone.now()
        try:
            run_due_tasks(since)
        except Exception:
            logger.exception("reminders: the embedded scheduler failed; it tries again in a minute")
        finally:
            close_old_connections()
        since = now
        time.sleep(TICK_SECONDS)


def run_due_tasks(since: datetime.datetime) -> list[str]:
    """Run, in this process, each enabled crontab task of the database schedule with a time after ``since``."""
    from celery import current_app
    from django_celery_beat.models import PeriodicTask

    current_app.loader.import_default_modules()  # every app's tasks module (Celery's autodiscovery is lazy)
    ran = []
    for entry in PeriodicTask.objects.filter(enabled=True, crontab__isnull=False).select_related("crontab"):
        is_due, _ = entry.crontab.schedule.is_due(since)  # a crontab in the entry's own time zone
        if is_due and entry.task in current_app.tasks:
            logger.info("reminders: embedded scheduler runs %s", entry.name)
            current_app.tasks[entry.task].apply()
            ran.append(entry.name)
    return ran
