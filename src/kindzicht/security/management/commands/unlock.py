"""``kindzicht unlock USERNAME``: lift a lockout before its cool-off ends (audited)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError
from kindzicht.security.services import lockout_reset


class Command(BaseCommand):
    help = "Lift the login lockout of a user name (after too many failed logins)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args, **options) -> None:
        try:
            count = lockout_reset(Actor.system("kindzicht unlock"), username=options["username"])
        except KindzichtError as exc:
            raise CommandError(exc.message) from exc
        if count:
            self.stdout.write(f"{options['username']}: geblokkeerd account vrijgegeven.")
        else:
            self.stdout.write(f"{options['username']}: was niet geblokkeerd.")
