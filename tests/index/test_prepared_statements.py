"""A registration's plain statements are prepared once per PostgreSQL connection with a
generic plan (``core.prepared``, issue 4): the family statement alone took ~1.2 ms to plan
each time. These tests check that it really happens, that a bulk-sized question is not
answered with the small plan, that the answers are the same either way, and that errors
still arrive as Django's."""

from __future__ import annotations

import pytest
from django.db import ProgrammingError, connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings
from factories import PersonFactory

from kindzicht.core import clock, prepared
from kindzicht.index.services import signal_register
from kindzicht.people.family import concerned_and_families_of

pytestmark = pytest.mark.postgres  # on SQLite the wrapper runs these on PostgreSQL

FAMILY = "WITH me AS (SELECT id FROM people_person WHERE id = ANY(%"


def _plans(start: str) -> tuple[int, int, int]:
    """(statements, generic plans, custom plans) of this connection's prepared statements
    whose text starts with ``start`` (psycopg numbers the parameters $1, $2 …)."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), coalesce(sum(generic_plans), 0), "
                    "coalesce(sum(custom_plans), 0) FROM pg_prepared_statements "
                    "WHERE statement LIKE %s", [start.replace("%", "$").replace("_", r"\_")
                                                + "%"])
        return cur.fetchone()


def test_a_registration_prepares_its_family_statement_once_with_a_generic_plan(orgs, fam):
    assert prepared.enabled()
    before = _plans(FAMILY)
    signal_register(orgs.pro["ggz"], person=fam.mother)
    signal_register(orgs.pro["school"], person=fam.girl)
    statements, generic, custom = _plans(FAMILY)
    assert statements == max(before[0], 1)       # one statement, however often it ran
    assert generic >= before[1] + 2 and custom == before[2] == 0
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
                    ["SELECT last\\_seq, last\\_hash, nextval%"])
        assert cur.fetchone()[0] == 1             # the audit chain's head, too


def test_the_answers_are_the_same_prepared_or_not(orgs, fam):
    signal_register(orgs.pro["probation"], person=fam.stepfather)
    people = [fam.mother.pk, fam.father.pk, fam.stepfather.pk]
    day = clock.today()
    answers = concerned_and_families_of(people, day)
    assert _plans(FAMILY)[1] >= 1                 # the statement above ran prepared
    with override_settings(KINDZICHT_DATABASE_PREPARE=False):
        assert concerned_and_families_of(people, day) == answers
    assert answers[0] == {fam.girl.pk, fam.half_brother.pk}
    assert fam.stepfather.pk in answers[1][fam.girl.pk]


def test_a_bulk_sized_question_is_planned_for_its_size(orgs, fam):
    concerned_and_families_of([fam.mother.pk], clock.today())
    generic = _plans(FAMILY)[1]
    many = [fam.mother.pk] + [p.pk for p in PersonFactory.create_batch(prepared.SMALL)]
    answers = concerned_and_families_of(many, clock.today())
    assert _plans(FAMILY)[1] == generic           # not the small statement's generic plan
    assert fam.girl.pk in answers[0]


def test_a_bulk_sized_question_is_planned_as_index_lookups_for_that_statement_only(orgs, fam):
    """Each person's family is a handful of rows, so the family statement for many people
    (an import) is planned as index lookups (core.planning) — and the caller's transaction
    goes on with its own settings."""
    seen = []

    def spy(execute, sql, params, many, context):
        if sql.startswith(FAMILY[:-1]):
            with connection.connection.cursor() as raw:   # not through the wrappers
                raw.execute("SELECT current_setting('enable_hashjoin'), "
                            "current_setting('enable_seqscan')")
                seen.append(raw.fetchone())
        return execute(sql, params, many, context)

    many = [fam.mother.pk] + [p.pk for p in PersonFactory.create_batch(prepared.SMALL)]
    with connection.execute_wrapper(spy):
        small = concerned_and_families_of([fam.mother.pk], clock.today())
        large = concerned_and_families_of(many, clock.today())
    assert seen == [("on", "on"), ("off", "off")]
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('enable_hashjoin')")
        assert cur.fetchone() == ("on",)
    assert small[0] <= large[0] and large[1][fam.girl.pk] == small[1][fam.girl.pk]


def test_prepared_statements_are_in_djangos_query_log(orgs, fam):
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(2):   # prepared and run, then run by name
            concerned_and_families_of([fam.girl.pk], clock.today())
    assert [q["sql"][:len(FAMILY) - 1] for q in ctx.captured_queries] == [FAMILY[:-1]] * 2


def test_an_error_in_a_prepared_statement_is_djangos_and_changes_nothing(orgs, fam):
    with pytest.raises(ProgrammingError), transaction.atomic(), prepared.cursor() as cur:
        cur.execute("SELECT no_such_column FROM people_person WHERE id = %s", [fam.girl.pk])
    with prepared.cursor() as cur:   # the connection and its transaction carry on
        cur.execute("SELECT id FROM people_person WHERE id = %s", [fam.girl.pk])
        assert cur.fetchone() == (fam.girl.pk,)


def _row(obj) -> dict:
    """A stored row as the ORM reads it back, without its id."""
    values = type(obj).objects.filter(pk=obj.pk).values().get()
    values.pop("id")
    return values


def test_a_prepared_insert_stores_what_bulk_create_stores(orgs, fam):
    """The registration's signal, match, notification and task go in through
    ``prepared.insert``: the same rows as ``bulk_create`` would write — defaults,
    auto_now_add, JSON, foreign keys — with their ids set."""
    from kindzicht.core.models import Notification
    from kindzicht.index.models import Match

    def pair():
        return [Match(child_id=fam.girl.pk, level=level, person_ids=[fam.girl.pk, 7],
                      organisation_ids=[orgs.pro["school"].organisation.pk], at=clock.now(),
                      on=clock.today()) for level in ("child", "family")]

    mine, theirs = prepared.insert(pair()), Match.objects.bulk_create(pair())
    assert all(m.pk and not m._state.adding for m in mine)
    assert [_row(m) for m in mine] == [_row(m) for m in theirs]
    note = Notification(organisation=orgs.pro["ggz"].organisation, kind="match",
                        subject="Match", created_at=clock.now())
    (stored,) = prepared.insert([note])
    assert _row(stored)["body"] == "" and _row(stored)["read_at"] is None
    assert _plans('INSERT INTO "refindex_match"')[0] == 1   # prepared: one statement


def test_many_objects_are_copied_in_and_stored_as_bulk_create_stores_them(orgs, fam):
    """An import's matches and notifications (more than ``SMALL``) go in by COPY: the same
    rows as ``bulk_create``'s — defaults, auto_now_add, JSON, foreign keys —, their ids set
    in order."""
    from kindzicht.core.models import Notification
    from kindzicht.index.models import Match

    n = prepared.SMALL + 1

    def many():
        return [Match(child_id=fam.girl.pk, level=("child", "family")[i % 2],
                      person_ids=[fam.girl.pk, i], organisation_ids=[i, {"k": "é"}],
                      at=clock.now(), on=clock.today()) for i in range(n)]

    mine, theirs = prepared.insert(many()), Match.objects.bulk_create(many())
    assert [m.pk for m in mine] == sorted(m.pk for m in mine) and not mine[0]._state.adding
    assert [_row(m) for m in mine] == [_row(m) for m in theirs]
    notes = prepared.insert([Notification(organisation=orgs.pro["ggz"].organisation,
                                          kind="match", subject=f"Match {i}",
                                          created_at=clock.now()) for i in range(n)])
    stored = _row(notes[-1])
    assert (stored["subject"], stored["body"], stored["read_at"], stored["person_ids"],
            stored["mail_attempts"]) == (f"Match {n - 1}", "", None, [], 0)


def test_a_prepared_insert_that_breaks_a_constraint_is_djangos_integrity_error(orgs, fam):
    from django.db import IntegrityError

    from kindzicht.index.models import Signal

    sig = signal_register(orgs.pro["school"], person=fam.girl)
    again = Signal(person=fam.girl, organisation=sig.organisation, contact="x",
                   at=clock.now(), on=clock.today(), expires_on=sig.expires_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        prepared.insert([again])
    assert Signal.objects.filter(person=fam.girl).count() == 1


def test_a_prepared_fetch_reads_what_the_orm_reads(orgs, fam):
    from kindzicht.index.models import Match

    signal_register(orgs.pro["ggz"], person=fam.mother)
    signal_register(orgs.pro["school"], person=fam.girl)
    where = "child_id = ANY(%s) AND ended_on IS NULL"
    fetched = prepared.fetch(Match, where, [[fam.girl.pk, fam.half_brother.pk]])
    orm = list(Match.objects.filter(child_id__in=[fam.girl.pk, fam.half_brother.pk],
                                    ended_on__isnull=True))
    assert fetched and sorted((m.pk, m.child_id, m.level, m.person_ids, m.organisation_ids,
                               m.at, m.on) for m in fetched) == sorted(
        (m.pk, m.child_id, m.level, m.person_ids, m.organisation_ids, m.at, m.on)
        for m in orm)
    assert all(isinstance(m.person_ids, list) for m in fetched)   # JSON decoded


def test_together_sends_the_held_writes_as_one_statement_at_its_end(orgs, fam):
    """A registration's match, notification, event and task go in as one statement
    (``prepared.together``): inside the block nothing is sent and the rows have no ids yet;
    at its end one statement writes them, the ids are set, the rows are those of the
    one-by-one inserts and the audit chain verifies."""
    from kindzicht.core import audit
    from kindzicht.core.actions import record
    from kindzicht.core.models import AuditEntry, DomainEvent, Notification
    from kindzicht.index.models import Match

    def rows():
        return ([Match(child_id=fam.girl.pk, level="family", person_ids=[fam.girl.pk, 7],
                       organisation_ids=[orgs.org["school"].pk], at=clock.now(),
                       on=clock.today())],
                [Notification(organisation=orgs.org["ggz"], kind="match", subject=s,
                              body="b", created_at=clock.now()) for s in ("een", "twee")])

    alone = [prepared.insert(objs) for objs in rows()]
    held = rows()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        with prepared.together():
            for objs in held:
                prepared.insert(objs)
            event = record(orgs.pro["school"], "test_written_together",
                           subjects=[fam.girl.pk])
            inside = len(ctx.captured_queries)
            assert all(o.pk is None for objs in held for o in objs)
        assert len(ctx.captured_queries) == inside + 1      # the held writes: one statement
    assert all(o.pk for objs in held for o in objs)
    for mine, theirs in zip(held, alone, strict=True):
        assert [_row(o) for o in mine] == [_row(o) for o in theirs]
    stored = DomainEvent.objects.get(pk=event.pk)
    assert list(stored.subjects.values_list("person_id", flat=True)) == [fam.girl.pk]
    assert AuditEntry.objects.filter(event_id=event.pk).count() == 1
    assert audit.verify() == []


def test_together_holds_nothing_inside_a_savepoint_and_writes_nothing_on_failure(orgs, fam):
    """An insert inside a savepoint within the block fails (or not) there — a duplicate is
    still Django's IntegrityError at the call; a failure in the block discards what it held."""
    from django.db import IntegrityError

    from kindzicht.core.models import Notification
    from kindzicht.index.models import Signal

    sig = signal_register(orgs.pro["school"], person=fam.girl)
    again = Signal(person=fam.girl, organisation=sig.organisation, contact="x",
                   at=clock.now(), on=clock.today(), expires_on=sig.expires_on)
    with transaction.atomic(), prepared.together():
        with pytest.raises(IntegrityError), transaction.atomic():
            prepared.insert([again])
    before = Notification.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic(), prepared.together():
        prepared.insert([Notification(organisation=orgs.org["ggz"], kind="match",
                                      subject="nooit", created_at=clock.now())])
        raise RuntimeError("the change fails")
    assert Notification.objects.count() == before
    assert Signal.objects.filter(person=fam.girl).count() == 1


def test_a_long_prepared_statement_is_converted_once_and_bound_afresh_each_time(orgs, fam):
    """psycopg remembers its ``%s`` → ``$n`` conversion only for statements under 50
    parameters; a registration's held writes have about 200, so ``core.prepared`` remembers
    the conversion of its own statements whatever their size — and each run still binds
    its own values."""
    from psycopg._queries import _query2pg

    sql = "SELECT " + " + ".join(["%s::int"] * 60)
    with prepared.cursor() as cur:
        before = _query2pg.cache_info()
        for start in (0, 1000, 5):
            values = list(range(start, start + 60))
            cur.execute(sql, values)
            assert cur.fetchone()[0] == sum(values)
    after = _query2pg.cache_info()
    assert after.misses - before.misses <= 1
    assert after.hits - before.hits >= 2
