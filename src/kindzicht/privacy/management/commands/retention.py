"""``kindzicht retention [--date D] [--dry-run] [--kind K …]``: purge what is past its
retention period (kindzicht.privacy.retention) — what ``kindzicht sweep`` does every night —
or, with ``--dry-run``, only show what would be purged."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError


class Command(BaseCommand):
    help = "Purge records past their retention period per data kind (or show them: --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="As of this day (YYYY-MM-DD); default today.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Only count what would be purged; delete nothing.")
        parser.add_argument("--kind", action="append", default=[],
                            help="Only this data kind (repeatable); default every kind.")

    def handle(self, *args, **options):
        from kindzicht.privacy.retention import months_for, purge

        day = clock.today()
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: not a date (YYYY-MM-DD): {options['date']}") from exc
        try:
            results = purge(Actor.system("bewaartermijnen (handmatig)"), day,
                            dry_run=options["dry_run"], kinds=options["kind"] or None)
        except KindzichtError as exc:
            raise CommandError(exc.message) from exc
        verb = "zou verwijderen" if options["dry_run"] else "verwijderd"
        self.stdout.write(f"Bewaartermijnen per {day} ({verb}):")
        for res in results:
            national, regional = months_for(res.kind)
            detail = ", ".join(f"{label}: {n}" for label, n in res.counts.items()) or "niets"
            extra = f" (+{len(regional)} regio's eigen termijn)" if regional else ""
            self.stdout.write(f"  {res.kind.code:<20} {national:>4} mnd{extra}  {res.total:>6}  "
                              f"{detail}")
