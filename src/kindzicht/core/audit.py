"""The audit hash chain (NEN 7513-style log of every write and every read of person data).

Entries are spread over ``settings.AUDIT_CHAINS`` parallel chains so that writers across the
country do not all wait on one lock: each writer (process and thread) appends to its own chain,
whose head row it locks until its transaction commits, so one transaction never holds two chain
locks. Each entry's SHA-256 covers its canonical content and the previous entry's hash;
:func:`seal` periodically chains a root over all heads; :func:`head_state` exports the latest
hashes so they can be kept outside the database. :func:`verify` walks everything and names the
first entry of a chain that was altered, removed, inserted or reordered.

Entries name persons only by id, so purging personal data leaves the chain verifiable.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import os
import threading
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from django.conf import settings
from django.db import models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import appendonly, clock, prepared, rows
from .models import AuditChainHead, AuditEntry, AuditSeal, DomainEvent

if TYPE_CHECKING:
    from .actions import Actor

GENESIS = "0" * 64
_BATCH = 2000

_writer = threading.local()
_writer_numbers = itertools.count()


def chain_for_this_writer() -> int:
    """The chain this process and thread appends to: threads of one process take consecutive
    chains, and the process id offsets them, so concurrent writers rarely share one."""
    pid = os.getpid()
    if getattr(_writer, "pid", None) != pid:  # first use in this thread, or after a fork
        _writer.pid = pid
        _writer.slot = pid + next(_writer_numbers)
    return int(_writer.slot % max(1, settings.AUDIT_CHAINS))


def _instant(moment: datetime | None) -> str | None:
    """A moment as the database gives it back: UTC, microseconds. Hashing the local form
    (Europe/Amsterdam from the clock) would not survive the round trip through PostgreSQL."""
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


#: The fields an entry's hash covers, in the order :func:`append_many` builds its rows.
_HASHED = ("chain", "seq", "recorded_at", "domain_at", "actor_id", "organisation_id", "role",
           "action", "kind", "person_ids", "object_type", "object_id", "event_id", "purpose",
           "prev_hash")


#: An entry's columns as :func:`chained` gives its rows: the hashed fields and the hash.
COLUMNS = (*_HASHED, "hash")


#: how ``json.dumps`` writes a string (ASCII only, escaped): its own C encoder
_string = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


def _text(value: str | None) -> str:
    return "null" if value is None else _string(value)


def _number(value: int | None) -> str:
    return "null" if value is None else int.__repr__(value)


def _canonical(values: tuple, instant=_instant) -> bytes:
    """The content the hash covers (values in the order of ``_HASHED``) in its canonical
    form: ``json.dumps(content, sort_keys=True, separators=(",", ":"))``, the form every
    stored hash was made with — written out field by field in that key order with the
    encoder's own pieces, because its generic walk was a third of a bulk import's audit cost
    (three million entries). ``instant``: :func:`_instant`, or a caller's memo of it."""
    (chain, seq, recorded_at, domain_at, actor_id, organisation_id, role, action, kind,
     person_ids, object_type, object_id, event_id, purpose, prev_hash) = values
    return (f'{{"action":{_text(action)},"actor_id":{_number(actor_id)},'
            f'"chain":{_number(chain)},"domain_at":{_text(instant(domain_at))},'
            f'"event_id":{_number(event_id)},"kind":{_text(kind)},'
            f'"object_id":{_number(object_id)},"object_type":{_text(object_type)},'
            f'"organisation_id":{_number(organisation_id)},'
            f'"person_ids":[{",".join(map(int.__repr__, person_ids))}],'
            f'"prev_hash":{_text(prev_hash)},"purpose":{_text(purpose)},'
            f'"recorded_at":{_text(instant(recorded_at))},"role":{_text(role)},'
            f'"seq":{_number(seq)}}}').encode()


def canonical(entry: AuditEntry) -> bytes:
    """The content the hash covers, in a stable canonical JSON form."""
    return _canonical(tuple(getattr(entry, f) for f in _HASHED))


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def lock_head(chain: int) -> AuditChainHead:
    """Lock the chain's head row, creating it first if this chain was never used.

    The creation is ``INSERT .. ON CONFLICT DO NOTHING``: two first writers of a chain racing
    on PostgreSQL both get through it, and the second then waits for the first's lock."""
    heads = AuditChainHead.objects.select_for_update()
    try:
        return heads.get(chain=chain)
    except AuditChainHead.DoesNotExist:
        AuditChainHead.objects.bulk_create([AuditChainHead(chain=chain)], ignore_conflicts=True)
        return heads.get(chain=chain)


