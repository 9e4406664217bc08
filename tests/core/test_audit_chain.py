"""The audit chain: what an entry records, that it commits with the change, and that
``kindzicht audit verify`` names the entry where someone altered, removed, inserted or
reordered the log by hand (bypassing the triggers with the maintenance permit)."""

from __future__ import annotations

import io
import json
import logging
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from hypothesis import given
from hypothesis import strategies as st

from kindzicht.core import audit, clock
from kindzicht.core.actions import Actor, audit_read, record
from kindzicht.core.appendonly import permit
from kindzicht.core.errors import Refused
from kindzicht.core.models import AuditChainHead, AuditEntry, AuditSeal, DomainEvent
from kindzicht.people.models import Organisation


def write(actor: Actor, action: str = "probe", subjects: list[int] | None = None) -> AuditEntry:
    with transaction.atomic():
        event = record(actor, action, subjects=subjects or [101], payload={"n": 1})
    return AuditEntry.objects.get(event_id=event.pk)


@pytest.fixture
def chain(worker) -> list[AuditEntry]:
    """Six more entries on this thread's chain; the whole chain in order."""
    for i in range(6):
        write(worker, subjects=[200 + i])
    entries = list(AuditEntry.objects.filter(chain=audit.chain_for_this_writer()).order_by("seq"))
    assert len(entries) >= 8 and AuditEntry.objects.count() == len(entries)
    return entries


def tamper(sql: str, params: list | None = None) -> None:
    with permit(), connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def verify_failure() -> str:
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", stderr=io.StringIO())
    assert excinfo.value.returncode == 1
    return str(excinfo.value)


def forge(at: AuditEntry | None, *, seq: int, chain: int, prev_hash: str) -> AuditEntry:
    """A well-formed entry, as someone who knows the hash recipe would write it."""
    forged = AuditEntry(chain=chain, seq=seq, recorded_at=at.recorded_at if at else clock.now(),
                        domain_at=None, role="admin", action="person_viewed", kind="read",
                        person_ids=[999], purpose="niets aan de hand", prev_hash=prev_hash)
    forged.hash = audit.compute_hash(forged)
    forged.save(force_insert=True)
    return forged


def test_an_entry_records_who_organisation_role_what_whom_when_and_why(worker):
    moment = datetime(2025, 3, 14, 9, 30, 15, 123456, tzinfo=clock.AMSTERDAM)
    with clock.frozen(moment):
        entry = write(worker, action="person_created", subjects=[42, 7, 42])
    event = DomainEvent.objects.get(pk=entry.event_id)
    assert (entry.actor_id, entry.organisation_id, entry.role) == (
        worker.professional.pk, Organisation.objects.get().pk, "professional")
    assert (entry.action, entry.kind, entry.person_ids) == ("person_created", "write", [7, 42])
    assert entry.purpose == "onderzoek na melding"
    assert entry.domain_at == moment and event.occurred_at == moment
    assert entry.hash == audit.compute_hash(entry) and len(entry.hash) == 64


def test_a_read_of_person_data_is_audited_as_a_read(worker):
    before = AuditEntry.objects.count()
    audit_read(worker, "family_viewed", person_ids=[5, 3, 5])
    entry = AuditEntry.objects.order_by("-id").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.kind, entry.action, entry.person_ids, entry.event_id) == (
        "read", "family_viewed", [3, 5], None)


def test_entries_link_by_hash_and_the_hash_survives_the_database(chain):
    """Reloaded from the database (domain time was Europe/Amsterdam, the database gives UTC
    back), every hash still computes; each entry carries its predecessor's hash."""
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == audit.GENESIS
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    with clock.frozen(datetime(2024, 7, 1, 23, 59, 59, 999999, tzinfo=clock.AMSTERDAM)):
        written = write(Actor.system("test"))
    again = AuditEntry.objects.get(pk=written.pk)
    assert again.recorded_at == written.recorded_at and again.domain_at == written.domain_at
    assert audit.compute_hash(again) == written.hash
    head = AuditChainHead.objects.get(chain=written.chain)
    assert (head.last_seq, head.last_hash) == (written.seq, written.hash)


