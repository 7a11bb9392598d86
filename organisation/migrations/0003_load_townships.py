"""Load Liuyang's 32 township-level divisions (as after the 2015 merger) from organisation/data/townships.csv.

From here on the list is reference data edited in the admin site; this migration only fills an empty table."""

import csv
from pathlib import Path

from django.db import migrations

TOWNSHIPS_CSV = Path(__file__).resolve().parent.parent / "data" / "townships.csv"


def load_townships(apps, schema_editor):
    Township = apps.get_model("organisation", "Township")
    if Township.objects.exists():
        return
    with TOWNSHIPS_CSV.open(encoding="utf-8") as rows:
        Township.objects.bulk_create(
            Township(name=row["name"], kind=row["kind"], code=row["code"], sort_order=index)
            for index, row in enumerate(csv.DictReader(rows), start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("organisation", "0002_township")]

    operations = [migrations.RunPython(load_townships, migrations.RunPython.noop)]
