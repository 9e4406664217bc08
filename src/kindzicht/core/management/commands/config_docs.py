"""``kindzicht config_docs``: print every setting an operator can change (the table in
docs/operations.md is generated from this)."""

from django.core.management.base import BaseCommand

from kindzicht.settings.config import as_markdown


class Command(BaseCommand):
    help = "Print the table of KINDZICHT_* environment variables, their defaults and meaning."

    def handle(self, *args, **options):
        self.stdout.write(as_markdown())
