"""``kindzicht index_import FILE.csv``: import registrations from an existing regional index
(kindzicht.index.bulk.signals_import) — validated row by row, a report of rejected rows, and
nothing half-imported."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError


class Command(BaseCommand):
    help = "Import signals from a CSV of a regional reference index (see kindzicht.index.bulk)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with a header row (; or , separated).")
        parser.add_argument("--skip-rejected", action="store_true",
                            help="Import the valid rows even when others are rejected.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only validate and report; write nothing.")

    def handle(self, *args, **options):
        from kindzicht.index.bulk import decoded, signals_import

        path = Path(options["file"])
        try:
            text = decoded(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        except KindzichtError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        actor = Actor.system(f"import van registraties uit {path.name}")
        try:
            report = signals_import(actor, source=text, partial=options["skip_rejected"],
                                    dry_run=options["dry_run"])
        except KindzichtError as exc:
            raise CommandError(exc.message) from exc
        for line, errors in report.rejected:
            self.stderr.write(f"{path.name}:{line}: " + "; ".join(errors))
        if report.written:
            self.stdout.write(f"Geïmporteerd: {report.imported} signalen; afgewezen: "
                              f"{len(report.rejected)} regels.")
        elif report.rejected:
            self.stdout.write(f"Niets geïmporteerd: {len(report.rejected)} regels afgewezen. "
                              "Verbeter het bestand, of gebruik --skip-rejected.")
        else:
            self.stdout.write("Alle regels zijn in orde (proefrun: niets geschreven).")
        if report.rejected and not report.written:
            raise CommandError("afgewezen regels")
