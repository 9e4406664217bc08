"""``kindzicht seed --families N --seed S [--region NAME]``: deterministic synthetic families."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindzicht.core.errors import KindzichtError
from kindzicht.people.data import regions
from kindzicht.people.seed import DEFAULT_REGION, DEMO_PASSWORD, describe, generate


class Command(BaseCommand):
    help = ("Generate realistic Dutch families (and a region's organisations with a login per "
            "role) through the real services. The same seed gives the same data.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--families", type=int, default=60, help="number of families")
        parser.add_argument("--seed", type=int, default=1, help="random seed")
        parser.add_argument("--region", default=DEFAULT_REGION,
                            help=f"youth-care region (default {DEFAULT_REGION}); 'all' spreads "
                                 f"the families over every region: {', '.join(regions())}")
        parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                            help="the day the generated history ends (default: today)")
        parser.add_argument("--password", default=DEMO_PASSWORD,
                            help="password of the generated logins")
        parser.add_argument("--no-organisations", action="store_true",
                            help="only families (the region's organisations exist already)")

    def handle(self, *args, **options) -> None:
        region = None if options["region"] == "all" else options["region"]
        if options["families"] < 0:
            raise CommandError("--families must be zero or more.")
        try:
            result = generate(options["families"], options["seed"], region=region,
                              as_of=options["as_of"], password=options["password"],
                              with_organisations=not options["no_organisations"])
        except (ValueError, KindzichtError) as exc:
            raise CommandError(str(exc)) from exc
        for line in describe(result):
            self.stdout.write(line)
