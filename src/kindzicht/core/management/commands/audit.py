"""``kindzicht audit verify|seal|head``: check the audit chain, seal it, export its hashes.

``verify`` exits non-zero and names the first entry of each chain that was altered, removed,
inserted or reordered. ``head`` prints (or writes) the latest hashes as JSON, to keep outside
the database; ``verify --head FILE`` (alias ``--expect``) later proves the chains still
contain them, so truncation after the export shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindzicht.core import audit
from kindzicht.core.models import AuditChainHead, AuditEntry, AuditSeal


class Command(BaseCommand):
    help = "Verify, seal or export the audit hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify,seal,head}")
        verify = sub.add_parser("verify", help="Walk every chain and seal; non-zero exit on "
                                "tampering, naming the entry.")
        verify.add_argument("--expect", "--head", dest="expect", metavar="FILE",
                            help="JSON written earlier by 'kindzicht audit head': fail when the "
                            "chains no longer contain those hashes.")
        sub.add_parser("seal", help="Chain a root hash over every chain's current head.")
        head = sub.add_parser("head", help="Print the latest seal and chain hashes as JSON.")
        head.add_argument("--output", metavar="FILE", help="Write the JSON to FILE instead.")
        head.add_argument("--seal", action="store_true", help="Seal first, then export.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['subcommand']}")(options)

    def _verify(self, options: dict[str, Any]) -> None:
        expect = None
        if options.get("expect"):
            try:
                expect = json.loads(Path(options["expect"]).read_text())
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read {options['expect']}: {exc}") from exc
        problems = audit.verify(expect=expect)
        if problems:
            for problem in problems:
                self.stderr.write(f"TAMPERED {problem}")
            raise CommandError(f"audit chain broken: {problems[0]}"
                               + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                               returncode=1)
        self.stdout.write(
            f"Audit chain intact: {AuditEntry.objects.count()} entries in "
            f"{AuditChainHead.objects.count()} chains, {AuditSeal.objects.count()} seals"
            + (", matching the exported head." if expect else ".")
        )

    def _seal(self, options: dict[str, Any]) -> None:
        sealed = audit.seal()
        if sealed is None:
            self.stdout.write("Nothing to seal: the audit log is empty.")
        else:
            self.stdout.write(f"Seal {sealed.pk}: {sealed.hash}")

    def _head(self, options: dict[str, Any]) -> None:
        if options.get("seal"):
            audit.seal()
        text = json.dumps(audit.head_state(), indent=2, sort_keys=True)
        if options.get("output"):
            Path(options["output"]).write_text(text + "\n")
            self.stdout.write(f"Wrote the audit head to {options['output']}.")
        else:
            self.stdout.write(text)
