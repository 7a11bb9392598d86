"""Fault tests with real Celery workers in separate processes and a Redis of the test's own (``redis-server`` on a
spare port, append-only file on; the machine's shared Redis is never touched): a worker killed with SIGKILL in the
middle of a batch, Redis restarted during a run, two scans at once — every e-mail arrives exactly once. Without
Redis (the embedded mode) the same run takes the eager path, as the portal does there."""

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.core import mail
from django.db import connection

from liuyang_transport.celery import app
from organisation.models import User
from reminders import queueing, scan
from reminders.models import DigestEmail, Notification
from reminders.tasks import scan_task
from tests.factories import MeasureFactory

from .conftest import at

ROOT = Path(__file__).resolve().parents[2]
DAY = "2020-06-16"  # a Tuesday: the 3-day reminder of a measure due on Friday 06-19
MAIL_DELAY = 0.4
MEMBERS = 12


def wait_for(condition, timeout: float = 90, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


class OwnRedis:
    """A redis-server of the test's own, on a spare port, persisting every write (appendfsync always)."""

    def __init__(self, folder: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.folder, self.process = folder, None
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port)
        assert wait_for(lambda: self._pings(client), timeout=20), "redis-server did not start"

    @staticmethod
    def _pings(client) -> bool:
        try:
            return client.ping()
        except redis.exceptions.RedisError:
            return False

    def stop(self):
        self.process.terminate()  # SIGTERM: redis-server writes its append-only file and exits
        self.process.wait(timeout=20)

    def restart(self, down_for: float = 2.0):
        self.stop()
        time.sleep(down_for)
        self.start()


@pytest.fixture
def own_redis(tmp_path, settings):
    if settings.CELERY_TASK_ALWAYS_EAGER:
        yield None
        return
    server = OwnRedis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def unit_with_members(unit_a, leo):
    """Unit A with MEMBERS staff (and no one else) and a measure due on 06-19."""
    emails = []
    for index in range(MEMBERS):
        user = User.objects.create(username=f"member{index:02d}", unit=unit_a, email=f"member{index:02d}@jtj.example")
        emails.append(user.email)
    MeasureFactory(lead_unit=unit_a, due_date=datetime.date(2020, 6, 19))
    return emails


class Workers:
    """Celery worker processes (tests/reminders/worker.py) on one private queue of a Redis."""

    def __init__(self, redis_url: str, mail_dir: Path):
        self.queue = f"test-reminders-{uuid.uuid4().hex}"
        self.redis_url, self.mail_dir, self.processes = redis_url, mail_dir, []
        db = connection.settings_dict
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "DB_CONN_MAX_AGE": "0",
            "REMINDERS_TEST_MAIL_DIR": str(mail_dir),
            "REMINDERS_TEST_MAIL_DELAY": str(MAIL_DELAY),
        }

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-m", "tests.reminders.worker", self.queue], env=self.env, cwd=ROOT)
        self.processes.append(process)
        return process

    def scan(self, day: str = DAY):
        with app.connection_for_write(self.redis_url) as broker:
            scan_task.apply_async(args=[day], queue=self.queue, connection=broker)

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


@pytest.fixture
def workers(own_redis, tmp_path):
    if own_redis is None:
        yield None
        return
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    started = Workers(own_redis.url, mail_dir)
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
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
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
