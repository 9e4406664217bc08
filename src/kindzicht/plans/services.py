"""Family plans (1 gezin, 1 plan, 1 regisseur), goal progress, parents' cooperation on record,
and sharing with a recorded legal basis."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from kindzicht.core import clock
from kindzicht.core.actions import Actor, notify, record
from kindzicht.core.errors import Forbidden, Refused, ValidationError
from kindzicht.people.models import Household, Organisation, Person

from . import follow_up
from .models import (
    Cooperation,
    FamilyPlan,
    Goal,
    GoalStatus,
    GoalUpdate,
    PlanAgreement,
    PlanEvaluation,
    Share,
    ShareBasis,
)



def _org(actor: Actor) -> Organisation:
    if actor.organisation is None:
        raise Forbidden("Only a professional of an organisation can do this.")
    return actor.organisation


def plan_make(actor: Actor, *, goals: list[dict], child: Person | None = None,
              household: Household | None = None, agreements: str = "",
              parent_agreements: list[dict] | None = None,
              evaluations: list[date] | None = None) -> FamilyPlan:
    """Create (or replace) the plan of a child or a whole household; the acting organisation
    becomes its coordinator and the acting professional its regisseur. Goals need an owner
    organisation and a due date; agreements with the parents say what happens if they are not
    kept; evaluation moments lie ahead. Everything is checked before anything is written."""
    org = _org(actor)
    if (child is None) == (household is None):
        raise ValidationError("A plan is for one child or for one household.", field="child")
    today = clock.today()
    parent_agreements = [_clean_agreement(a, f"parent_agreements[{i}]")
                         for i, a in enumerate(parent_agreements or [])]
    evaluations = [_clean_evaluation(d, today, f"evaluations[{i}]")
                   for i, d in enumerate(evaluations or [])]
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
                                         agreements=agreements, regisseur=actor.professional,
                                         **clock.stamp())
        made = [Goal(plan=plan, text=g["text"].strip(), owner=g["owner"], due=g["due"],
                     original_due=g["due"],
                     **clock.stamp()) for g in clean]
        Goal.objects.bulk_create(made)
        PlanAgreement.objects.bulk_create([PlanAgreement(plan=plan, **a, **clock.stamp())
                                           for a in parent_agreements])
        PlanEvaluation.objects.bulk_create([PlanEvaluation(plan=plan, due=d, **clock.stamp())
                                            for d in evaluations])
        subjects = [child.pk] if child else list(household.memberships.filter(
            left_on__isnull=True).values_list("person_id", flat=True))
        plan.event = record(actor, "plan_made", subjects=subjects, obj=plan,
                            payload={"goals": len(made), "household": household.pk if household
                                     else None, "agreements": len(parent_agreements),
                                     "evaluations": len(evaluations)})
        plan.save(update_fields=["event"])
        for model in (Goal, PlanAgreement, PlanEvaluation):
            model.objects.filter(plan=plan).update(event=plan.event)
    return plan


def goal_update(actor: Actor, *, goal: Goal, status: str, due: date | None = None) -> Goal:
    """A goal is met, missed, or postponed to a new date. The plan's coordinator or the goal's
    owner records it; a missed goal must lead to a decision (plans.follow_up)."""
    org = _org(actor)
    if status not in (GoalStatus.MET, GoalStatus.MISSED, GoalStatus.POSTPONED):
        raise ValidationError("Status is met, missed or postponed.", field="status")
    if status == GoalStatus.POSTPONED and due is None:
        raise ValidationError("A postponement needs the new due date.", field="due")
    if due is not None and due < clock.today():
        raise ValidationError("The new due date lies in the past.", field="due")
    if actor.is_live and org.pk not in (goal.plan.coordinator_id, goal.owner_id):
        raise Forbidden(f"Only the plan's coordinator or the goal's owner updates this goal, "
                        f"not {org.name}.", field="goal")
    with transaction.atomic():
        stamp = clock.stamp()
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
        if status != GoalStatus.MISSED:  # a new date (or the goal met) answers the task
            follow_up.close_followed_up(stamp["on"], goals=[goal], answer=(
                f"Nieuwe datum: {due:%d-%m-%Y}." if due else "Doel alsnog behaald."))
    return goal


def cooperation_record(actor: Actor, *, child: Person, kind: str, help: str = "",
                       postponed: bool = False) -> Cooperation:
    """A parent refuses or postpones offered help, or an appointment is missed — recorded with
    who recorded it; a prompt for professionals, never a label on the parent."""
    org = _org(actor)
    if kind not in dict(Cooperation.KINDS):
        raise ValidationError(f"Unknown kind {kind!r}.", field="kind")
    if postponed and kind != "parent_declines":
        raise ValidationError("Only offered help is postponed.", field="postponed")
    with transaction.atomic():
        c = Cooperation.objects.create(child=child, organisation=org, kind=kind, help=help,
                                       postponed=postponed, **clock.stamp())
        c.event = record(actor, kind, subjects=[child.pk], obj=c,
                         payload={"postponed": postponed} if postponed else None)
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
                                 topic=topic.strip(), basis=basis, **clock.stamp())
        s.event = record(actor, "shared", subjects=[person.pk], obj=s,
                         payload={"to": to.pk, "basis": basis})
        s.save(update_fields=["event"])
        notify(to, "shared", f"Informatie gedeeld door {org.name}",
               f"Onderwerp: {topic} (grondslag: {s.get_basis_display()})", person_id=person.pk)
    return s


# --- the plan's agreements, evaluations, goals and regisseur (issue 7) --------------------

def _clean_agreement(a: dict, field: str) -> dict:
    text = (a.get("text") or "").strip()
    consequence = (a.get("consequence") or "").strip()
    if not text:
        raise ValidationError("An agreement needs a text.", field=f"{field}.text")
    if not consequence:
        raise ValidationError("Say what happens if the agreement is not kept.",
                              field=f"{field}.consequence")
    return {"text": text, "consequence": consequence}


def _clean_evaluation(due: object, today: date, field: str) -> date:
    if not isinstance(due, date):
        raise ValidationError("An evaluation moment needs a date.", field=field)
    if due < today:
        raise ValidationError("An evaluation moment lies ahead, not in the past.", field=field)
    return due


def _require_coordinator(actor: Actor, plan: FamilyPlan) -> Organisation:
    """Changes to the plan itself are the coordinator's (1 gezin, 1 plan, 1 regisseur)."""
    org = _org(actor)
    if actor.is_live and org.pk != plan.coordinator_id:
        raise Forbidden(f"Only the plan's coordinator ({plan.coordinator.name}) changes the "
                        f"plan, not {org.name}.", field="plan")
    if plan.replaced_on is not None:
        raise Refused("This plan has been replaced by a newer one.", field="plan")
    return org


