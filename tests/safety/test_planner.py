"""rules/planner.py: the ``__any`` lookup the rules filter their scope with, and the planner
settings of an incremental sweep. Rows and settings, not timings."""

from __future__ import annotations

import pytest
from django.db import connection

from kindzicht.core import clock
from kindzicht.people.models import Person
from kindzicht.rules import planner, watchdog
from kindzicht.rules.models import Task

from .test_rule_query_counts import AS_OF, _families, orgs  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _people(n: int) -> list[int]:
    return [Person.objects.create(birth_date="2015-01-01", given_name=f"p{i}").pk
            for i in range(n)]


def test_any_finds_the_rows_in_finds():
    ids = _people(5)
    wanted = {ids[0], ids[3], None, -1}   # None and an unknown id match nothing
    assert set(Person.objects.filter(pk__any=wanted).values_list("pk", flat=True)) == {
        ids[0], ids[3]}
    assert set(Person.objects.exclude(pk__any=wanted).values_list("pk", flat=True)) == {
        ids[1], ids[2], ids[4]}
    assert not Person.objects.filter(pk__any=set()).exists()
    assert not Person.objects.filter(pk__any=[None]).exists()
    # a subquery is an ordinary IN
    sub = Person.objects.filter(pk__in=ids[:2]).values("pk")
    assert set(Person.objects.filter(pk__any=sub).values_list("pk", flat=True)) == set(ids[:2])


def test_any_on_a_foreign_key_and_on_text(orgs):  # noqa: F811
    _families(1, orgs)
    task = Task.objects.create(kind="alert", code="K1", key="concern:7", text="t",
                               organisation_id=orgs[0].pk, raised_on=AS_OF,
                               child_id=_people(1)[0])
    assert list(Task.objects.filter(child_id__any={task.child_id, 0})) == [task]
    assert list(Task.objects.filter(organisation__any=[orgs[0].pk], key__any=["concern:7"])
                ) == [task]
    assert not Task.objects.filter(key__any=["concern:70"]).exists()


def _settings() -> tuple:
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('random_page_cost'), "
                    "current_setting('max_parallel_workers_per_gather')")
        return cur.fetchone()


@pytest.mark.postgres  # planner settings: on SQLite the wrapper runs it on PostgreSQL
def test_an_incremental_sweep_plans_with_its_own_settings_and_puts_them_back(orgs):  # noqa: F811
    """Inside an incremental sweep the planner prefers index lookups; the caller's transaction
    (here the test's) continues with its own settings afterwards, and so does a full sweep."""
    _families(1, orgs)
    before = _settings()
    seen = []
    close_adults = watchdog.close_adults

    def spy(day, children=None):
        seen.append(_settings())
        return close_adults(day, children)

    watchdog.close_adults = spy
    try:
        with clock.frozen(AS_OF):
            watchdog.sweep(AS_OF, children=list(Person.objects.values_list("pk", flat=True)))
            watchdog.sweep(AS_OF)
    finally:
        watchdog.close_adults = close_adults
    assert seen[0] == tuple(planner.FEW_ROWS.values()) != before
    assert seen[1] == before
    assert _settings() == before


@pytest.mark.postgres  # planner statistics: as above
def test_a_sweep_that_raised_many_tasks_takes_the_task_tables_statistics_again(
        orgs, monkeypatch):  # noqa: F811
    """After raising ``ANALYZE_AFTER`` tasks or more the sweep analyses the task table inside
    its transaction, so the escalation that reads them back is planned for their number."""
    _families(2, orgs)
    monkeypatch.setattr(planner, "ANALYZE_AFTER", 5)
    with clock.frozen(AS_OF):
        made = watchdog.sweep(AS_OF)
    assert len(made) >= 5
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = 'rules_task'")
        counted = cur.fetchone()[0]
    # the tasks raised by then, its own transaction's new rows (escalations and the sweep's
    # own tasks come after); never analysed, the table would say -1
    assert 5 <= counted <= Task.objects.count()
