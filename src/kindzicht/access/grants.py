"""Break-the-glass grants as the audit sees them: a read of a person whom the reader reaches
only through an active grant is recorded with the purpose ``break_the_glass: <reason>``, so
that the responsible organisation and the FG see why the record was opened.

:func:`kindzicht.access.reach.reachable` consults the grants only for persons the organisation
does not reach otherwise, and tells this module which it found (per process, until the grant
expires or the next reach check of that person says otherwise); the audit of the reads that
follow then asks here, without a query of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import datetime

from kindzicht.core import clock
from kindzicht.core.actions import Actor

PURPOSE_PREFIX = "break_the_glass: "

_lock = threading.Lock()
#: (professional id, person id) -> (reason, expires at)
_active: dict[tuple[int, int], tuple[str, datetime]] = {}


def forget(professional_id: int, person_ids: Iterable[int]) -> None:
    with _lock:
        for pid in person_ids:
            _active.pop((professional_id, int(pid)), None)


def remember(professional_id: int, person_ids: Iterable[int],
             rows: Iterable[tuple[int, str, datetime]]) -> None:
    """Record the grants found for these persons (the newest grant per person wins)."""
    forget(professional_id, person_ids)
    with _lock:
        for pid, reason, until in rows:
            _active[(professional_id, int(pid))] = (reason, until)


def read_purpose(actor: Actor, person_ids: list[int]) -> str | None:
    """The purpose of a read under an active grant (its reason), else None."""
    if actor.professional is None or not actor.is_live or not _active:
        return None
    now = clock.now()
    with _lock:
        for pid in person_ids:
            hit = _active.get((actor.professional.pk, int(pid)))
            if hit and hit[1] > now:
                return f"{PURPOSE_PREFIX}{hit[0]}"
    return None
