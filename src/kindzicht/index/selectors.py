"""Reads of the reference index, for the screens and the API. Need to know: the index shows
*that* organisations are involved and how to reach them — never why, never a shielded
observer (only the registering organisation sees its own). Each read is audited once.

Reciprocity, as in the VIR: an organisation sees who else is involved with a family only when
it is involved itself (an active signal or an open involvement with someone in the family).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.people.family import children_in_family_of, families_of
from kindzicht.people.models import Organisation, Person

from .models import Match, Signal
from .services import informing_state

# --- my organisation's signals --------------------------------------------------------------


@dataclass
class OwnSignal:
    signal: Signal
    #: whom -> latest Informing (None: still to do)
    informing: dict
    in_match: bool = False

    @property
    def informing_open(self) -> list[str]:
        return [w for w, inf in self.informing.items() if inf is None]


def own_signals(actor: Actor, *, active: bool = True) -> list[OwnSignal]:
    """My organisation's signals (active, or ended), newest first, with their informing."""
    if actor.organisation is None:
        return []
    qs = Signal.objects.filter(organisation=actor.organisation,
                               ended_at__isnull=active).select_related("person", "professional")
    qs = qs.prefetch_related("informings").order_by("-on", "-id")
    rows = list(qs[:500])
    if not rows:
        return []
    matched = _people_in_open_matches_of(actor.organisation.pk, [s.person_id for s in rows])
    out = [OwnSignal(s, informing_state(s), s.person_id in matched) for s in rows]
    audit_read(actor, "index_own_signals_listed", person_ids=[s.person_id for s in rows])
    return out


def _people_in_open_matches_of(org_id: int, person_ids: list[int]) -> set[int]:
    day = clock.today()
    children = children_in_family_of(person_ids, day)
    hits: set[int] = set()
    for m in Match.objects.filter(child_id__in=children, ended_on__isnull=True):
        if org_id in m.organisation_ids:
            hits |= set(m.person_ids)
    return hits & set(person_ids)


# --- who else is involved: organisations and contacts -----------------------------------------


@dataclass
class OrganisationContact:
    """An organisation with active signals in a family, and how to reach the responsible
    professional(s) — nothing more."""

    organisation: Organisation
    contacts: list[str] = field(default_factory=list)
    since: date | None = None
    proposed_coordinator: bool = False
    coordinates: bool = False


@dataclass
class Coordination:
    organisation: Organisation
    how: str  # "responsibility" | "family_plan"
    since: date


def _coordination(child_ids: set[int], day: date) -> dict[int, Coordination]:
    """Who coordinates each child's help: the latest explicit responsibility with basis
    ``coordination``, or the coordinator of a family plan covering the child (V2)."""
    from kindzicht.continuity.models import ResponsibilityTaking
    from kindzicht.people.family import _member_on
    from kindzicht.people.models import HouseholdMembership
    from kindzicht.plans.models import FamilyPlan

    out: dict[int, Coordination] = {}
    for t in ResponsibilityTaking.objects.filter(
            child_id__in=child_ids, basis="coordination", on__lte=day).select_related(
            "organisation").order_by("on", "id"):
        out[t.child_id] = Coordination(t.organisation, "responsibility", t.on)
    homes: dict[int, set[int]] = defaultdict(set)
    for pid, hid in HouseholdMembership.objects.filter(
            _member_on(day), person_id__in=child_ids).values_list("person_id", "household_id"):
        homes[hid].add(pid)
    plans = FamilyPlan.objects.filter(
        Q(child_id__in=child_ids) | Q(household_id__in=list(homes)), on__lte=day).filter(
        Q(replaced_on__isnull=True) | Q(replaced_on__gt=day)).select_related("coordinator")
    for plan in plans.order_by("on", "id"):
        covered = {plan.child_id} if plan.child_id else homes.get(plan.household_id, set())
        for c in covered & child_ids:
            current = out.get(c)
            if current is None or current.since <= plan.on:
                out[c] = Coordination(plan.coordinator, "family_plan", plan.on)
    return out


def _contacts(signals: list[Signal]) -> dict[int, OrganisationContact]:
    by_org: dict[int, OrganisationContact] = {}
    for s in sorted(signals, key=lambda s: (s.on, s.pk)):
        row = by_org.setdefault(s.organisation_id, OrganisationContact(s.organisation,
                                                                        since=s.on))
        if s.contact and s.contact not in row.contacts:
            row.contacts.append(s.contact)
    return by_org


@dataclass
class FamilyIndex:
    person: Person
    #: the people whose signals count: the person and the family (families) they belong to
    people: set[int]
    visible: bool
    organisations: list[OrganisationContact] = field(default_factory=list)
    own_signal: Signal | None = None
    coordination: Coordination | None = None


def family_people(person: Person, day: date) -> set[int]:
    """The person and everyone in the family of any child whose family includes them (for a
    child: the child and its family)."""
    children = children_in_family_of([person.pk], day)
    fams = families_of(children, day) if children else {}
    return {person.pk} | set(children) | {m for f in fams.values() for m in f}


def involved_in(org_id: int, people: set[int]) -> bool:
    """The organisation is involved with someone of these people: an active signal or an open
    involvement."""
    from kindzicht.continuity.models import Involvement

    return (Signal.objects.filter(organisation_id=org_id, person_id__in=people,
                                  ended_at__isnull=True).exists()
            or Involvement.objects.filter(organisation_id=org_id, person_id__in=people,
                                          ended_at__isnull=True).exists())


