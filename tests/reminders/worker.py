"""A Celery worker for the reminders' fault tests (run as ``python -m tests.reminders.worker <queue>``): every task
on the test's private queue, the slow file e-mail backend, and a short visibility timeout so that a task whose
worker was killed is delivered again within seconds rather than an hour."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")

from django.conf import settings  # noqa: E402

settings.EMAIL_BACKEND = "tests.reminders.slowmail.SlowFileBackend"

from liuyang_transport.celery import app  # noqa: E402

if __name__ == "__main__":
    queue = sys.argv[1]
    app.conf.task_default_queue = queue  # the tasks the scan queues stay on this test's queue
    app.conf.broker_transport_options = {  # look for unacknowledged messages every second
        "visibility_timeout": 4,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
    app.conf.broker_connection_retry_on_startup = True
    app.worker_main(
        ["worker", "--pool=solo", "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "warning"]
    )  # fmt: skip
