"""Family plans (1 gezin, 1 plan, 1 regisseur), goal progress, parents' cooperation on record,
and sharing with a recorded legal basis."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.models import Household, Organisation, Person

from .models import Cooperation, FamilyPlan, Goal, GoalStatus, GoalUpdate, Share, ShareBasis


def _stamp() -> dict:
    now = clock.now()
    return {"at": now, "on": clock.local_date(now)}


def _org(actor: Actor) -> Organisation:
    if actor.organisation is None:
        raise Forbidden("Only a professional of an organisation can do this.")
    return actor.organisation


def plan_make(actor: Actor, *, goals: list[dict], child: Person | None = None,
              household: Household | None = None, agreements: str = "") -> FamilyPlan:
    """Create (or replace) the plan of a child or a whole household; the acting organisation
    becomes its coordinator. Goals need an owner organisation and a due date."""
    org = _org(actor)
    if (child is None) == (household is None):
        raise ValidationError("A plan is for one child or for one household.", field="child")
    today = clock.today()
    clean = []
    for i, g in enumerate(goals):
        if not (g.get("text") or "").strip():
            raise ValidationError("A goal needs a text.", field=f"goals[{i}].text")
        if not isinstance(g.get("owner"), Organisation):
            raise ValidationError("A goal needs an owner organisation.", field=f"goals[{i}].owner")
        due = g.get("due")
        if not isinstance(due, date):
            raise ValidationError("A goal needs a due date.", field=f"goals[{i}].due")
        if due < today:
            raise ValidationError("A goal's due date lies before the plan.",
                                  field=f"goals[{i}].due")
        clean.append(g)
    with transaction.atomic():
        old = FamilyPlan.objects.filter(child=child, household=household, replaced_on__isnull=True)
        old.update(replaced_on=today)
        plan = FamilyPlan.objects.create(child=child, household=household, coordinator=org,
                                         agreements=agreements, **_stamp())
        made = [Goal(plan=plan, text=g["text"].strip(), owner=g["owner"], due=g["due"],
                     original_due=g["due"],
                     **_stamp()) for g in clean]
        Goal.objects.bulk_create(made)
        subjects = [child.pk] if child else list(household.memberships.filter(
            left_on__isnull=True).values_list("person_id", flat=True))
        plan.event = record(actor, "plan_made", subjects=subjects, obj=plan,
                            payload={"goals": len(made), "household": household.pk if household
                                     else None})
        plan.save(update_fields=["event"])
        Goal.objects.filter(plan=plan).update(event=plan.event)
    return plan


def goal_update(actor: Actor, *, goal: Goal, status: str, due: date | None = None) -> Goal:
    _org(actor)
    if status not in (GoalStatus.MET, GoalStatus.MISSED, GoalStatus.POSTPONED):
        raise ValidationError("Status is met, missed or postponed.", field="status")
    if status == GoalStatus.POSTPONED and due is None:
        raise ValidationError("A postponement needs the new due date.", field="due")
    if due is not None and due < clock.today():
        raise ValidationError("The new due date lies in the past.", field="due")
    with transaction.atomic():
        stamp = _stamp()
        upd = GoalUpdate.objects.create(goal=goal, status=status, new_due=due, **stamp)
        goal.status = status
        goal.status_on = stamp["on"]
        if due is not None:
            goal.due = due
        goal.save(update_fields=["status", "status_on", "due"])
        plan = goal.plan
        subjects = [plan.child_id] if plan.child_id else []
        upd.event = record(actor, "goal_updated", subjects=subjects, obj=goal,
                           payload={"status": status, "due": due.isoformat() if due else None})
        upd.save(update_fields=["event"])
    return goal


def cooperation_record(actor: Actor, *, child: Person, kind: str, help: str = "") -> Cooperation:
    """A parent refuses or postpones offered help, or an appointment is missed — recorded with
    who recorded it; a prompt for professionals, never a label on the parent."""
    org = _org(actor)
    if kind not in dict(Cooperation.KINDS):
        raise ValidationError(f"Unknown kind {kind!r}.", field="kind")
    with transaction.atomic():
        c = Cooperation.objects.create(child=child, organisation=org, kind=kind, help=help,
                                       **_stamp())
        c.event = record(actor, kind, subjects=[child.pk], obj=c)
        c.save(update_fields=["event"])
    return c


def share_make(actor: Actor, *, person: Person, to: Organisation, topic: str,
               basis: str) -> Share:
    """Share a topic about a person with another organisation on a recorded legal basis."""
    from kindzicht.continuity.involvement import is_involved

    org = _org(actor)
    if basis not in ShareBasis.values:
        raise ValidationError("Sharing needs a legal basis: consent, legal_duty or meldrecht.",
                              field="basis")
    if not (topic or "").strip():
        raise ValidationError("Say what is shared.", field="topic")
    if to.pk == org.pk:
        raise ValidationError("Share with another organisation.", field="to")
    if not is_involved(org.pk, person.pk):
        raise Refused(f"{org.name} is not involved with {person.name} and cannot share about "
                      f"them.", field="person")
    with transaction.atomic():
        s = Share.objects.create(person=person, from_organisation=org, to_organisation=to,
                                 topic=topic.strip(), basis=basis, **_stamp())
        s.event = record(actor, "shared", subjects=[person.pk], obj=s,
                         payload={"to": to.pk, "basis": basis})
        s.save(update_fields=["event"])
        notify(to, "shared", f"Informatie gedeeld door {org.name}",
               f"Onderwerp: {topic} (grondslag: {s.get_basis_display()})", person_id=person.pk)
    return s
