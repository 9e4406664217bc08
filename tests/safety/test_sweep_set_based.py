"""The watchdog raises set-based (issue 3): its diff against earlier sweeps is made on task
identities in the database, new tasks are written at once (COPY on PostgreSQL, bulk_create on
SQLite), and an incremental sweep looks only at the tasks of the children it sweeps. Counts
and rows, not timings."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindzicht.core import clock
from kindzicht.rules import watchdog
from kindzicht.rules.models import Task, TaskStatus
from kindzicht.rules.tasks import existing_identities, tasks_create_many

from .test_rule_query_counts import AS_OF, _families, orgs  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _sweep(children=None):
    with CaptureQueriesContext(connection) as q, clock.frozen(AS_OF):
        made = watchdog.sweep(AS_OF, children=children, full=children is None)
    return [x["sql"] for x in q.captured_queries], made


def _not_batches(queries: list[str]) -> int:
    """The queries besides SQLite's insert batches of new tasks (bulk_create splits them by
    SQLite's parameter limit; PostgreSQL copies them in one go, so there nothing is left out)."""
    if connection.vendor == "postgresql":
        return len(queries)
    return sum(1 for sql in queries if not sql.startswith('INSERT OR IGNORE INTO "rules_task"'))


def test_a_cold_sweep_makes_the_same_queries_for_more_families(orgs):  # noqa: F811
    _families(2, orgs)
    queries_2, made_2 = _sweep()
    Task.objects.all().delete()   # cold again, with three times the families
    _families(4, orgs)
    queries_6, made_6 = _sweep()

    assert len(made_2) >= 8 and len(made_6) > 2 * len(made_2)
    assert _not_batches(queries_6) == _not_batches(queries_2), (
        f"{len(queries_2)} queries for 2 families, {len(queries_6)} for 6")


def test_the_tasks_a_sweep_returns_are_the_rows_it_wrote(orgs):  # noqa: F811
    _families(2, orgs)
    before = set(Task.objects.values_list("pk", flat=True))
    _count, made = _sweep()
    stored = {t.pk: t for t in Task.objects.exclude(pk__in=before)}
    # every alert, reminder and escalation it wrote (its own follow-up tasks are not counted)
    assert {t.pk for t in made} == {pk for pk, t in stored.items() if t.kind != "task"}
    for t in made:
        row = stored[t.pk]
        assert (t.kind, t.code, t.key, t.organisation_id, t.municipality_code, t.child_id,
                t.text, t.facts, t.evidence, t.raised_on, t.level, t.assignee_id) == (
            row.kind, row.code, row.key, row.organisation_id, row.municipality_code,
            row.child_id, row.text, row.facts, row.evidence, row.raised_on, row.level,
            row.assignee_id)


def test_a_steady_sweep_raises_nothing_and_writes_no_task(orgs):  # noqa: F811
    _families(2, orgs)
    _sweep()
    before = list(Task.objects.order_by("pk").values_list("pk", "status", "text"))
    _count, made = _sweep()
    assert made == []
    assert list(Task.objects.order_by("pk").values_list("pk", "status", "text")) == before


def test_existing_tasks_are_found_by_identity_and_never_made_again(orgs):  # noqa: F811
    wt = orgs[0]
    first = tasks_create_many([Task(kind="alert", code="K1", key="concern:1", text="a",
                                    organisation_id=wt.pk, raised_on=AS_OF)])
    assert len(first) == 1 and first[0].pk == Task.objects.get().pk
    rows = [Task(kind="alert", code="K1", key="concern:1", text="again",
                 organisation_id=wt.pk, raised_on=AS_OF),
            Task(kind="reminder", code="K1", key="concern:1", text="b",
                 organisation_id=wt.pk, raised_on=AS_OF),
            Task(kind="alert", code="K1", key="concern:1", text="municipality",
                 municipality_code="0344", raised_on=AS_OF, level=2)]
    assert existing_identities([("alert", "K1", "concern:1", wt.pk, ""),
                                ("reminder", "K1", "concern:1", wt.pk, "")]) == {
        ("alert", "K1", "concern:1", wt.pk, "")}
    made = tasks_create_many(rows)
    assert [(t.kind, t.municipality_code) for t in made] == [("reminder", ""), ("alert", "0344")]
    assert Task.objects.get(kind="alert", organisation_id=wt.pk).text == "a"
    assert Task.objects.count() == 3