def family_index(actor: Actor, person: Person) -> FamilyIndex:
    """"Wie is er nog betrokken bij dit gezin": the organisations with active signals on the
    person or their family, with how to reach them — shown only to an organisation that is
    involved with the family itself."""
    day = clock.today()
    people = family_people(person, day)
    org = actor.organisation
    own = None
    if org is not None:
        own = Signal.objects.filter(organisation=org, person=person,
                                    ended_at__isnull=True).first()
    visible = org is not None and involved_in(org.pk, people)
    view = FamilyIndex(person=person, people=people, visible=visible, own_signal=own)
    if not visible:
        return view
    signals = list(Signal.objects.filter(person_id__in=people, ended_at__isnull=True)
                   .exclude(organisation=org).select_related("organisation"))
    by_org = _contacts(signals)
    children = children_in_family_of([person.pk], day)
    proposed = set(Match.objects.filter(child_id__in=children, ended_on__isnull=True)
                   .values_list("proposed_coordinator_id", flat=True))
    coordination = _coordination(children, day)
    coordinators = {c.organisation.pk for c in coordination.values()}
    for row in by_org.values():
        row.proposed_coordinator = row.organisation.pk in proposed
        row.coordinates = row.organisation.pk in coordinators
    view.organisations = sorted(by_org.values(), key=lambda r: (r.since, r.organisation.name))
    if person.pk in coordination:
        view.coordination = coordination[person.pk]
    elif coordination:
        view.coordination = max(coordination.values(), key=lambda c: c.since)
    audit_read(actor, "index_family_viewed", person_ids=people, obj=person)
    return view


# --- the match inbox ------------------------------------------------------------------------


@dataclass
class MatchView:
    """One match as an organisation in it sees it: whom its own signals are on, who else is
    involved and how to reach them, the proposed coordinator and who coordinates."""

    level: str
    since: date
    own_people: list[Person]
    others: list[OrganisationContact]
    proposed_coordinator: Organisation | None
    coordination: Coordination | None
    match_ids: list[int]
    #: the match's children without coordination that my organisation's own signals are on:
    #: it may take the coordination of them from the inbox (V2's clock runs until someone
    #: does). A child only another organisation signalled is not named to me (need to know)
    to_coordinate: list[Person]


def match_inbox(actor: Actor) -> list[MatchView]:
    """The open matches my organisation is in. A family's children each have their own match
    rows; the inbox shows them once per group of organisations (the family-level match before
    the child-level one)."""
    org = actor.organisation
    if org is None:
        return []
    day = clock.today()
    mine = list(Signal.objects.filter(organisation=org, ended_at__isnull=True)
                .values_list("person_id", flat=True))
    if not mine:
        return []
    children = children_in_family_of(mine, day)
    rows = [m for m in Match.objects.filter(child_id__in=children, ended_on__isnull=True)
            .select_related("proposed_coordinator").order_by("on", "id")
            if org.pk in m.organisation_ids]
    if not rows:
        return []
    groups: dict[tuple[str, tuple[int, ...]], list[Match]] = defaultdict(list)
    for m in rows:
        groups[(m.level, tuple(m.organisation_ids))].append(m)
    people = {p for m in rows for p in m.person_ids}
    signals = list(Signal.objects.filter(person_id__in=people, ended_at__isnull=True)
                   .select_related("organisation"))
    persons = Person.objects.in_bulk([s.person_id for s in signals if s.organisation_id == org.pk])
    coordination = _coordination({m.child_id for m in rows}, day)
    out = []
    for (level, org_ids), ms in groups.items():
        in_match = {p for m in ms for p in m.person_ids}
        others = _contacts([s for s in signals if s.person_id in in_match
                            and s.organisation_id in org_ids and s.organisation_id != org.pk])
        proposed = ms[-1].proposed_coordinator
        coord = [coordination[m.child_id] for m in ms if m.child_id in coordination]
        for row in others.values():
            row.proposed_coordinator = proposed is not None and row.organisation.pk == proposed.pk
            row.coordinates = any(c.organisation.pk == row.organisation.pk for c in coord)
        own = sorted({s.person_id for s in signals if s.organisation_id == org.pk
                      and s.person_id in in_match})
        out.append(MatchView(
            level=level, since=min(m.on for m in ms),
            own_people=[persons[p] for p in own if p in persons],
            others=sorted(others.values(), key=lambda r: r.organisation.name),
            proposed_coordinator=proposed,
            coordination=max(coord, key=lambda c: c.since) if coord else None,
            match_ids=[m.pk for m in ms],
            to_coordinate=[persons[m.child_id] for m in ms
                           if m.child_id in persons and m.child_id not in coordination]))
    out.sort(key=lambda v: (v.since, v.level != "family"), reverse=True)
    audit_read(actor, "index_matches_listed", person_ids={p.pk for v in out for p in v.own_people})
    return out


def match_notifications(actor: Actor, limit: int = 20):
    """The organisation's latest match notifications (the outbox's in-system copy)."""
    from kindzicht.core.inbox import notifications_of

    return notifications_of(actor, kinds=["match"], limit=limit)


def person_get(actor: Actor, person_id: int, *, purpose: str = "index_person_viewed"
               ) -> Person | None:
    """One person, for a page of the index that names whom it is about (audited)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is not None:
        audit_read(actor, purpose, person_ids=[person.pk], obj=person)
    return person
