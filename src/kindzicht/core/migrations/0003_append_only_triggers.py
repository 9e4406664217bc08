"""The database itself refuses updates and deletes of audit and event rows (issue 2).

Vendor-specific triggers on SQLite and PostgreSQL; see ``_append_only.py`` for the SQL and the
maintenance permit that test flushes use.
"""

from django.db import migrations

from ._append_only import install, uninstall


def forwards(apps, schema_editor):
    install(schema_editor)


def backwards(apps, schema_editor):
    uninstall(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
