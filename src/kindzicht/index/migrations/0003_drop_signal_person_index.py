"""``refindex_signal.person_id``'s own index dropped (issue 4): ``(person_id, ended_at)``
serves every lookup by person, and each index cost every registration an insertion. Only the
index changes: Django's ``AlterField`` would also drop and re-add the foreign key, which
re-checks every signal."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "refindex_signal_person_id_92775ab6"


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0003_privacy_officer_role"),
        ("refindex", "0002_family_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{INDEX}"',
                f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "refindex_signal" ("person_id")')],
            state_operations=[migrations.AlterField(
                model_name="signal",
                name="person",
                field=models.ForeignKey(db_index=False,
                                        on_delete=django.db.models.deletion.CASCADE,
                                        related_name="signals", to="people.person"),
            )],
        ),
    ]
