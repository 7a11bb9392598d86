"""Real processes for the fault tests: a redis-server of the test's own (on a spare port, append-only file on; the
machine's shared Redis is never touched) and Celery workers on a private queue of it, against the test database.

Run as ``python -m tests.workers <queue>``: a worker for every task on that queue (worker modules that change
something first, such as ``tests.reminders.worker``, call ``run_worker``). The ``own_redis`` fixture (for every
test, through tests/conftest.py) is None in the embedded mode (no REDIS_URL: tasks run eagerly there, as the
portal does).
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

ROOT = Path(__file__).resolve().parents[1]


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
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis-server writes its append-only file and exits
            self.process.wait(timeout=20)

    def restart(self, down_for: float = 2.0):
        self.stop()
        time.sleep(down_for)
        self.start()


@pytest.fixture
def own_redis(tmp_path, settings):
    """A redis-server of the test's own; None in the embedded mode, or where the workers could not share the test
    database (SQLite)."""
    from django.db import connection

    if settings.CELERY_TASK_ALWAYS_EAGER or connection.vendor != "postgresql":
        yield None
        return
    server = OwnRedis(tmp_path)
    yield server
    server.stop()


def database_url() -> str:
    """The test database, for a process of the test's own."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Workers:
    """Celery worker processes (``python -m <module> <queue>``) on one private queue of a Redis, each in a process
    group of its own (so that it can be killed as a whole)."""

    def __init__(self, redis_url: str, module: str = "tests.workers", env: dict | None = None):
        self.queue = f"test-{uuid.uuid4().hex}"
        self.redis_url, self.module, self.processes = redis_url, module, []
        self.env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url, "DB_CONN_MAX_AGE": "0"}
        self.env.update(env or {})

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", self.module, self.queue], env=self.env, cwd=ROOT, start_new_session=True
        )
        self.processes.append(process)
        return process

    def send(self, task, *args) -> None:
        """Put ``task(*args)`` on the workers' queue, as beat (or the portal) does."""
        from liuyang_transport.celery import app

        with app.connection_for_write(self.redis_url) as broker:
            task.apply_async(args=args, queue=self.queue, connection=broker)

    @contextlib.contextmanager
    def as_portal(self):
        """This process queues its tasks as the portal's web process does: on the workers' Redis and queue."""
        from liuyang_transport.celery import app

        saved = app.conf.broker_url, app.conf.task_default_queue, app.conf.task_always_eager
        app.conf.broker_url, app.conf.task_default_queue, app.conf.task_always_eager = self.redis_url, self.queue, False
        _forget_connections(app)
        try:
            yield
        finally:
            app.conf.broker_url, app.conf.task_default_queue, app.conf.task_always_eager = saved
            _forget_connections(app)

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL to the worker's whole process group: nothing of it runs a line more."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)


def _forget_connections(app) -> None:
    """The app's broker connections are made again, to its broker_url as it is now (kombu's pools are kept by
    address for the whole process: closed ones are dropped from its registry too, or the next task sent to that
    address would find its pool closed)."""
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def run_worker(queue: str, transport_options: dict | None = None) -> None:
    from liuyang_transport.celery import app

    app.conf.task_default_queue = queue  # the tasks a task queues stay on this test's queue
    if transport_options:
        app.conf.broker_transport_options = transport_options
    app.conf.broker_connection_retry_on_startup = True
    app.worker_main(
        ["worker", "--pool=solo", "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat",
         "-l", "warning"]
    )  # fmt: skip


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")
    run_worker(sys.argv[1])