def test_verify_passes_on_an_untouched_log(chain):
    assert audit.verify() == []
    out = _call("verify")
    assert f"Audit chain intact: {len(chain)} entries in 1 chains" in out


def test_an_altered_entry_is_named(chain):
    victim = chain[3]
    tamper("UPDATE core_auditentry SET purpose = 'zomaar' WHERE id = %s", [victim.pk])
    message = verify_failure()
    assert f"audit entry {victim.pk} " in message and "altered" in message


def test_an_altered_and_rehashed_entry_is_named(chain):
    victim = chain[3]
    victim.person_ids = [666]
    tamper("UPDATE core_auditentry SET person_ids = %s, hash = %s WHERE id = %s",
           ['[666]', audit.compute_hash(victim), victim.pk])
    message = verify_failure()
    assert f"audit entry {victim.pk} " in message and f"audit entry {chain[4].pk}," in message


def test_the_last_entry_altered_and_rehashed_is_named(chain):
    victim = chain[-1]
    victim.action = "nothing_happened"
    tamper("UPDATE core_auditentry SET action = %s, hash = %s WHERE id = %s",
           [victim.action, audit.compute_hash(victim), victim.pk])
    assert f"audit entry {victim.pk} " in verify_failure()


def test_a_removed_entry_is_named_by_its_position(chain):
    victim = chain[4]
    tamper("DELETE FROM core_auditentry WHERE id = %s", [victim.pk])
    message = verify_failure()
    assert f"position {victim.seq}" in message and "removed" in message
    assert f"after audit entry {chain[3].pk}" in message and f"audit entry {chain[5].pk}" in message


def test_an_inserted_entry_is_named(chain):
    """Someone makes room at position 3 (renumbering what follows) and slips in a forged,
    correctly hashed and linked entry."""
    c = chain[0].chain
    for entry in reversed(chain[2:]):
        tamper("UPDATE core_auditentry SET seq = seq + 1 WHERE id = %s", [entry.pk])
    with permit():
        forged = forge(chain[2], seq=3, chain=c, prev_hash=chain[1].hash)
    message = verify_failure()
    assert f"audit entry {forged.pk} " in message and "inserted" in message


def test_an_entry_added_past_the_head_is_named(chain):
    """Inserting is allowed by the database (the log grows), but not around the chain's head."""
    last = chain[-1]
    forged = forge(last, seq=last.seq + 1, chain=last.chain, prev_hash=last.hash)
    message = verify_failure()
    assert f"audit entry {forged.pk} " in message and "inserted" in message


def test_reordered_entries_are_named(chain):
    first, second = chain[3], chain[4]
    tamper("UPDATE core_auditentry SET seq = -1 WHERE id = %s", [first.pk])
    tamper("UPDATE core_auditentry SET seq = %s WHERE id = %s", [first.seq, second.pk])
    tamper("UPDATE core_auditentry SET seq = %s WHERE id = %s", [second.seq, first.pk])
    message = verify_failure()
    assert f"audit entry {second.pk} " in message and f"position {first.seq}" in message


def test_a_seal_detects_that_the_last_entries_were_removed(chain):
    """Removing the newest entries and winding the head back leaves a consistent chain; only
    the seal (or an exported head) still knows how far it reached."""
    sealed = audit.seal()
    keep = chain[-3]
    tamper("DELETE FROM core_auditentry WHERE chain = %s AND seq > %s", [keep.chain, keep.seq])
    tamper("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
           [keep.seq, keep.hash, keep.chain])
    message = verify_failure()
    assert f"seal {sealed.pk}" in message and "removed" in message
    assert f"position {chain[-1].seq}" in message


