"""``kindzicht inzage``: the FG's requests for inzage from the command line — the same
services as the screens and the API.

    kindzicht inzage request --as fg --bsn 123456782 --requester "S. Jansen" \\
        --relation parent_with_authority --received 2026-12-01
    kindzicht inzage export --as fg --request 7 --output ./inzage-7

``export`` writes ``inzage-<id>.pdf`` and ``inzage-<id>.json`` into the output directory and
records the delivery (audited with purpose ``inzage``)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError


def _actor(username: str) -> Actor:
    from kindzicht.people.models import Professional

    user = Professional.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"--as: no active user {username!r}")
    return Actor.of(user, purpose="inzage")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{option}: not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = "Record a request for inzage (AVG art. 15), or export what is held (PDF + JSON)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        req = sub.add_parser("request", help="Record a request for inzage.")
        req.add_argument("--as", dest="username", required=True,
                         help="The FG (or administrator) recording it.")
        who = req.add_mutually_exclusive_group(required=True)
        who.add_argument("--bsn", help="The person's BSN.")
        who.add_argument("--person", type=int, help="The person's id.")
        req.add_argument("--requester", required=True, help="Who made the request.")
        req.add_argument("--relation", required=True,
                         help="self, parent_with_authority, guardian or representative.")
        req.add_argument("--received", required=True, help="Received on (YYYY-MM-DD).")
        req.add_argument("--note", default="")
        exp = sub.add_parser("export", help="Export what is held about the request's person.")
        exp.add_argument("--as", dest="username", required=True)
        exp.add_argument("--request", type=int, required=True, help="The request's id.")
        exp.add_argument("--output", required=True, help="Directory for the PDF and JSON.")

    def handle(self, *args, **options):
        from kindzicht.privacy import selectors
        from kindzicht.privacy.services import inzage_export, inzage_request_record

        actor = _actor(options["username"])
        try:
            if options["action"] == "request":
                received = _day(options["received"], "--received")
                if options["bsn"]:
                    person = selectors.person_for_request(actor, bsn=options["bsn"])
                else:
                    person = selectors.person_get(actor, options["person"])
                req = inzage_request_record(actor, person=person,
                                            requester_name=options["requester"],
                                            requester_relation=options["relation"],
                                            received_on=received, note=options["note"])
                self.stdout.write(f"Inzageverzoek {req.pk} vastgelegd over persoon "
                                  f"{person.pk}; uiterlijk {req.due_on.isoformat()}.")
                return
            from kindzicht.privacy.pdf import inzage_pdf

            req = selectors.inzage_request_get(actor, options["request"])
            data = inzage_export(actor, request=req)
        except KindzichtError as exc:
            where = f" ({exc.field})" if exc.field else ""
            raise CommandError(f"{exc.message}{where}") from exc
        out = Path(options["output"])
        try:
            out.mkdir(parents=True, exist_ok=True)
            pdf = out / f"inzage-{req.pk}.pdf"
            pdf.write_bytes(inzage_pdf(data))
            js = out / f"inzage-{req.pk}.json"
            js.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{out}: {exc.strerror}") from exc
        self.stdout.write(f"Geschreven: {pdf} en {js}.")
