"""Re-assessment tasks (herbeoordeling, findings.md 2.4): a life event in the family of a child
at open risk gives the organisation holding safety responsibility a task to assess the child
again, due per the region's policy for R1; recording an assessment of the child closes it.

The task is the organisation's own deadline; rule R1 is the check afterwards (and the alert
when the deadline passes). Both count the same days (policy key ``R1.days``), so the task's
due date is the last day on which an assessment still meets R1.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation

from kindzicht.core import clock
from kindzicht.people.models import Person
from kindzicht.rules.models import Task, TaskStatus

from .models import Assessment, LifeEvent

#: Task.code of a re-assessment task.
TASK_CODE = "reassessment"
POLICY_KEY = "R1.days"
DEFAULT_DAYS = 14


def _r1_events() -> list[str]:
    from kindzicht.rules.reassessment import R1_EVENTS

    return R1_EVENTS


def due_days(child_id: int, day: date) -> int:
    """The region's R1 day count for this child (default 14), read the way rule R1 reads it."""
    from kindzicht.rules.engine import Context

    return Context(as_of=day).policy(POLICY_KEY, DEFAULT_DAYS, child=child_id)


def _people_of(ev: LifeEvent) -> list[int]:
    from kindzicht.people.family import _member_on
    from kindzicht.people.models import HouseholdMembership

    if ev.person_id:
        return [ev.person_id]
    return list(HouseholdMembership.objects.filter(_member_on(ev.on), household_id=ev.household_id)
                .values_list("person_id", flat=True))


def tasks_for_life_event(ev: LifeEvent) -> list[Task]:
    """One task per child at open risk in whose family the event happened, for the holder of
    its safety responsibility. Idempotent (``task_create`` is keyed by event and child)."""
    from kindzicht.continuity.risk import current_period, is_at_open_risk
    from kindzicht.people.family import children_in_family_of
    from kindzicht.rules.tasks import task_create

    from .life_events import life_event_label

    if ev.kind not in _r1_events():
        return []
    made: list[Task] = []
    for child_id in sorted(children_in_family_of(_people_of(ev), ev.on)):
        if not is_at_open_risk(child_id):
            continue
        period = current_period(child_id)
        if period is None or period.organisation is None:
            continue  # nobody holds it: C1 reports that gap, and its alert goes out
        days = due_days(child_id, ev.on)
        with translation.override("nl"):  # stored text is in the source language, Dutch
            label = life_event_label(ev.kind)
        task = task_create(
            organisation=period.organisation, code=TASK_CODE, key=f"life_event:{ev.pk}:{child_id}",
            child=Person(pk=child_id), kind="task", raised_on=ev.on, due_in_days=days,
            text=(f"Herbeoordeling: er is iets veranderd in het gezin ({label}, "
                  f"{ev.on:%d-%m-%Y}). Beoordeel de veiligheid van het kind opnieuw, "
                  f"uiterlijk binnen {days} dagen."),
            facts=[f"{ev.on}: {ev.kind}"], evidence=[ev.event_id] if ev.event_id else [])
        if task is not None:
            made.append(task)
    return made


def close_for_assessment(assessment: Assessment) -> int:
    """An assessment of the child answers every open re-assessment task about the child, and
    the assessing Veilig Thuis's own safety-assessment task after accepting a report."""
    done = {"status": TaskStatus.DONE, "answered_on": clock.today(),
            "answer": f"herbeoordeeld op {assessment.on:%d-%m-%Y}"}
    closed = Task.objects.filter(code=TASK_CODE, child_id=assessment.child_id,
                                 status=TaskStatus.OPEN, raised_on__lte=assessment.on
                                 ).update(**done)
    closed += Task.objects.filter(code="safety_assessment", child_id=assessment.child_id,
                                  organisation_id=assessment.organisation_id,
                                  status=TaskStatus.OPEN, raised_on__lte=assessment.on
                                  ).update(**done)
    return closed


def open_tasks_of(child_id: int) -> list[Task]:
    return list(Task.objects.filter(code=TASK_CODE, child_id=child_id, status=TaskStatus.OPEN)
                .select_related("organisation").order_by("due_on", "id"))
