"""Background work of the portal core. Tasks are thin: they call the function that does the work."""

from celery import shared_task

from .imports.files import purge_stale_import_files


@shared_task(name="core.purge_stale_import_files")
def purge_stale_import_files_task() -> int:
    """Delete the files of import previews that nobody confirmed (kept a day)."""
    return purge_stale_import_files()
