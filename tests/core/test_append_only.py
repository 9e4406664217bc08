"""The database itself refuses to change or remove audit and event rows (on this backend)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from kindzicht.core import appendonly, audit
from kindzicht.core.actions import Actor, record
from kindzicht.core.models import AuditChainHead, AuditEntry, AuditSeal, DomainEvent, EventSubject

#: table -> (model, an UPDATE that changes a column)
TABLES = {
    "core_auditentry": (AuditEntry, "action = 'overwritten'"),
    "core_domainevent": (DomainEvent, "type = 'overwritten'"),
    "core_eventsubject": (EventSubject, "person_id = person_id + 1000"),
    "core_auditseal": (AuditSeal, "hash = 'overwritten'"),
}


@pytest.fixture
def history(db):
    """One row in every append-only table, written the normal way."""
    with transaction.atomic():
        record(Actor.system("test"), "probe", subjects=[7, 8], payload={"n": 1})
    assert audit.seal() is not None
    for model, _ in TABLES.values():
        assert model.objects.exists()


def refused(sql: str) -> str:
    with pytest.raises(IntegrityError) as excinfo, transaction.atomic(), connection.cursor() as c:
        c.execute(sql)
    return str(excinfo.value)


@pytest.mark.parametrize("table", TABLES)
def test_update_is_refused_by_the_database(history, table):
    message = refused(f"UPDATE {table} SET {TABLES[table][1]}")
    assert "append-only" in message and table in message


@pytest.mark.parametrize("table", TABLES)
def test_delete_is_refused_by_the_database(history, table):
    message = refused(f"DELETE FROM {table} WHERE 1 = 1")
    assert "append-only" in message
    assert TABLES[table][0].objects.exists()


@pytest.mark.parametrize("table", TABLES)
def test_the_orm_is_refused_too(history, table):
    model = TABLES[table][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.all().delete()
    row = model.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=row.pk).update(id=row.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.delete()


@pytest.mark.parametrize("table", TABLES)
def test_erasing_a_whole_table_is_refused(history, table):
    """TRUNCATE on PostgreSQL (a statement trigger); SQLite has no TRUNCATE, and its
    table-wide DELETE (otherwise a truncate shortcut) fires the row triggers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as c:  # settle the test transaction's deferred FK checks
            c.execute("SET CONSTRAINTS ALL IMMEDIATE")
        refused(f"TRUNCATE {table} CASCADE")
    else:
        refused(f"DELETE FROM {table}")


def test_a_chain_head_only_moves_forward(history):
    head = AuditChainHead.objects.get()
    refused(f"DELETE FROM core_auditchainhead WHERE chain = {head.chain}")
    refused(f"UPDATE core_auditchainhead SET last_seq = last_seq - 1 WHERE chain = {head.chain}")
    refused(f"UPDATE core_auditchainhead SET last_hash = 'x' WHERE chain = {head.chain}")
    with connection.cursor() as c:  # moving forward is how appending works
        c.execute("UPDATE core_auditchainhead SET last_seq = last_seq + 1 WHERE chain = %s",
                  [head.chain])
    assert AuditChainHead.objects.get().last_seq == head.last_seq + 1


def test_the_maintenance_permit_is_narrow(history):
    with appendonly.permit():
        AuditEntry.objects.update(action="changed under permit")
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {"changed under permit"}
    refused("UPDATE core_auditentry SET action = 'after the permit'")


def test_every_trigger_is_installed(db):
    assert appendonly.missing_triggers() == []


@pytest.mark.django_db(transaction=True)
def test_a_flush_needs_the_permit():
    """What the test teardown (tests/pg_support.install_flush_permit) relies on."""
    with transaction.atomic():
        record(Actor.system("test"), "probe", subjects=[1])
    with pytest.raises(CommandError):
        call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 1
    with appendonly.permit():
        call_command("flush", interactive=False, verbosity=0)
    assert not AuditEntry.objects.exists() and not DomainEvent.objects.exists()
    with transaction.atomic():
        record(Actor.system("test"), "probe", subjects=[1])
    refused("DELETE FROM core_auditentry")  # the permit ended with the flush
