"""The write path's common step: every service records one domain event and one audit entry
in its own transaction (Zulip's ``do_*`` actions, adapted).

Services call :func:`record` inside ``transaction.atomic``; reads of person data call
:func:`audit_read`. Notifications go to the outbox and are sent after commit.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from . import audit, clock, prepared, rows
from .models import AuditChainHead, AuditEntry, DomainEvent, EventSubject, Notification

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

    @property
    def administers(self) -> bool:
        """An administrator, or the system itself: the writes about everyone's records that
        no professional may do (merging persons, importing an index, purging, moving an
        organisation's cases) check this in their service, whichever screen, API or command
        calls it."""
        return self.professional is None or self.role == "admin"


def record(
    actor: Actor,
    event_type: str,
    *,
    subjects: Iterable[int] = (),
    obj: models.Model | None = None,
    payload: dict[str, Any] | None = None,
    read: Iterable[int] = (),
    link: str = "",
    head: tuple[int, str, int] | None = None,
) -> DomainEvent:
    """Append the domain event of a change and its audit entry. Must run in the change's
    transaction, so that the change, its event and its audit entry commit or fail together.

    ``read``: persons whose data the change read on its way (a registration's matching reads
    the signals of the family): named in the same audit entry — one entry per change — but
    not subjects of the event. ``link``: the name of ``obj``'s foreign key to its event (an
    object written before its event, such as a signal), set to this event with the rest.

    On PostgreSQL one change costs two statements: this writer's chain head locked together
    with the event's id taken from its sequence, then the event, its subjects, the audit
    entry, the head's move (and ``link``) as one statement of data-modifying CTEs — the same
    rows and the same hash chain as the five statements before (issue 4: a registration
    paid a round trip for each). ``head``: this writer's chain head (last position, last
    hash) and the event's id, when the change locked and took them already in this
    transaction (``audit.head_query``): then one statement. Elsewhere ordinary INSERTs;
    :func:`record_many` writes the same rows by COPY."""
    assert transaction.get_connection().in_atomic_block, "record() must run inside a transaction"
    change = Change(event_type, subjects, obj, payload, read=read)
    now = clock.now()
    if connection.vendor == "postgresql":
        return _record_in_two(actor, change, now, link, head)
    event = DomainEvent.objects.create(**dict(zip(_EVENT_FIELDS, _event_row(actor, change, now),
                                                  strict=True)))
    subject_ids = change.subject_ids()
    EventSubject.objects.bulk_create([EventSubject(event=event, person_id=p) for p in subject_ids])
    audit.append_many(actor, [_audit_entry(actor, change, event.pk, event.occurred_at,
                                           subject_ids)], one_by_one=True)
    if link:
        setattr(obj, link, event)
        obj.save(update_fields=[link])
    return event


@functools.cache  # the same few lists for every change
def _columns(model: type[models.Model], fields: tuple[str, ...]) -> str:
    return ", ".join(f'"{model._meta.get_field(f).column}"' for f in fields)


def _record_in_two(actor: Actor, change: Change, now: datetime, link: str,
                   head: tuple[int, str, int] | None) -> DomainEvent:
    """:func:`record` on PostgreSQL in two statements, or one with ``head`` (see there)."""
    chain = audit.chain_for_this_writer()
    seq, prev, event_id = head or audit.lock_head_and_reserve_event(chain)
    row = _event_row(actor, change, now)
    recorded = timezone.now()
    subject_ids = change.subject_ids()
    entries, seq, prev = audit.chained(
        actor, [_audit_entry(actor, change, event_id, row[1], subject_ids)], chain, seq, prev)
    (entry,) = entries
    event_values = (event_id, *row[:-1], json.dumps(row[-1]), recorded)
    entry_values = tuple(json.dumps(v) if f == "person_ids" else v
                         for f, v in zip(audit.COLUMNS, entry, strict=True))
    marks = ", ".join(["%s"] * (len(event_values) - 2) + ["%s::jsonb", "%s"])
    entry_marks = ", ".join("%s::jsonb" if f == "person_ids" else "%s"
                            for f in audit.COLUMNS)
    parts = [
        f"ev AS (INSERT INTO {DomainEvent._meta.db_table} "
        f"({_columns(DomainEvent, ('id', *_EVENT_FIELDS, 'recorded_at'))}) VALUES ({marks}))",
        f"su AS (INSERT INTO {EventSubject._meta.db_table} (event_id, person_id) "
        "SELECT %s, unnest(%s::bigint[]))",
        f"en AS (INSERT INTO {AuditEntry._meta.db_table} "
        f"({_columns(AuditEntry, audit.COLUMNS)}) VALUES ({entry_marks}))",
    ]
    params: list[Any] = [*event_values, event_id, subject_ids, *entry_values]
    obj = change.obj
    if link:
        assert obj is not None, "record(link=…) needs the object"
        fk = obj._meta.get_field(link)
        parts.append(f"ob AS (UPDATE {obj._meta.db_table} SET \"{fk.column}\" = %s "
                     f"WHERE \"{obj._meta.pk.column}\" = %s)")
        params += [event_id, obj.pk]
    parts.append(f"UPDATE {AuditChainHead._meta.db_table} SET last_seq = %s, last_hash = %s "
                 "WHERE chain = %s")
    params += [seq, prev, chain]
    prepared.write(parts, params)  # now, or with the rest of a prepared.together() block
    event = DomainEvent(id=event_id, recorded_at=recorded,
                        **dict(zip(_EVENT_FIELDS, row, strict=True)))
    event._state.adding, event._state.db = False, connection.alias
    if link:
        setattr(obj, link, event)
    return event


@dataclass
class Change:
    """One change of a service, as :func:`record_many` records it: its event type, the persons
    it is about, its object (a model instance, or by ``object_type`` label and ``object_id``
    when the bulk service holds plain rows), payload, domain time (default now) and the
    persons it read."""

    event_type: str
    subjects: Iterable[int] = ()
    obj: models.Model | None = None
    payload: dict[str, Any] | None = None
    at: datetime | None = None
    read: Iterable[int] = ()
    object_type: str = ""
    object_id: int | None = None

    def object_ref(self) -> tuple[str, int | None]:
        if self.obj is not None:
            return self.obj._meta.label_lower, self.obj.pk
        return self.object_type, self.object_id

    def subject_ids(self) -> list[int]:
        return sorted({int(s) for s in self.subjects if s is not None})


_EVENT_FIELDS = ("type", "occurred_at", "occurred_on", "actor_id", "organisation_id", "role",
                 "object_type", "object_id", "payload")


def _event_row(actor: Actor, c: Change, now: datetime, local_date=clock.local_date) -> tuple:
    """A change's event as a row in the order of ``_EVENT_FIELDS``. ``local_date``:
    ``clock.local_date``, or a caller's memo of it."""
    at = c.at or now
    return (c.event_type, at, local_date(at),
            actor.professional.pk if actor.professional is not None else None,
            actor.organisation_id, actor.role, *c.object_ref(), c.payload or {})


