"""A Celery worker for the reminders' fault tests (run as ``python -m tests.reminders.worker <queue>``): every task
on the test's private queue, the slow file e-mail backend, and a short visibility timeout so that a task whose
worker was killed is delivered again within seconds rather than an hour."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")

from django.conf import settings  # noqa: E402

settings.EMAIL_BACKEND = "tests.reminders.slowmail.SlowFileBackend"

from tests.workers import run_worker  # noqa: E402

if __name__ == "__main__":
    run_worker(  # look for unacknowledged messages every second
        sys.argv[1],
        transport_options={"visibility_timeout": 4, "unacked_restore_interval": 1, "unacked_restore_throttle": 1},
    )
