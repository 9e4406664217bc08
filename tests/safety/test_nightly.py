"""The nightly sweep re-evaluates only the children whose rule state can have changed since
the last covering sweep (``rules.nightly``). It must write exactly what a full sweep writes:
every shared scenario is replayed day by day twice — with a full sweep every night, then
with nightly sweeps — and the task rows, day by day, must be the same."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.models import DomainEvent
from kindzicht.people.models import Person
from kindzicht.rules import nightly, watchdog
from kindzicht.rules.models import SweepRun, Task, Wake

pytestmark = pytest.mark.django_db

SHARED = (Path(__file__).resolve().parents[2] / "../shared/scenarios").resolve()
FILES = sorted(SHARED.glob("*.yaml")) if SHARED.is_dir() else []


def _rows() -> list[tuple]:
    return sorted(Task.objects.values_list(
        "kind", "code", "key", "organisation_id", "municipality_code", "child_id", "text",
        "facts", "raised_on", "due_on", "level", "assignee_id", "status", "answered_on",
        "answer"), key=repr)


def _sequences() -> list[tuple[str, int | None]]:
    """PostgreSQL's sequences where they stand: they do not roll back, so each replay is
    started from the same ones and gives every row the same id (SQLite's roll back)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute("SELECT format('%I.%I', schemaname, sequencename), last_value "
                    "FROM pg_sequences")
        return cur.fetchall()


def _restore(sequences: list[tuple[str, int | None]]) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for name, value in sequences:
            cur.execute("SELECT setval(%s::regclass, %s, %s)",
                        [name, value or 1, value is not None])


class _Undo(Exception):
    pass


def _replay(path: Path, monkeypatch, *, full: bool):
    """Replay ``path`` with the watchdog sweeping everyone every day (``full``) or as the
    nightly sweep; undone afterwards. Returns the task rows after each day, the final rows,
    and the sweeps' modes and sizes."""
    from kindzicht.learning.replay.loader import load
    from kindzicht.learning.replay.runner import run

    original = watchdog.sweep

    def every_night(as_of=None, *, children=None, full_=full):
        return original(as_of, full=full_)

    monkeypatch.setattr(watchdog, "sweep", every_night)
    days: list[tuple[date, int, int]] = []

    def after(day, ctx):
        days.append((day, Task.objects.count(), Task.objects.filter(status="open").count()))

    sequences = _sequences()
    try:
        with transaction.atomic():
            run(load(path), on_day=after)
            rows = _rows()
            runs = list(SweepRun.objects.order_by("pk").values_list("mode", "as_of"))
            sizes = [e["children"] for e in DomainEvent.objects.filter(
                type="sweep_ran").order_by("pk").values_list("payload", flat=True)]
            people = Person.objects.count()
            raise _Undo
    except _Undo:
        pass
    _restore(sequences)
    monkeypatch.setattr(watchdog, "sweep", original)
    return days, rows, runs, sizes, people


@pytest.mark.skipif(not FILES, reason=f"no shared scenarios at {SHARED}")
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_nightly_sweeps_write_what_full_sweeps_write(path, monkeypatch):
    full_days, full_rows, full_runs, *_ = _replay(path, monkeypatch, full=True)
    nightly_days, nightly_rows, nightly_runs, sizes, people = _replay(path, monkeypatch,
                                                                       full=False)
    assert {mode for mode, _day in full_runs} == {"full"}
    # the first night has no earlier sweep to build on; the others are nightly ones
    assert nightly_runs[0][0] == "full"
    assert {mode for mode, _day in nightly_runs[1:]} == {"nightly"}
    # … and most of them sweep only some of the scenario's people: not a full sweep renamed
    assert sorted(sizes[1:])[len(sizes[1:]) // 2] < people
    assert full_rows, "the scenario raises something"
    assert nightly_days == full_days
    assert nightly_rows == full_rows


DAY = date(2026, 3, 2)


@pytest.fixture
def world():
    """Two children, swept once in full on ``DAY``."""
    from factories import child

    with clock.frozen(DAY):
        people = {"child": child(), "other": child()}
        watchdog.sweep(DAY, full=True)
    return people


def test_a_quiet_night_sweeps_nobody_and_a_change_sweeps_its_family(world):
    with clock.frozen(DAY + timedelta(days=1)):
        quiet = watchdog.sweep(DAY + timedelta(days=1))
    assert (quiet.plan.mode, quiet.plan.children) == ("nightly", 0)
    with clock.frozen(DAY + timedelta(days=1)):
        record(Actor.system("test"), "life_event_recorded", subjects=[world["other"].pk])
    with clock.frozen(DAY + timedelta(days=2)):
        tonight = nightly.plan(DAY + timedelta(days=2))
    assert tonight.scope == {world["other"].pk}
    assert tonight.counts["changed"] == 1


def test_a_stored_wake_day_brings_its_child_back_without_any_change(world):
    Wake.objects.create(child=world["child"], on=DAY + timedelta(days=5))
    assert nightly.plan(DAY + timedelta(days=4)).scope == set()
    assert nightly.plan(DAY + timedelta(days=5)).scope == {world["child"].pk}


@pytest.mark.parametrize("why, change", [
    ("zonder persoon", lambda: record(Actor.system("t"), "policyvalue_changed_by_admin")),
    ("samengevoegd", lambda: record(Actor.system("t"), "persons_merged", subjects=[1])),
])
def test_what_cannot_be_traced_to_children_makes_the_night_a_full_sweep(world, why, change):
    with clock.frozen(DAY + timedelta(days=1)):
        change()
    plan = nightly.plan(DAY + timedelta(days=1))
    assert plan.scope is None and why in plan.reason


def test_an_event_of_no_consequence_for_rules_keeps_the_night_small(world):
    with clock.frozen(DAY + timedelta(days=1)):
        record(Actor.system("t"), "professional_created")
    assert nightly.plan(DAY + timedelta(days=1)).scope == set()


def test_another_rule_catalogue_makes_the_night_a_full_sweep(world):
    SweepRun.objects.update(rules_version="older")
    plan = nightly.plan(DAY + timedelta(days=1))
    assert plan.scope is None and "regelcatalogus" in plan.reason


def test_a_night_after_changes_to_very_many_persons_is_a_full_sweep(world, monkeypatch):
    monkeypatch.setattr(nightly, "FULL_ABOVE", 1)
    with clock.frozen(DAY + timedelta(days=1)):
        record(Actor.system("t"), "life_event_recorded", subjects=[world["child"].pk])
    assert nightly.plan(DAY + timedelta(days=1)).scope == {world["child"].pk}
    with clock.frozen(DAY + timedelta(days=1)):
        record(Actor.system("t"), "life_event_recorded", subjects=[world["other"].pk])
    plan = nightly.plan(DAY + timedelta(days=1))
    assert plan.scope is None and "2 personen gewijzigd" in plan.reason
