"""The domain event's actor and organisation lose their indexes (issue 4): no query looks
events up by either — they are shown with an event, found by its object, type or subjects —
and every event paid two index insertions for them (a million-row import: two million).

Only the indexes change: the fields have no database constraint, and Django's own
``AlterField`` would rebuild the whole table on SQLite (losing its append-only triggers) while
doing nothing on PostgreSQL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

DROPPED = {  # name: its definition, to restore on the way back
    "core_domainevent_actor_id_eda8c621": 'ON "core_domainevent" ("actor_id")',
    "core_domainevent_organisation_id_396f5145": 'ON "core_domainevent" ("organisation_id")',
}


def forwards(apps, schema_editor):
    for name in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def backwards(apps, schema_editor):
    for name, definition in DROPPED.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" {definition}')


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_drop_indexes_covered_by_others"),
        ("people", "0003_privacy_officer_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="domainevent",
                    name="actor",
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False,
                                            null=True,
                                            on_delete=django.db.models.deletion.DO_NOTHING,
                                            related_name="+", to=settings.AUTH_USER_MODEL),
                ),
                migrations.AlterField(
                    model_name="domainevent",
                    name="organisation",
                    field=models.ForeignKey(blank=True, db_constraint=False, db_index=False,
                                            null=True,
                                            on_delete=django.db.models.deletion.DO_NOTHING,
                                            related_name="+", to="people.organisation"),
                ),
            ],
        ),
    ]