def append(
    actor: Actor,
    *,
    action: str,
    kind: str,
    person_ids: list[int],
    obj: models.Model | None = None,
    event_id: int | None = None,
) -> AuditEntry:
    """Append one entry to this writer's chain, in the caller's transaction if there is one
    (no savepoint: if the entry fails, the change it records must fail too)."""
    return append_many(actor, [Entry(
        action, kind, [int(p) for p in person_ids],
        obj._meta.label_lower if obj is not None else "",
        obj.pk if obj is not None else None, event_id, clock.now())], one_by_one=True)[0]


class Entry(NamedTuple):
    """What one audit entry says beyond its actor: the action, whom (ids as ``int``), which
    object (by label and id) and event. A named tuple, not a frozen dataclass: a national
    import makes three million, and a frozen dataclass's construction cost a third of its
    audit entries' Python."""

    action: str
    kind: str
    person_ids: list[int]
    object_type: str
    object_id: int | None
    event_id: int | None
    domain_at: datetime


def append_many(actor: Actor, entries: list[Entry], *, one_by_one: bool = False,
                along: Sequence[tuple[type[models.Model], Sequence[str], list[tuple]]] = (),
                head: AuditChainHead | None = None) -> list[AuditEntry]:
    """Append entries to this writer's chain in one go: the head is locked and moved once,
    the hashes computed in order over plain rows, and the rows written in one COPY
    (PostgreSQL) or ``executemany`` (SQLite) — so a bulk service writes an entry per change
    in a fixed number of queries, and without a model instance per entry.

    ``one_by_one``: a single service's entry, written with an INSERT that returns it (the
    caller gets the :class:`AuditEntry`); otherwise nothing is returned. ``along``: rows
    that the entries record (a bulk service's events, as model, fields, rows), written
    first — by the database while the hashes are computed (:func:`rows.behind`). ``head``:
    this writer's chain head, locked earlier in this transaction (:func:`lock_head`) and
    moved since only through this object — so that a bulk service can make this read before
    writes that it must not wait for."""
    chain = chain_for_this_writer()
    with transaction.atomic(savepoint=False):
        if head is None:
            head = lock_head(chain)
        assert head.chain == chain, "append_many: the head of another writer's chain"
        written: list[AuditEntry] = []
        if one_by_one:
            for model, fields, data in along:
                rows.insert(model, fields, data)
            rows_, seq, prev = chained(actor, entries, chain, head.last_seq, head.last_hash)
            written = AuditEntry.objects.bulk_create(
                [AuditEntry(**dict(zip(COLUMNS, r, strict=True))) for r in rows_])
        else:
            with rows.behind():
                for model, fields, data in along:
                    rows.insert(model, fields, data)
                rows_, seq, prev = chained(actor, entries, chain, head.last_seq,
                                           head.last_hash)
                if rows_:
                    rows.insert(AuditEntry, COLUMNS, rows_)
                    _move_head(head, seq, prev)
            return []
        if rows_:
            _move_head(head, seq, prev)
    return written


def _move_head(head: AuditChainHead, seq: int, last: str) -> None:
    """The chain's head after its new entries (by the worker of a ``rows.behind`` block,
    after their COPY, when there is one)."""
    head.last_seq, head.last_hash = seq, last
    rows.later(f"UPDATE {AuditChainHead._meta.db_table} SET last_seq = %s, last_hash = %s "
               "WHERE chain = %s", [seq, last, head.chain])


def chained(actor: Actor, entries: list[Entry], chain: int, seq: int, prev: str
            ) -> tuple[list[tuple], int, str]:
    """The rows (``_HASHED`` and the hash) of these entries appended after position ``seq``
    with hash ``prev`` of ``chain``, each hash over its content and the one before; and the
    chain's new last position and hash (what its head must say afterwards)."""
    recorded = timezone.now()
    actor_id = actor.professional.pk if actor.professional else None
    organisation_id, role, purpose = actor.organisation_id, actor.role, actor.purpose[:300]
    rows_: list[tuple] = []
    # a bulk service's entries share their moments (recorded now, a few domain times): each
    # is written out once, not twice per entry (a million-row import's 3 million entries)
    instant = functools.cache(_instant)
    for e in entries:
        seq += 1
        values = (chain, seq, recorded, e.domain_at, actor_id, organisation_id, role,
                  e.action, e.kind, e.person_ids, e.object_type,
                  e.object_id, e.event_id, purpose, prev)
        prev = hashlib.sha256(_canonical(values, instant)).hexdigest()
        rows_.append((*values, prev))
    return rows_, seq, prev