def test_an_incremental_sweep_escalates_only_the_alerts_of_its_children(orgs):  # noqa: F811
    """A full sweep escalates everyone's overdue alerts; an incremental sweep after
    a change (or a replay's day) only those of the children it sweeps."""
    _families(2, orgs)
    _count, made = _sweep()
    children = sorted({t.child_id for t in made if t.child_id})
    one, other = children[0], children[-1]
    Task.objects.filter(level__gt=0).delete()   # as if never escalated
    later = AS_OF + timedelta(days=watchdog.ESCALATE_COORDINATORS_DAYS)
    with clock.frozen(later):
        escalated = watchdog.sweep(later, children=[one])
    up = {t.child_id for t in escalated if t.level == 1}
    assert up == {one}
    assert not Task.objects.filter(child_id=other, level=1).exists()
    with clock.frozen(later):   # the escalations were deleted behind its back: a full one
        escalated = watchdog.sweep(later, full=True)
    assert other in {t.child_id for t in escalated if t.level == 1}
    assert Task.objects.filter(status=TaskStatus.OPEN, level=1, child_id=one).count() == len(
        [t for t in Task.objects.filter(level=0, kind="alert", child_id=one,
                                        status=TaskStatus.OPEN)
         if t.raised_on <= later - timedelta(days=watchdog.ESCALATE_COORDINATORS_DAYS)])


def _changed_family(orgs) -> list[int]:  # noqa: F811
    """One more family of the same kind; its people are the children a change would sweep."""
    from kindzicht.people.models import Person

    before = set(Person.objects.values_list("pk", flat=True))
    _families(1, orgs)
    return sorted(set(Person.objects.values_list("pk", flat=True)) - before)


def test_an_incremental_sweep_makes_the_same_queries_for_more_unrelated_families(orgs):  # noqa: F811
    """The incremental sweep's work is bounded by its children, their families and tasks:
    four more unrelated families (with their own overdue goals, open risk, alerts and
    follow-up tasks) add no query to the sweep of the same changed family."""
    _families(2, orgs)
    changed = _changed_family(orgs)
    _sweep()
    _sweep(children=changed)   # steady for the changed family from here on
    queries_2, made_2 = _sweep(children=changed)
    _families(4, orgs)
    _sweep()
    queries_6, made_6 = _sweep(children=changed)

    assert made_2 == made_6 == []
    assert Task.objects.filter(child_id__in=changed).exists()
    assert len(queries_6) == len(queries_2), (
        f"{len(queries_2)} queries with 2 unrelated families, {len(queries_6)} with 6")


def test_an_incremental_sweep_makes_the_same_queries_for_more_children_in_scope(orgs):  # noqa: F811
    """The swept children go to the database as one array parameter per query (``__any``),
    not one placeholder each: sweeping three families' children instead of one family's makes
    the same queries, with no more parameters on PostgreSQL."""
    _families(2, orgs)
    one = _changed_family(orgs)
    three = one + _changed_family(orgs) + _changed_family(orgs)
    _sweep()
    _sweep(children=one)
    _sweep(children=three)   # steady for all of them from here on
    with CaptureQueriesContext(connection) as q1, clock.frozen(AS_OF):
        made_1 = watchdog.sweep(AS_OF, children=one)
    with CaptureQueriesContext(connection) as q3, clock.frozen(AS_OF):
        made_3 = watchdog.sweep(AS_OF, children=three)

    assert made_1 == made_3 == []
    assert len(three) >= 3 * len(one) - 2
    assert len(q3.captured_queries) == len(q1.captured_queries)
    if connection.vendor == "postgresql":
        assert any("= ANY(" in x["sql"] for x in q3.captured_queries)
        # the text of each query grows by the ids, never by a placeholder per id
        assert not any(x["sql"].count(", ") > 200 for x in q3.captured_queries
                       if " IN (" in x["sql"])
