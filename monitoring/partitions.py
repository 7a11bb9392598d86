"""The monthly partitions of the alarm table (PostgreSQL; migration 0004 makes the table partitioned).

A month is a month in Asia/Shanghai (``settings.TIME_ZONE``), as the rollups count days, and its partition is
``monitoring_alarm_yYYYYmMM``; an alarm of a month without one goes to ``monitoring_alarm_default``, so no insert
fails. ``partitions_ensure`` makes the partitions of the months an import is about to write (idempotent; an
alarm of that month already in the default partition is moved into it). ``month_drop`` (administrators only)
detaches one month's partition and drops it, or keeps it as a table of its own to archive; the month's daily
rollups stay, so the figures still count it. On SQLite the table is an ordinary one and nothing here applies.
"""

import datetime
from collections.abc import Iterable

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import set_actor
from core.writes import refusal

from .models import Alarm

TABLE = Alarm._meta.db_table
DEFAULT = f"{TABLE}_default"


def partitioned() -> bool:
    """Whether the alarm table is partitioned (PostgreSQL after migration 0004)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = %s::regclass", [TABLE])
        return cursor.fetchone() is not None


def partition_name(month: datetime.date) -> str:
    return f"{TABLE}_y{month:%Y}m{month:%m}"


def archive_name(month: datetime.date) -> str:
    return f"{TABLE}_archive_y{month:%Y}m{month:%m}"


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of ``month`` to the start of the next (Asia/Shanghai)."""
    zone = timezone.get_current_timezone()
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (
        datetime.datetime.combine(first, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(following, datetime.time.min, tzinfo=zone),
    )


def months_of(moments: Iterable[datetime.datetime]) -> set[datetime.date]:
    return {timezone.localtime(moment).date().replace(day=1) for moment in moments}


def partitions() -> dict[str, str]:
    """The alarm table's partitions: name → bounds as PostgreSQL writes them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass ORDER BY c.relname",
            [TABLE],
        )
        return dict(cursor.fetchall())


def partitions_ensure(months: Iterable[datetime.date]) -> list[str]:
    """Make the partitions of ``months`` that do not exist yet (call inside the transaction that writes their
    alarms). Returns the names of those made. Does nothing unless the table is partitioned."""
    if not partitioned():
        return []
    existing = partitions()
    made = []
    with connection.cursor() as cursor:
        for month in sorted({month.replace(day=1) for month in months}):
            name = partition_name(month)
            if name in existing:
                continue
            start, end = month_bounds(month)
            cursor.execute(f"SELECT 1 FROM {DEFAULT} WHERE started_at >= %s AND started_at < %s LIMIT 1", [start, end])
            if cursor.fetchone() is None:
                cursor.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {TABLE} FOR VALUES FROM (%s) TO (%s)",
                    [start, end],
                )
            else:  # the month's alarms that went to the default partition move into their own
                cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
                cursor.execute(
                    f"WITH moved AS (DELETE FROM {DEFAULT} WHERE started_at >= %s AND started_at < %s RETURNING *) "
                    f"INSERT INTO {name} SELECT * FROM moved",
                    [start, end],
                )
                cursor.execute(
                    f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [start, end]
                )
            made.append(name)
    return made


def may_drop_months(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_administrator)


def month_drop(*, user, month: datetime.date, archive: bool = False) -> int:
    """Detach the alarm partition of ``month`` and drop it (``archive``: keep it as the table ``archive_name``,
    outside the alarm table, to dump and drop later). Administrators only; audited. The month's daily rollups stay.
    Returns the number of alarms the month had."""
    if not may_drop_months(user):
        raise refusal(_("Only administrators drop or archive a month of alarms."))
    month = month.replace(day=1)
    name = partition_name(month)
    if not partitioned() or name not in partitions():
        raise ValidationError(_("There is no partition of alarms for %(month)s.") % {"month": f"{month:%Y-%m}"})
    with set_actor(user), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # a table with foreign-key checks pending cannot be detached
        cursor.execute(f"SELECT count(*) FROM {name}")
        (count,) = cursor.fetchone()
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        if archive:
            cursor.execute(f"ALTER TABLE {name} RENAME TO {archive_name(month)}")
        else:
            cursor.execute(f"DROP TABLE {name}")
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Alarm),
            object_pk=f"{month:%Y-%m}",
            object_repr=_("Alarms of %(month)s") % {"month": f"{month:%Y-%m}"},
            action=LogEntry.Action.DELETE,
            changes={
                "alarms": [str(count), "0"],
                "archived_as": ["", archive_name(month) if archive else ""],
            },
            actor=user,
            actor_email=getattr(user, "email", None),
        )
    return count