def _subjects(plan: FamilyPlan) -> list[int]:
    if plan.child_id:
        return [plan.child_id]
    return list(plan.household.memberships.filter(left_on__isnull=True)
                .values_list("person_id", flat=True))


def goal_add(actor: Actor, *, plan: FamilyPlan, text: str, owner: Organisation | None,
             due: date | None) -> Goal:
    """A new goal in the plan — also the answer to a goal that drifted (a follow-up, P3)."""
    _require_coordinator(actor, plan)
    if not (text or "").strip():
        raise ValidationError("A goal needs a text.", field="text")
    if not isinstance(owner, Organisation):
        raise ValidationError("A goal needs an owner organisation.", field="owner")
    if not isinstance(due, date):
        raise ValidationError("A goal needs a due date.", field="due")
    if due < plan.on:
        raise ValidationError("A goal's due date lies before the plan.", field="due")
    if due < clock.today():
        raise ValidationError("A goal's due date lies in the past.", field="due")
    with transaction.atomic():
        stamp = clock.stamp()
        goal = Goal.objects.create(plan=plan, text=text.strip(), owner=owner, due=due,
                                   original_due=due, **stamp)
        goal.event = record(actor, "goal_added", subjects=_subjects(plan), obj=goal,
                            payload={"plan": plan.pk, "owner": owner.pk, "due": due.isoformat()})
        goal.save(update_fields=["event"])
        follow_up.close_followed_up(stamp["on"], goals=plan.goals.exclude(pk=goal.pk),
                                    answer=f"Nieuw doel: {goal.text}")
    return goal


def agreement_add(actor: Actor, *, plan: FamilyPlan, text: str,
                  consequence: str) -> PlanAgreement:
    """An agreement with the parents, and what happens if it is not kept."""
    _require_coordinator(actor, plan)
    clean = _clean_agreement({"text": text, "consequence": consequence}, "agreement")
    clean = {"text": clean["text"], "consequence": clean["consequence"]}
    with transaction.atomic():
        a = PlanAgreement.objects.create(plan=plan, **clean, **clock.stamp())
        a.event = record(actor, "plan_agreement_added", subjects=_subjects(plan), obj=a,
                         payload={"plan": plan.pk})
        a.save(update_fields=["event"])
    return a


def evaluation_plan(actor: Actor, *, plan: FamilyPlan, due: date | None) -> PlanEvaluation:
    """An evaluation moment: when coordinator, parents and partners look at the plan again."""
    _require_coordinator(actor, plan)
    due = _clean_evaluation(due, clock.today(), "due")
    with transaction.atomic():
        ev = PlanEvaluation.objects.create(plan=plan, due=due, **clock.stamp())
        ev.event = record(actor, "plan_evaluation_planned", subjects=_subjects(plan), obj=ev,
                          payload={"plan": plan.pk, "due": due.isoformat()})
        ev.save(update_fields=["event"])
    return ev


def evaluation_hold(actor: Actor, *, evaluation: PlanEvaluation, note: str) -> PlanEvaluation:
    """The evaluation took place (today): what was concluded."""
    _require_coordinator(actor, evaluation.plan)
    if evaluation.held_on is not None:
        raise Refused("This evaluation has already been held.", field="evaluation")
    if not (note or "").strip():
        raise ValidationError("Write down what the evaluation concluded.", field="note")
    with transaction.atomic():
        evaluation.held_on = clock.today()
        evaluation.note = note.strip()
        event = record(actor, "plan_evaluation_held", subjects=_subjects(evaluation.plan),
                       obj=evaluation, payload={"plan": evaluation.plan_id})
        evaluation.held_event_id = event.pk
        evaluation.save(update_fields=["held_on", "note", "held_event_id"])
    return evaluation


def plan_regisseur_set(actor: Actor, *, plan: FamilyPlan, professional) -> FamilyPlan:
    """Another professional of the coordinating organisation owns the plan from now on."""
    _require_coordinator(actor, plan)
    if professional is None or professional.organisation_id != plan.coordinator_id or \
            not professional.is_active:
        raise ValidationError("The regisseur is an active professional of the coordinating "
                              "organisation.", field="regisseur")
    with transaction.atomic():
        plan.regisseur = professional
        plan.save(update_fields=["regisseur"])
        record(actor, "plan_regisseur_set", subjects=_subjects(plan), obj=plan,
               payload={"regisseur": professional.pk})
        from kindzicht.rules.models import Task, TaskStatus

        keys = [Q(key__startswith=f"goal:{g}:") for g in plan.goals.values_list("pk", flat=True)]
        if keys:
            Task.objects.filter(Q(*keys, _connector=Q.OR), code=follow_up.CODE,
                                status=TaskStatus.OPEN).update(assignee=professional)
    return plan
