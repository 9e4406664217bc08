"""Registering and ending signals in the reference index (verwijsindex).

A signal says only *that* an organisation is involved because of concerns — never why. It may
be on a child or on an adult member of a child's family; family-level matching
(``matching.rematch``) runs inside the same registration and is part of its one audit entry.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.family import _years_before, children_in_family_of
from kindzicht.people.models import Organisation, Person
from kindzicht.people.sectors import NOT_AUTHORISED_TO_SIGNAL

from .matching import rematch
from .models import Signal

SIGNAL_YEARS = 2
MAX_AGE = 23


def _expiry(person: Person, day: date) -> date:
    limit = day.replace(year=day.year + SIGNAL_YEARS) if not (day.month == 2 and day.day == 29) \
        else date(day.year + SIGNAL_YEARS, 2, 28)
    if person.birth_date > _years_before(day, MAX_AGE):  # young person: ends at 23
        b = person.birth_date
        at_23 = date(b.year + MAX_AGE, b.month, 28 if (b.month, b.day) == (2, 29) else b.day)
        return min(limit, at_23)
    return limit


def signal_register(actor: Actor, *, person: Person, contact: str = "",
                    on_behalf_of: str = "") -> Signal:
    """Register that this organisation is involved with ``person`` because of concerns."""
    from kindzicht.continuity import risk

    org = actor.organisation
    if org is None:
        raise Forbidden("Only a professional of an organisation can register a signal.")
    if org.sector in NOT_AUTHORISED_TO_SIGNAL:
        raise Forbidden(f"{org.get_sector_display()} is not authorised to register signals in "
                        f"the reference index.", field="organisation")
    if on_behalf_of and actor.role not in ("coordinator", "admin"):
        raise Forbidden("Only a coordinator can register on behalf of a colleague.",
                        field="on_behalf_of")
    day = clock.today()
    if person.death_date:
        raise Refused(f"{person.name} has died; no signal can be registered.", field="person")
    young = person.birth_date > _years_before(day, MAX_AGE)
    if not young and not children_in_family_of([person.pk], day):
        raise ValidationError(f"{person.name} is over 23 and not a member of a child's family.",
                              field="person")
    with transaction.atomic():
        risk.lock_children(children_in_family_of([person.pk], day)
                           | risk.children_concerned([person.pk], day))
        if Signal.objects.filter(organisation=org, person=person, ended_at__isnull=True).exists():
            raise Refused(f"{org.name} already has an active signal on {person.name}.",
                          field="person")
        now = clock.now()
        contact_text = contact or (
            f"{actor.professional.get_full_name() or actor.professional.username}"
            f"{', ' + actor.professional.phone if actor.professional.phone else ''}"
            if actor.professional else org.phone or org.email)
        sig = Signal.objects.create(person=person, organisation=org,
                                    professional=actor.professional, contact=contact_text or "",
                                    observer=on_behalf_of or "", at=now, on=day,
                                    expires_on=_expiry(person, day))
        sig.event = record(actor, "signal_registered", subjects=[person.pk], obj=sig,
                           payload={"on_behalf": bool(on_behalf_of)})
        sig.save(update_fields=["event"])
        risk.open_for(actor, [person.pk], opener=org, event_id=sig.event_id)
        rematch(actor, [person.pk])
    return sig


def signal_end(actor: Actor, *, organisation: Organisation, person: Person, reason: str,
               missing_ok: bool = False) -> Signal | None:
    """End an organisation's active signal (withdrawn, ended with the involvement, …)."""
    from kindzicht.continuity import risk

    with transaction.atomic():
        risk.lock_children(children_in_family_of([person.pk], clock.today()))
        sig = Signal.objects.filter(organisation=organisation, person=person,
                                    ended_at__isnull=True).first()
        if sig is None:
            if missing_ok:
                return None
            raise Refused(f"{organisation.name} has no active signal on {person.name}.",
                          field="person")
        now = clock.now()
        sig.ended_at = now
        sig.ended_on = clock.local_date(now)
        sig.end_reason = reason
        event = record(actor, "signal_ended", subjects=[person.pk], obj=sig,
                       payload={"reason": reason})
        sig.end_event_id = event.pk
        sig.save(update_fields=["ended_at", "ended_on", "end_reason", "end_event_id"])
        rematch(actor, [person.pk])
        risk.reevaluate(actor, [person.pk], event_id=event.pk)
    return sig


def signal_withdraw(actor: Actor, *, person: Person) -> Signal:
    if actor.organisation is None:
        raise Forbidden("Only a professional of an organisation can withdraw a signal.")
    sig = signal_end(actor, organisation=actor.organisation, person=person, reason="withdrawn")
    assert sig is not None
    return sig


def signals_end_for_person(actor: Actor, *, person: Person, reason: str) -> int:
    n = 0
    for sig in Signal.objects.filter(person=person, ended_at__isnull=True).select_related(
            "organisation"):
        signal_end(actor, organisation=sig.organisation, person=person, reason=reason)
        n += 1
    return n
