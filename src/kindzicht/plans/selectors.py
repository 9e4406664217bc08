"""Reads of family plans, the cooperation log, sharing and the family-level view of who works
with a parent's children — each audited once per read (NEN 7513), never per row.

Need to know: a plan is read by the organisations involved with a child it covers, its
coordinator and the owners of its goals; the view of a parent's children shows organisations
and how to reach them, never content; a share is shown to its sender and its receiver only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from kindzicht.continuity.involvement import involved_organisations, is_involved
from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.models import DomainEvent
from kindzicht.people.family import children_in_family_of, family_of
from kindzicht.people.models import Organisation, Person

from .models import (
    Cooperation,
    FamilyPlan,
    Goal,
    GoalStatus,
    PlanAgreement,
    PlanEvaluation,
    Share,
)


def covered_children(plan: FamilyPlan, day: date | None = None) -> list[int]:
    from .follow_up import children_of

    return children_of(plan, day or clock.today())


def may_read_plan(org_id: int | None, plan: FamilyPlan) -> bool:
    if org_id is None:
        return False
    if org_id == plan.coordinator_id or plan.goals.filter(owner_id=org_id).exists():
        return True
    kids = covered_children(plan)
    return any(org_id in orgs for orgs in involved_organisations(kids).values())


def plan_get(actor: Actor, plan_id: int) -> FamilyPlan | None:
    """One plan, for an organisation that may read it (else None: it looks like not found)."""
    plan = (FamilyPlan.objects.filter(pk=plan_id)
            .select_related("child", "household", "coordinator", "regisseur").first())
    if plan is None or not may_read_plan(actor.organisation_id, plan):
        return None
    audit_read(actor, "plan_viewed", person_ids=covered_children(plan) or (
        [plan.child_id] if plan.child_id else []), obj=plan)
    return plan


def current_plan_of(child_id: int, day: date | None = None) -> FamilyPlan | None:
    """The plan that covers the child now: its own, or its household's (newest first)."""
    from kindzicht.rules.plans_cover import plans_covering

    return (plans_covering(child_id, day or clock.today())
            .select_related("coordinator", "regisseur").order_by("-at", "-id").first())


@dataclass
class PlanView:
    plan: FamilyPlan
    goals: list[Goal]
    agreements: list[PlanAgreement]
    evaluations: list[PlanEvaluation]
    today: date
    is_coordinator: bool
    children: list[Person] = field(default_factory=list)

    @property
    def overdue(self) -> list[Goal]:
        return [g for g in self.goals if g.status in (GoalStatus.OPEN, GoalStatus.POSTPONED)
                and g.due < self.today]


def plan_view(actor: Actor, plan: FamilyPlan) -> PlanView:
    """Everything a plan page or its PDF shows (the read was audited by plan_get)."""
    today = clock.today()
    kids = covered_children(plan)
    return PlanView(
        plan=plan,
        goals=list(plan.goals.select_related("owner").order_by("due", "id")),
        agreements=list(plan.parent_agreements.order_by("at", "id")),
        evaluations=list(plan.evaluations.order_by("due", "id")),
        today=today,
        is_coordinator=actor.organisation_id == plan.coordinator_id,
        children=list(Person.objects.filter(pk__in=kids).order_by("birth_date", "pk")),
    )


#: Event types of a plan's history and how the history names them (Dutch UI text).
HISTORY_LABELS = {
    "plan_made": "Gezinsplan gemaakt",
    "goal_added": "Doel toegevoegd",
    "goal_updated": "Stand van een doel",
    "plan_agreement_added": "Afspraak met ouders vastgelegd",
    "plan_evaluation_planned": "Evaluatiemoment gepland",
    "plan_evaluation_held": "Evaluatie gehouden",
    "plan_regisseur_set": "Nieuwe regisseur",
}


@dataclass
class HistoryEntry:
    event: DomainEvent
    label: str
    detail: str
    organisation: str
    professional: str


