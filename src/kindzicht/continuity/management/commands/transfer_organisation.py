"""``kindzicht transfer_organisation SOURCE TARGET --reason "..."``: when organisations merge
or close (Bureau Jeugdzorg → a gecertificeerde instelling, the AMK → Veilig Thuis), move all
involvement, signals and safety responsibilities of SOURCE to TARGET in one audited operation.
SOURCE and TARGET are organisation ids (see the admin)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from kindzicht.core.actions import Actor
from kindzicht.core.errors import KindzichtError
from kindzicht.people.models import Organisation


class Command(BaseCommand):
    help = "Transfer an organisation's cases to its successor (merger or closure)."

    def add_arguments(self, parser):
        parser.add_argument("source", type=int, help="id of the organisation that stops")
        parser.add_argument("target", type=int, help="id of the successor organisation")
        parser.add_argument("--reason", required=True, help="why (recorded in the audit log)")
        parser.add_argument("--by", default="", help="user name of the administrator acting")

    def handle(self, *args, **options):
        from kindzicht.continuity.services import organisation_transfer
        from kindzicht.people.models import Professional

        orgs = {o.pk: o for o in Organisation.objects.filter(pk__in=[options["source"],
                                                                    options["target"]])}
        for name in ("source", "target"):
            if options[name] not in orgs:
                raise CommandError(f"{name}: no organisation with id {options[name]}.")
        actor = Actor.system("transfer_organisation (command line)")
        if options["by"]:
            admin = Professional.objects.filter(username=options["by"], role="admin").first()
            if admin is None:
                raise CommandError(f"--by: {options['by']!r} is not an administrator.")
            actor = Actor.of(admin, purpose="transfer_organisation")
        try:
            moved = organisation_transfer(actor, source=orgs[options["source"]],
                                          target=orgs[options["target"]],
                                          reason=options["reason"])
        except KindzichtError as exc:
            raise CommandError(f"{exc.field or 'transfer'}: {exc.message}") from exc
        self.stdout.write(
            f"{orgs[options['source']].name} → {orgs[options['target']].name}: "
            f"{moved['responsibilities']} verantwoordelijkheden, {moved['involvements']} "
            f"betrokkenheden, {moved['signals']} signalen overgedragen.")
