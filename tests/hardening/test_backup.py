"""``manage.py backup`` / ``manage.py restore`` (issue 13): rows and uploaded files written, backed up, restored into
a fresh database and an empty MEDIA_ROOT, and found there again."""

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from organisation.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump must see committed rows


@pytest.fixture
def fresh_database():
    name = connection.settings_dict["NAME"] + "_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_a_fresh_database(settings, tmp_path, fresh_database, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    units = [Unit.objects.create(name=f"备份测试科{n}", short_name=f"备{n}") for n in range(3)]
    attachment = default_storage.save("plans/attachments/2020/报告.pdf", ContentFile(b"%PDF-1.4 report"))
    archive = tmp_path / "portal.tar.gz"

    call_command("backup", str(archive))

    settings.MEDIA_ROOT = tmp_path / "restored-media"
    monkeypatch.setitem(connection.settings_dict, "NAME", fresh_database)
    call_command("restore", str(archive))
    monkeypatch.undo()

    db = connection.settings_dict
    with psycopg.connect(
        dbname=fresh_database, host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], password=db["PASSWORD"]
    ) as restored:
        names = {row[0] for row in restored.execute("SELECT name FROM organisation_unit")}
    assert {unit.name for unit in units} <= names
    assert (tmp_path / "restored-media" / attachment).read_bytes() == b"%PDF-1.4 report"
