"""``kindzicht replay FILE [--json]``: replay a scenario file and report what happened.

By default the replay runs on a fresh in-memory database (``kindzicht.cli`` arranges it before
Django starts), so it never touches the demo data. Exit status: 0 when the replay ran and every
``expect`` held, 1 when an ``expect`` failed, 2 when the file is invalid (nothing is written).
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import override_settings


def replay_file(path: str, *, as_json: bool, stdout: TextIO, stderr: TextIO,
                migrate: bool = False, every_day: bool = False) -> int:
    """Validate, run and report one scenario file; return the exit status."""
    from kindzicht.learning.replay.loader import ScenarioError, load
    from kindzicht.learning.replay.report import to_json, to_text
    from kindzicht.learning.replay.runner import run

    try:
        scenario = load(path)
    except ScenarioError as exc:
        for line in exc.lines():
            stderr.write(line + "\n")
        return 2
    if migrate:
        prepare_database()
    try:
        # notifications of the replay stay in memory: no e-mail leaves a simulation
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            result = run(scenario, on_error="record", every_day=every_day)
    except ScenarioError as exc:  # refused at setup by this database (e.g. a BSN it has)
        for line in exc.lines():
            stderr.write(line + "\n")
        return 2
    for action in result.actions:
        if action.result == "error":
            stderr.write(f"{path}:{action.line}: {action.do}: internal error\n{action.detail}\n")
    if as_json:
        stdout.write(json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        stdout.write(to_text(result))
    return 0 if result.expect.passed else 1


def prepare_database() -> None:
    """Migrate the replay's database. A fresh in-memory one is restored from a migrated
    template (kept in the temp directory, keyed by the migrations), which takes milliseconds
    where migrating takes seconds."""
    import hashlib
    import os
    import sqlite3
    import tempfile
    from pathlib import Path

    from django.db.migrations.loader import MigrationLoader

    in_memory = connection.vendor == "sqlite" and str(
        connection.settings_dict.get("NAME", "")) in (":memory:", "")
    if not in_memory:
        call_command("migrate", verbosity=0, interactive=False)
        return
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    files = sorted(str(Path(sys.modules[m.__module__].__file__))
                   for m in graph.nodes.values())
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode())
        digest.update(Path(name).read_bytes())
    template = Path(tempfile.gettempdir()) / f"kindzicht-replay-{digest.hexdigest()[:16]}.sqlite3"
    connection.ensure_connection()
    live = connection.connection
    if template.exists():
        with sqlite3.connect(template) as source:
            source.backup(live)
        return
    call_command("migrate", verbosity=0, interactive=False)
    partial = template.with_suffix(f".{os.getpid()}.tmp")
    with sqlite3.connect(partial) as target:
        live.backup(target)
    os.replace(partial, template)


class Command(BaseCommand):
    help = ("Replay a scenario file (scenario-format.md) through the real services with a "
            "simulated clock; print a report, or the JSON object with --json.")
    requires_migrations_checks = False

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the scenario file (YAML, format 1)")
        parser.add_argument("--json", action="store_true", help="print the JSON object")
        parser.add_argument("--every-day", action="store_true",
                            help="run the watchdog on every simulated day, also on days on "
                            "which nothing can fall due (slower; the same result)")
        parser.add_argument("--database", metavar="URL",
                            help="replay into this database instead of a fresh in-memory one "
                            "(applied by the kindzicht command before Django starts)")

    def handle(self, *args: Any, **options: Any) -> None:
        in_memory = connection.vendor == "sqlite" and str(
            connection.settings_dict.get("NAME", "")) in (":memory:", "")
        status = replay_file(options["file"], as_json=options["json"], stdout=sys.stdout,
                             stderr=sys.stderr, migrate=in_memory or bool(options["database"]),
                             every_day=options["every_day"])
        if status:
            sys.exit(status)
