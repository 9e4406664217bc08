"""Reads of assessments, factors awaiting acceptance, life events and a child's risk history,
for the screens and the API alike. Each read of person data is audited once (NEN 7513).

Need to know: an assessment's content (decision, risk level, factors, agreements) is for the
organisations involved with the child (findings.md, Involved), the assessor and the factors'
named owners. Anyone working with cases sees *that* a child was assessed, by whom and when —
the record follows the child — and gets the content through a handover with its factors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import OuterRef, Q, Subquery

from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.errors import Forbidden, ValidationError
from kindzicht.people.models import (
    HouseholdAddress,
    HouseholdMembership,
    Municipality,
    Organisation,
    Person,
)
from kindzicht.people.services import is_child

from .models import Assessment, AssessmentFactor, FactorOwnership, LifeEvent


def may_see_assessments(organisation: Organisation | None, child_id: int) -> bool:
    """Involved with the child, or it assessed the child, or it is named owner of a factor."""
    from kindzicht.continuity.involvement import is_involved

    if organisation is None:
        return False
    if is_involved(organisation.pk, child_id):
        return True
    return Assessment.objects.filter(child_id=child_id).filter(
        Q(organisation=organisation) | Q(factors__owner=organisation)).exists()


def _check_child(person: Person) -> None:
    if not is_child(person, clock.today()) and not Assessment.objects.filter(
            child=person).exists():
        raise ValidationError(f"{person.name} is not a child; only children are assessed.",
                              field="child")


def assessments_of(actor: Actor, child: Person) -> list[Assessment]:
    """Every assessment of the child, newest first, with its factors and their owners."""
    _check_child(child)
    if not may_see_assessments(actor.organisation, child.pk):
        raise Forbidden("Only organisations involved with the child see its assessments; "
                        "the risk picture comes to others through a handover.", field="child")
    found = list(Assessment.objects.filter(child=child).select_related("organisation")
                 .prefetch_related("factors__owner").order_by("-at", "-id"))
    audit_read(actor, "assessments_read", person_ids=[child.pk], obj=child)
    return found


def latest_assessment(child_id: int) -> Assessment | None:
    return (Assessment.objects.filter(child_id=child_id).select_related("organisation")
            .prefetch_related("factors__owner").order_by("-at", "-id").first())


@dataclass(frozen=True)
class AwaitingFactor:
    """A factor the child's latest assessment names my organisation owner of, not yet accepted."""

    child: Person
    assessment: Assessment
    domain: str
    code: str


def factors_awaiting(actor: Actor, *, child: Person | None = None) -> list[AwaitingFactor]:
    """Factors named to the acting organisation in the latest assessment of each child that it
    has not accepted (R3: accept within the policy's days)."""
    org = actor.organisation
    if org is None:
        return []
    latest = Subquery(Assessment.objects.filter(child_id=OuterRef("assessment__child_id"))
                      .order_by("-at", "-id").values("id")[:1])
    qs = AssessmentFactor.objects.filter(owner=org).annotate(latest_id=latest)
    if child is not None:
        qs = qs.filter(assessment__child=child)
    rows = [f for f in qs.select_related("assessment__child", "assessment__organisation")
            .order_by("assessment__child__family_name", "assessment__child_id", "domain", "code")
            if f.latest_id == f.assessment_id]
    owned = set(FactorOwnership.objects.filter(
        organisation=org, ended_on__isnull=True,
        child_id__in={f.assessment.child_id for f in rows}).values_list("child_id", "code"))
    out = [AwaitingFactor(f.assessment.child, f.assessment, f.domain, f.code) for f in rows
           if (f.assessment.child_id, f.code) not in owned
           and f.assessment.organisation_id != org.pk]
    if out:
        audit_read(actor, "factors_awaiting_listed",
                   person_ids=sorted({a.child.pk for a in out}))
    return out


def life_events_of(actor: Actor, person: Person) -> list[LifeEvent]:
    """Life events about the person and about the households the person lived in (while a
    member), newest first; for a child also those about its family members then."""
    events = _family_life_events(person)
    audit_read(actor, "life_events_read", person_ids=[person.pk], obj=person)
    return events


def _family_life_events(person: Person) -> list[LifeEvent]:
    from kindzicht.people.family import children_in_family_of

    memberships = list(HouseholdMembership.objects.filter(person=person))
    related = _related_people(person.pk)
    qs = LifeEvent.objects.filter(
        Q(person=person) | Q(household_id__in=[m.household_id for m in memberships])
        | Q(person_id__in=related)).select_related("person", "household", "organisation")
    out = []
    for ev in qs.order_by("-at", "-id"):
        if ev.person_id == person.pk:
            out.append(ev)
        elif ev.household_id:
            if any(m.household_id == ev.household_id
                   and (m.joined_on is None or m.joined_on <= ev.on)
                   and (m.left_on is None or m.left_on > ev.on) for m in memberships):
                out.append(ev)
        elif person.pk in children_in_family_of([ev.person_id], ev.on):
            out.append(ev)
    return out


def _related_people(person_id: int) -> set[int]:
    """Everyone one relation away, their partners, and everyone who ever shared a household."""
    from kindzicht.people.models import Relation

    near = set(Relation.objects.filter(person_id=person_id).values_list("other_id", flat=True))
    near |= set(Relation.objects.filter(other_id=person_id).values_list("person_id", flat=True))
    for a, b in Relation.objects.filter(Q(person_id__in=near) | Q(other_id__in=near),
                                        kind="partner_of").values_list("person_id", "other_id"):
        near |= {a, b}
    homes = HouseholdMembership.objects.filter(person_id=person_id).values("household_id")
    near |= set(HouseholdMembership.objects.filter(household_id__in=homes)
                .values_list("person_id", flat=True))
    near.discard(person_id)
    return near


