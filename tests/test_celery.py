"""Celery wiring: a task queued by the portal is run. In CI (REDIS_URL set) by a real worker through the Redis
broker; in the embedded mode (no Redis) in-process, as the portal runs there."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from core.tasks import purge_stale_import_files_task

TWO_DAYS = 2 * 24 * 3600


def _import_files(media_root: Path) -> tuple[Path, Path]:
    folder = media_root / "imports"
    folder.mkdir(parents=True)
    stale, fresh = folder / "stale.xlsx", folder / "fresh.xlsx"
    stale.write_bytes(b"PK")
    fresh.write_bytes(b"PK")
    old = time.time() - TWO_DAYS
    os.utime(stale, (old, old))
    return stale, fresh


def _wait_until_gone(path: Path, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not path.exists():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.celery
def test_a_queued_task_is_run_by_the_worker(tmp_path, settings):
    stale, fresh = _import_files(tmp_path)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        settings.MEDIA_ROOT = tmp_path
        assert purge_stale_import_files_task.delay().get() == 1
    else:
        queue = f"test-{uuid.uuid4().hex}"  # this test's own queue: no other task reaches its worker
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "liuyang_transport", "worker", "--pool=solo", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "warning"],
            env={**os.environ, "MEDIA_ROOT": str(tmp_path)},
            cwd=Path(__file__).resolve().parent.parent,
        )  # fmt: skip
        try:
            purge_stale_import_files_task.apply_async(queue=queue)
            assert _wait_until_gone(stale), "the worker did not run the task within a minute"
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert not stale.exists()
    assert fresh.exists()
