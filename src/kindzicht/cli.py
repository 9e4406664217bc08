"""The ``kindzicht`` console command: Django's management commands with kindzicht's settings.

``kindzicht demo``, ``kindzicht serve``, ``kindzicht sweep``, ``kindzicht replay FILE``,
``kindzicht audit verify``, ``kindzicht seed``, ``kindzicht bench …`` and every Django command
(``kindzicht migrate``, ``kindzicht createsuperuser`` …).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindzicht.settings.dev")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv if argv is None else argv)
    argv[0] = "kindzicht"
    if len(argv) > 1 and argv[1] == "replay":
        _replay_database(argv)
    execute_from_command_line(argv)


def _replay_database(argv: list[str]) -> None:
    """``kindzicht replay`` runs on a fresh in-memory database, so a replay never touches the
    demo data, unless ``--database URL`` names one (set before Django reads its settings)."""
    url = "sqlite:///:memory:"
    for i, arg in enumerate(argv):
        if arg == "--database" and i + 1 < len(argv):
            url = argv[i + 1]
        elif arg.startswith("--database="):
            url = arg.split("=", 1)[1]
    os.environ["KINDZICHT_DATABASE_URL"] = url


if __name__ == "__main__":
    main()