# --- the record follows the child ------------------------------------------------------------


@dataclass
class AddressRow:
    municipality_code: str
    municipality: str
    postcode: str
    valid_from: date | None
    valid_to: date | None


@dataclass
class OrganisationRow:
    organisation: Organisation
    what: str  # involvement | responsibility | signal | concern
    detail: str
    start: date
    end: date | None


@dataclass
class RiskHistory:
    child: Person
    today: date
    municipality_code: str
    municipality: str
    addresses: list[AddressRow]
    organisations: list[OrganisationRow]
    #: None when the acting organisation may not see assessment content
    assessments: list[Assessment] | None
    assessment_count: int
    assessors: list[tuple[date, str]]
    life_events: list[LifeEvent]
    open_tasks: list = field(default_factory=list)

    @property
    def municipalities(self) -> list[tuple[str, str]]:
        """The municipalities the child lived in, in order (each once, where it first lived)."""
        seen: dict[str, str] = {}
        for a in self.addresses:
            seen.setdefault(a.municipality_code, a.municipality)
        return list(seen.items())

    @property
    def sectors(self) -> list[str]:
        return sorted({o.organisation.sector for o in self.organisations})


def risk_history(actor: Actor, child: Person) -> RiskHistory:
    """The child's whole history across households, municipalities and organisations (schools,
    GPs, …): addresses over time, who was involved when, assessments and life events. Moving
    loses nothing: every row stays, the current municipality oversees."""
    from .reassessment import open_tasks_of

    _check_child(child)
    today = clock.today()
    addresses = _addresses_of(child)
    code = _municipality_now(addresses, today)
    names = dict(Municipality.objects.filter(code=code).values_list("code", "name"))
    visible = may_see_assessments(actor.organisation, child.pk)
    assessments = list(Assessment.objects.filter(child=child).select_related("organisation")
                       .prefetch_related("factors__owner").order_by("at", "id"))
    history = RiskHistory(
        child=child, today=today, municipality_code=code, municipality=names.get(code, ""),
        addresses=addresses, organisations=_organisations_of(child),
        assessments=assessments if visible else None, assessment_count=len(assessments),
        assessors=[(a.on, a.organisation.name) for a in assessments],
        life_events=list(reversed(_family_life_events(child))),
        open_tasks=open_tasks_of(child.pk))
    audit_read(actor, "risk_history_read", person_ids=[child.pk], obj=child)
    return history


def _addresses_of(child: Person) -> list[AddressRow]:
    """Every address of every household the child lived in, cut to the child's time there."""
    memberships = list(HouseholdMembership.objects.filter(person=child))
    names = dict(Municipality.objects.values_list("code", "name"))
    rows = []
    for a in HouseholdAddress.objects.filter(
            household_id__in=[m.household_id for m in memberships]).order_by("valid_from", "id"):
        for m in memberships:
            if m.household_id != a.household_id:
                continue
            start = _later(a.valid_from, m.joined_on)
            end = _earlier(a.valid_to, m.left_on)
            if start and end and end <= start:
                continue  # the child was not there while the household lived here
            rows.append(AddressRow(a.municipality_code, names.get(a.municipality_code, ""),
                                   a.postcode, start, end))
    rows.sort(key=lambda r: (r.valid_from or date.min, r.valid_to or date.max))
    return rows


def _later(a: date | None, b: date | None) -> date | None:
    return max(a, b) if a and b else (a or b)


def _earlier(a: date | None, b: date | None) -> date | None:
    return min(a, b) if a and b else (a or b)


def _municipality_now(addresses: list[AddressRow], today: date) -> str:
    """The municipality overseeing the case: where the child lives today (its latest
    address when none is dated)."""
    current = [a for a in addresses if (a.valid_from is None or a.valid_from <= today)
               and (a.valid_to is None or a.valid_to > today)]
    chosen = (current or addresses)[-1:] if (current or addresses) else []
    return chosen[0].municipality_code if chosen else ""


def _organisations_of(child: Person) -> list[OrganisationRow]:
    from django.utils.translation import gettext as _

    from kindzicht.continuity.models import Involvement, ResponsibilityPeriod
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern

    rows: list[OrganisationRow] = []
    for i in Involvement.objects.filter(person=child).select_related("organisation"):
        rows.append(OrganisationRow(i.organisation, "involvement",
                                    i.service + (f" ({_('intensief')})" if i.intensive else ""),
                                    i.on, i.ended_on))
    for p in ResponsibilityPeriod.objects.filter(child=child, organisation__isnull=False) \
            .select_related("organisation"):
        rows.append(OrganisationRow(p.organisation, "responsibility",
                                    p.get_basis_display() if p.basis else "", p.on, p.ended_on))
    for s in Signal.objects.filter(person=child).select_related("organisation"):
        rows.append(OrganisationRow(s.organisation, "signal", "", s.on, s.ended_on))
    for c in Concern.objects.filter(child=child).select_related("organisation"):
        rows.append(OrganisationRow(c.organisation, "concern", c.get_kind_display(), c.on,
                                    c.decided_on))
    rows.sort(key=lambda r: (r.start, r.organisation.name, r.what))
    return rows
