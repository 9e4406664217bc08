"""Reads of tasks and alerts, for every interface (web pages, API): an organisation's tasks,
and one task to answer.

A task is read by the organisation it is addressed to; a task addressed to a municipality (no
organisation, a CBS code) by that municipality's own organisation — the same rule as who may
answer it (``kindzicht.rules.tasks._may_answer``). Every role of the organisation sees its
tasks: a municipality's policy officers answer escalations. Each read is audited once, naming
the children the tasks are about.
"""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from kindzicht.core.actions import Actor, audit_read
from kindzicht.people.models import Organisation

from .models import Task, TaskStatus


def addressed_to(org: Organisation) -> Q:
    """The tasks addressed to ``org``: its own, and for a municipality organisation those
    addressed to its CBS code."""
    where = Q(organisation=org)
    if org.sector == "municipality" and org.municipality_code:
        where |= Q(organisation__isnull=True, municipality_code=org.municipality_code)
    return where


def _tasks(actor: Actor) -> QuerySet[Task]:
    if actor.organisation is None:
        return Task.objects.none()
    return Task.objects.filter(addressed_to(actor.organisation)).select_related(
        "child", "assignee", "organisation")


def tasks_of(actor: Actor, *, status: str = "", mine: bool = False,
             limit: int | None = None) -> list[Task]:
    """My organisation's tasks and alerts (for a municipality also those addressed to it):
    open ones first, then by due date (those without one last), newest first."""
    qs = _tasks(actor)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=actor.professional)
    qs = qs.order_by(Case(When(status=TaskStatus.OPEN, then=Value(0)), default=Value(1),
                          output_field=IntegerField()),
                     F("due_on").asc(nulls_last=True), "-raised_on", "id")
    found = list(qs[:limit] if limit else qs)
    audit_read(actor, "tasks_listed", person_ids={t.child_id for t in found if t.child_id})
    return found


def task_get(actor: Actor, task_id: int, *, audit: bool = True) -> Task | None:
    """One task addressed to my organisation (None otherwise)."""
    task = _tasks(actor).filter(pk=task_id).first()
    if task is not None and audit:
        audit_read(actor, "task_viewed", person_ids=[task.child_id] if task.child_id else [],
                   obj=task)
    return task
