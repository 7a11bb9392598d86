"""Background import jobs: a file with more rows than ``settings.IMPORT_BACKGROUND_ROWS`` is checked, and then
imported, by a Celery task, with its progress and its result kept in an ``ImportJob``.

- ``import_job_start``: keep the file, create the job (phase "check") and queue it once the transaction commits.
- ``import_job_confirm``: the user confirms a checked file: the job goes back to the queue (phase "import").
  As on the page (``core.imports.checked``), the check keeps its checked rows beside the stored file and the import
  writes them without reading the file again — or checks it again if the kept check is missing or no longer holds.
- ``run_import_job``: what the task does. A job is claimed atomically (queued → running, exactly one row
  changed), so a task delivered twice runs once; the real import and the job's "finished" are committed in one
  transaction, so an import is never made twice. While it runs, a thread of the worker renews the job's
  ``heartbeat_at`` every ``settings.IMPORT_JOB_HEARTBEAT_SECONDS``.
- ``queue_pending_import_jobs``: the sweep (beat, every minute). The job row is the durable record of the work:
  a job still queued ``settings.IMPORT_JOB_STALE_SECONDS`` after it was queued (the broker was down, the message
  lost), or running with a heartbeat that old (its worker was killed), is queued again, and claimed and run again
  by the worker that takes it (a killed import wrote nothing: its transaction was never committed).
- If the broker cannot be reached, the job stays queued (the page shows it waiting) until the sweep queues it.
"""

import contextlib
import datetime
import logging
import threading

from auditlog.models import LogEntry
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.audit import set_actor
from core.cache import CACHE_ERRORS

from . import checked as kept
from .choices import JobPhase, JobState
from .columns import saved_mapping
from .files import delete_import_file, load_import_file, store_import_file
from .runner import ImportOutcome, run_import

logger = logging.getLogger(__name__)

DEFAULT_BACKGROUND_ROWS = 1000
DEFAULT_MAX_JOB_ISSUES = 500
DEFAULT_STALE_SECONDS = 300
DEFAULT_HEARTBEAT_SECONDS = 30


def background_rows() -> int:
    return getattr(settings, "IMPORT_BACKGROUND_ROWS", DEFAULT_BACKGROUND_ROWS)


def runs_in_background(estimated_rows: int | None) -> bool:
    """Whether a file of about ``estimated_rows`` rows is imported by a background job (unknown: yes)."""
    return estimated_rows is None or estimated_rows > background_rows()


def _job_model():
    from core.models import ImportJob

    return ImportJob


def resource_path(resource_class) -> str:
    return f"{resource_class.__module__}.{resource_class.__qualname__}"


# Starting and confirming (views) ------------------------------------------------------------------------------


def import_job_start(
    *, user, flow, data: bytes, fmt: str, name: str, estimated_rows: int | None, mapping: dict | None = None
):
    """Keep a checked upload and queue its check (dry run) as a job of ``user``'s (``mapping``: the mapping
    step's answers, see ``run_import``)."""
    ImportJob = _job_model()
    with transaction.atomic():
        job = ImportJob.objects.create(
            user=user,
            flow_key=flow.key,
            resource=resource_path(flow.resource_class),
            file_name=name[:255],
            stored_file=store_import_file(data, fmt),
            file_format=fmt,
            rows_total=estimated_rows or 0,
            column_mapping=mapping or {},
        )
        transaction.on_commit(lambda: queue_import_job(job.pk))
    return job


def import_job_confirm(*, user, job) -> bool:
    """Queue the real import of a checked file (its owner only, once). False if the job cannot be confirmed."""
    ImportJob = _job_model()
    with transaction.atomic():
        changed = (
            ImportJob.objects.restrict(user, "change")
            .filter(pk=job.pk, phase=JobPhase.PREVIEW, state=JobState.SUCCEEDED, issue_count=0, message="")
            .exclude(stored_file="")
            .update(
                phase=JobPhase.CONFIRM,
                state=JobState.QUEUED,
                rows_done=0,
                started_at=None,
                finished_at=None,
                updated_at=timezone.now(),
            )
        )
        if changed != 1:
            return False
        job.refresh_from_db()
        _log(job, {"phase": [JobPhase.PREVIEW, JobPhase.CONFIRM], "state": [JobState.SUCCEEDED, JobState.QUEUED]})
        transaction.on_commit(lambda: queue_import_job(job.pk))
    return True


def queue_import_job(job_id: int) -> bool:
    """Send the job to the worker. Never raises: if the broker cannot be reached, the job stays pending and the
    sweep queues it again. One try to connect, not kombu's retries for seconds: the request does not wait for a
    broker that is down."""
    from core.tasks import run_import_job_task

    app = run_import_job_task.app
    try:
        with app.connection_for_write() as broker:
            if not app.conf.task_always_eager:
                broker.ensure_connection(max_retries=0)
            run_import_job_task.apply_async((job_id,), retry=False, connection=broker)
    except Exception:  # kombu's OperationalError, a refused connection, a DNS failure…
        logger.exception("could not queue import job %s; the sweep will queue it again", job_id)
        return False
    return True


