"""Indexes that another index already covers, dropped (issue 4): each cost every write an
insertion and served no query the covering index does not serve.

- ``core_eventsubject.event_id``: the unique ``(event_id, person_id)`` serves it;
- ``core_notification.organisation_id``: ``notification_inbox`` (organisation, newest first);
- ``core_domainevent.type``'s second index, for ``LIKE``, which no query uses; the plain one
  stays, renamed to the name the model now gives it.

Only the indexes change: Django's own ``AlterField`` would also drop and re-add the foreign
keys, which re-checks every row of the event tables."""

import django.db.models.deletion
from django.db import migrations, models

EVENT_TYPE = "core_domainevent_type_57d33a46"
DROPPED = {  # name: its definition, to restore on the way back
    "core_eventsubject_event_id_d85d4b14": 'ON "core_eventsubject" ("event_id")',
    "core_notification_organisation_id_f0fcc2fa": 'ON "core_notification" ("organisation_id")',
    f"{EVENT_TYPE}_like": 'ON "core_domainevent" ("type" varchar_pattern_ops)',
}


def forwards(apps, schema_editor):
    for name in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'ALTER INDEX "{EVENT_TYPE}" RENAME TO "domainevent_type"')
    else:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{EVENT_TYPE}"')
        schema_editor.execute('CREATE INDEX "domainevent_type" ON "core_domainevent" ("type")')


def backwards(apps, schema_editor):
    pg = schema_editor.connection.vendor == "postgresql"
    for name, definition in DROPPED.items():
        if pg or "varchar_pattern_ops" not in definition:
            schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" {definition}')
    if pg:
        schema_editor.execute(f'ALTER INDEX "domainevent_type" RENAME TO "{EVENT_TYPE}"')
    else:
        schema_editor.execute('DROP INDEX IF EXISTS "domainevent_type"')
        schema_editor.execute(f'CREATE INDEX "{EVENT_TYPE}" ON "core_domainevent" ("type")')


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_notification_person_ids_mail_attempts"),
        ("people", "0003_privacy_officer_role"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(forwards, backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="domainevent",
                    name="type",
                    field=models.CharField(max_length=80),
                ),
                migrations.AlterField(
                    model_name="eventsubject",
                    name="event",
                    field=models.ForeignKey(db_index=False,
                                            on_delete=django.db.models.deletion.DO_NOTHING,
                                            related_name="subjects", to="core.domainevent"),
                ),
                migrations.AlterField(
                    model_name="notification",
                    name="organisation",
                    field=models.ForeignKey(db_index=False,
                                            on_delete=django.db.models.deletion.CASCADE,
                                            related_name="notifications",
                                            to="people.organisation"),
                ),
                migrations.AddIndex(
                    model_name="domainevent",
                    index=models.Index(fields=["type"], name="domainevent_type"),
                ),
            ],
        ),
    ]
