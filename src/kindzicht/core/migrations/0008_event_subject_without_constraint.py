"""An event subject's key to its event loses its database constraint (issue 4).

Subjects are written together with their event, in one statement (``core.actions``), and
domain events are never updated or deleted (the append-only triggers of migration 0003). The
deferred foreign key therefore only checked each subject's event at commit and locked it (a
``FOR KEY SHARE`` per subject): in a national import of a million registrations, 3.2 million
checks and 15 s of the commit.

PostgreSQL drops the constraint. SQLite keeps the clause in its table definition: removing it
means rebuilding the table, which would drop its append-only triggers, and SQLite checks a
deferred key as it writes (a look-up, no lock), counting what is missing for the commit."""

from django.db import migrations, models

#: the name Django gave the constraint (core.0001), to restore it on the way back
CONSTRAINT = "core_eventsubject_event_id_d85d4b14_fk_core_domainevent_id"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute("SELECT conname FROM pg_constraint WHERE contype = 'f' "
                    "AND conrelid = 'core_eventsubject'::regclass")
        names = [name for (name,) in cur.fetchall()]
    for name in names:
        schema_editor.execute(f'ALTER TABLE "core_eventsubject" DROP CONSTRAINT "{name}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'ALTER TABLE "core_eventsubject" ADD CONSTRAINT "{CONSTRAINT}" FOREIGN KEY '
        '("event_id") REFERENCES "core_domainevent" ("id") DEFERRABLE INITIALLY DEFERRED')


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0007_drop_unsearched_event_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="eventsubject",
                    name="event",
                    field=models.ForeignKey(db_constraint=False, db_index=False,
                                            on_delete=models.deletion.DO_NOTHING,
                                            related_name="subjects", to="core.domainevent"),
                ),
            ],
        ),
    ]