def _stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(
        seconds=getattr(settings, "IMPORT_JOB_STALE_SECONDS", DEFAULT_STALE_SECONDS)
    )


def queue_pending_import_jobs() -> int:
    """The sweep: queue again each job queued and not started, or running without a heartbeat, for
    ``IMPORT_JOB_STALE_SECONDS`` (a queued job's ``updated_at`` is when it was last queued). Returns how many."""
    ImportJob = _job_model()
    stale = _stale_before()
    pending = list(
        ImportJob.objects.filter(
            Q(state=JobState.QUEUED, updated_at__lt=stale) | Q(state=JobState.RUNNING, heartbeat_at__lt=stale)
        ).values_list("pk", flat=True)
    )
    ImportJob.objects.filter(pk__in=pending, state=JobState.QUEUED).update(updated_at=timezone.now())
    for job_id in pending:
        queue_import_job(job_id)
    if pending:
        logger.info("import jobs queued again by the sweep: %s", pending)
    return len(pending)


# Running (the task) --------------------------------------------------------------------------------------------


def run_import_job(job_id: int) -> str:
    """Run a queued job: its check or its import. Returns what happened (for the worker's log)."""
    job = _claim(job_id)
    if job is None:
        return "not claimed"
    try:
        with set_actor(job.user), _heartbeat(job):
            return _run(job)
    except Exception:  # one bad job must not crash-loop the worker: record the failure, move on
        logger.exception("import job %s failed", job_id)
        _fail(
            job_id, _("The import stopped because of an unexpected error; nothing was imported."), attempt=job.attempt
        )
        if job.phase == JobPhase.CONFIRM:
            _delete_stored(job.stored_file)
        return "failed"


def _claim(job_id: int):
    ImportJob = _job_model()
    now = timezone.now()
    claimed = (
        ImportJob.objects.filter(pk=job_id)
        .filter(Q(state=JobState.QUEUED) | Q(state=JobState.RUNNING, heartbeat_at__lt=_stale_before()))
        .update(
            state=JobState.RUNNING,
            attempt=F("attempt") + 1,
            started_at=now,
            heartbeat_at=now,
            rows_done=0,
            updated_at=now,
        )
    )
    if claimed != 1:
        return None
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    with set_actor(job.user):
        _log(job, {"state": [JobState.QUEUED, JobState.RUNNING]})
    return job


