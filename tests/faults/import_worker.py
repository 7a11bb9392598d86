"""A Celery worker for the import jobs' fault tests (``python -m tests.faults.import_worker <queue>``): every row
an import really writes (not a check) takes ``IMPORT_TEST_ROW_DELAY`` seconds and then leaves a file in
``IMPORT_TEST_ROWS_DIR``, so that a test sees an import in the middle of its transaction and can kill it there."""

import os
import sys
import time
import uuid
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")

import django  # noqa: E402

django.setup()

from core.imports.resources import PortalModelResource  # noqa: E402
from tests.workers import run_worker  # noqa: E402

DELAY = float(os.environ.get("IMPORT_TEST_ROW_DELAY", "0"))
ROWS_DIR = Path(os.environ["IMPORT_TEST_ROWS_DIR"])
row_written = PortalModelResource.after_import_row


def slow_row(self, row, row_result, **kwargs):
    row_written(self, row, row_result, **kwargs)
    if not self.dry_run:
        time.sleep(DELAY)
        (ROWS_DIR / uuid.uuid4().hex).touch()


PortalModelResource.after_import_row = slow_row

if __name__ == "__main__":
    run_worker(sys.argv[1])
