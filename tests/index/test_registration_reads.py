"""A registration reads what it needs in as few statements as it can (issue 4): the family
statement also locks the family's children, and the matching's and the risk opening's reads
after that lock come back as one statement (``index.matching.read_ahead``). These tests check
that the fewer statements read and lock exactly what the separate ones did."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from django.db import OperationalError, connection, transaction
from factories import PersonFactory
from pg_support import run_concurrently

from kindzicht.api.serializers import person_field
from kindzicht.continuity import risk
from kindzicht.core import clock, prepared
from kindzicht.core.actions import Actor
from kindzicht.index import matching
from kindzicht.index.policy import policies_of_persons
from kindzicht.index.services import signal_register
from kindzicht.people import services as people
from kindzicht.people.family import children_and_families_of, concerned_and_families_of
from kindzicht.people.models import Person

pytestmark = pytest.mark.postgres  # on SQLite the wrapper runs these on PostgreSQL


@pytest.mark.django_db(transaction=True)
def test_a_connection_keeps_one_prepared_cursor_and_makes_a_new_one_when_it_reconnects():
    first = prepared.cursor().cursor
    assert prepared.cursor().cursor is first     # not a new psycopg cursor per statement
    with prepared.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchall() == [(1,)]
    with prepared.cursor() as cur:                # still usable after the block closed it
        cur.execute("SELECT 2")
        assert cur.fetchall() == [(2,)]
    assert prepared.cursor().cursor is first
    connection.close()
    connection.ensure_connection()
    again = prepared.cursor().cursor
    assert again is not first and again.connection is connection.connection


def test_select_each_gives_each_query_its_own_rows(orgs, fam):
    ids = [fam.girl.pk, fam.mother.pk, fam.father.pk]
    queries = [
        (["id", "given_name"], "FROM people_person WHERE id = ANY(%s::bigint[])",
         ["{" + ",".join(map(str, ids)) + "}"]),
        (["id"], "FROM people_person WHERE id = %s", [-1]),      # nothing
        (["%s::int", "true", "'{\"a\": [1]}'::jsonb"], "", [7]),
    ]
    with transaction.atomic():
        named, nothing, literal = prepared.select_each(queries)
    assert sorted(named) == sorted(Person.objects.filter(pk__in=ids).values_list(
        "id", "given_name"))
    assert nothing == []
    assert literal == [(7, True, {"a": [1]})]


def test_read_ahead_reads_what_the_matching_and_the_risk_opening_read_apart(orgs, fam):
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    signal_register(orgs.pro["school"], person=fam.girl)
    signal_register(orgs.pro["gp"], person=fam.half_brother)
    families = children_and_families_of([fam.stepfather.pk, fam.father.pk], clock.today())
    children = set(families)
    everyone = children | {m for f in families.values() for m in f}
    with transaction.atomic():
        ahead = matching.read_ahead(families, children)
    apart = matching._active_signals(everyone)
    assert ahead is not None
    assert dict(ahead.signals.by_person) == dict(apart.by_person) != {}
    assert ahead.signals.contacts == apart.contacts
    assert ahead.signals.names == apart.names
    assert {k: (o.pk, o.name, o.sector, o.phone, o.active)
            for k, o in ahead.signals.orgs.items()} == {
        k: (o.pk, o.name, o.sector, o.phone, o.active) for k, o in apart.orgs.items()}
    fields = ("pk", "child_id", "level", "person_ids", "organisation_ids",
              "proposed_coordinator_id")
    read = sorted(tuple(getattr(m, f) for f in fields) for m in ahead.open_matches)
    assert read and read == sorted(tuple(getattr(m, f) for f in fields)
                                   for m in matching._open_matches(children))
    assert ahead.at_risk == risk._at_open_risk(children) == {fam.girl.pk, fam.half_brother.pk}
    assert ahead.policies == policies_of_persons(children, clock.today())


def test_read_ahead_leaves_a_large_family_to_the_reads_of_its_own(orgs, fam):
    many = {p.pk: set() for p in PersonFactory.create_batch(prepared.SMALL + 1)}
    assert matching.read_ahead(many, []) is None


def test_the_api_reads_a_person_as_the_orm_does(orgs, fam):
    field = person_field()
    found = field.to_internal_value(fam.girl.pk)
    orm = Person.objects.get(pk=fam.girl.pk)
    assert found == orm and not found._state.adding
    assert [getattr(found, f.attname) for f in Person._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in Person._meta.concrete_fields]
    from rest_framework.exceptions import ValidationError

    with pytest.raises(ValidationError):
        field.to_internal_value(Person.objects.order_by("-pk").first().pk + 1000)


def _family():
    system = Actor.system("test")
    mother = PersonFactory(birth_date=date(1987, 3, 3))
    daughter = PersonFactory(birth_date=date(2013, 5, 5))
    stranger = PersonFactory(birth_date=date(2014, 1, 1))
    people.relation_add(system, person=mother, kind="parent_of", other=daughter)
    return mother, daughter, stranger


def _lock_now(pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT id FROM people_person WHERE id = %s FOR UPDATE NOWAIT", [pk])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lock", [True, False])
def test_the_family_statement_locks_the_children_it_considered_and_no_one_else(lock):
    mother, daughter, stranger = _family()
    with transaction.atomic():
        concerned, families = concerned_and_families_of([mother.pk], date.today(), lock=lock)
        assert concerned == {daughter.pk} and set(families) == {daughter.pk}
        tried = run_concurrently([partial(_lock_now, daughter.pk),
                                  partial(_lock_now, stranger.pk)], return_exceptions=True)
    if lock:
        assert isinstance(tried[0], OperationalError), tried
    else:
        assert tried[0] is None
    assert tried[1] is None


def test_a_registration_writes_its_signal_with_the_id_and_event_it_took_ahead(orgs, fam):
    """The signal goes in with the match, the event and the rest as one statement, under the
    id its registration took from the sequence — on a chain already in use and on one that
    was never used (no head to lock ahead: the event is linked afterwards, as before)."""
    from unittest import mock

    from kindzicht.core import audit
    from kindzicht.core.models import AuditChainHead, AuditEntry, DomainEvent
    from kindzicht.index.models import Signal

    signal_register(orgs.pro["ggz"], person=fam.mother)
    used = set(AuditChainHead.objects.values_list("chain", flat=True))
    fresh = min(set(range(1000)) - used)
    with mock.patch.object(audit, "chain_for_this_writer", return_value=fresh):
        first = signal_register(orgs.pro["school"], person=fam.girl)
        second = signal_register(orgs.pro["gp"], person=fam.half_brother)
    for sig in (first, second):
        stored = Signal.objects.get(pk=sig.pk)
        assert (stored.person_id, stored.organisation_id, stored.event_id) == (
            sig.person_id, sig.organisation_id, sig.event_id)
        event = DomainEvent.objects.get(pk=sig.event_id)
        assert (event.type, event.object_id) == ("signal_registered", sig.pk)
        assert AuditEntry.objects.get(event_id=sig.event_id).chain == fresh
    assert AuditChainHead.objects.get(chain=fresh).last_seq >= 2
    assert audit.verify() == []


def test_a_prepared_insert_keeps_ids_given_ahead(orgs, fam):
    from kindzicht.core import rows
    from kindzicht.index.models import Match

    def match(pk):
        return Match(pk=pk, child_id=fam.girl.pk, level="child", person_ids=[fam.girl.pk],
                     organisation_ids=[orgs.org["school"].pk], at=clock.now(), on=clock.today())

    now, held = rows.reserve_ids(Match, 2)
    with transaction.atomic():
        prepared.insert([match(now)])
        with prepared.together():
            prepared.insert([match(held)])
    assert set(Match.objects.filter(pk__in=[now, held]).values_list("pk", flat=True)) == {
        now, held}
