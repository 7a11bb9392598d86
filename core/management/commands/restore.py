"""``manage.py restore PATH``: puts back what ``manage.py backup PATH`` saved — the database (pg_restore, replacing
what is there) and the uploaded files (into MEDIA_ROOT)."""

import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from .backup import DUMP_NAME, MEDIA_NAME, pg_command


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from an archive made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", help="an archive made by manage.py backup")

    def handle(self, *args, path, **options):
        args, env = pg_command("pg_restore")
        with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
            archive.extractall(work, filter="data")
            subprocess.run(
                [*args, "--clean", "--if-exists", "--exit-on-error", str(Path(work) / DUMP_NAME)], env=env, check=True
            )
            media = Path(work) / MEDIA_NAME
            if media.is_dir():
                shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        self.stdout.write(f"restored from {path}")
