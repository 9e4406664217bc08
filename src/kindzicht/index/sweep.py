"""The index's part of ``kindzicht sweep`` (nightly, idempotent): signals about to expire are
brought to their organisations' attention, expired signals leave the index, moves not yet
followed are followed, and the archive is purged past its period."""

from __future__ import annotations

from datetime import date

from kindzicht.core.actions import Actor

from .moves import follow_recent_moves
from .retention import expire_signals, purge_archive, remind_expiring


def run(day: date) -> list[str]:
    """Run it for ``day``; the lines say what happened (Dutch, for the sweep's output)."""
    actor = Actor.system("verwijsindex: bewaartermijnen en verhuizingen")
    lines = []
    reminded = remind_expiring(actor, day)
    if reminded:
        lines.append(f"Taken om een signaal dat bijna verloopt te verlengen: {reminded}.")
    expired = expire_signals(actor, day)
    if expired:
        lines.append(f"Verlopen signalen beëindigd: {expired}.")
    moved = follow_recent_moves(actor, day)
    if moved:
        lines.append(f"Verhuizingen met signalen gevolgd: {moved}.")
    purged = purge_archive(actor, day)
    if purged:
        lines.append(f"Archief van de verwijsindex opgeschoond: {purged.signals} signalen, "
                     f"{purged.matches} matches, {purged.tasks} taken, "
                     f"{purged.notifications} berichten.")
    return lines
