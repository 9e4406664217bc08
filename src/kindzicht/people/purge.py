"""Lawful purging of a person's data (retention, or the right to erasure where it applies).

The person's own data and every record about them are deleted; the domain events and the
audit chain, which name people only by id, stay — so the chain still verifies — and the purge
itself is an audited action with its legal reason."""

from __future__ import annotations

from django.db import transaction

from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError

from .models import Person

REASONS = ("retention", "erasure")


def person_purge(actor: Actor, *, person: Person, reason: str, explanation: str) -> int:
    """Delete ``person`` and what is recorded about them; return the person id purged."""
    from kindzicht.continuity.risk import is_at_open_risk

    if not actor.administers:
        raise Forbidden("Alleen een beheerder mag persoonsgegevens verwijderen.", field="person")
    if reason not in REASONS:
        raise ValidationError("Grondslag van het verwijderen: retention of erasure.",
                              field="reason")
    if not (explanation or "").strip():
        raise ValidationError("Licht toe waarom de gegevens verwijderd mogen worden.",
                              field="explanation")
    if is_at_open_risk(person.pk):
        raise Refused("Dit kind loopt een open risico; de gegevens kunnen nu niet worden "
                      "verwijderd.", field="person")
    pk = person.pk
    with transaction.atomic():
        record(actor, "person_purged", subjects=[pk],
               payload={"reason": reason, "explanation": explanation.strip()[:300]})
        person.delete()
    return pk
