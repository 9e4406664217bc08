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
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
