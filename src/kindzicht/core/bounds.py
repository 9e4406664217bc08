"""The dates kindzicht accepts from outside: from 1 January 1900 to 31 December 2099.

A date outside that is a typing error or an attack, never a fact of youth care: nobody in a
family's record was born before 1900, and nothing is planned for after 2099. And the edges of
the calendar are dangerous: a goal due on 9999-12-31 cannot be moved by a week (an
``OverflowError`` in the rule that reminds of it), and year 1 turns every age calculation and
sort into nonsense. Whether a date is right *for its field* (a birth date not in the future, a
death not before the birth) stays the service's decision."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def date_problem(value: date) -> str | None:
    """Why ``value`` is not a plausible date (a message for a person), or None."""
    if isinstance(value, datetime):
        value = value.date()
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return _("Deze datum ligt buiten het bereik dat kindzicht aanneemt (%(earliest)s tot en "
             "met %(latest)s).") % {"earliest": date_format(EARLIEST_DATE),
                                    "latest": date_format(LATEST_DATE)}


def date_problems(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted field path, message) for each implausible date in validated input."""
    if isinstance(data, date):
        if problem := date_problem(data):
            yield prefix, problem
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from date_problems(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            yield from date_problems(value, f"{prefix}.{index}" if prefix else str(index))
