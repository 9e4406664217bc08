"""Tasks inside an organisation: created once per occurrence, assigned to the professional
working with the child (else the organisation's coordinators), answered on record."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.models import Organisation, Person, Professional

from .models import Task, TaskStatus


def default_assignee(organisation: Organisation | None, child_id: int | None) -> Professional | None:
    if organisation is None:
        return None
    if child_id is not None:
        from kindzicht.continuity.models import Involvement

        inv = Involvement.objects.filter(organisation=organisation, person_id=child_id,
                                         ended_at__isnull=True, professional__isnull=False).first()
        if inv is not None and inv.professional and inv.professional.is_active:
            return inv.professional
    return organisation.professionals.filter(role="coordinator", is_active=True).order_by(
        "pk").first()


def task_create(*, organisation: Organisation | None, code: str, key: str,
                child: Person | None = None, text: str, kind: str = "task",
                due_in_days: int | None = None, facts: list | None = None,
                evidence: list | None = None, municipality_code: str = "",
                level: int = 0, raised_on=None) -> Task | None:
    """Create a task once per (kind, code, key, recipient); a repeat is ignored (idempotent)."""
    day = raised_on or clock.today()
    try:
        with transaction.atomic():
            return Task.objects.create(
                kind=kind, code=code, key=key, organisation=organisation,
                municipality_code=municipality_code, child=child,
                assignee=default_assignee(organisation, child.pk if child else None),
                raised_on=day, due_on=day + timedelta(days=due_in_days) if due_in_days else None,
                text=text, facts=facts or [], evidence=evidence or [], level=level)
    except IntegrityError:
        return None


def task_answer(actor: Actor, *, task: Task, status: str, answer: str = "") -> Task:
    """Answer a task: done, or not applicable with a reason — kept beside the finding."""
    if not _may_answer(actor, task):
        raise Forbidden(_("Deze taak is van een andere organisatie."), field="task")
    if status not in (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE):
        raise ValidationError(_("Antwoord met done (afgehandeld) of not_applicable (niet van "
                                "toepassing)."), field="status")
    if status == TaskStatus.NOT_APPLICABLE and not answer.strip():
        raise ValidationError(_("Zeg waarom dit niet van toepassing is."), field="answer")
    if task.status != TaskStatus.OPEN:
        raise Refused(_("Deze taak is al beantwoord."), field="task")
    with transaction.atomic():
        task.status = status
        task.answer = answer.strip()
        task.answered_on = clock.today()
        task.save(update_fields=["status", "answer", "answered_on"])
        record(actor, "task_answered", subjects=[task.child_id] if task.child_id else [],
               obj=task, payload={"status": status, "code": task.code})
    return task


def _may_answer(actor: Actor, task: Task) -> bool:
    """The organisation a task is addressed to answers it; a task addressed to a
    municipality is answered by that municipality's own organisation."""
    org = actor.organisation
    if org is None:
        return False
    if task.organisation_id is not None:
        return task.organisation_id == org.pk
    return org.sector == "municipality" and org.municipality_code == task.municipality_code


def task_reassign(actor: Actor, *, task: Task, to: Professional) -> Task:
    """Cover during absence, or a leaver's cases."""
    if actor.organisation is None or task.organisation_id != actor.organisation.pk or \
            to.organisation_id != task.organisation_id:
        raise Forbidden(_("Een taak gaat alleen naar een collega van dezelfde organisatie."),
                        field="assignee")
    with transaction.atomic():
        task.assignee = to
        task.save(update_fields=["assignee"])
        record(actor, "task_reassigned", obj=task, payload={"to": to.pk})
    return task
