"""Large imports: background jobs (queue → progress → preview → confirm → result), their refusals and their
idempotence, and the fast path (``bulk = True``) giving the normal path's outcome with bulk writes."""

import io
from pathlib import Path

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from core.imports import checked as kept
from core.imports import jobs, runner
from core.imports.choices import JobPhase, JobState
from core.imports.files import estimate_rows
from core.imports.jobs import queue_pending_import_jobs, run_import_job
from core.imports.runner import run_import
from core.models import ImportJob
from liuyang_transport.celery import app
from plans.choices import MeasureStatus
from plans.models import KeyTask, Measure
from plans.resources import MeasureResource
from safety.models import Hazard
from tests.core.test_import_checked_once import csv as hazard_csv
from tests.core.test_import_checked_once import new_row as new_hazard_row
from tests.factories import MeasureFactory, WorkPlanFactory
from tests.workers import Workers, wait_for

pytestmark = pytest.mark.django_db

HEADERS = ["Year", "Key task no.", "Measure no.", "Measure", "Status", "Progress %", "Full text"]


class BulkMeasureResource(MeasureResource):
    bulk = True


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 5  # files of more than 5 rows go to a job
    return tmp_path


@pytest.fixture
def eager():
    """Tasks run in-process, even where REDIS_URL is set (the worker test below uses a real worker)."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


@pytest.fixture
def unit_a_measures(unit_a, leo):
    plan = WorkPlanFactory(year=2021)
    task = KeyTask.objects.create(plan=plan, number=1, title="任务")
    return [MeasureFactory(key_task=task, number=n, lead_unit=unit_a, responsible_leader=leo) for n in range(1, 9)]


def lagging_file(measures) -> bytes:
    return workbook([[2021, 1, m.number, m.title, "Lagging", m.progress, m.text] for m in measures])


def upload(client, data: bytes, capture):
    with capture(execute=True):
        return client.post(reverse("plans:measure_import"), {"file": SimpleUploadedFile("measures.xlsx", data)})


def measure_entries():
    """Audit entries of measures, but those of the test data's creation."""
    return LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Measure)).exclude(actor=None)


# The lifecycle ----------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("eager")
def test_a_large_file_is_checked_and_imported_by_a_job(
    login, alice, unit_a_measures, django_capture_on_commit_callbacks
):
    client = login(alice)
    response = upload(client, lagging_file(unit_a_measures), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert (job.user, job.flow_key, job.phase, job.state) == (alice, "plans.measure", JobPhase.PREVIEW, "succeeded")
    assert (job.rows_total, job.rows_done, job.rows_updated, job.rows_refused) == (8, 8, 8, 0)
    assert Measure.objects.filter(status=MeasureStatus.LAGGING).count() == 0  # a preview writes nothing

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and page.templates[0].name == "imports/job.html"
    assert b'id="import-confirm"' in page.content and b"8 updated" in page.content
    polled = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert polled.templates[0].name == "imports/_job.html"
    assert b"hx-trigger" not in polled.content  # finished: the page stops polling

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_job_confirm", args=[job.pk]))
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.phase, job.state, job.rows_updated, job.rows_refused) == (JobPhase.CONFIRM, "succeeded", 8, 0)
    assert Measure.objects.filter(status=MeasureStatus.LAGGING).count() == 8
    assert set(measure_entries().values_list("actor", flat=True)) == {alice.pk}
    assert not job.stored_file or not (Path(connection.settings_dict["NAME"]).parent / job.stored_file).exists()
    page = client.get(job.get_absolute_url())
    assert b'id="import-job-done"' in page.content and b'id="import-confirm"' not in page.content
    job_entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(ImportJob))
    assert job_entries.count() >= 5  # created, checking, checked, confirmed, importing, imported


def test_a_queued_job_shows_a_progress_bar_polled_every_second(login, alice, unit_a_measures):
    job = ImportJob.objects.create(
        user=alice, flow_key="plans.measure", resource="plans.resources.MeasureResource", file_name="m.xlsx",
        file_format="xlsx", rows_total=40, rows_done=10, state=JobState.RUNNING,
    )  # fmt: skip
    polled = login(alice).get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in polled.content
    assert b'role="progressbar"' in polled.content and b'aria-valuenow="25"' in polled.content


def test_small_files_keep_the_synchronous_preview(login, alice, unit_a_measures, django_capture_on_commit_callbacks):
    response = upload(login(alice), lagging_file(unit_a_measures[:5]), django_capture_on_commit_callbacks)
    assert response.status_code == 200 and response.templates[0].name == "imports/preview.html"
    assert not ImportJob.objects.exists()


