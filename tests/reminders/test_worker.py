"""Fault tests with real Celery workers in separate processes and a Redis of the test's own (``redis-server`` on a
spare port, append-only file on; the machine's shared Redis is never touched): a worker killed with SIGKILL in the
middle of a batch, Redis restarted during a run, two scans at once — every e-mail arrives exactly once. Without
Redis (the embedded mode) the same run takes the eager path, as the portal does there."""

import datetime
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core import mail

from liuyang_transport.celery import app
from organisation.models import User
from reminders import queueing, scan
from reminders.models import DigestEmail, Notification
from reminders.tasks import scan_task
from tests.factories import MeasureFactory
from tests.workers import Workers, wait_for

from .conftest import at

DAY = "2020-06-16"  # a Tuesday: the 3-day reminder of a measure due on Friday 06-19
MAIL_DELAY = 0.4
MEMBERS = 12


@pytest.fixture
def unit_with_members(unit_a, leo):
    """Unit A with MEMBERS staff (and no one else) and a measure due on 06-19."""
    emails = []
    for index in range(MEMBERS):
        user = User.objects.create(username=f"member{index:02d}", unit=unit_a, email=f"member{index:02d}@jtj.example")
        emails.append(user.email)
    MeasureFactory(lead_unit=unit_a, due_date=datetime.date(2020, 6, 19))
    return emails


class MailWorkers(Workers):
    """Workers of tests/reminders/worker.py, whose e-mails are files in ``mail_dir``, each taking MAIL_DELAY."""

    def __init__(self, redis_url: str, mail_dir: Path):
        env = {"REMINDERS_TEST_MAIL_DIR": str(mail_dir), "REMINDERS_TEST_MAIL_DELAY": str(MAIL_DELAY)}
        super().__init__(redis_url, module="tests.reminders.worker", env=env)
        self.mail_dir = mail_dir

    def scan(self, day: str = DAY):
        self.send(scan_task, day)


@pytest.fixture
def workers(own_redis, tmp_path):
    if own_redis is None:
        yield None
        return
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started = MailWorkers(own_redis.url, mail_dir)
    yield started
    started.stop()


def received(mail_dir: Path) -> Counter:
    return Counter(path.name.split("--")[0] for path in mail_dir.glob("*.eml"))


def eager_run(emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        scan_task.delay(DAY)
    assert Counter(message.to[0] for message in mail.outbox) == Counter(emails)


def all_received_once(workers, emails):
    assert wait_for(lambda: sum(received(workers.mail_dir).values()) >= len(emails)), received(workers.mail_dir)
    time.sleep(2 * MAIL_DELAY + 1)  # nothing more arrives
    assert received(workers.mail_dir) == Counter(emails)
    assert DigestEmail.objects.filter(state="sent").count() == len(emails)
    assert not Notification.objects.filter(email_pending=True).exists()


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_sends_every_email_exactly_once(
    unit_with_members, workers, django_capture_on_commit_callbacks
):
    emails = unit_with_members
    if workers is None:
        return eager_run(emails, django_capture_on_commit_callbacks)
    worker = workers.start()
    workers.scan()
    assert wait_for(lambda: sum(received(workers.mail_dir).values()) >= 3), "the batch did not start"
    time.sleep(MAIL_DELAY / 2)  # in the middle of the next message
    workers.kill(worker)
    assert sum(received(workers.mail_dir).values()) < len(emails), "the worker finished before it was killed"
    workers.start()  # the batch, never acknowledged, is delivered again
    all_received_once(workers, emails)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_redis_restarted_during_a_run_loses_nothing(
    unit_with_members, own_redis, workers, django_capture_on_commit_callbacks
):
    if workers is None:
        return eager_run(unit_with_members, django_capture_on_commit_callbacks)
    workers.start()
    workers.scan()
    assert wait_for(lambda: sum(received(workers.mail_dir).values()) >= 2), "the batch did not start"
    own_redis.restart()
    all_received_once(workers, unit_with_members)


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_on_two_workers_send_once(unit_with_members, workers, django_capture_on_commit_callbacks):
    if workers is None:
        eager_run(unit_with_members, django_capture_on_commit_callbacks)
        with django_capture_on_commit_callbacks(execute=True):
            scan_task.delay(DAY)  # a second scan: nothing more
        assert len(mail.outbox) == len(unit_with_members)
        return
    workers.start()
    workers.start()
    workers.scan()
    workers.scan()
    all_received_once(workers, unit_with_members)
    assert Notification.objects.count() == len(unit_with_members)


@pytest.mark.django_db
def test_a_broker_outage_fails_nothing_and_the_next_scan_queues_the_email(
    unit_with_members, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from kombu.exceptions import OperationalError

    from reminders import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis: Connection refused")

    monkeypatch.setattr(tasks.send_daily_emails_task, "apply_async", broker_down)
    with at(datetime.date(2020, 6, 16)), django_capture_on_commit_callbacks(execute=True):
        result = scan.run_scan()  # does not raise
    assert result.created == MEMBERS and result.email_batches == 1
    assert "could not queue send_daily_emails_task" in caplog.text
    assert Notification.objects.filter(email_pending=True).count() == MEMBERS  # nothing lost
    monkeypatch.undo()
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True  # the broker is back (here: in-process)
    try:
        with at(datetime.date(2020, 6, 17)), django_capture_on_commit_callbacks(execute=True):
            assert queueing.queue_now("scan_task")
    finally:
        app.conf.task_always_eager = eager
    assert Counter(message.to[0] for message in mail.outbox) == Counter(unit_with_members)
