"""Background work of the portal core. Tasks are thin: they call the function that does the work."""

from celery import shared_task

from .imports.files import purge_stale_import_files
from .imports.jobs import queue_pending_import_jobs, run_import_job


@shared_task(name="core.purge_stale_import_files")
def purge_stale_import_files_task() -> int:
    """Delete the files of import previews that nobody confirmed (kept a day)."""
    return purge_stale_import_files()


@shared_task(name="core.run_import_job", acks_late=True, reject_on_worker_lost=True)
def run_import_job_task(job_id: int) -> str:
    """Check or import a large file (an ImportJob). Safe to deliver twice: the job is claimed atomically."""
    return run_import_job(job_id)


@shared_task(name="core.queue_pending_import_jobs", ignore_result=True)
def queue_pending_import_jobs_task() -> int:
    """The sweep (beat: every minute): queue again the import jobs whose message or worker was lost."""
    return queue_pending_import_jobs()
