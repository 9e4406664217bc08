"""One registration costs a fixed number of statements (issue 4: a registration fast): the
family and its signals are read once, matches and notifications are written in bulk — so a
registration in a family of eight with signals on several members costs no more statements
than one in a family of two."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from factories import PersonFactory

from kindzicht.core.actions import record
from kindzicht.core.models import AuditEntry, Dated, DomainEvent, Notification
from kindzicht.index.models import Match
from kindzicht.index.services import signal_register
from kindzicht.people import services as people

from .conftest import SYSTEM

#: the statements of one registration that meets a family-level match in a family whose
#: children are already at open risk (open risk itself is continuity's, and fixed too); on
#: PostgreSQL the registration's event, its subjects, its audit entry, the chain head's move
#: and the signal's link to its event are one statement after the head's lock
#: (core.actions.record), on SQLite five; and on PostgreSQL that statement, the match and
#: notification inserts and the informing task are one (core.prepared.together); on PostgreSQL
#: the family statement also locks the family's children, and the family's signals, its open
#: matches, its children's open risk and regions' policies, the signal's id and the chain's
#: head are read as one statement after it (index.matching.read_ahead), so the signal is
#: written with the rest and the head needs no lock of its own; SQLite takes no lock on the
#: family (its writers are serialised already)
PINNED = {"postgresql": 6, "sqlite": 19}


def _household(*members, code="0344"):
    people.household_create(SYSTEM, members=list(members), municipality_code=code,
                            postcode="3511AB")


def _parent(parent, *kids):
    for kid in kids:
        people.relation_add(SYSTEM, person=parent, kind="parent_of", other=kid)


def _small(orgs):
    """A mother and her son: the mother's GGZ signal and the school's on the son already
    (a match); the district team registers on the son."""
    mother = PersonFactory(birth_date=date(1988, 1, 1))
    son = PersonFactory(birth_date=date(2014, 1, 1))
    _parent(mother, son)
    _household(mother, son)
    signal_register(orgs.pro["ggz"], person=mother)
    signal_register(orgs.pro["school"], person=son)
    return son


def _large(orgs):
    """Eight people: a mother with her partner and three children (one his), the children's
    father elsewhere with his partner and his son by her; signals of GGZ on the mother,
    probation on the stepfather, the GP on the father, the school on the eldest."""
    mk = PersonFactory
    mother, step = mk(birth_date=date(1985, 1, 1)), mk(birth_date=date(1982, 1, 1))
    father, his_partner = mk(birth_date=date(1981, 1, 1)), mk(birth_date=date(1987, 1, 1))
    eldest, middle = mk(birth_date=date(2012, 1, 1)), mk(birth_date=date(2015, 1, 1))
    youngest, half = mk(birth_date=date(2020, 1, 1)), mk(birth_date=date(2021, 1, 1))
    _parent(mother, eldest, middle, youngest)
    _parent(father, eldest, middle, half)
    _parent(step, youngest)
    _parent(his_partner, half)
    people.relation_add(SYSTEM, person=mother, kind="partner_of", other=step)
    people.relation_add(SYSTEM, person=father, kind="partner_of", other=his_partner)
    _household(mother, step, eldest, middle, youngest)
    _household(father, his_partner, half, code="0363")
    for key, person in [("ggz", mother), ("probation", step), ("gp", father),
                        ("school", eldest)]:
        signal_register(orgs.pro[key], person=person)
    return middle


def _registration(orgs, child):
    matches, notes = Match.objects.count(), Notification.objects.count()
    with CaptureQueriesContext(connection) as ctx:
        signal_register(orgs.pro["wt"], person=child)
    made = Match.objects.count() - matches, Notification.objects.count() - notes
    return len(ctx.captured_queries), made


def test_a_registration_costs_the_same_statements_in_a_family_of_two_and_of_eight(orgs, day):
    small, (small_matches, small_notes) = _registration(orgs, _small(orgs))
    large, (large_matches, large_notes) = _registration(orgs, _large(orgs))
    # the large family really is larger work: more children's matches, more organisations told
    assert (small_matches, small_notes) == (2, 5)
    assert large_matches > small_matches and large_notes > small_notes
    assert large == small
    assert small <= PINNED[connection.vendor], small


def test_the_pinned_registration_still_names_the_family_read_in_its_one_entry(orgs, day):
    child = _small(orgs)
    signal_register(orgs.pro["wt"], person=child)
    entry = AuditEntry.objects.filter(action="signal_registered").order_by("-id").first()
    assert len(entry.person_ids) == 2 and child.pk in entry.person_ids


def test_the_registration_written_in_fewer_statements_keeps_its_rows_and_the_chain(orgs, day):
    """The event, its subjects, the audit entry, the head's move and the signal's link to
    its event, written together (core.actions.record): each row as before, and the chain
    verifies."""
    from kindzicht.core import audit
    from kindzicht.core.models import AuditChainHead, DomainEvent

    child = _small(orgs)
    sig = signal_register(orgs.pro["wt"], person=child)
    event = DomainEvent.objects.get(pk=sig.event_id)
    assert (event.type, event.object_type, event.object_id) == (
        "signal_registered", "refindex.signal", sig.pk)
    assert event.payload == {"on_behalf": False}
    assert list(event.subjects.values_list("person_id", flat=True)) == [child.pk]
    assert type(sig).objects.get(pk=sig.pk).event_id == event.pk
    entry = AuditEntry.objects.get(event_id=event.pk)
    head = AuditChainHead.objects.get(chain=entry.chain)
    assert (head.last_seq, head.last_hash) == (entry.seq, entry.hash)
    assert entry.hash == audit.compute_hash(entry)
    assert audit.verify() == []


#: the tables a registration writes: an index among them costs every registration an insertion
WRITTEN = ("refindex_signal", "refindex_match", "refindex_informing", "core_domainevent",
           "core_eventsubject", "core_auditentry", "core_notification", "rules_task",
           "continuity_riskperiod", "continuity_responsibilityperiod")


@pytest.mark.postgres
@pytest.mark.django_db
def test_no_table_a_registration_writes_has_an_index_that_another_covers():
    """An ordinary index whose columns lead another index of the same table serves no query
    that the other does not; the tables a registration writes carry none."""
    with connection.cursor() as cur:
        cur.execute("""
            WITH ix AS (
              SELECT i.indrelid::regclass::text AS tbl, i.indexrelid::regclass::text AS idx,
                     string_to_array(i.indkey::text, ' ')::int[] AS cols,
                     i.indpred IS NULL AND i.indexprs IS NULL AS plain, i.indisunique AS uniq,
                     am.amname = 'btree' AS btree
              FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
              JOIN pg_am am ON am.oid = c.relam)
            SELECT a.tbl, a.idx, b.idx FROM ix a JOIN ix b ON a.tbl = b.tbl AND a.idx <> b.idx
            WHERE a.tbl = ANY(%s) AND a.plain AND b.plain AND a.btree AND b.btree
              AND NOT a.uniq AND cardinality(a.cols) <= cardinality(b.cols)
              AND b.cols[1:cardinality(a.cols)] = a.cols
            ORDER BY 1, 2""", [list(WRITTEN)])
        assert cur.fetchall() == []


#: what the event table's readers search it by (its primary key aside): an object's history
#: (plans.selectors.plan_history), a type (the oversight's daily report, the audit's daily
#: verification), the day (the admin's date hierarchy). Subjects are searched in
#: core_eventsubject.
EVENT_SEARCHED_BY = {"object_type", "type", "occurred_on"}


@pytest.mark.django_db
def test_the_event_table_is_indexed_only_by_what_its_readers_search():
    """Every event pays an insertion into each index of its table: an index on a column no
    reader searches by (the actor, the organisation) costs a million-row import a million
    insertions for nothing."""
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, "core_domainevent")
    leading = {c["columns"][0] for c in constraints.values()
               if c["index"] and not c["primary_key"]}
    assert leading == EVENT_SEARCHED_BY


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_event_subject_is_not_checked_against_its_event_at_commit():
    """Subjects are written with their event and events are never deleted: a foreign key
    would only look up and lock each subject's event at commit (PostgreSQL checks Django's
    deferred keys a row at a time) — a national import's three million of them."""
    with connection.cursor() as cur:
        constraints = connection.introspection.get_constraints(cur, "core_eventsubject")
    assert not [name for name, c in constraints.items() if c["foreign_key"]]
    # the relation itself stays: an event still finds its subjects
    person = PersonFactory()
    with transaction.atomic():
        event = record(SYSTEM, "subject_test", subjects=[person.pk])
    subjects = DomainEvent.objects.get(pk=event.pk).subjects
    assert list(subjects.values_list("person_id", flat=True)) == [person.pk]


@pytest.mark.django_db
def test_no_fact_is_indexed_by_its_event():
    """A fact cites its event as evidence; nobody looks facts up by it. An index on it cost
    every fact written an insertion (a national import: five million), and made the
    registration's linking of its signal to its event an update of every index of the
    signal table instead of an update in place."""
    facts = [m for m in apps.get_models() if issubclass(m, Dated)]
    assert len(facts) > 20
    with connection.cursor() as cur:
        indexed = [m._meta.db_table for m in facts
                   if any(c["index"] and c["columns"] == ["event_id"] for c in
                          connection.introspection.get_constraints(cur, m._meta.db_table).values())]
    assert indexed == []