def head_query(chain: int) -> tuple[list[str], str, list]:
    """:func:`lock_head_and_reserve_event` as a query for ``core.prepared.select_each``, so
    that a change can lock its chain's head and take its event's id with the reads it makes
    anyway (a registration, issue 4): no row when the chain was never used."""
    event_id, _rest, event_params = rows.next_id_query(DomainEvent)
    return (["last_seq", "last_hash", *event_id],
            f"FROM {AuditChainHead._meta.db_table} WHERE chain = %s FOR UPDATE",
            [*event_params, chain])


def lock_head_and_reserve_event(chain: int) -> tuple[int, str, int]:
    """PostgreSQL: lock the chain's head (creating it first if this chain was never used)
    and take the next domain event id from its sequence, in one statement: (last position,
    last hash, event id). A single change (``actions.record``) then writes its event, its
    subjects, its entry and the head's move in one more statement."""
    columns, rest, params = head_query(chain)
    with prepared.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} {rest}", params)
        found = cur.fetchone()
        if found is None:   # a new chain: made (and locked) the ordinary way
            head = lock_head(chain)
            event_id, _rest, event_params = rows.next_id_query(DomainEvent)
            cur.execute(f"SELECT {event_id[0]}", event_params)
            return head.last_seq, head.last_hash, cur.fetchone()[0]
    return found[0], found[1], found[2]


# --- seals and exported heads -------------------------------------------------------------


def _seal_hash(seal: AuditSeal) -> str:
    content = {"sealed_at": _instant(seal.sealed_at), "heads": seal.heads,
               "prev_hash": seal.prev_hash}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def seal() -> AuditSeal | None:
    """Chain a root over every chain's current head (the sweep runs this periodically).

    It locks all heads in chain order for a moment, which gives a consistent picture and keeps
    two seals from forking the seal chain; being ``durable`` it never runs inside a transaction
    that already holds a head lock. Returns the latest seal (unchanged when nothing was
    appended since), or None while the log is empty."""
    with transaction.atomic(durable=True):
        heads = list(AuditChainHead.objects.select_for_update().order_by("chain"))
        last = AuditSeal.objects.order_by("-id").first()
        if not heads:
            return last
        state = {str(h.chain): [h.last_seq, h.last_hash] for h in heads}
        if last is not None and last.heads == state:
            return last
        new = AuditSeal(sealed_at=timezone.now(), heads=state,
                        prev_hash=last.hash if last else GENESIS)
        new.hash = _seal_hash(new)
        new.save(force_insert=True)
        return new


def head_state() -> dict[str, Any]:
    """The latest hashes, to keep outside the database (``kindzicht audit head``): whoever
    later rewrites or truncates the chains cannot make them match this again."""
    last = AuditSeal.objects.order_by("-id").first()
    return {
        "exported_at": _instant(timezone.now()),
        "chains": {str(h.chain): {"seq": h.last_seq, "hash": h.last_hash}
                   for h in AuditChainHead.objects.order_by("chain")},
        "seal": None if last is None else {"id": last.pk, "hash": last.hash,
                                           "sealed_at": _instant(last.sealed_at)},
    }


# --- verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing verification found wrong, naming the entry (or seal) where it shows."""

    what: str
    entry_id: int | None = None
    chain: int | None = None
    seq: int | None = None
    seal_id: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.chain is not None:
            where = f"chain {self.chain}" + (f", position {self.seq}" if self.seq else "")
        if self.entry_id is not None:
            return f"audit entry {self.entry_id} ({where}): {self.what}"
        if self.seal_id is not None:
            return f"seal {self.seal_id}: {self.what}"
        return f"{where or 'audit log'}: {self.what}"


Checkpoints = dict[tuple[int, int], list[tuple[str, str]]]


