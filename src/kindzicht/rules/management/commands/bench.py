"""``kindzicht bench <what>``: benchmarks on national-scale synthetic data, in a database of
their own (never the test or demo data). ``sweep`` times the watchdog (issue 3); ``index``
the reference index's registrations and bulk import (issue 4)."""

from __future__ import annotations

import argparse
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from kindzicht.core.errors import Refused


class Command(BaseCommand):
    help = ("Benchmarks: kindzicht bench sweep [--children N] …; kindzicht bench index "
            "[--young N] [--signals N] …")

    @staticmethod
    def _common(default_db: str, reuse_note: str):
        """The options every benchmark takes: where its own database is, whether to keep or
        reuse it, the seed and the day."""
        parser = argparse.ArgumentParser(add_help=False)
        parser.add_argument("--database", metavar="URL",
                            help=f"Bench database (created and migrated; default {default_db} "
                            "on the server of KINDZICHT_DATABASE_URL, else on "
                            "postgresql://postgres@127.0.0.1:5432). 'current': the configured "
                            "database, only when it is empty (tests).")
        parser.add_argument("--keep", action="store_true",
                            help="Keep the bench database afterwards (default: drop it).")
        parser.add_argument("--reuse", action="store_true",
                            help="Measure on a population kept earlier (--keep) instead of "
                            f"building one, and keep it again; {reuse_note}.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--date", help="The bench day (YYYY-MM-DD; default today).")
        parser.add_argument("--json", metavar="FILE", help="Also write the figures as JSON.")
        return parser

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True, metavar="{sweep,index}")
        sweep = sub.add_parser(
            "sweep", help="The watchdog at national scale against the plain SQL floor.",
            parents=[self._common("kindzicht_bench", "its sweeps are then no longer cold")])
        sweep.add_argument("--children", type=int, default=1_000_000,
                           help="Children at open risk in the population (default 1,000,000).")
        sweep.add_argument("--changes", type=int, default=1000,
                           help="Changes through the services before the incremental sweep.")
        sweep.add_argument("--budget", type=float, default=1800.0,
                           help="Seconds a sweep may take before it is stopped (default 1800).")
        sweep.add_argument("--rule-budget", type=float, default=120.0,
                           help="Seconds per rule for the read-only estimate after a stopped "
                           "sweep (default 120).")
        sweep.add_argument("--only-incremental", action="store_true",
                           help="Only the changes and the incremental sweep of the changed "
                           "children: no floor and no full sweeps (which take 10-40 minutes "
                           "at 1,000,000 children). Meant with --reuse; the report says the "
                           "full sweeps were not run.")
        sweep.add_argument("--check-nightly", action="store_true",
                           help="Also sweep the next 8 nights by nightly sweeps and again by "
                           "full sweeps (each rolled back) and compare what they write (eight "
                           "full sweeps' time).")
        index = sub.add_parser(
            "index", help="The reference index at national scale: registrations through the "
            "service and the bulk import against the plain SQL floor.",
            parents=[self._common("kindzicht_bench_index",
                                  "the registrations of earlier runs are then part of it")])
        index.add_argument("--young", type=int, default=4_500_000,
                           help="Young people aged 0-23 in the population, with their parents "
                           "and households (default 4,500,000).")
        index.add_argument("--signals", type=int, default=1_000_000,
                           help="Active signals in the population (default 1,000,000).")
        index.add_argument("--registrations", type=int, default=5000,
                           help="Registrations measured through the service, each way "
                           "(sequential, concurrent, floor; default 5,000).")
        index.add_argument("--import-rows", type=int, default=1_000_000,
                           help="Rows of the bulk import (default 1,000,000; 0: skip it).")
        index.add_argument("--workers", type=int, default=2,
                           help="Processes registering at once in the concurrent run "
                           "(default 2; 1: sequential only).")

    def handle(self, *args, **options):
        if options["what"] == "index":
            return self._index(options)
        return self._sweep(options)

    @staticmethod
    def _day(options) -> date | None:
        if not options["date"]:
            return None
        try:
            return date.fromisoformat(options["date"])
        except ValueError as exc:
            raise CommandError(f"--date: not a date (YYYY-MM-DD): {options['date']}") from exc

    def _index(self, options):
        from kindzicht.bench import report
        from kindzicht.bench.index import run

        for name in ("young", "registrations"):
            if options[name] < 1:
                raise CommandError(f"--{name}: at least 1.")
        for name in ("signals", "import_rows"):
            if options[name] < 0:
                raise CommandError(f"--{name.replace('_', '-')}: not negative.")
        if options["workers"] < 1:
            raise CommandError("--workers: at least 1.")
        day = self._day(options)

        def log(line: str) -> None:
            self.stderr.write(line)
            self.stderr.flush()

        try:
            result = run(young=options["young"], signals=options["signals"],
                         registrations=options["registrations"],
                         import_rows=options["import_rows"], url=options["database"],
                         keep=options["keep"], reuse=options["reuse"], seed=options["seed"],
                         as_of=day, workers=options["workers"], log=log)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.index_text(result))
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as fh:
                fh.write(report.as_json(result))

    def _sweep(self, options):
        from kindzicht.bench import report
        from kindzicht.bench.sweep import run

        if options["children"] < 1:
            raise CommandError("--children: at least 1.")
        day = self._day(options)

        def log(line: str) -> None:
            self.stderr.write(line)
            self.stderr.flush()

        try:
            result = run(children=options["children"], url=options["database"],
                         keep=options["keep"], reuse=options["reuse"], seed=options["seed"],
                         as_of=day, changes=options["changes"], budget=options["budget"],
                         rule_budget=options["rule_budget"],
                         only_incremental=options["only_incremental"],
                         check=options["check_nightly"], log=log)
        except Refused as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.text(result))
        if options["json"]:
            with open(options["json"], "w", encoding="utf-8") as fh:
                fh.write(report.as_json(result))
