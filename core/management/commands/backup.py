"""``manage.py backup PATH``: the database (pg_dump, custom format) and the uploaded files (MEDIA_ROOT) in one
.tar.gz archive; ``manage.py restore PATH`` puts both back. See README, 备份与恢复."""

import os
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

DUMP_NAME = "database.dump"
MEDIA_NAME = "media"


def pg_command(program: str, database: str = "default") -> tuple[list[str], dict]:
    """``program`` (pg_dump / pg_restore) with the connection options of ``settings.DATABASES[database]``."""
    db = connections[database].settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise CommandError("backup and restore need PostgreSQL (DATABASE_URL=postgres://…)")
    args = [program, "--no-owner", "--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    return args, env


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, e.g. /backups/portal-2026-12-07.tar.gz")

    def handle(self, *args, path, **options):
        args, env = pg_command("pg_dump")
        with tempfile.TemporaryDirectory() as work:
            dump = Path(work) / DUMP_NAME
            subprocess.run([*args, "--format", "custom", "--file", str(dump)], env=env, check=True)
            with tarfile.open(path, "w:gz") as archive:
                archive.add(dump, arcname=DUMP_NAME)
                if Path(settings.MEDIA_ROOT).is_dir():
                    archive.add(settings.MEDIA_ROOT, arcname=MEDIA_NAME)
        self.stdout.write(f"backed up to {path}")
