"""A draw cannot be changed after it is made: the database itself refuses an UPDATE of a draw row (a trigger on
PostgreSQL and SQLite), whatever door the change comes through. Deleting stays possible for the database's own
maintenance (the model protects draws referenced by inspections).

On SQLite, a later migration that rebuilds the inspections_draw table (most ALTERs do) drops the trigger with
the old table: such a migration must run ``forwards`` again."""

from django.db import migrations

MESSAGE = "inspections_draw_immutable: a random draw cannot be changed after it is made"

STATEMENTS = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION inspections_draw_refuse_update() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER inspections_draw_immutable BEFORE UPDATE ON inspections_draw "
        "FOR EACH ROW EXECUTE FUNCTION inspections_draw_refuse_update()",
    ),
    "sqlite": (
        "CREATE TRIGGER inspections_draw_immutable BEFORE UPDATE ON inspections_draw "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ),
}
REVERSE = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS inspections_draw_immutable ON inspections_draw",
        "DROP FUNCTION IF EXISTS inspections_draw_refuse_update()",
    ),
    "sqlite": ("DROP TRIGGER IF EXISTS inspections_draw_immutable",),
}


def forwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in REVERSE.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