def _audit_entry(actor: Actor, c: Change, event_id: int, at: datetime,
                 subject_ids: list[int]) -> audit.Entry:
    """The audit entry of a change: its subjects (``Change.subject_ids``: sorted, as ints)
    and the persons it read."""
    read = c.read
    return audit.Entry(c.event_type, "write" if actor.professional is not None else "system",
                       sorted(set(subject_ids) | {int(p) for p in read if p is not None})
                       if read else subject_ids, *c.object_ref(), event_id, at)


#: how many changes :func:`record_many` writes per COPY: inside a ``rows.behind`` block the
#: database takes in one slice's rows while the next slice is built, instead of waiting for
#: all of a national import's three million
_SLICE = 50_000


@dataclass(frozen=True)
class Reserved:
    """What :func:`record_many` reads before it writes: its events' ids and this writer's
    audit chain head, locked (:func:`reserve`).

    Why ahead: inside ``rows.behind`` a read waits for every write given before it, so a
    bulk service that gives the database other rows first (an import's signals, open risk's
    periods) takes these reads before them — and its Python builds the events while the
    database writes those rows, instead of after."""

    ids: list[int]
    head: AuditChainHead


def reserve(n: int) -> Reserved:
    """The reads of a :func:`record_many` of ``n`` changes, made now (see :class:`Reserved`).
    The head stays locked until the transaction ends; the caller records nothing else in
    between (an entry appended by another path would take the same position in the chain,
    which its unique ``(chain, seq)`` refuses)."""
    return Reserved(rows.reserve_ids(DomainEvent, n),
                    audit.lock_head(audit.chain_for_this_writer()))


