"""``kindzicht demo``: one command from a fresh install to a working demo — migrate the SQLite
file in the data directory, seed a demo region when the database is empty, print the login
accounts and a child worth looking up, then serve the web UI on http://127.0.0.1:PORT with the
watchdog sweeping in the background."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from kindzicht.people.models import Person, Professional
from kindzicht.people.seed import (
    DEFAULT_REGION,
    DEMO_PASSWORD,
    LOGINS,
    Login,
    SeedResult,
    Showcase,
    describe,
    generate,
    login_table,
)
from kindzicht.security.services import totp_secret

from .serve import WatchdogScheduler, migrate

DEMO_FAMILIES = 60
DEMO_SEED = 2024


def _state_file() -> Path:
    return Path(settings.DATA_DIR) / "demo.json"


def _import_file() -> Path:
    return Path(settings.DATA_DIR) / "demo-regionale-verwijsindex.csv"


def _write_import_file() -> None:
    """A regional index to try the import with (``index.sample``)."""
    from kindzicht.index.sample import sample_import

    text = sample_import()
    if text is not None:
        _import_file().write_text(text, encoding="utf-8")


def _save_state(result: SeedResult) -> None:
    """Remember what the demo printed, so a second start can print it again (passwords are
    stored only hashed in the database)."""
    _state_file().write_text(json.dumps({
        "logins": [lg.__dict__ for lg in result.logins],
        "showcase": [{**s.__dict__, "birth_date": s.birth_date.isoformat()}
                     for s in result.showcase],
    }, indent=2), encoding="utf-8")


def _load_state() -> tuple[list[Login], list[Showcase]]:
    try:
        data = json.loads(_state_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    logins = [Login(**lg) for lg in data.get("logins", [])]
    if not logins:  # seeded by `kindzicht seed`: the demo accounts with the demo password
        for username, role, *_ in LOGINS:
            user = Professional.objects.filter(username=username).first()
            if user and user.check_password(DEMO_PASSWORD):
                org = user.organisation.name if user.organisation else ""
                device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
                logins.append(Login(username, DEMO_PASSWORD, str(role), org, "",
                                    totp_secret(device) if device else ""))
    showcase = [Showcase(s["person_id"], s["name"], date.fromisoformat(s["birth_date"]),
                         s["note"]) for s in data.get("showcase", [])]
    return logins, showcase


class Command(BaseCommand):
    help = ("Start the demo: migrate the SQLite file in the data directory, seed a demo region "
            "if the database is empty, print the logins, and serve the web UI on 127.0.0.1.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true",
                            help="prepare and print the logins, but do not start the server")
        parser.add_argument("--families", type=int, default=DEMO_FAMILIES)
        parser.add_argument("--seed", type=int, default=DEMO_SEED)
        parser.add_argument("--region", default=DEFAULT_REGION)
        parser.add_argument("--sweep-minutes", type=float, default=15,
                            help="minutes between watchdog sweeps (default 15)")

    def _progress(self, done: int, total: int) -> None:
        self.stdout.write(f"  … {done}/{total} stappen door de services")

    def handle(self, *args, **options) -> None:
        out = self.stdout.write
        migrate(self.stdout)
        db = settings.DATABASES["default"]["NAME"]
        if Person.objects.exists() or Professional.objects.exists():
            out(f"Database {db} bevat al gegevens; er wordt niets bijgemaakt.")
            logins, showcase = _load_state()
            if logins:
                out("")
                for line in login_table(logins):
                    out(line)
            for s in showcase:
                out("")
                out(f"Probeer: zoek {s.name}, geboren {s.birth_date.isoformat()}.")
        else:
            out(f"Demoregio {options['region']} aanmaken in {db} "
                f"({options['families']} gezinnen) …")
            result = generate(options["families"], options["seed"], region=options["region"],
                              batch=100, progress=self._progress)
            from kindzicht.people.cases import add_cases

            cases = add_cases(result.person_ids)
            result_cases = [f"  - {name}: {what}" for name, what in cases.children]
            _save_state(result)
            _write_import_file()
            for line in describe(result):
                out(line)
            if result_cases:
                out("")
                out("Lopende casussen in de demo (zoek ze op naam):")
                for line in result_cases:
                    out(line)
        url = f"http://127.0.0.1:{options['port']}/"
        if _import_file().exists():
            out("")
            out(f"Een regionale verwijsindex importeren (als beheerder): Beheer › Verwijsindex › "
                f"Signalen › Registraties importeren, met {_import_file()}")
        out("")
        out(f"Web: {url}   Beheer: {url}admin/   API: {url}api/v1/")
        if options["no_serve"]:
            return
        scheduler = WatchdogScheduler(options["sweep_minutes"], echo=out)
        scheduler.start()
        try:
            # Django's development server suits the demo; bound to the loopback interface only.
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False,
                         use_threading=True)
        finally:
            scheduler.stop()
