"""The write path's common step: every service records one domain event and one audit entry
in its own transaction (Zulip's ``do_*`` actions, adapted).

Services call :func:`record` inside ``transaction.atomic``; reads of person data call
:func:`audit_read`. Notifications go to the outbox and are sent after commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from . import audit, clock
from .models import DomainEvent, EventSubject, Notification

_BATCH = 2000

if TYPE_CHECKING:
    from kindzicht.people.models import Organisation, Professional


@dataclass(frozen=True)
class Actor:
    """Who acts: a professional on behalf of their organisation, or the system itself."""

    professional: Professional | None
    organisation: Organisation | None
    role: str = ""
    purpose: str = ""
    #: live (guards enforce) or reconstruct (history as it happened; see scenario-format.md)
    mode: str = field(default="live")

    @classmethod
    def of(cls, professional: Professional, *, purpose: str = "", mode: str = "live") -> Actor:
        return cls(professional, professional.organisation, professional.role, purpose, mode)

    @classmethod
    def system(cls, purpose: str) -> Actor:
        return cls(None, None, "system", purpose)

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.pk if self.organisation else None

    @property
    def is_live(self) -> bool:
        return self.mode == "live"


def record(
    actor: Actor,
    event_type: str,
    *,
    subjects: Iterable[int] = (),
    obj: models.Model | None = None,
    payload: dict[str, Any] | None = None,
    read: Iterable[int] = (),
) -> DomainEvent:
    """Append the domain event of a change and its audit entry. Must run in the change's
    transaction, so that the change, its event and its audit entry commit or fail together.

    ``read``: persons whose data the change read on its way (a registration's matching reads
    the signals of the family): named in the same audit entry — one entry per change — but
    not subjects of the event."""
    assert transaction.get_connection().in_atomic_block, "record() must run inside a transaction"
    moment = clock.now()
    subject_ids = sorted({int(s) for s in subjects if s is not None})
    event = DomainEvent.objects.create(
        type=event_type,
        occurred_at=moment,
        occurred_on=clock.local_date(moment),
        actor=actor.professional,
        organisation=actor.organisation,
        role=actor.role,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        payload=payload or {},
    )
    EventSubject.objects.bulk_create([EventSubject(event=event, person_id=p) for p in subject_ids])
    audit.append(
        actor,
        action=event_type,
        kind="write" if actor.professional is not None else "system",
        person_ids=sorted(set(subject_ids) | {int(p) for p in read if p is not None}),
        obj=obj,
        event_id=event.pk,
    )
    return event


#: Functions (actor, person ids) -> a purpose or None that may restate a read's purpose: the
#: access app's break-the-glass grants register here (core does not import the apps above it).
READ_PURPOSE_HOOKS: list[Callable[[Actor, list[int]], str | None]] = []


def audit_read(actor: Actor, action: str, *, person_ids: Iterable[int], obj: models.Model | None = None) -> None:
    """Audit a read of person data by a selector (one entry per read, not per row)."""
    ids = sorted(set(person_ids))
    if actor.professional is not None and ids:
        for hook in READ_PURPOSE_HOOKS:
            purpose = hook(actor, ids)
            if purpose:
                actor = replace(actor, purpose=purpose)
                break
    with transaction.atomic():
        audit.append(actor, action=action, kind="read", person_ids=ids, obj=obj)


def notify(
    organisation: Organisation,
    kind: str,
    subject: str,
    body: str = "",
    *,
    professional: Professional | None = None,
    person_id: int | None = None,
) -> Notification:
    """Put a notification in the outbox; it is e-mailed after the transaction commits."""
    return notify_many([Notification(organisation=organisation, professional=professional,
                                     kind=kind, subject=subject, body=body,
                                     person_id=person_id)])[0]


def notify_many(notes: list[Notification]) -> list[Notification]:
    """:func:`notify` for many notifications of one change (a bulk import's matches): written
    in batches, and sent together after commit."""
    now = clock.now()
    for note in notes:
        note.created_at = now
    notes = Notification.objects.bulk_create(notes, batch_size=_BATCH)
    ids = [n.pk for n in notes]
    if ids:
        transaction.on_commit(lambda: _send(ids))
    return notes


def _send(notification_ids: list[int]) -> None:
    from .outbox import send_notifications

    send_notifications(notification_ids)
