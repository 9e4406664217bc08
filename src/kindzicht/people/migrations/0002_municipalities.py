"""Reference data: real CBS municipality codes and their youth-care regions."""

from django.db import migrations


def load(apps, schema_editor):
    from kindzicht.people.data import load_municipalities

    load_municipalities(apps.get_model("people", "Region"),
                        apps.get_model("people", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
