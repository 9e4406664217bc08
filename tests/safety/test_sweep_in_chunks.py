"""The watchdog streams its work in chunks (issue 3): a cold sweep of a national population
raises millions of tasks, which held at once did not fit in memory (the first 1,000,000-child
bench run was killed by the kernel at 23 GB). Where the chunks fall must not change what a
sweep raises, escalates or resolves — so these sweeps run with chunks of two and of the
default size and must write the same rows."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import transaction

from kindzicht.core import clock
from kindzicht.rules import watchdog
from kindzicht.rules.models import Task

from .test_rule_query_counts import AS_OF, _families, orgs  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

LATER = AS_OF + timedelta(days=watchdog.ESCALATE_MUNICIPALITY_DAYS + 1)


def _rows() -> list[tuple]:
    """Every task, its key's task id (``task:<id>``: a follow-up task's alert) as the task's
    position: PostgreSQL's sequences do not roll back, so ids differ between the runs."""
    position = {pk: n for n, pk in enumerate(Task.objects.order_by("pk").values_list(
        "pk", flat=True))}

    def key(k: str) -> str:
        return re.sub(r"task:(\d+)", lambda m: f"task:#{position[int(m[1])]}", k)

    return sorted(((kind, code, key(k), *rest) for kind, code, k, *rest in Task.objects.values_list(
        "kind", "code", "key", "organisation_id", "municipality_code", "child_id", "text",
        "raised_on", "due_on", "level", "assignee_id", "status", "answered_on", "answer")),
        key=repr)


class _Undo(Exception):
    pass


def _sweeps() -> tuple[list[tuple], list[int], list]:
    """A cold sweep, then one a week later (the alerts escalate to the coordinators and the
    municipality), undone afterwards; the rows written, the counts and the next days due."""
    counts, due = [], []
    try:
        with transaction.atomic():
            for day in (AS_OF, LATER):
                with clock.frozen(day):
                    made = watchdog.sweep(day)
                counts.append(len(made))
                due.append(made.next_due)
            rows = _rows()
            raise _Undo
    except _Undo:
        pass
    return rows, counts, due


def test_chunk_boundaries_change_nothing_a_sweep_writes(orgs, monkeypatch):  # noqa: F811
    _families(3, orgs)
    monkeypatch.setattr(watchdog, "CHUNK", 2)
    small = _sweeps()
    monkeypatch.undo()
    default = _sweeps()

    assert small == default
    rows, counts, _due = small
    # the case covers raising and escalating at both levels across many chunks
    assert counts[0] > 10 * 2 and counts[1] > 2
    assert {r[9] for r in rows} >= {0, 1, 2}


def test_the_result_counts_by_rule_and_reads_its_tasks_back(orgs):  # noqa: F811
    _families(2, orgs)
    with clock.frozen(AS_OF):
        made = watchdog.sweep(AS_OF)
    stored = list(Task.objects.filter(pk__in=list(made.ids)))
    assert len(made) == len(stored) > 0
    assert [t.pk for t in made] == list(made.ids)
    assert sum(made.by_code.values()) == len(made)
    assert made.by_code == {code: sum(1 for t in stored if t.code == code)
                            for code in {t.code for t in stored}}
