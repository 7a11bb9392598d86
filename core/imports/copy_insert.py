"""Insert many model instances at once: PostgreSQL's COPY where the database is PostgreSQL, ``bulk_create``
elsewhere.

On PostgreSQL, Django's ``bulk_create`` sends a batch as arrays through UNNEST, and psycopg quotes every array
element in Python; COPY streams the rows through psycopg's own (compiled) dumpers instead, several times faster for
the thousands of rows and audit entries of a large import. The primary keys are taken from the table's sequence
first, so the instances have them afterwards, as with ``bulk_create``. No signals are sent, as with ``bulk_create``.
"""

from django.db import connections, router


def insert_instances(model, instances: list) -> None:
    if not instances:
        return
    database = router.db_for_write(model)
    connection = connections[database]
    if connection.vendor != "postgresql":
        model._default_manager.using(database).bulk_create(instances)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    with connection.cursor() as cursor:
        missing = [instance for instance in instances if instance.pk is None]
        if missing:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(missing)],
            )
            for instance, (pk,) in zip(missing, cursor.fetchall(), strict=True):
                instance.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for instance in instances:  # psycopg's errors become Django's (IntegrityError …), as for other queries
                copy.write_row([f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields])
    for instance in instances:
        instance._state.adding = False
        instance._state.db = database