def verify(*, expect: dict[str, Any] | None = None) -> list[Problem]:
    """Walk every chain, the seals and (optionally) an exported :func:`head_state`; return the
    problems, at most one per chain (the first entry where that chain goes wrong)."""
    problems: list[Problem] = []
    problems += [Problem(f"the database no longer refuses changes to history: trigger {name} "
                         "is missing or disabled") for name in appendonly.missing_triggers()]
    seals = list(AuditSeal.objects.order_by("id"))
    problems += _verify_seals(seals, expect)
    checkpoints: Checkpoints = defaultdict(list)
    for s in seals:
        for chain, (seq, digest) in s.heads.items():
            if seq:
                checkpoints[(int(chain), int(seq))].append((f"seal {s.pk}", digest))
    for chain, head in ((expect or {}).get("chains") or {}).items():
        if head["seq"]:
            checkpoints[(int(chain), int(head["seq"]))].append(("the exported head", head["hash"]))
    chains = (set(AuditChainHead.objects.values_list("chain", flat=True))
              | set(AuditEntry.objects.order_by().values_list("chain", flat=True).distinct())
              | {chain for chain, _ in checkpoints})
    for chain in sorted(chains):
        problem = _verify_chain(chain, checkpoints)
        if problem is not None:
            problems.append(problem)
    problems += _verify_events()
    return problems


def _verify_seals(seals: list[AuditSeal], expect: dict[str, Any] | None) -> list[Problem]:
    prev = GENESIS
    for s in seals:
        if s.prev_hash != prev:
            return [Problem("does not link to the seal before it: a seal was removed, inserted "
                            "or altered", seal_id=s.pk)]
        if _seal_hash(s) != s.hash:
            return [Problem("altered: its content no longer matches its hash", seal_id=s.pk)]
        prev = s.hash
    exported = (expect or {}).get("seal")
    if exported:
        found = next((s for s in seals if s.pk == exported["id"]), None)
        if found is None or found.hash != exported["hash"]:
            return [Problem("the exported latest seal is missing or different: seals were "
                            "removed or rewritten since the export", seal_id=exported["id"])]
    return []


def _verify_chain(chain: int, checkpoints: Checkpoints) -> Problem | None:
    """Walk one chain in position order, in batches (it may hold millions of entries)."""
    entries = AuditEntry.objects.filter(chain=chain).order_by("seq")
    prev: AuditEntry | None = None
    target: int | None = None  # the head's position, read after a first pass to the end
    head: AuditChainHead | None = None
    while True:
        seen = prev.seq if prev else 0
        batch = entries.filter(seq__gt=seen)
        if target is not None:
            batch = batch.filter(seq__lte=target)
        page = list(batch[:_BATCH])
        for entry in page:
            problem = _check_entry(chain, entry, prev, checkpoints)
            if problem is not None:
                return problem
            prev = entry
        if len(page) == _BATCH:
            continue
        if target is not None:
            break
        # Read the head only now: a head read after the entries is never behind them, unless
        # someone forged entries past it (writers commit entry and head together).
        head = AuditChainHead.objects.filter(chain=chain).first()
        target = head.last_seq if head else 0
        if target <= (prev.seq if prev else 0):
            break
    seen = prev.seq if prev else 0
    if head is None and prev is not None:
        return Problem("the chain has entries but no head: its head row was removed",
                       chain=chain)
    if seen > target:
        forged = entries.filter(seq__gt=target).first()
        assert forged is not None
        return Problem(f"inserted: it lies beyond the chain's recorded head (position {target})",
                       entry_id=forged.pk, chain=chain, seq=forged.seq)
    if seen < target:
        return Problem(f"entries removed at the end: the chain stops at position {seen}, its "
                       f"head says {target}", chain=chain, seq=seen + 1)
    if head is not None and head.last_hash != (prev.hash if prev else GENESIS):
        return Problem("the chain's head does not match its last entry (entries at the end "
                       "were removed or rewritten)", entry_id=prev.pk if prev else None,
                       chain=chain, seq=seen or None)
    for (c, seq), labels in sorted(checkpoints.items()):
        if c == chain and seq > seen:
            return Problem(f"missing: {labels[0][0]} recorded this position, so entries at the "
                           "end of the chain were removed", chain=chain, seq=seq)
    return None


