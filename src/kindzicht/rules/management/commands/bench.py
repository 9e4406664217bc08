"""``kindzicht bench <what>``: benchmarks on national-scale synthetic data, in a database of
their own (never the test or demo data). ``sweep`` times the watchdog (issue 3); ``index``,
the reference index (issue 4), is still to come."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kindzicht.core.errors import Refused


class Command(BaseCommand):
    help = "Benchmarks: kindzicht bench sweep [--children N] [--database URL] [--keep]."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="{sweep,index}")
        sweep = sub.add_parser("sweep", help="The watchdog at national scale against the plain "
                               "SQL floor.")
        sweep.add_argument("--children", type=int, default=1_000_000,
                           help="Children at open risk in the population (default 1,000,000).")
        sweep.add_argument("--database", metavar="URL",
                           help="Bench database (created and migrated; default kindzicht_bench "
                           "on the server of KINDZICHT_DATABASE_URL, else on "
                           "postgresql://postgres@127.0.0.1:5432). 'current': the configured "
                           "database, only when it is empty (tests).")
        sweep.add_argument("--keep", action="store_true",
                           help="Keep the bench database afterwards (default: drop it).")
        sweep.add_argument("--reuse", action="store_true",
                           help="Measure on a population kept earlier (--keep) instead of "
                           "building one; its sweeps are then no longer cold.")
        sweep.add_argument("--seed", type=int, default=1)
        sweep.add_argument("--date", help="The bench day (YYYY-MM-DD; default today).")
        sweep.add_argument("--changes", type=int, default=1000,
                           help="Changes through the services before the incremental sweep.")
        sweep.add_argument("--budget", type=float, default=1800.0,
                           help="Seconds a sweep may take before it is stopped (default 1800).")
        sweep.add_argument("--rule-budget", type=float, default=120.0,
                           help="Seconds per rule for the read-only estimate after a stopped "
                           "sweep (default 120).")
        sweep.add_argument("--json", metavar="FILE", help="Also write the figures as JSON.")
        sub.add_parser("index", help="The reference index at national scale (issue 4; not yet).")

    def handle(self, *args, **options):
        if options["what"] == "index":
            raise CommandError("kindzicht bench index comes with the reference index (issue 4).")
        return self._sweep(options)

    def _sweep(self, options):
        from kindzicht.bench import report
        from kindzicht.bench.sweep import run

        if options["children"] < 1:
            raise CommandError("--children: at least 1.")
        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: not a date (YYYY-MM-DD): {options['date']}") from exc

        def log(line: str) -> None:
            self.stderr.write(line)
            self.stderr.flush()

        try:
            result = run(children=options["children"], url=options["database"],
                         keep=options["keep"], reuse=options["reuse"], seed=options["seed"],
                         as_of=day, changes=options["changes"], budget=options["budget"],
                         rule_budget=options["rule_budget"], log=log)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.text(result))
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as fh:
                fh.write(report.as_json(result))
