"""An index on the audit entries' moment (``core_auditentry.domain_at``): the FG's access log
and the unusual-access reports filter the audit table — every read and write ever made — on a
period first. Plain SQL that both PostgreSQL and SQLite accept; it does not rebuild the table,
so the append-only triggers stay in place. (It lives here because the oversight app is the one
that needs it; a later core migration may take it over with the same name.)"""

from django.db import migrations

INDEX = "core_auditentry_domain_at_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_append_only_triggers"),
        ("oversight", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON core_auditentry (domain_at)",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
