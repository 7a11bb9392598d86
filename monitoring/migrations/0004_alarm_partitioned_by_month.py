"""On PostgreSQL, the alarm table becomes a table partitioned by range of ``started_at``: one partition a month
(Asia/Shanghai months, ``monitoring_alarm_yYYYYmMM``) and a DEFAULT partition, so that a month can be detached and
dropped or archived (``monitoring.partitions``). Its primary key in the database is (id, started_at), as a
partitioned table's keys must hold the partition key (Django keeps ``id`` as the primary key: the ids still come
from one sequence); the uniqueness of (vehicle, alarm type, start) already holds it. No table refers to alarms.

The rows are copied into the new table and the names swapped; the indexes, unique and foreign-key constraints are
made again under their names, the check constraints come with ``LIKE``. Reversed, the table is made ordinary
again the same way. On SQLite nothing changes (the model's state does not change either)."""

from django.conf import settings
from django.db import migrations

TABLE = "monitoring_alarm"
OLD = "monitoring_alarm_before_rebuild"


def _definitions(cursor, table):
    """The table's primary key, unique and foreign-key constraints, and its other indexes, as SQL to make again."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND indexrelid NOT IN "
        "(SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    return constraints, cursor.fetchall()


def _rebuild(schema_editor, *, partitioned: bool):
    if schema_editor.connection.vendor != "postgresql":
        return
    zone = settings.TIME_ZONE
    with schema_editor.connection.cursor() as cursor:
        constraints, indexes = _definitions(cursor, TABLE)
        cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {OLD}")
        by = " PARTITION BY RANGE (started_at)" if partitioned else ""
        cursor.execute(
            f"CREATE TABLE {TABLE} (LIKE {OLD} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS){by}"
        )
        if partitioned:
            cursor.execute(f"CREATE TABLE {TABLE}_default PARTITION OF {TABLE} DEFAULT")
            cursor.execute(
                f"SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE %s) FROM {OLD}",
                [zone],
            )
            for (month,) in cursor.fetchall():
                cursor.execute(
                    f"CREATE TABLE {TABLE}_y{month:%Y}m{month:%m} PARTITION OF {TABLE} "
                    "FOR VALUES FROM (timezone(%s, %s::timestamp)) TO (timezone(%s, %s::timestamp + interval '1 month'))",
                    [zone, month, zone, month],
                )
        cursor.execute(f"INSERT INTO {TABLE} OVERRIDING SYSTEM VALUE SELECT * FROM {OLD}")
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), coalesce((SELECT max(id) FROM {TABLE}), 0) + 1, false)",
            [TABLE],
        )
        cursor.execute(f"DROP TABLE {OLD}")
        for name, kind, definition in constraints:
            if kind == "p":
                definition = "PRIMARY KEY (id, started_at)" if partitioned else "PRIMARY KEY (id)"
            cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
        for _name, definition in indexes:
            for before in (f" ON ONLY public.{OLD} ", f" ON public.{OLD} "):
                definition = definition.replace(before, f" ON public.{TABLE} ")
            cursor.execute(definition)


def partition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=True)


def unpartition(apps, schema_editor):
    _rebuild(schema_editor, partitioned=False)


class Migration(migrations.Migration):
    atomic = True

    dependencies = [("monitoring", "0003_notices_sweep_schedule")]

    operations = [migrations.RunPython(partition, unpartition, elidable=False)]
