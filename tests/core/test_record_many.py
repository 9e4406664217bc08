"""``record_many`` writes plain rows (COPY / executemany) instead of model instances: the
events, subjects and audit entries must be exactly what ``record`` writes one by one, the
audit chain must verify across both paths, and the queries must not grow with the changes."""

from __future__ import annotations

from datetime import datetime

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kindzicht.continuity.models import RiskPeriod
from kindzicht.core import audit, clock, prepared, rows
from kindzicht.core.actions import Change, record, record_many
from kindzicht.core.models import AuditChainHead, AuditEntry, DomainEvent, EventSubject
from kindzicht.people.models import Organisation
from kindzicht.rules.models import Task

MOMENT = datetime(2026, 3, 2, 10, 30, tzinfo=clock.zone())


def _changes(n: int, org: Organisation) -> list[Change]:
    return [Change(f"probe_{i % 3}", [300 + i, 100], org if i % 2 else None,
                   {"n": i, "list": [i], "tekst": "geïnformeerd \"ja\"", 7: None},
                   at=MOMENT if i % 4 else None, read=[900 + i])
            for i in range(n)]


def _written(since_event: int) -> list[tuple]:
    """Everything the events and audit entries after ``since_event`` say, without ids."""
    events = DomainEvent.objects.filter(pk__gt=since_event).order_by("pk")
    out = []
    for e in events:
        entry = AuditEntry.objects.get(event_id=e.pk)
        out.append((e.type, e.occurred_at, e.occurred_on, e.actor_id, e.organisation_id, e.role,
                    e.object_type, e.object_id, e.payload,
                    sorted(EventSubject.objects.filter(event=e).values_list("person_id",
                                                                            flat=True)),
                    entry.action, entry.kind, entry.person_ids, entry.object_type,
                    entry.object_id, entry.domain_at, entry.actor_id, entry.organisation_id,
                    entry.role, entry.purpose))
    return out


def test_record_many_writes_what_record_writes_one_by_one(worker):
    org = worker.organisation
    with clock.frozen(MOMENT), transaction.atomic():
        start = DomainEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for c in _changes(6, org):
            if c.at is None:  # record() always records now
                record(worker, c.event_type, subjects=c.subjects, obj=c.obj,
                       payload=c.payload, read=c.read)
            else:
                record_many(worker, [c])
        middle = DomainEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
        ids = record_many(worker, _changes(6, org))
    one_by_one, together = _written(start), _written(middle)
    assert len(together) == 6 and together == one_by_one[len(one_by_one) - 6:]
    assert ids == sorted(ids) and ids[0] > middle
    assert [e.event_id for e in AuditEntry.objects.filter(event_id__in=ids).order_by("seq")] == ids


def test_the_chain_verifies_across_single_and_bulk_entries(worker):
    with transaction.atomic():
        record(worker, "probe", subjects=[1])
        record_many(worker, _changes(25, worker.organisation))
        record(worker, "probe", subjects=[2])
    entries = list(AuditEntry.objects.order_by("chain", "seq"))
    assert all(audit.compute_hash(e) == e.hash for e in entries)
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False)
               if a.chain == b.chain)
    assert audit.verify() == []


def test_record_many_makes_the_same_number_of_queries_for_5_or_50_changes(worker):
    counts = []
    for n in (5, 50):
        with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
            record_many(worker, _changes(n, worker.organisation))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_rows_fill_the_columns_a_row_does_not_give_with_the_model_defaults(worker):
    with transaction.atomic():
        first, second = rows.reserve_ids(Task, 2)
        rows.insert(Task, ("id", "kind", "code", "key", "raised_on", "text"),
                    [(first, "task", "T", "a", MOMENT.date(), "x"),
                     (second, "task", "T", "b", MOMENT.date(), "y")])
        after = rows.reserve_ids(Task, 1)
    task = Task.objects.get(pk=second)
    assert (task.status, task.level, task.facts, task.answer, task.organisation_id) == (
        "open", 0, [], "", None)
    assert task.created_at is not None and after[0] > second


@pytest.mark.postgres
def test_rows_written_behind_are_there_when_the_block_ends_in_the_order_given(worker):
    with transaction.atomic():
        first, second = rows.reserve_ids(DomainEvent, 2)
        with rows.behind():
            rows.insert(DomainEvent, ("id", "type", "occurred_at", "occurred_on"),
                        [(first, "probe", MOMENT, MOMENT.date()),
                         (second, "probe", MOMENT, MOMENT.date())])
            rows.insert(EventSubject, ("event", "person_id"), [(first, 5), (second, 6)])
            # a statement given later runs after them: it finds the event written before
            rows.later(f"INSERT INTO {EventSubject._meta.db_table} (event_id, person_id) "
                       f"SELECT id, 8 FROM {DomainEvent._meta.db_table} WHERE id = %s",
                       [second])
        assert list(EventSubject.objects.filter(event__in=(first, second)).order_by(
            "event", "person_id").values_list("event__type", "person_id")) == [
            ("probe", 5), ("probe", 6), ("probe", 8)]


