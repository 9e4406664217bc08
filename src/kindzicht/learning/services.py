"""Registering a calamity for learning and reconstruction."""

from __future__ import annotations

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, ValidationError
from kindzicht.people.models import Person

from .models import Calamity

KINDS = tuple(Calamity.KINDS)


def calamity_register(actor: Actor, *, child: Person, kind: str, text: str = "") -> Calamity:
    if actor.organisation is None:
        raise Forbidden("Only a professional of an organisation can register a calamity.")
    if kind not in KINDS:
        raise ValidationError(f"Unknown kind of calamity {kind!r}.", field="kind")
    now = clock.now()
    with transaction.atomic():
        c = Calamity.objects.create(child=child, organisation=actor.organisation, kind=kind,
                                    text=text, at=now, on=clock.local_date(now))
        c.event = record(actor, "calamity_registered", subjects=[child.pk], obj=c,
                         payload={"kind": kind})
        c.save(update_fields=["event"])
    return c
