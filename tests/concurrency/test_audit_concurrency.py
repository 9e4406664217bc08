"""Many writers at once keep every audit chain whole (PostgreSQL: real row locks)."""

from __future__ import annotations

import time
from functools import partial

import pytest
from django.db import transaction
from pg_support import run_concurrently

from kindzicht.core import audit
from kindzicht.core.actions import Actor, record
from kindzicht.core.models import AuditChainHead, AuditEntry, DomainEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS, TRANSACTIONS = 8, 20


def writer(number: int) -> int:
    actor = Actor.system(f"concurrency writer {number}")
    for n in range(TRANSACTIONS):
        with transaction.atomic():
            record(actor, "audit_concurrency_probe", subjects=[number * 1000 + n],
                   payload={"writer": number, "n": n})
    return audit.chain_for_this_writer()


def sealer() -> int:
    sealed = set()
    for _ in range(20):
        latest = audit.seal()  # None until the first entry commits
        if latest is not None:
            sealed.add(latest.pk)
        time.sleep(0.01)
    return len(sealed)


def test_parallel_writers_and_seals_keep_every_chain_gap_free(settings):
    """8 threads x 20 transactions on 4 chains: two writers share each chain (and, on a fresh
    database, race to create its head); a ninth thread seals meanwhile."""
    settings.AUDIT_CHAINS = 4
    before = dict(AuditChainHead.objects.values_list("chain", "last_seq"))
    entries, events = AuditEntry.objects.count(), DomainEvent.objects.count()

    chains = run_concurrently([partial(writer, i) for i in range(WRITERS)] + [sealer])[:-1]

    assert sorted(chains) == [0, 0, 1, 1, 2, 2, 3, 3]
    assert audit.verify() == []
    added = WRITERS * TRANSACTIONS
    assert (AuditEntry.objects.count(), DomainEvent.objects.count()) == (entries + added,
                                                                         events + added)
    for chain in range(4):
        head = AuditChainHead.objects.get(chain=chain)
        seqs = list(AuditEntry.objects.filter(chain=chain).order_by("seq")
                    .values_list("seq", flat=True))
        assert seqs == list(range(1, head.last_seq + 1))
        assert head.last_seq == before.get(chain, 0) + 2 * TRANSACTIONS
    final = audit.seal()
    assert final.heads == {str(h.chain): [h.last_seq, h.last_hash]
                           for h in AuditChainHead.objects.all()}
    assert audit.verify() == []
