"""Background imports under faults, with real processes: a redis-server of the test's own (broker and cache) and
real Celery workers (``tests/faults/import_worker.py``) against the test database. A large import uploaded while
Redis is down stays queued and the page answers as usual; once Redis is back the sweep (sent as beat sends it)
queues it and a worker runs it. A worker killed with SIGKILL in the middle of an import leaves nothing written; once
its heartbeat is older than ``IMPORT_JOB_STALE_SECONDS`` the sweep has another worker run it again, and every row is
imported exactly once. In the embedded mode (no REDIS_URL) there is no broker to lose: the job runs in-process."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.imports.choices import JobPhase, JobState
from core.models import ImportJob
from core.tasks import queue_pending_import_jobs_task
from plans.choices import MeasureStatus
from plans.models import KeyTask, Measure
from tests.core.test_import_jobs import lagging_file, measure_entries
from tests.factories import MeasureFactory, WorkPlanFactory
from tests.workers import Workers, wait_for

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

STALE_SECONDS = 3
MEASURES = 8


@pytest.fixture
def measures(unit_a, leo):
    plan = WorkPlanFactory(year=2021)
    task = KeyTask.objects.create(plan=plan, number=1, title="任务")
    return [MeasureFactory(key_task=task, number=n, lead_unit=unit_a, responsible_leader=leo) for n in range(1, 9)]


@pytest.fixture
def portal(settings, tmp_path, own_redis):
    """The portal's settings for these tests: files of more than 5 rows go to a job, a heartbeat every second and
    stale after STALE_SECONDS, the cache on the test's own Redis (down with it)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_BACKGROUND_ROWS = 5
    settings.IMPORT_JOB_STALE_SECONDS = STALE_SECONDS
    settings.IMPORT_JOB_HEARTBEAT_SECONDS = 1
    if own_redis is None:
        yield None
        return
    cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": own_redis.url}}
    with override_settings(CACHES=cache):
        yield settings


@pytest.fixture
def import_workers(portal, own_redis, tmp_path):
    """Workers of the test's own Redis, with the portal's settings; each row an import writes takes ROW_DELAY."""
    if own_redis is None:
        yield None
        return
    rows_dir = tmp_path / "rows"
    rows_dir.mkdir()
    started = Workers(
        own_redis.url,
        module="tests.faults.import_worker",
        env={
            "MEDIA_ROOT": str(portal.MEDIA_ROOT),
            "IMPORT_BACKGROUND_ROWS": "5",
            "IMPORT_JOB_STALE_SECONDS": str(STALE_SECONDS),
            "IMPORT_JOB_HEARTBEAT_SECONDS": "1",
            "IMPORT_TEST_ROW_DELAY": "0.4",
            "IMPORT_TEST_ROWS_DIR": str(rows_dir),
        },
    )
    started.rows_dir = rows_dir
    yield started
    started.stop()


def upload(client, measures):
    data = lagging_file(measures)
    return client.post(reverse("plans:measure_import"), {"file": SimpleUploadedFile("measures.xlsx", data)})


def confirm(client, job):
    return client.post(reverse("import_job_confirm", args=[job.pk]))


def job_is(phase: str, state: str):
    return lambda: ImportJob.objects.filter(phase=phase, state=state).exists()


def lagging() -> int:
    return Measure.objects.filter(status=MeasureStatus.LAGGING).count()


def rows_written(workers) -> int:
    """Rows the workers' imports have written so far (committed or not)."""
    return sum(1 for _ in workers.rows_dir.iterdir())


def sweep_when_stale(workers, job) -> None:
    """Wait until the job has been queued, or without a heartbeat, for longer than STALE_SECONDS, then send the
    sweep to the workers as beat does every minute."""
    job.refresh_from_db()
    since = job.heartbeat_at if job.state == JobState.RUNNING else job.updated_at
    time.sleep(max(0.0, STALE_SECONDS + 0.5 - (timezone.now() - since).total_seconds()))
    workers.send(queue_pending_import_jobs_task)


def imported_once(job, media) -> None:
    job.refresh_from_db()
    assert (job.phase, job.state, job.rows_updated, job.rows_refused) == (JobPhase.CONFIRM, JobState.SUCCEEDED, 8, 0)
    assert lagging() == MEASURES
    entries = sorted(measure_entries().values_list("object_id", flat=True))
    assert entries == sorted(Measure.objects.values_list("pk", flat=True))  # each row written exactly once
    stored = lambda: [path for path in media.rglob("*") if path.is_file()]  # noqa: E731
    assert wait_for(lambda: not stored(), timeout=5), stored()  # the stored file goes once the import committed


def embedded_run(client, measures, media) -> None:
    """No broker to lose: the job runs in-process when its transaction commits."""
    upload(client, measures)
    job = ImportJob.objects.get()
    assert (job.phase, job.state) == (JobPhase.PREVIEW, JobState.SUCCEEDED)
    confirm(client, job)
    imported_once(job, media)


def test_an_import_uploaded_while_redis_is_down_waits_and_is_run_once_redis_is_back(
    login, alice, measures, own_redis, portal, import_workers, caplog
):
    client = login(alice)
    if import_workers is None:
        return embedded_run(client, measures, portal.MEDIA_ROOT)
    import_workers.start()
    own_redis.stop()
    with import_workers.as_portal():
        started = time.monotonic()
        response = upload(client, measures)
        answered_in = time.monotonic() - started
        job = ImportJob.objects.get()
        assert response.status_code == 302 and response.url == job.get_absolute_url()
        assert answered_in < 3, f"the upload took {answered_in:.1f} s with Redis down"
        assert (job.phase, job.state) == (JobPhase.PREVIEW, JobState.QUEUED)
        assert "the sweep will queue it again" in caplog.text
        page = client.get(job.get_absolute_url())
        assert page.status_code == 200 and b'hx-trigger="every 1s"' in page.content  # waiting, polled

        own_redis.start()
        sweep_when_stale(import_workers, job)
        assert wait_for(job_is(JobPhase.PREVIEW, JobState.SUCCEEDED), timeout=30), "the sweep did not queue it"
        assert confirm(client, job).status_code == 302
        assert wait_for(job_is(JobPhase.CONFIRM, JobState.SUCCEEDED), timeout=30), "the import did not run"
    imported_once(job, portal.MEDIA_ROOT)


def test_a_worker_killed_in_the_middle_of_an_import_leaves_nothing_and_the_sweep_imports_it_once(
    login, alice, measures, own_redis, portal, import_workers
):
    client = login(alice)
    if import_workers is None:
        return embedded_run(client, measures, portal.MEDIA_ROOT)
    worker = import_workers.start()
    with import_workers.as_portal():
        upload(client, measures)
        job = ImportJob.objects.get()
        assert wait_for(job_is(JobPhase.PREVIEW, JobState.SUCCEEDED), timeout=30), "the check did not run"
        confirm(client, job)
    assert wait_for(lambda: rows_written(import_workers) >= 3, timeout=30), "the import did not start"
    import_workers.kill(worker)
    assert rows_written(import_workers) < MEASURES, "the worker finished before it was killed"
    job.refresh_from_db()
    assert (job.phase, job.state, job.attempt) == (JobPhase.CONFIRM, JobState.RUNNING, 2)
    assert lagging() == 0 and not measure_entries().exists()  # nothing half-written

    import_workers.start()
    sweep_when_stale(import_workers, job)
    assert wait_for(job_is(JobPhase.CONFIRM, JobState.SUCCEEDED), timeout=30), "the sweep did not re-run it"
    imported_once(job, portal.MEDIA_ROOT)
    assert job.attempt == 3