def plan_history(plan: FamilyPlan) -> list[HistoryEntry]:
    """Every change of the plan, from its domain events (the plan, its goals, agreements and
    evaluations), oldest first."""
    goals = {g.pk: g for g in plan.goals.all()}
    where = Q(object_type="plans.familyplan", object_id=plan.pk)
    where |= Q(object_type="plans.goal", object_id__in=list(goals))
    where |= Q(object_type="plans.planagreement",
               object_id__in=list(plan.parent_agreements.values_list("pk", flat=True)))
    where |= Q(object_type="plans.planevaluation",
               object_id__in=list(plan.evaluations.values_list("pk", flat=True)))
    events = list(DomainEvent.objects.filter(where).select_related("actor")
                  .order_by("occurred_at", "id"))
    orgs = dict(Organisation.objects.filter(
        pk__in={e.organisation_id for e in events if e.organisation_id}).values_list("pk",
                                                                                     "name"))
    status_nl = dict(GoalStatus.choices)
    out = []
    for e in events:
        detail = ""
        if e.object_type == "plans.goal" and e.object_id in goals:
            detail = goals[e.object_id].text
            if e.type == "goal_updated":
                detail += f" — {status_nl.get(e.payload.get('status'), '')}"
                if e.payload.get("due"):
                    detail += f", nieuwe datum {date.fromisoformat(e.payload['due']):%d-%m-%Y}"
        elif e.type == "plan_made":
            detail = f"{e.payload.get('goals', 0)} doel(en)"
        elif e.type == "plan_evaluation_planned" and e.payload.get("due"):
            detail = f"{date.fromisoformat(e.payload['due']):%d-%m-%Y}"
        out.append(HistoryEntry(
            event=e, label=HISTORY_LABELS.get(e.type, e.type), detail=detail,
            organisation=orgs.get(e.organisation_id, ""),
            professional=e.actor.get_full_name() if e.actor else ""))
    return out


# --- parents' cooperation on record -------------------------------------------------------

@dataclass
class CooperationEntry:
    item: Cooperation
    label: str
    organisation: str
    professional: str


def cooperation_log(actor: Actor, child: Person) -> list[CooperationEntry]:
    """Refusals, postponements and missed appointments for the child, newest first, each
    with who recorded it. For organisations involved with the child (need to know)."""
    org = actor.organisation
    if org is None or not is_involved(org.pk, child.pk):
        return []
    items = list(Cooperation.objects.filter(child=child).select_related("organisation")
                 .order_by("-at", "-id"))
    events = DomainEvent.objects.filter(pk__in=[c.event_id for c in items if c.event_id]) \
        .select_related("actor")
    names = {e.pk: (e.actor.get_full_name() if e.actor else "") for e in events}
    if items:
        audit_read(actor, "cooperation_viewed", person_ids=[child.pk])
    return [CooperationEntry(
        item=c, label=cooperation_label(c), organisation=c.organisation.name,
        professional=names.get(c.event_id, "")) for c in items]


def cooperation_label(c: Cooperation) -> str:
    if c.kind == "missed_appointment":
        return "Niet gebracht / niet verschenen"
    return "Ouder stelt aangeboden hulp uit" if c.postponed else \
        "Ouder weigert aangeboden hulp"


# --- parents' problems made visible: the family-level view of a parent --------------------

@dataclass
class ChildInvolvement:
    child: Person
    organisations: list[Organisation]


def children_involvement(actor: Actor, parent: Person) -> list[ChildInvolvement] | None:
    """For an organisation involved with ``parent``: the children in the parent's family and
    the organisations involved with each — names and contacts only, never content. None when
    the acting organisation is not involved with the parent (need to know)."""
    org = actor.organisation
    if org is None or not is_involved(org.pk, parent.pk):
        return None
    today = clock.today()
    kids = sorted(children_in_family_of([parent.pk], today) - {parent.pk})
    involved = involved_organisations(kids)
    orgs = Organisation.objects.in_bulk({o for os in involved.values() for o in os})
    children = Person.objects.in_bulk(kids)
    out = [ChildInvolvement(child=children[k], organisations=sorted(
        (orgs[o] for o in involved[k] if o != org.pk), key=lambda o: o.name))
        for k in kids if k in children]
    audit_read(actor, "children_involvement_viewed", person_ids=[parent.pk, *kids])
    return out


def share_targets(actor: Actor, person: Person) -> list[Organisation]:
    """Whom the acting organisation may sensibly share about ``person`` with: the organisations
    involved with the person's children (or, for a child, with the child and its family)."""
    org = actor.organisation
    if org is None:
        return []
    today = clock.today()
    people = (children_in_family_of([person.pk], today) | {person.pk}
              | set(family_of(person.pk, today)))
    ids = {o for os in involved_organisations(people).values() for o in os} - {org.pk}
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def shares_seen_by(actor: Actor, person: Person) -> list[Share]:
    """What was shared about this person or their family, by or with the acting organisation
    — both sides see the same record: what, with whom, on which basis."""
    org = actor.organisation
    if org is None:
        return []
    today = clock.today()
    people = {person.pk} | set(family_of(person.pk, today))
    items = list(Share.objects.filter(person_id__in=people)
                 .filter(Q(from_organisation=org) | Q(to_organisation=org))
                 .select_related("person", "from_organisation", "to_organisation")
                 .order_by("-at", "-id"))
    if items:
        audit_read(actor, "shares_viewed", person_ids={s.person_id for s in items})
    return items
