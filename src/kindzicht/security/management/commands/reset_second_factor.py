"""``kindzicht reset_second_factor USERNAME``: remove a user's authenticators (a lost phone),
so that the next login enrols a new one. Audited like every removal."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.core.actions import Actor
from kindzicht.people.models import Professional
from kindzicht.security.services import totp_device_remove


class Command(BaseCommand):
    help = "Remove a user's authenticator apps (TOTP devices); the next login enrols anew."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="why (goes into the audit log)")

    def handle(self, *args, **options) -> None:
        user = Professional.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Geen gebruiker met gebruikersnaam {options['username']!r}.")
        actor = Actor.system("kindzicht reset_second_factor")
        ids = list(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
        for pk in ids:
            totp_device_remove(actor, device_id=pk, user=user, reason=options["reason"])
        self.stdout.write(f"{user.username}: {len(ids)} authenticator(s) verwijderd.")
