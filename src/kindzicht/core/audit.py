"""The audit hash chain.

Entries are spread over ``settings.AUDIT_CHAINS`` parallel chains so that writers across the
country do not all wait on one lock; each chain links entry to entry by SHA-256, and
``seal()`` periodically chains a root over all heads. ``verify()`` walks everything and names
the first entry that was altered, removed, inserted or reordered.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from . import clock
from .models import AuditChainHead, AuditEntry, AuditSeal

if TYPE_CHECKING:
    from .actions import Actor

GENESIS = "0" * 64


def _chain_for_this_writer() -> int:
    """A writer (process and thread) always appends to the same chain, so one transaction
    never holds two chain locks (no deadlocks) and different writers rarely share one."""
    return hash((os.getpid(), threading.get_ident())) % max(1, settings.AUDIT_CHAINS)


def canonical(entry: AuditEntry) -> bytes:
    """The content the hash covers, in a stable canonical JSON form."""
    content: dict[str, Any] = {
        "chain": entry.chain,
        "seq": entry.seq,
        "recorded_at": entry.recorded_at.isoformat(),
        "domain_at": entry.domain_at.isoformat() if entry.domain_at else None,
        "actor_id": entry.actor_id,
        "organisation_id": entry.organisation_id,
        "role": entry.role,
        "action": entry.action,
        "kind": entry.kind,
        "person_ids": list(entry.person_ids),
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "event_id": entry.event_id,
        "purpose": entry.purpose,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


def append(
    actor: Actor,
    *,
    action: str,
    kind: str,
    person_ids: list[int],
    obj: models.Model | None = None,
    event_id: int | None = None,
) -> AuditEntry:
    chain = _chain_for_this_writer()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.get_or_create(chain=chain)
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
        entry = AuditEntry(
            chain=chain,
            seq=head.last_seq + 1,
            recorded_at=timezone.now(),
            domain_at=clock.now(),
            actor_id=actor.professional.pk if actor.professional else None,
            organisation_id=actor.organisation_id,
            role=actor.role,
            action=action,
            kind=kind,
            person_ids=person_ids,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=obj.pk if obj is not None else None,
            event_id=event_id,
            purpose=actor.purpose[:300],
            prev_hash=head.last_hash,
        )
        entry.hash = compute_hash(entry)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass
class Problem:
    entry_id: int | None
    chain: int
    seq: int | None
    what: str

    def __str__(self) -> str:
        where = f"audit entry {self.entry_id}" if self.entry_id else "audit chain"
        return f"{where} (chain {self.chain}, position {self.seq}): {self.what}"


def verify() -> list[Problem]:
    """Walk every chain and the seals; return the problems found, first one per chain first."""
    problems: list[Problem] = []
    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    chains = set(heads) | set(AuditEntry.objects.values_list("chain", flat=True).distinct())
    for chain in sorted(chains):
        prev = GENESIS
        expected_seq = 1
        last_hash = GENESIS
        for entry in AuditEntry.objects.filter(chain=chain).order_by("seq", "id").iterator():
            if entry.seq != expected_seq:
                what = (
                    f"entry at position {expected_seq} is missing (removed)"
                    if entry.seq > expected_seq
                    else "inserted or reordered: position repeats or goes back"
                )
                problems.append(Problem(entry.pk, chain, entry.seq, what))
                break
            if entry.prev_hash != prev:
                problems.append(Problem(entry.pk, chain, entry.seq,
                                        "does not link to the previous entry (inserted, "
                                        "removed or reordered)"))
                break
            if compute_hash(entry) != entry.hash:
                problems.append(Problem(entry.pk, chain, entry.seq, "content was altered"))
                break
            prev = entry.hash
            last_hash = entry.hash
            expected_seq += 1
        else:
            head = heads.get(chain)
            if head and (head.last_seq != expected_seq - 1 or head.last_hash != last_hash):
                problems.append(Problem(None, chain, head.last_seq,
                                        "the chain ends before its recorded head (entries removed "
                                        "at the end)"))
    prev_seal = GENESIS
    for seal in AuditSeal.objects.order_by("id"):
        if seal.prev_hash != prev_seal or _seal_hash(seal) != seal.hash:
            problems.append(Problem(None, -1, seal.pk, f"seal {seal.pk} was altered"))
            break
        for chain_str, (seq, h) in seal.heads.items():
            found = AuditEntry.objects.filter(chain=int(chain_str), seq=seq).values_list(
                "hash", flat=True).first()
            if seq and found != h:
                problems.append(Problem(None, int(chain_str), seq,
                                        f"differs from seal {seal.pk} (removed or altered)"))
        prev_seal = seal.hash
    return problems


def _seal_hash(seal: AuditSeal) -> str:
    content = {"sealed_at": seal.sealed_at.isoformat(), "heads": seal.heads,
               "prev_hash": seal.prev_hash}
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def seal() -> AuditSeal:
    """Chain a root over every chain's current head (run by the sweep)."""
    with transaction.atomic():
        last = AuditSeal.objects.order_by("-id").first()
        heads = {str(h.chain): [h.last_seq, h.last_hash] for h in AuditChainHead.objects.all()}
        s = AuditSeal(sealed_at=timezone.now().replace(microsecond=0), heads=heads,
                      prev_hash=last.hash if last else GENESIS)
        s.hash = _seal_hash(s)
        s.save()
        return s
