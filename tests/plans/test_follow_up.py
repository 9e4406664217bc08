"""Doorpakken: a goal that passes its due date unmet, or is marked missed, gives the plan's
coordinator a task from the watchdog sweep (code goal_follow_up, one per goal and moment);
the task closes once a follow-up is on record — P3's own test decides what counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.plans import follow_up, services
from kindzicht.rules.models import Task
from kindzicht.rules.watchdog import sweep

from .conftest import DAY

DUE = DAY + timedelta(days=30)


@pytest.fixture
def plan(world):
    with clock.frozen(DAY):
        return services.plan_make(world.actors["wt"], child=world.child, goals=[
            {"text": "Dagelijks naar school", "owner": world.orgs["school"], "due": DUE}])


def tasks():
    return list(Task.objects.filter(code=follow_up.CODE).order_by("id"))


def run(day):
    with clock.frozen(day):
        return sweep(day)


def test_no_task_on_the_due_date_a_task_the_day_after(world, plan):
    run(DUE)
    assert tasks() == []
    result = run(DUE + timedelta(days=1))
    [task] = tasks()
    goal = plan.goals.get()
    assert task.key == f"goal:{goal.pk}:{DUE + timedelta(days=1)}"
    assert task.organisation == world.orgs["wt"] and task.child == world.child
    assert task.assignee == plan.regisseur
    assert task.raised_on == DUE + timedelta(days=1)
    assert task.due_on == DUE + timedelta(days=15)
    assert "Dagelijks naar school" in task.text and task.status == "open"
    # the sweep knew the day to come back (a replay skips to next_due)
    with clock.frozen(DAY):
        assert sweep(DAY).next_due <= DUE + timedelta(days=1)
    assert result is not None


def test_the_sweep_is_idempotent(world, plan):
    run(DUE + timedelta(days=1))
    run(DUE + timedelta(days=1))
    run(DUE + timedelta(days=5))
    assert len(tasks()) == 1


def test_a_missed_goal_gives_a_task_that_day(world, plan):
    goal = plan.goals.get()
    day = DAY + timedelta(days=10)
    with clock.frozen(day):
        services.goal_update(world.actors["wt"], goal=goal, status="missed")
    run(day)
    [task] = tasks()
    assert task.key == f"goal:{goal.pk}:{day}" and "niet behaald" in task.text


def test_a_new_date_closes_the_task_at_once(world, plan):
    run(DUE + timedelta(days=1))
    day = DUE + timedelta(days=3)
    with clock.frozen(day):
        services.goal_update(world.actors["wt"], goal=plan.goals.get(), status="postponed",
                             due=day + timedelta(days=30))
    [task] = tasks()
    assert task.status == "done" and task.answered_on == day
    assert task.answer.startswith("Nieuwe datum")


def test_a_new_goal_closes_the_task_at_once(world, plan):
    run(DUE + timedelta(days=1))
    day = DUE + timedelta(days=2)
    with clock.frozen(day):
        services.goal_add(world.actors["wt"], plan=plan, text="School en moeder maken een "
                          "rooster", owner=world.orgs["school"], due=day + timedelta(days=14))
    assert tasks()[0].status == "done"


def test_a_request_to_the_raad_closes_it_at_the_next_sweep(world, plan):
    run(DUE + timedelta(days=1))
    day = DUE + timedelta(days=4)
    with clock.frozen(day):
        continuity.request_make(world.actors["wt"], child=world.child, kind="investigation",
                                reasons="Doelen worden niet gehaald.")
    assert tasks()[0].status == "open"
    run(day)
    assert tasks()[0].status == "done"


def test_a_handover_counts_once_its_start_is_confirmed(world, plan):
    run(DUE + timedelta(days=1))
    day = DUE + timedelta(days=2)
    with clock.frozen(day):
        h = continuity.handover_offer(world.actors["wt"], child=world.child,
                                      receiver=world.orgs["jh"])
        continuity.handover_accept(world.actors["jh"], handover=h)
    run(day)
    assert tasks()[0].status == "open"  # offered and accepted is not yet a follow-up
    with clock.frozen(day + timedelta(days=1)):
        continuity.handover_confirm_start(world.actors["jh"], handover=h)
    run(day + timedelta(days=1))
    assert tasks()[0].status == "done"


def test_a_goal_met_on_time_or_postponed_before_the_date_gives_no_task(world, plan):
    goal = plan.goals.get()
    with clock.frozen(DAY + timedelta(days=20)):
        services.goal_update(world.actors["school"], goal=goal, status="postponed",
                             due=DUE + timedelta(days=20))
    run(DUE + timedelta(days=1))
    assert tasks() == []
    with clock.frozen(DUE + timedelta(days=20)):
        services.goal_update(world.actors["school"], goal=goal, status="met")
    run(DUE + timedelta(days=30))
    assert tasks() == []


def test_a_postponed_goal_that_drifts_again_raises_a_new_task(world, plan):
    goal = plan.goals.get()
    run(DUE + timedelta(days=1))
    new_due = DUE + timedelta(days=20)
    with clock.frozen(DUE + timedelta(days=2)):
        services.goal_update(world.actors["wt"], goal=goal, status="postponed", due=new_due)
    run(new_due + timedelta(days=1))
    first, second = tasks()
    assert first.status == "done" and second.status == "open"
    assert second.key == f"goal:{goal.pk}:{new_due + timedelta(days=1)}"


def test_the_regisseur_gets_the_task(world, plan):
    from factories import ProfessionalFactory

    colleague = ProfessionalFactory(organisation=world.orgs["wt"], role="professional")
    with clock.frozen(DAY):
        services.plan_regisseur_set(world.actors["wt"], plan=plan, professional=colleague)
    run(DUE + timedelta(days=1))
    assert tasks()[0].assignee == colleague
