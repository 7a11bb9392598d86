"""Insert many model instances at once: PostgreSQL's COPY where the database is PostgreSQL, ``bulk_create``
elsewhere.

On PostgreSQL, Django's ``bulk_create`` sends a batch as arrays through UNNEST, and psycopg quotes every array
element in Python; COPY streams the rows through psycopg's own (compiled) dumpers instead, several times faster for
the thousands of rows and audit entries of a large import. The primary keys are taken from the table's sequence
first, so the instances have them afterwards, as with ``bulk_create``. No signals are sent, as with ``bulk_create``.
"""

import datetime
import decimal

from django.db import connections, models, router

#: Fields whose value goes to PostgreSQL as it is when it has one of these types: ``pre_save`` reads the
#: attribute and ``get_db_prep_save`` returns such a value unchanged (other values and fields take Django's way).
_UNCHANGED = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.BigIntegerField: (int,),
    models.AutoField: (int,),
    models.BigAutoField: (int,),
    models.DecimalField: (decimal.Decimal,),
    models.DateField: (datetime.date,),
}


_ABSENT = object()


def insert_instances(model, instances: list, *, table: str | None = None) -> None:
    """Insert ``instances`` of ``model`` (on PostgreSQL into ``table`` if given, a table with the model's columns,
    e.g. a staging table: the keys still come from the model's sequence)."""
    if not instances:
        return
    database = router.db_for_write(model)
    connection = connections[database]
    if connection.vendor != "postgresql":
        model._default_manager.using(database).bulk_create(instances)
        return
    meta = model._meta
    fields = list(meta.concrete_fields)
    readers = [_reader(field, connection) for field in fields]
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
        table = connection.ops.quote_name(table or meta.db_table)
        with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for instance in instances:  # psycopg's errors become Django's (IntegrityError …), as for other queries
                copy.write_row([read(instance) for read in readers])
    for instance in instances:
        instance._state.adding = False
        instance._state.db = database


def _reader(field, connection):
    """The function giving a field's value for the COPY, as ``get_db_prep_save(pre_save(instance, True))`` does."""

    def prepared(instance):
        return field.get_db_prep_save(field.pre_save(instance, True), connection)

    target = field.target_field if field.many_to_one and not field.one_to_one else field
    kinds = _UNCHANGED.get(type(target))
    if kinds is None or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return prepared
    kinds = {*kinds, type(None)}
    attname = field.attname

    def read(instance):
        value = instance.__dict__.get(attname, _ABSENT)  # absent (deferred): Django's way
        return value if type(value) in kinds else prepared(instance)

    return read