@pytest.mark.usefixtures("eager")
def test_a_file_with_problems_is_not_offered_for_import(
    login, alice, unit_a_measures, django_capture_on_commit_callbacks
):
    rows = [[2021, 1, m.number, m.title, "Lagging", m.progress, m.text] for m in unit_a_measures]
    rows[3][5] = "lots"
    client = login(alice)
    upload(client, workbook(rows), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert (job.state, job.rows_refused, job.issue_count) == ("succeeded", 1, 1)
    assert job.issues == [[5, "Progress %", "“lots” is not a whole number."]]
    page = client.get(job.get_absolute_url())
    assert b'id="import-confirm"' not in page.content and "“lots” is not a whole number.".encode() in page.content
    refused = client.post(reverse("import_job_confirm", args=[job.pk]))
    assert refused.status_code == 302
    job.refresh_from_db()
    assert job.phase == JobPhase.PREVIEW and Measure.objects.filter(status=MeasureStatus.LAGGING).count() == 0


@pytest.mark.usefixtures("eager")
def test_a_task_delivered_twice_imports_once(login, alice, unit_a_measures, django_capture_on_commit_callbacks):
    client = login(alice)
    upload(client, lagging_file(unit_a_measures), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert run_import_job(job.pk) == "not claimed"  # the check again: nothing to do
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_job_confirm", args=[job.pk]))
    entries = measure_entries().count()
    assert entries == 8
    assert run_import_job(job.pk) == "not claimed"  # re-delivered after the import: nothing happens
    again = client.post(reverse("import_job_confirm", args=[job.pk]))  # confirming twice neither
    assert again.status_code == 302
    assert measure_entries().count() == entries
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("succeeded", 2)


def test_a_job_whose_heartbeat_stopped_is_queued_and_claimed_again(
    alice, unit_a_measures, settings, media, monkeypatch
):
    from core.imports.files import store_import_file

    job = ImportJob.objects.create(
        user=alice, flow_key="plans.measure", resource="plans.resources.MeasureResource", file_name="m.xlsx",
        stored_file=store_import_file(lagging_file(unit_a_measures), "xlsx"), file_format="xlsx",
        state=JobState.RUNNING, attempt=1,
    )  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(started_at=job.created_at, heartbeat_at=timezone.now())
    assert run_import_job(job.pk) == "not claimed"  # its heartbeat is fresh: still running
    assert queue_pending_import_jobs() == 0
    settings.IMPORT_JOB_STALE_SECONDS = 0  # its heartbeat stopped: the sweep queues it, a worker claims it again
    queued = []
    monkeypatch.setattr(jobs, "queue_import_job", queued.append)
    assert queue_pending_import_jobs() == 1 and queued == [job.pk]
    assert run_import_job(job.pk) == "checked"
    job.refresh_from_db()
    assert (job.state, job.attempt, job.rows_updated) == ("succeeded", 2, 8)


def test_when_the_broker_is_down_the_job_waits_and_the_sweep_queues_it(
    login, alice, unit_a_measures, monkeypatch, settings, django_capture_on_commit_callbacks, caplog
):
    from core import tasks

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.run_import_job_task, "apply_async", down)
    client = login(alice)
    response = upload(client, lagging_file(unit_a_measures), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == JobState.QUEUED and "the sweep will queue it again" in caplog.text
    assert client.get(response.url).status_code == 200
    assert queue_pending_import_jobs() == 0  # queued a moment ago
    monkeypatch.undo()  # the broker is back (here: tasks run in-process)
    settings.IMPORT_JOB_STALE_SECONDS = 0
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        assert queue_pending_import_jobs() == 1
    finally:
        app.conf.task_always_eager = eager
    job.refresh_from_db()
    assert (job.state, job.phase, job.rows_updated) == (JobState.SUCCEEDED, JobPhase.PREVIEW, 8)


@pytest.mark.usefixtures("eager")
def test_only_the_owner_sees_and_confirms_a_job(
    login, alice, bob, admin_user, unit_a_measures, django_capture_on_commit_callbacks
):
    upload(login(alice), lagging_file(unit_a_measures), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    client = login(bob)
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.post(reverse("import_job_confirm", args=[job.pk])).status_code == 404
    client = login(admin_user)
    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and b'id="import-confirm"' not in page.content  # administrators see all jobs
    assert client.post(reverse("import_job_confirm", args=[job.pk])).status_code == 404  # but confirm their own
    assert ImportJob.objects.restrict(bob).count() == 0 and ImportJob.objects.restrict(admin_user).count() == 1
    job.refresh_from_db()
    assert job.phase == JobPhase.PREVIEW


# The kept check: a job's confirmation writes what its check kept, without reading the file again -------------


@pytest.fixture
def sheet_reads(monkeypatch):
    """The times a file is read in full (not the top of it, where its columns are recognised)."""
    calls = []
    real = runner.read_sheet

    def counting(*args, **kwargs):
        if kwargs.get("max_rows") is None:
            calls.append(args[2] if len(args) > 2 else kwargs.get("name"))
        return real(*args, **kwargs)

    monkeypatch.setattr(runner, "read_sheet", counting)
    return calls


def hazard_job(client, capture, locations):
    """A hazard register (the fast path) of more rows than IMPORT_BACKGROUND_ROWS, checked by a job."""
    data = hazard_csv(*(new_hazard_row(location) for location in locations))
    with capture(execute=True):
        client.post(reverse("safety:hazard_import"), {"file": SimpleUploadedFile("台账.csv", data)})
    job = ImportJob.objects.get()
    assert (job.phase, job.state, job.rows_created, job.issue_count) == (JobPhase.PREVIEW, "succeeded", 6, 0)
    return job


def stored_files(media) -> list[str]:
    return sorted(path.name for path in media.rglob("*") if path.is_file())


LOCATIONS = ["白沙路", "金阳大道", "北正路", "劳动路", "人民路", "沿河路"]


@pytest.mark.usefixtures("eager")
def test_a_jobs_confirmation_writes_the_kept_check_without_reading_the_file_again(
    login, alice, unit_a, media, sheet_reads, django_capture_on_commit_callbacks
):
    client = login(alice)
    job = hazard_job(client, django_capture_on_commit_callbacks, LOCATIONS)
    assert len(sheet_reads) == 1
    assert stored_files(media) == sorted(Path(name).name for name in (job.stored_file, kept.path_for(job.stored_file)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.phase, job.state, job.rows_created) == (JobPhase.CONFIRM, "succeeded", 6)
    assert len(sheet_reads) == 1  # not read again
    assert sorted(Hazard.objects.values_list("location", flat=True)) == sorted(LOCATIONS)
    assert stored_files(media) == []  # the file and its kept check are gone


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("loss", ["missing", "damaged"])
def test_a_job_whose_kept_check_is_lost_checks_the_file_again_and_imports_it(
    loss, login, alice, unit_a, media, sheet_reads, django_capture_on_commit_callbacks
):
    client = login(alice)
    job = hazard_job(client, django_capture_on_commit_callbacks, LOCATIONS)
    if loss == "missing":
        kept.discard(job.stored_file)
    else:
        (media / kept.path_for(job.stored_file)).write_bytes(b"\0" * 64)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.phase, job.state, job.rows_created) == (JobPhase.CONFIRM, "succeeded", 6)
    assert len(sheet_reads) == 2  # checked again
    assert sorted(Hazard.objects.values_list("location", flat=True)) == sorted(LOCATIONS)
    assert stored_files(media) == []


def test_job_pages_need_a_login(client, alice):
    job = ImportJob.objects.create(user=alice, flow_key="plans.measure", resource="x", file_name="m.xlsx")
    assert client.get(job.get_absolute_url()).status_code == 302
    assert client.post(reverse("import_job_confirm", args=[job.pk])).status_code == 302


# A real worker (CI: REDIS_URL and PostgreSQL) ------------------------------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_job_is_run_by_the_worker(
    login, alice, unit_a_measures, media, own_redis, django_capture_on_commit_callbacks
):
    client = login(alice)
    if own_redis is None:  # the embedded mode: the job runs in-process
        app.conf.task_always_eager, before = True, app.conf.task_always_eager
        try:
            upload(client, lagging_file(unit_a_measures), django_capture_on_commit_callbacks)
        finally:
            app.conf.task_always_eager = before
    else:
        workers = Workers(own_redis.url, env={"MEDIA_ROOT": str(media), "IMPORT_BACKGROUND_ROWS": "5"})
        workers.start()
        try:
            with workers.as_portal():
                upload(client, lagging_file(unit_a_measures), django_capture_on_commit_callbacks)
                assert wait_for(lambda: ImportJob.objects.get().state == JobState.SUCCEEDED, timeout=60)
        finally:
            workers.stop()
    job = ImportJob.objects.get()
    assert (job.state, job.phase, job.rows_updated) == (JobState.SUCCEEDED, JobPhase.PREVIEW, 8)


# The fast path -----------------------------------------------------------------------------------------------


def test_the_row_count_is_cheap_and_an_upper_bound():
    assert estimate_rows(workbook([[2021, 1, n, "t", "Lagging", 1, "全文"] for n in range(1, 8)]), "xlsx") == 7
    assert estimate_rows(b"a,b\r\n1,2\r\n3,4\r\n", "csv") == 2


def _outcome(resource_class, user, data, dry_run=True):
    return run_import(resource=resource_class(user=user), data=data, fmt="xlsx", user=user, dry_run=dry_run)


def _summary(outcome):
    return (
        (outcome.new, outcome.updated, outcome.unchanged, outcome.invalid),
        [(issue.row, issue.column, issue.message) for issue in outcome.issues],
    )


def test_the_fast_path_gives_the_normal_paths_outcome(admin_user, unit_a_measures, settings):
    settings.IMPORT_BATCH_SIZE = 3  # several batches
    settings.IMPORT_BACKGROUND_ROWS = 1000  # rows kept for the preview
    rows = [[2021, 1, m.number, m.title, "Lagging", m.progress, m.text] for m in unit_a_measures]
    rows[0][4] = "In progress"  # unchanged
    rows[2][5] = 101  # out of bounds
    rows[4][1] = 9  # no such key task
    rows += [
        [2021, 1, 20, "新举措", "In progress", 0, "全文"],
        [2021, 1, 21, "", "In progress", 0, "全文"],
    ]  # new; no title
    rows.append([2021, 1, 2, "重复", "Lagging", 0, "全文"])  # twice in the file
    data = workbook(rows)
    normal, fast = _outcome(MeasureResource, admin_user, data), _outcome(BulkMeasureResource, admin_user, data)
    assert _summary(fast) == _summary(normal)
    assert _summary(fast)[0] == (1, 5, 1, 4)
    assert [(r.row, r.kind, r.changed) for r in fast.rows] == [(r.row, r.kind, r.changed) for r in normal.rows]


def test_the_fast_path_writes_in_bulk_with_audit_entries(admin_user, unit_a_measures, unit_b, settings):
    settings.IMPORT_BATCH_SIZE = 3
    rows = [[2021, 1, m.number, m.title, "Lagging", 50, m.text] for m in unit_a_measures]
    rows += [[2021, 1, 30 + n, f"新举措{n}", "In progress", 0, "全文"] for n in range(4)]
    data = workbook(rows)
    with transaction.atomic():  # the normal path's import and audit entries, then undone
        expected = _summary(_outcome(MeasureResource, admin_user, data, dry_run=False))
        normal_changes = _changes()
        transaction.set_rollback(True)
    outcome = _outcome(BulkMeasureResource, admin_user, data, dry_run=False)
    assert _summary(outcome) == expected and outcome.ok
    assert _changes() == normal_changes  # the same audit entries, in auditlog's format
    assert Measure.objects.filter(status=MeasureStatus.LAGGING, progress=50).count() == 8
    assert Measure.objects.filter(number__gte=30).count() == 4
    entries = measure_entries()
    assert entries.count() == 12 and set(entries.values_list("actor", flat=True)) == {admin_user.pk}
    update = entries.get(action=LogEntry.Action.UPDATE, object_id=unit_a_measures[1].pk)
    assert update.changes["status"] == [MeasureStatus.IN_PROGRESS, MeasureStatus.LAGGING]
    assert update.actor_email == admin_user.email
    create = entries.get(action=LogEntry.Action.CREATE, object_repr__contains="新举措0")
    assert create.changes["title"] == [None, "新举措0"]
    assert Measure.objects.get(number=30).updated_at is not None


def _changes():
    return sorted(
        (
            entry.action,
            entry.object_repr,
            sorted((k, str(v)) for k, v in entry.changes.items() if k != "id"),
            entry.actor_id,
        )
        for entry in measure_entries()
    )


def test_the_fast_path_names_rows_the_database_refuses(admin_user, unit_a_measures):
    class Loose(BulkMeasureResource):
        def find_instance(self, row, instance_loader):  # no duplicate check: the database's constraint says it
            year, task, number = self._key(row)
            return self._measures.get((year, task, number))

    data = workbook([[2021, 1, 40, "甲", "In progress", 0, "全文"], [2021, 1, 40, "乙", "In progress", 0, "全文"]])
    fast = _outcome(Loose, admin_user, data)
    assert [(issue.row, issue.column) for issue in fast.issues] == [(3, "")]
    assert not fast.ok and not Measure.objects.filter(number=40).exists()


def test_one_bad_row_in_5000_writes_nothing(admin_user, unit_a_measures):
    rows = [[2021, 1 + n // 2500, 100 + n % 2500, f"举措{n}", "In progress", n % 100, "全文"] for n in range(5000)]
    KeyTask.objects.create(plan=unit_a_measures[0].key_task.plan, number=2, title="任务二")
    rows[4321][5] = "x"
    before = (Measure.objects.count(), LogEntry.objects.count())
    outcome = _outcome(BulkMeasureResource, admin_user, workbook(rows), dry_run=False)
    assert (outcome.new, outcome.invalid) == (4999, 1) and not outcome.ok
    assert [(issue.row, issue.column) for issue in outcome.issues] == [(4323, "Progress %")]
    assert outcome.rows == []  # beyond IMPORT_BACKGROUND_ROWS only counts and problems are kept
    assert (Measure.objects.count(), LogEntry.objects.count()) == before
