"""A signed submission cannot change: the database itself refuses an UPDATE or a DELETE of a submission row (a
trigger on PostgreSQL and SQLite), whatever door the change comes through.

On SQLite, a later migration that rebuilds the checklists_submission table (most ALTERs do) drops the trigger
with the old table: such a migration must run ``forwards`` again."""

from django.db import migrations

MESSAGE = "checklists_submission_immutable: a signed submission cannot change"

STATEMENTS = {
    "postgresql": (
        "CREATE OR REPLACE FUNCTION checklists_submission_refuse_change() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql",
        "CREATE TRIGGER checklists_submission_immutable BEFORE UPDATE OR DELETE ON checklists_submission "
        "FOR EACH ROW EXECUTE FUNCTION checklists_submission_refuse_change()",
    ),
    "sqlite": (
        "CREATE TRIGGER checklists_submission_no_update BEFORE UPDATE ON checklists_submission "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
        "CREATE TRIGGER checklists_submission_no_delete BEFORE DELETE ON checklists_submission "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    ),
}
REVERSE = {
    "postgresql": (
        "DROP TRIGGER IF EXISTS checklists_submission_immutable ON checklists_submission",
        "DROP FUNCTION IF EXISTS checklists_submission_refuse_change()",
    ),
    "sqlite": (
        "DROP TRIGGER IF EXISTS checklists_submission_no_update",
        "DROP TRIGGER IF EXISTS checklists_submission_no_delete",
    ),
}


def forwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    for statement in REVERSE.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("checklists", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