@contextlib.contextmanager
def _heartbeat(job):
    """Renew the running job's heartbeat from a thread, on its own database connection: the import's transaction
    (all or nothing) keeps what the worker's connection writes invisible until it commits."""
    ImportJob = _job_model()
    interval = getattr(settings, "IMPORT_JOB_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS)
    current = ImportJob.objects.filter(pk=job.pk, state=JobState.RUNNING, attempt=job.attempt)
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(interval):
                try:
                    current.update(heartbeat_at=timezone.now())
                except DatabaseError:
                    logger.exception("import job %s: could not renew its heartbeat", job.pk)
        finally:
            connection.close()  # this thread's connection

    thread = threading.Thread(target=beat, name=f"import-job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _run(job) -> str:
    ImportJob = _job_model()
    data = load_import_file(job.stored_file)
    if data is None:
        _fail(job.pk, _("The uploaded file has expired; upload it again."), attempt=job.attempt)
        return "file expired"
    resource = import_string(job.resource)(user=job.user)
    current = ImportJob.objects.filter(pk=job.pk, state=JobState.RUNNING, attempt=job.attempt)

    def progress(done: int, total: int) -> None:
        with contextlib.suppress(*CACHE_ERRORS):  # the page reads the job's row instead
            cache.set(progress_key(job.pk), (done, total), 3600)
        if not connection.in_atomic_block:  # else invisible to the page until the end (and maybe rolled back)
            current.update(rows_done=done, rows_total=total)

    def finished(outcome: ImportOutcome) -> None:
        """Inside the import's transaction: the job is marked finished with it, or the import is undone."""
        if _finish(job, outcome, JobState.SUCCEEDED) != 1:
            raise RuntimeError(f"import job {job.pk} was taken over by another attempt")

    confirm = job.phase == JobPhase.CONFIRM
    outcome = run_import(
        resource=resource,
        data=data,
        fmt=job.file_format,
        user=job.user,
        dry_run=not confirm,
        name=job.file_name,
        progress=progress,
        before_commit=finished if confirm else None,
        saved_mapping=saved_mapping(job.flow_key, job.user),
        mapping=job.column_mapping,
        keep_check=not confirm,
        checked=kept.fetch(job.stored_file) if confirm else None,
    )
    if confirm:
        _delete_stored(job.stored_file)
        if not outcome.ok:
            _finish(job, outcome, JobState.FAILED, _("Nothing was imported: the file has problems (listed below)."))
        return "imported" if outcome.ok else "refused"
    if outcome.checked:  # kept before the job says "checked": its confirmation writes it without checking again
        kept.store(job.stored_file, outcome.checked)
    _finish(job, outcome, JobState.SUCCEEDED)
    if not outcome.ok:
        _delete_stored(job.stored_file)
    return "checked"


def _delete_stored(stored_file: str) -> None:
    """A job's stored file and the check kept for it."""
    delete_import_file(stored_file)
    kept.discard(stored_file)


def _finish(job, outcome: ImportOutcome, state: str, message: str = "") -> int:
    ImportJob = _job_model()
    issues = outcome.issues
    limit = getattr(settings, "IMPORT_JOB_MAX_ISSUES", DEFAULT_MAX_JOB_ISSUES)
    total = outcome.total
    values = {
        "state": state,
        "message": message,
        "rows_total": total,
        "rows_done": total,
        "rows_created": outcome.new,
        "rows_updated": outcome.updated,
        "rows_unchanged": outcome.unchanged,
        "rows_refused": outcome.invalid,
        "issues": [[issue.row, issue.column, str(issue.message)] for issue in issues[:limit]],
        "issue_count": len(issues) + outcome.more_issues,
        "ignored_columns": list(outcome.ignored_columns),
        "finished_at": timezone.now(),
        "updated_at": timezone.now(),
    }
    with transaction.atomic():  # the job's end and its owner's event together (in the import's, when confirming)
        changed = ImportJob.objects.filter(pk=job.pk, state=JobState.RUNNING, attempt=job.attempt).update(**values)
        if changed == 1:
            before = {name: getattr(job, name) for name in ("state", "rows_created", "rows_updated", "rows_refused")}
            _log(job, {name: [before[name], values[name]] for name in before if before[name] != values[name]})
            _job_event(job, state, message, problems=values["issue_count"])
    if changed == 1:
        with contextlib.suppress(*CACHE_ERRORS):  # the page shows a finished job's row, not the cache
            cache.delete(progress_key(job.pk))
    return changed


def _fail(job_id: int, message: str, *, attempt: int) -> None:
    ImportJob = _job_model()
    jobs = ImportJob.objects.filter(pk=job_id, state=JobState.RUNNING, attempt=attempt)
    now = timezone.now()
    with transaction.atomic():
        if jobs.update(state=JobState.FAILED, message=message, finished_at=now, updated_at=now) == 1:
            job = ImportJob.objects.select_related("user").get(pk=job_id)
            with set_actor(job.user):
                _log(job, {"state": [JobState.RUNNING, JobState.FAILED], "message": ["", message]})
            _job_event(job, JobState.FAILED, message)


def _job_event(job, state: str, message: str, *, problems: int = 0) -> None:
    """Tell the job's owner (if they may still see it) that it finished — checked, waiting for their
    confirmation, or imported — or failed."""
    from events.choices import EventKind
    from events.services import candidates, event_raise, who_may

    owner = who_may(_job_model().objects, "view", job, candidates(users=[job.user_id]))
    if state == JobState.FAILED:
        kind = EventKind.IMPORT_FAILED
        title = _("Import of %(file)s failed: %(message)s") % {"file": job.file_name, "message": message}
    elif job.phase == JobPhase.CONFIRM:
        kind, title = EventKind.IMPORT_FINISHED, _("%(file)s is imported.") % {"file": job.file_name}
    elif problems:
        kind = EventKind.IMPORT_FAILED
        title = _("%(file)s is checked: it has problems to correct.") % {"file": job.file_name}
    else:
        kind = EventKind.IMPORT_FINISHED
        title = _("%(file)s is checked: confirm its import.") % {"file": job.file_name}
    event_raise(kind=kind, obj=job, recipients=owner, title=title)


def _log(job, changes: dict) -> None:
    """The audit entry of a change made with a conditional ``update()`` (which sends no signal)."""
    if changes:
        LogEntry.objects.log_create(job, action=LogEntry.Action.UPDATE, changes=changes)


def progress_key(job_id: int) -> str:
    return f"core:import-job:{job_id}:progress"


def job_progress(job) -> tuple[int, int]:
    """Rows done and rows in all of a running job (the worker's last report, else what the job says)."""
    try:
        reported = cache.get(progress_key(job.pk))
    except CACHE_ERRORS:
        reported = None
    if reported and job.is_active:
        return reported
    return job.rows_done, job.rows_total
