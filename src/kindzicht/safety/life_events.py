"""Life events as the screens and the API record them: with the day the change happened, which
may lie in the past (a partner who moved in last week), and with Dutch labels."""

from __future__ import annotations

from datetime import date, timedelta

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.errors import ValidationError
from kindzicht.people.models import Household, Person

from .models import LifeEvent

LABELS = LifeEvent.LABELS


def life_event_label(kind: str) -> str:
    return str(LABELS.get(kind, kind))


def kind_choices() -> list[tuple[str, str]]:
    return list(LABELS.items())


def life_event_record_on(actor: Actor, *, kind: str, on: date | None = None,
                         person: Person | None = None,
                         household: Household | None = None) -> LifeEvent | None:
    """Record a life event that happened on ``on`` (default today): the service runs with the
    domain clock on that day, so the event, its audit entry and the re-assessment task carry
    the day of the change. A day in the future is refused here; a day before the person's
    birth by the service itself (field ``at``, which the interfaces show as ``on``)."""
    today = clock.today()
    on = on or today
    if on > today:
        raise ValidationError("The life event is dated in the future.", field="on")
    from .services import life_event_record

    if on == today:
        return life_event_record(actor, kind=kind, person=person, household=household)
    with clock.frozen(clock.start_of(on) + timedelta(hours=12)):
        return life_event_record(actor, kind=kind, person=person, household=household)