def test_removed_last_entries_without_rewinding_the_head_are_found(chain):
    tamper("DELETE FROM core_auditentry WHERE id = %s", [chain[-1].pk])
    message = verify_failure()
    assert "removed at the end" in message and f"position {chain[-1].seq}" in message


def test_an_altered_seal_is_named(chain):
    first = audit.seal()
    write(Actor.system("test"))
    second = audit.seal()
    assert second.prev_hash == first.hash
    tamper("UPDATE core_auditseal SET heads = %s WHERE id = %s", ['{"0": [1, "x"]}', first.pk])
    assert f"seal {first.pk}" in verify_failure()


def test_sealing_twice_without_new_entries_keeps_one_seal(chain):
    assert audit.seal() == audit.seal()
    assert AuditSeal.objects.count() == 1


def test_the_exported_head_catches_a_rewritten_chain(chain, tmp_path):
    exported = tmp_path / "head.json"
    _call("head", "--output", str(exported))
    state = json.loads(exported.read_text())
    assert state["chains"][str(chain[0].chain)] == {"seq": chain[-1].seq, "hash": chain[-1].hash}
    assert "matching the exported head" in _call("verify", "--expect", str(exported))
    keep = chain[-2]
    tamper("DELETE FROM core_auditentry WHERE id = %s", [chain[-1].pk])
    tamper("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
           [keep.seq, keep.hash, keep.chain])
    # The chain is consistent in itself (no seal knew the last entry); only its event remains.
    assert [p.chain for p in audit.verify()] == [None]
    with pytest.raises(CommandError, match=f"position {chain[-1].seq}"):
        call_command("audit", "verify", "--expect", str(exported), stderr=io.StringIO())


def test_an_event_written_around_the_audit_chain_is_found(chain):
    with transaction.atomic():
        sneaky = DomainEvent.objects.create(type="person_created", occurred_at=clock.now(),
                                            occurred_on=clock.today())
    assert f"domain event {sneaky.pk} has no audit entry" in verify_failure()


def test_seal_and_head_commands(chain):
    assert _call("seal").startswith("Seal ")
    state = json.loads(_call("head"))
    seal = AuditSeal.objects.get()
    assert state["seal"] == {"id": seal.pk, "hash": seal.hash,
                             "sealed_at": audit._instant(seal.sealed_at)}


@pytest.mark.django_db(transaction=True)
def test_the_entry_commits_or_fails_with_the_change():
    """A service that fails after record() leaves no event, no audit entry, no head move."""
    actor = Actor.system("test")
    write(actor)
    heads = list(AuditChainHead.objects.values_list("chain", "last_seq", "last_hash"))
    events, entries = DomainEvent.objects.count(), AuditEntry.objects.count()

    def failing_service() -> None:
        with transaction.atomic():
            org = Organisation.objects.create(name="Wijkteam Noord", sector="district_team")
            record(actor, "organisation_created", obj=org)
            raise Refused("Iets ging mis na het vastleggen.")

    with pytest.raises(Refused):
        failing_service()
    assert (DomainEvent.objects.count(), AuditEntry.objects.count()) == (events, entries)
    assert not Organisation.objects.filter(name="Wijkteam Noord").exists()
    assert list(AuditChainHead.objects.values_list("chain", "last_seq", "last_hash")) == heads
    write(actor)
    assert audit.verify() == []


