"""``kindzicht schema``: regenerate the committed OpenAPI document (or ``--check`` it)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindzicht.api.openapi import SCHEMA_PATH, SchemaWarnings, committed, generate


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1 to the committed file (--check: only compare)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="Exit non-zero when the committed schema is stale.")
        parser.add_argument("--file", type=Path, default=SCHEMA_PATH,
                            help=f"Where to write (default {SCHEMA_PATH}).")

    def handle(self, *args, check: bool, file: Path, **options) -> None:
        try:
            text = generate()
        except SchemaWarnings as exc:
            raise CommandError(str(exc)) from exc
        if check:
            if text != committed():
                raise CommandError(f"The committed schema {SCHEMA_PATH} is stale: run "
                                   "`kindzicht schema` and commit the result.")
            self.stdout.write(f"The committed schema {SCHEMA_PATH} is up to date.")
            return
        file.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {file}.")