@pytest.mark.postgres
def test_a_read_inside_the_block_sees_the_rows_written_behind_before_it(worker):
    """A statement of the block (an ORM query, a prepared one) waits for the worker's writes
    given before it, so it reads them."""
    with transaction.atomic():
        ids = rows.reserve_ids(DomainEvent, 3)
        with rows.behind():
            rows.insert(DomainEvent, ("id", "type", "occurred_at", "occurred_on"),
                        [(i, "probe", MOMENT, MOMENT.date()) for i in ids])
            assert DomainEvent.objects.filter(pk__in=ids).count() == 3
            rows.insert(EventSubject, ("event", "person_id"), [(i, 7) for i in ids])
            with prepared.cursor() as cur:
                cur.execute(f"SELECT count(*) FROM {EventSubject._meta.db_table} "
                            "WHERE person_id = %s AND event_id = ANY(%s)", [7, ids])
                assert cur.fetchone()[0] == 3


@pytest.mark.postgres
def test_a_failed_insert_behind_raises_its_own_error_at_the_next_read(worker):
    """The error raised, at the block's next statement, is the first failed insert's (not
    the aborted transaction's of the insert after it), as Django raises it."""
    with pytest.raises(IntegrityError) as raised, transaction.atomic():
        (first,) = rows.reserve_ids(DomainEvent, 1)
        with rows.behind():
            rows.insert(EventSubject, ("event", "person_id"), [(first, 5), (first, 5)])
            rows.insert(EventSubject, ("event", "person_id"), [(first, 6)])
            DomainEvent.objects.exists()
            pytest.fail("the read ran after a failed write")
    assert isinstance(raised.value.__cause__, psycopg.errors.UniqueViolation)
    assert not EventSubject.objects.filter(event=first).exists()


@pytest.mark.postgres
def test_keys_checked_as_written_fail_the_statement_then_are_deferred_again(worker):
    """Inside ``checked_as_written`` a row naming no child fails as its COPY ends; after
    the block the same row is checked only at commit (Django's deferred keys)."""
    bad = [(10**12, worker.organisation.pk, MOMENT, MOMENT.date())]
    fields = ("child_id", "opened_by_id", "at", "on")
    with pytest.raises(IntegrityError), transaction.atomic(), rows.checked_as_written():
        rows.insert(RiskPeriod, fields, bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        with rows.checked_as_written():
            pass
        rows.insert(RiskPeriod, fields, bad)  # accepted for now: checked at commit
        written = RiskPeriod.objects.filter(child_id=10**12).count()
        with connection.cursor() as cur:  # what a commit checks first
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert written == 1
    assert not RiskPeriod.objects.filter(child_id=10**12).exists()


def test_record_many_in_slices_writes_what_it_writes_in_one(worker, monkeypatch):
    """A national import's changes go in slices (``_SLICE``): the events, subjects and
    entries are those of one slice, and the chain runs on across the slices unbroken."""
    from kindzicht.core import actions

    with clock.frozen(MOMENT), transaction.atomic():
        start = DomainEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        whole = record_many(worker, _changes(10, worker.organisation))
        monkeypatch.setattr(actions, "_SLICE", 4)
        sliced = record_many(worker, _changes(10, worker.organisation))
    written = _written(start)
    assert len(written) == 20 and written[:10] == written[10:]
    assert sliced == sorted(sliced) and sliced[0] > whole[-1]
    assert [e.event_id for e in AuditEntry.objects.filter(event_id__in=sliced).order_by(
        "seq")] == sliced
    assert audit.verify() == []


@pytest.mark.postgres
def test_record_many_with_its_reads_reserved_waits_for_no_write_given_before_it(worker):
    """``reserve`` takes the events' ids and locks the chain's head before the rows a bulk
    service gives the database first; ``record_many(reserved=…)`` then sends nothing through
    Django's cursors (each of which would wait for those rows) — its rows go behind them."""
    from kindzicht.core.actions import reserve

    with transaction.atomic():
        reserved = reserve(3)
        with rows.behind():
            rows.insert(Task, ("kind", "code", "key", "raised_on", "text"),
                        [("task", "T", "reserved", MOMENT.date(), "x")])
            with CaptureQueriesContext(connection) as ctx:
                ids = record_many(worker, _changes(3, worker.organisation), reserved=reserved)
            assert ctx.captured_queries == []
        assert ids == reserved.ids
        assert list(DomainEvent.objects.filter(pk__in=ids).order_by("pk").values_list(
            "pk", flat=True)) == ids
        head = AuditChainHead.objects.get(chain=reserved.head.chain)
        assert (head.last_seq, head.last_hash) == (reserved.head.last_seq,
                                                   reserved.head.last_hash)
    assert audit.verify() == []
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        record_many(worker, _changes(3, worker.organisation))
    assert len(ctx.captured_queries) == 2   # without: the ids and the head, read at once


def test_among_finds_the_rows_of_these_ids_given_as_ids_or_as_a_list(worker):
    """``__among`` on a primary key and on a foreign key, with ids repeated, missing (None)
    or unknown; nothing at all when no id is given."""
    with transaction.atomic():
        ids = record_many(worker, _changes(5, worker.organisation))
    wanted = [ids[3], None, ids[1], ids[3], 10**12]
    for given in (wanted, rows.Ids(wanted), rows.Ids(set(wanted))):
        assert sorted(DomainEvent.objects.filter(pk__among=given).values_list(
            "pk", flat=True)) == [ids[1], ids[3]]
        assert sorted(EventSubject.objects.filter(event__among=given, person_id=100)
                      .values_list("event_id", flat=True)) == [ids[1], ids[3]]
    assert not DomainEvent.objects.filter(pk__among=rows.Ids([None])).exists()