def _call(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_verify_against_an_exported_head_catches_truncation_after_the_export(chain, tmp_path):
    """No seal knows the newest entries; the head file kept outside the database does. Cutting
    the last three entries off and winding the head back is caught with ``--head``."""
    exported = tmp_path / "head.json"
    exported.write_text(_call("head"))
    assert "matching the exported head" in _call("verify", "--head", str(exported))
    keep = chain[-4]
    tamper("DELETE FROM core_auditentry WHERE chain = %s AND seq > %s", [keep.chain, keep.seq])
    for gone in chain[-3:]:  # and their events (with their subjects), so nothing dangles
        tamper("DELETE FROM core_eventsubject WHERE event_id = %s", [gone.event_id])
        tamper("DELETE FROM core_domainevent WHERE id = %s", [gone.event_id])
    tamper("UPDATE core_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
           [keep.seq, keep.hash, keep.chain])
    assert audit.verify() == []  # consistent in itself: only the exported head knows better
    with pytest.raises(CommandError, match=f"position {chain[-1].seq}.*removed") as excinfo:
        call_command("audit", "verify", "--head", str(exported), stderr=io.StringIO())
    assert excinfo.value.returncode == 1


def test_the_sweep_verifies_once_a_day_and_records_the_outcome(chain):
    day = "2026-03-02"
    first = io.StringIO()
    call_command("sweep", "--date", day, stdout=first)
    assert f"Audit-keten geverifieerd voor {day}: in orde." in first.getvalue()
    # it counted everything before it (the chain and the sweep's own entry), not itself
    assert DomainEvent.objects.get(type=audit.VERIFIED).payload["entries"] == (
        AuditEntry.objects.count() - 1) > len(chain)
    again = io.StringIO()
    call_command("sweep", "--date", day, stdout=again)
    assert "al eerder vandaag" in again.getvalue()
    recorded = DomainEvent.objects.get(type=audit.VERIFIED)
    assert recorded.payload["day"] == day and recorded.payload["ok"] is True
    assert AuditEntry.objects.filter(event_id=recorded.pk).count() == 1
    call_command("sweep", "--date", "2026-03-03", stdout=io.StringIO())
    assert DomainEvent.objects.filter(type=audit.VERIFIED).count() == 2
    assert audit.verify() == []


def test_a_failed_daily_verification_is_recorded_logged_and_keeps_failing(chain, caplog):
    victim = chain[2]
    tamper("UPDATE core_auditentry SET purpose = 'zomaar' WHERE id = %s", [victim.pk])
    day = date(2026, 3, 2)
    with caplog.at_level(logging.ERROR, logger="kindzicht.audit"):
        result = audit.verify_daily(day)
    assert result.ran and not result.ok
    assert any(f"audit entry {victim.pk} " in p for p in result.problems)
    assert "FAILED" in caplog.text and f"audit entry {victim.pk} " in caplog.text
    assert result.event.payload["ok"] is False
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="kindzicht.audit"):
        again = audit.verify_daily(day)
    assert not again.ran and not again.ok and again.event.pk == result.event.pk
    assert "FAILED" in caplog.text  # a rerun does not make it go quiet
    with pytest.raises(CommandError, match="verification of 2026-03-02 failed"):
        call_command("sweep", "--date", day.isoformat(), stdout=io.StringIO(),
                     stderr=io.StringIO())
    assert DomainEvent.objects.filter(type=audit.VERIFIED).count() == 1


_ids = st.none() | st.integers(min_value=0, max_value=2**63 - 1)
_texts = st.text(max_size=40)
_moments = st.none() | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                                      timezones=st.just(clock.zone()))


@given(st.tuples(st.integers(0, 32767), st.integers(1, 2**62), _moments, _moments, _ids, _ids,
                 _texts, _texts, _texts, st.lists(st.integers(1, 2**62), max_size=6), _texts,
                 _ids, _ids, _texts, _texts))
def test_the_hashed_content_is_the_canonical_json_every_stored_hash_was_made_with(values):
    """Entries written before the field-by-field form must still verify: the content is
    byte for byte ``json.dumps`` of the fields, sorted, compact, ASCII (a purpose in Dutch,
    a quote or a line break in a text included)."""
    content = dict(zip(audit._HASHED, values, strict=True))
    content["recorded_at"] = audit._instant(content["recorded_at"])
    content["domain_at"] = audit._instant(content["domain_at"])
    assert audit._canonical(values) == json.dumps(
        content, sort_keys=True, separators=(",", ":")).encode()