def _check_entry(chain: int, entry: AuditEntry, prev: AuditEntry | None,
                 checkpoints: Checkpoints) -> Problem | None:
    expected = prev.seq + 1 if prev else 1
    if entry.seq != expected:
        after = f" (after audit entry {prev.pk})" if prev else ""
        return Problem(f"removed: the entry at position {expected}{after} is missing; the next "
                       f"one is audit entry {entry.pk}", chain=chain, seq=expected)
    if prev is not None and entry.pk < prev.pk:
        # Within a chain entries are written one after another, so ids rise with positions.
        return Problem(f"inserted or moved: it was written after audit entry {entry.pk}, "
                       "which follows it in the chain", entry_id=prev.pk, chain=chain,
                       seq=prev.seq)
    intact = compute_hash(entry) == entry.hash
    if entry.prev_hash != (prev.hash if prev else GENESIS):
        if intact and prev is not None:
            # This entry is whole, so what precedes it is not what it was chained to.
            return Problem(f"altered and re-hashed, or put in place of another: audit entry "
                           f"{entry.pk}, which follows it, was chained to a different hash",
                           entry_id=prev.pk, chain=chain, seq=prev.seq)
        return Problem("does not link to the entry before it: it was altered, or entries "
                       "before it were removed, inserted or reordered", entry_id=entry.pk,
                       chain=chain, seq=entry.seq)
    if not intact:
        return Problem("altered: its content no longer matches its hash", entry_id=entry.pk,
                       chain=chain, seq=entry.seq)
    for label, digest in checkpoints.get((chain, entry.seq), ()):
        if digest != entry.hash:
            return Problem(f"differs from {label}: the chain was rewritten from here on",
                           entry_id=entry.pk, chain=chain, seq=entry.seq)
    return None


def _verify_events() -> list[Problem]:
    """Every domain event has its audit entry and every entry's event exists: an event written
    around :func:`kindzicht.core.actions.record` (or an entry pointing nowhere) shows here."""
    problems = []
    unaudited = (DomainEvent.objects.filter(~Exists(AuditEntry.objects.filter(
        event_id=OuterRef("pk")))).order_by("pk").values_list("pk", flat=True).first())
    if unaudited is not None:
        problems.append(Problem(f"domain event {unaudited} has no audit entry: it was written "
                                "around the audit chain"))
    dangling = (AuditEntry.objects.filter(event_id__isnull=False)
                .filter(~Exists(DomainEvent.objects.filter(pk=OuterRef("event_id"))))
                .order_by("pk").first())
    if dangling is not None:
        problems.append(Problem(f"its domain event {dangling.event_id} is missing",
                                entry_id=dangling.pk, chain=dangling.chain, seq=dangling.seq))
    return problems


# --- the nightly verification ---------------------------------------------------------------

VERIFIED = "audit_verified"
log = logging.getLogger("kindzicht.audit")


@dataclass(frozen=True)
class DailyVerification:
    """The outcome of :func:`verify_daily`: the day's ops event and whether it ran just now."""

    event: DomainEvent
    ran: bool

    @property
    def ok(self) -> bool:
        return bool(self.event.payload.get("ok"))

    @property
    def problems(self) -> list[str]:
        return list(self.event.payload.get("problems", []))


def verify_daily(day: date) -> DailyVerification:
    """Verify the chains once for ``day`` and record the outcome as an ``audit_verified``
    event (with its own audit entry), so the result is itself part of the tamper-evident log
    and a second sweep the same day does not walk millions of entries again.

    A failure is logged at ERROR on ``kindzicht.audit`` (where operations alert on it) every
    time it is asked about, not only the first: a broken chain must not go quiet by rerunning."""
    done = (DomainEvent.objects.filter(type=VERIFIED, payload__day=day.isoformat())
            .order_by("pk").first())
    if done is None:
        problems = [str(p) for p in verify()]
        from .actions import Actor, record

        with transaction.atomic():
            done = record(Actor.system("nachtelijke verificatie van de audit-keten"), VERIFIED,
                          payload={"day": day.isoformat(), "ok": not problems,
                                   "problems": problems[:20], "problem_count": len(problems),
                                   "entries": AuditEntry.objects.count()})
        result = DailyVerification(done, ran=True)
    else:
        result = DailyVerification(done, ran=False)
    if not result.ok:
        log.error("audit chain verification of %s FAILED (%s problems): %s", day,
                  done.payload.get("problem_count"), "; ".join(result.problems[:3]))
    return result
