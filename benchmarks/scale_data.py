"""What the benchmarks that measure pages at province scale share: Django set up for measuring (``DEBUG`` off,
migrated), the scale data they need (``generate_scale_data``) and percentiles."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liuyang_transport.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    call_command("migrate", verbosity=0)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def ensure_data(counties: int) -> None:
    """Fill the database with ``counties`` counties of scale data when it holds fewer, then ``VACUUM ANALYZE``:
    the generator leaves no statistics, autovacuum gives them to a live database."""
    from django.core.management import call_command
    from django.db import connection

    from organisation.scale import last_county_index

    have = last_county_index()
    if have >= counties:
        return
    call_command("generate_scale_data", counties=counties - have, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