def record_many(actor: Actor, changes: list[Change], *, reserved: Reserved | None = None
                ) -> list[int]:
    """:func:`record` for many changes of one bulk service: an event and an audit entry per
    change, exactly as ``record`` writes them, but as plain rows — the event ids reserved in
    one query, events, their subjects and the audit entries by COPY (PostgreSQL), in slices
    of :data:`_SLICE` changes, or ``executemany`` (SQLite), the audit chain's hashes computed
    in one pass. Returns the events' ids, in the order of the changes. ``reserved``: the ids
    and the chain head, taken ahead (:func:`reserve`)."""
    assert transaction.get_connection().in_atomic_block, "record() must run inside a transaction"
    if not changes:
        return []
    reserved = reserved or reserve(len(changes))
    assert len(reserved.ids) == len(changes), "record_many: as many ids as changes"
    now = clock.now()
    recorded = timezone.now()
    local_date = functools.cache(clock.local_date)   # the changes share a few moments
    with rows.behind():
        for start in range(0, len(changes), _SLICE):
            part = changes[start:start + _SLICE]
            ids = reserved.ids[start:start + _SLICE]
            events = [(i, *_event_row(actor, c, now, local_date), recorded)
                      for i, c in zip(ids, part, strict=True)]
            subject_ids = [c.subject_ids() for c in part]
            audit.append_many(
                actor, [_audit_entry(actor, c, e[0], e[2], ps)
                        for c, e, ps in zip(part, events, subject_ids, strict=True)],
                along=[(DomainEvent, ("id", *_EVENT_FIELDS, "recorded_at"), events),
                       (EventSubject, ("event", "person_id"),
                        [(i, p) for i, ps in zip(ids, subject_ids, strict=True) for p in ps])],
                head=reserved.head)
    return reserved.ids


#: Functions (actor, person ids) -> a purpose or None that may restate a read's purpose: the
#: access app's break-the-glass grants register here (core does not import the apps above it).
READ_PURPOSE_HOOKS: list[Callable[[Actor, list[int]], str | None]] = []


def audit_read(actor: Actor, action: str, *, person_ids: Iterable[int],
               obj: models.Model | None = None) -> None:
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
    person_ids: Iterable[int] = (),
) -> Notification:
    """Put a notification in the outbox; it is e-mailed after the transaction commits.
    ``person_id``: whom it is about; ``person_ids``: everyone its text names, when more
    (reading it is audited for each)."""
    return notify_many([Notification(organisation=organisation, professional=professional,
                                     kind=kind, subject=subject, body=body,
                                     person_id=person_id, person_ids=sorted(person_ids))])[0]


def notify_many(notes: list[Notification]) -> list[Notification]:
    """:func:`notify` for many notifications of one change (a bulk import's matches): written
    in batches, and sent together after commit."""
    now = clock.now()
    for note in notes:
        note.created_at = now
        if note.person_id and note.person_id not in note.person_ids:
            note.person_ids = sorted({note.person_id, *note.person_ids})
    notes = prepared.insert(notes, batch_size=_BATCH)
    if notes:  # their ids at commit: inside prepared.together() they come at its end
        transaction.on_commit(lambda: _send([n.pk for n in notes]))
    return notes


def _send(notification_ids: list[int]) -> None:
    from .outbox import deliver

    deliver(notification_ids)
