"""Re-assessment tasks (issue 6): a life event in the family of a child at open risk gives the
holder of safety responsibility a task, due per the region's R1 policy; an assessment of the
child closes it."""

from __future__ import annotations

from datetime import timedelta

from factories import involve

from kindzicht.core import clock
from kindzicht.core.models import PolicyValue
from kindzicht.people import services as people
from kindzicht.people.models import Municipality
from kindzicht.rules.models import Task, TaskStatus
from kindzicht.safety.life_events import life_event_record_on
from kindzicht.safety.reassessment import TASK_CODE
from kindzicht.safety.services import life_event_record

from .conftest import DAY, SYSTEM


def tasks(child):
    return list(Task.objects.filter(code=TASK_CODE, child=child).order_by("id"))


def test_a_new_partner_gives_the_holder_a_task_due_in_14_days(world):
    world.assess("wt")
    people.household_join(SYSTEM, household=world.home, person=world.partner)
    [task] = tasks(world.child)
    assert task.organisation == world.orgs["wt"]
    assert (task.kind, task.status, task.raised_on, task.due_on) == (
        "task", TaskStatus.OPEN, DAY, DAY + timedelta(days=14))
    assert task.text.startswith("Herbeoordeling")
    assert "nieuwe partner" in task.text


def test_no_task_without_open_risk(world):
    people.household_join(SYSTEM, household=world.home, person=world.partner)
    assert tasks(world.child) == []


def test_an_event_outside_the_r1_list_gives_no_task(world):
    world.assess("wt")
    life_event_record(world.actors["wt"], kind="school_change", person=world.child)
    assert tasks(world.child) == []


def test_the_task_goes_to_the_holder_after_a_takeover(world):
    from kindzicht.continuity.services import responsibility_take

    world.assess("wt")
    responsibility_take(world.actors["jgz"], child=world.child, basis="coordination")
    involve(world.actors["ggz"], world.mother, service="behandeling")  # GGZ treats her
    life_event_record(world.actors["ggz"], kind="mental_health_admission", person=world.mother)
    [task] = tasks(world.child)
    assert task.organisation == world.orgs["jgz"]


def test_the_due_date_follows_the_regions_r1_policy(world):
    region = Municipality.objects.get(code="0344").region
    PolicyValue.objects.create(region=region, key="R1.days", value=7)
    world.assess("wt")
    life_event_record(world.actors["wt"], kind="job_loss", person=world.mother)
    [task] = tasks(world.child)
    assert task.due_on == DAY + timedelta(days=7)


def test_the_same_event_twice_is_one_task(world):
    world.assess("wt")
    life_event_record(world.actors["wt"], kind="job_loss", person=world.mother)
    life_event_record(world.actors["wt"], kind="job_loss", person=world.mother)
    assert len(tasks(world.child)) == 1


def test_an_assessment_closes_the_task(world):
    world.assess("wt")
    people.household_join(SYSTEM, household=world.home, person=world.partner)
    with clock.frozen(DAY + timedelta(days=5)):
        world.assess("wt", safety="conditionally_safe", risk="moderate",
                     agreements="Moeder belt bij spanningen.")
    [task] = tasks(world.child)
    assert (task.status, task.answered_on) == (TaskStatus.DONE, DAY + timedelta(days=5))
    assert task.answer == f"herbeoordeeld op {DAY + timedelta(days=5):%d-%m-%Y}"


def test_an_assessment_by_another_organisation_closes_it_too(world):
    world.assess("wt")
    life_event_record(world.actors["wt"], kind="eviction", household=world.home)
    world.assess("jgz", safety="unsafe", risk="moderate")
    assert [t.status for t in tasks(world.child)] == [TaskStatus.DONE]


def test_a_move_gives_a_task_and_the_record_keeps_both_municipalities(world):
    world.assess("wt")
    with clock.frozen(DAY + timedelta(days=30)):
        people.household_move(SYSTEM, household=world.home, municipality_code="0363",
                              postcode="1012AB")
    [task] = tasks(world.child)
    assert task.raised_on == DAY + timedelta(days=30)


def test_a_life_event_in_the_past_is_dated_that_day(world):
    world.assess("wt")
    with clock.frozen(DAY + timedelta(days=10)):
        ev = life_event_record_on(world.actors["wt"], kind="separation", person=world.mother,
                                  on=DAY + timedelta(days=3))
    assert ev.on == DAY + timedelta(days=3)
    [task] = tasks(world.child)
    assert (task.raised_on, task.due_on) == (DAY + timedelta(days=3), DAY + timedelta(days=17))


def test_an_adult_household_without_children_gives_no_task(world):
    other = people.household_create(SYSTEM, members=[world.partner], municipality_code="0344",
                                    postcode="3512AB")
    world.assess("wt")
    involve(world.actors["wt"], world.partner)  # the wijkteam works with him too
    life_event_record(world.actors["wt"], kind="eviction", household=other)
    assert tasks(world.child) == []


def test_the_task_text_is_dutch_whatever_the_active_language(world):
    from django.utils import translation

    world.assess("wt")
    with translation.override("en"):
        life_event_record(world.actors["wt"], kind="job_loss", person=world.mother)
    [task] = tasks(world.child)
    assert "baanverlies" in task.text
