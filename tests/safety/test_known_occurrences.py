"""The known occurrences (``rules.known``): every evaluation of a child keeps the occurrences
it found unresolved, and a nightly sweep raises from those for the children that only time
brought back, without evaluating the rules for them. (That this writes what a full sweep
writes is proven on every shared scenario by ``test_nightly.py``.)"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.people.models import Organisation
from kindzicht.rules import engine, nightly, watchdog
from kindzicht.rules.models import KnownOccurrence, Task, Wake

pytestmark = pytest.mark.django_db

SHARED = (Path(__file__).resolve().parents[2] / "../shared/scenarios").resolve()
DAY = date(2026, 3, 2)


def _known() -> list[tuple]:
    return sorted(KnownOccurrence.objects.values_list(
        "child_id", "code", "key", "at", "resolved_on", "text", "recipients", "evidence",
        "facts", "municipality_code"), key=repr)


@pytest.mark.skipif(not (SHARED / "each-assumes-the-other.yaml").exists(),
                    reason="no shared scenarios")
def test_a_full_sweep_keeps_exactly_the_unresolved_occurrences_it_evaluated():
    from kindzicht.learning.replay.loader import load
    from kindzicht.learning.replay.runner import run

    scenario = load(SHARED / "each-assumes-the-other.yaml")
    run(scenario)
    day = scenario.end
    with clock.frozen(day):
        watchdog.sweep(day, full=True)
        found = [o for o in engine.evaluate(engine.Context(as_of=day))
                 if o.resolved_on is None or o.resolved_on > day]
    assert found, "the scenario leaves occurrences open"
    assert _known() == sorted(((o.child_id, o.code, o.key, o.at, o.resolved_on, o.text,
                                o.recipients, o.evidence, o.facts, o.municipality_code)
                               for o in found), key=repr)


@pytest.fixture
def world():
    """A child and an organisation, swept once in full on ``DAY`` (nothing is due)."""
    from factories import OrganisationFactory, child

    with clock.frozen(DAY):
        people = {"child": child(), "org": OrganisationFactory()}
        watchdog.sweep(DAY, full=True)
    return people


def _keep(child, org: Organisation, at: date) -> None:
    """A known occurrence that no rule would find for this child: whatever the sweep raises
    from it came from the store, not from an evaluation."""
    KnownOccurrence.objects.create(child=child, code="C2", key=f"handover:{child.pk}", at=at,
                                   text="De overdracht is niet bevestigd.",
                                   recipients=[org.pk], evidence=[], facts=["overdracht"])
    Wake.objects.create(child=child, on=at - timedelta(days=watchdog.REMINDER_DAYS))


def test_a_child_woken_by_time_alone_is_raised_from_its_known_occurrences(world, monkeypatch):
    at = DAY + timedelta(days=5)
    _keep(world["child"], world["org"], at)
    evaluated = []
    original = engine.evaluate
    monkeypatch.setattr(watchdog, "evaluate",
                        lambda ctx: evaluated.append(ctx.scope) or original(ctx))
    reminder_day = at - timedelta(days=watchdog.REMINDER_DAYS)
    for day in (reminder_day, at):
        with clock.frozen(day):
            swept = watchdog.sweep(day)
        assert swept.plan.mode == "nightly"
        assert swept.plan.counts["wake"] == 1
    # no rule ran for the child: its tasks came from what its last evaluation kept
    assert evaluated == [set(), set()]
    tasks = Task.objects.filter(child=world["child"]).order_by("pk")
    assert [(t.kind, t.organisation_id, t.raised_on) for t in tasks] == [
        ("reminder", world["org"].pk, reminder_day), ("alert", world["org"].pk, at)]
    assert "De overdracht is niet bevestigd." in tasks[1].text
    # the child's next day is kept again: none after the alert itself
    assert not Wake.objects.filter(child=world["child"]).exists()
    assert KnownOccurrence.objects.filter(child=world["child"]).count() == 1


def test_a_child_whose_facts_changed_is_evaluated_and_its_known_occurrences_replaced(world):
    at = DAY + timedelta(days=5)
    _keep(world["child"], world["org"], at)
    with clock.frozen(DAY + timedelta(days=1)):
        record(Actor.system("test"), "life_event_recorded", subjects=[world["child"].pk])
    day = at - timedelta(days=watchdog.REMINDER_DAYS)
    with clock.frozen(day):
        swept = watchdog.sweep(day)
    assert swept.plan.evaluated == {world["child"].pk}
    # the evaluation found no occurrence: the kept one is gone and nothing is raised
    assert not KnownOccurrence.objects.filter(child=world["child"]).exists()
    assert not Task.objects.filter(child=world["child"]).exists()


def test_the_plan_evaluates_only_the_children_whose_facts_or_day_of_change_came():
    plan = nightly.Plan("nightly", {1, 2, 3, 4, 5, 6}, triggers={
        "changed": {1}, "wake": {2, 1}, "escalation": {3}, "task deadline": {4},
        "goal due": {5}, "18th birthday": {6}})
    assert plan.evaluated == {1, 5, 6}
    assert plan.besides("wake") == {1, 3, 4, 5, 6}
    assert plan.counts == {"changed": 1, "wake": 2, "escalation": 1, "task deadline": 1,
                           "goal due": 1, "18th birthday": 1}
    everyone = nightly.Plan("full", None)
    assert everyone.evaluated is None and everyone.besides("wake") is None
    named = nightly.Plan("children", {7, 8})
    assert named.evaluated == {7, 8} == named.besides("wake")
