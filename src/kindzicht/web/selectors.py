"""The web pages' reads of person data. Every read goes through here and is audited once per
page (NEN 7513: who saw which persons, when and why), not per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from kindzicht.continuity.models import Involvement
from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.people.family import family_of
from kindzicht.people.models import (
    Household,
    HouseholdAddress,
    HouseholdMembership,
    Municipality,
    Person,
)
from kindzicht.people.services import age_on
from kindzicht.rules.models import Task, TaskStatus

from .labels import FAMILY_ORDER, FAMILY_ROLES, mask_bsn

SEARCH_LIMIT = 50


def person_find(actor: Actor, *, name: str, birth_date: date) -> list[Person]:
    """People born on ``birth_date`` whose names contain every word of ``name``."""
    qs = Person.objects.filter(birth_date=birth_date)
    for word in name.split():
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    found = list(qs.order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT])
    if found:
        audit_read(actor, "person_searched", person_ids=[p.pk for p in found])
    return found


def person_find_by_bsn(actor: Actor, *, bsn: str) -> Person | None:
    person = Person.objects.filter(bsn=bsn).first()
    if person is not None:
        audit_read(actor, "person_searched_by_bsn", person_ids=[person.pk])
    return person


def person_get(actor: Actor, person_id: int) -> Person | None:
    """One person, for a page that shows who an action is about (their name)."""
    person = Person.objects.filter(pk=person_id).first()
    if person is not None:
        audit_read(actor, "person_viewed", person_ids=[person.pk], obj=person)
    return person


@dataclass
class FamilyMember:
    person: Person
    role: str
    role_label: str
    age: int


@dataclass
class HouseholdView:
    household: Household
    joined_on: date | None
    left_on: date | None
    addresses: list[dict] = field(default_factory=list)
    members_now: list[Person] = field(default_factory=list)


@dataclass
class PersonProfile:
    person: Person
    today: date
    age: int
    is_child: bool
    bsn_masked: str
    family: list[FamilyMember]
    households: list[HouseholdView]
    involvements: list[Involvement]
    #: organisations involved otherwise (findings.md): (name, [why]) — signal, concern,
    #: safety responsibility, accepted handover
    also_involved: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def current_involvements(self) -> list[Involvement]:
        return [i for i in self.involvements if i.ended_at is None]

    @property
    def past_involvements(self) -> list[Involvement]:
        return [i for i in self.involvements if i.ended_at is not None]


def person_profile(actor: Actor, person_id: int) -> PersonProfile | None:
    """A person with their family as of today (findings.md), households with their address
    history, and who is involved. The read of every person shown is audited."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return None
    today = clock.today()
    age = age_on(person, today)
    roles = family_of(person.pk, today)
    members = Person.objects.in_bulk(list(roles))
    order = {r: i for i, r in enumerate(FAMILY_ORDER)}
    fam = sorted(
        (FamilyMember(members[pid], role, str(FAMILY_ROLES.get(role, role)),
                      age_on(members[pid], today))
         for pid, role in roles.items() if pid in members),
        key=lambda m: (order.get(m.role, 99), -m.age, m.person.name),
    )
    households = _households_of(person, today)
    involvements = list(
        Involvement.objects.filter(person=person).select_related("organisation")
        .order_by(Case(When(ended_at__isnull=True, then=Value(0)), default=Value(1),
                       output_field=IntegerField()), "-on", "-id"))
    shown = {person.pk} | {m.person.pk for m in fam} | {
        p.pk for h in households for p in h.members_now}
    audit_read(actor, "person_viewed", person_ids=shown, obj=person)
    with_involvement = {i.organisation_id for i in involvements if i.ended_at is None}
    return PersonProfile(person=person, today=today, age=age, is_child=age < 18,
                         bsn_masked=mask_bsn(person.bsn), family=fam, households=households,
                         involvements=involvements,
                         also_involved=_also_involved(person.pk, with_involvement))


def _also_involved(person_id: int, except_orgs: set[int]) -> list[tuple[str, list[str]]]:
    """Organisations involved with the person without an involvement of their own, and why."""
    from django.utils.translation import gettext as _

    from kindzicht.continuity.models import Handover, HandoverStatus, ResponsibilityPeriod
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern
    from kindzicht.people.models import Organisation

    why: dict[int, list[str]] = {}
    sources = [
        (Signal.objects.filter(person_id=person_id, ended_at__isnull=True)
         .values_list("organisation_id", flat=True), _("signaal in de verwijsindex")),
        (Concern.objects.filter(child_id=person_id, decided_at__isnull=True)
         .values_list("organisation_id", flat=True), _("open zorg")),
        (ResponsibilityPeriod.objects.filter(child_id=person_id, ended_at__isnull=True,
                                             organisation__isnull=False)
         .values_list("organisation_id", flat=True), _("veiligheidsregie")),
        (Handover.objects.filter(child_id=person_id, status=HandoverStatus.ACCEPTED)
         .values_list("receiver_id", flat=True), _("overdracht geaccepteerd")),
    ]
    for org_ids, label in sources:
        for org_id in org_ids:
            if org_id not in except_orgs:
                why.setdefault(org_id, []).append(str(label))
    names = dict(Organisation.objects.filter(pk__in=list(why)).values_list("pk", "name"))
    return sorted(((names[o], reasons) for o, reasons in why.items()), key=lambda x: x[0])


def _households_of(person: Person, today: date) -> list[HouseholdView]:
    memberships = list(HouseholdMembership.objects.filter(person=person)
                       .select_related("household").order_by("-joined_on", "-id"))
    hh_ids = [m.household_id for m in memberships]
    names = dict(Municipality.objects.values_list("code", "name"))
    addresses: dict[int, list[dict]] = {h: [] for h in hh_ids}
    for a in HouseholdAddress.objects.filter(household_id__in=hh_ids).order_by("valid_from",
                                                                              "id"):
        addresses[a.household_id].append({
            "municipality_code": a.municipality_code,
            "municipality": names.get(a.municipality_code, ""),
            "postcode": a.postcode, "valid_from": a.valid_from, "valid_to": a.valid_to,
        })
    current: dict[int, list[Person]] = {h: [] for h in hh_ids}
    for m in (HouseholdMembership.objects.filter(household_id__in=hh_ids)
              .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today))
              .filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
              .exclude(person=person).select_related("person").order_by("person__birth_date")):
        current[m.household_id].append(m.person)
    return [
        HouseholdView(household=m.household, joined_on=m.joined_on, left_on=m.left_on,
                      addresses=addresses[m.household_id],
                      members_now=current[m.household_id] if m.left_on is None else [])
        for m in memberships
    ]


def tasks_of(actor: Actor, *, open_only: bool = False, limit: int | None = None) -> list[Task]:
    """The organisation's tasks and alerts (and, for a municipality, those addressed to it),
    open ones first, then by due date."""
    org = actor.organisation
    if org is None:
        return []
    where = Q(organisation=org)
    if org.sector == "municipality" and org.municipality_code:
        where |= Q(organisation__isnull=True, municipality_code=org.municipality_code)
    qs: QuerySet[Task] = Task.objects.filter(where).select_related("child", "assignee").order_by(
        Case(When(status=TaskStatus.OPEN, then=Value(0)), default=Value(1),
             output_field=IntegerField()),
        "due_on", "-raised_on", "id")
    if open_only:
        qs = qs.filter(status=TaskStatus.OPEN)
    tasks = list(qs[:limit] if limit else qs)
    children = {t.child_id for t in tasks if t.child_id}
    if children:
        audit_read(actor, "tasks_listed", person_ids=children)
    return tasks


def task_of(actor: Actor, task_id: int) -> Task | None:
    """One task of the acting organisation (or addressed to its municipality)."""
    org = actor.organisation
    if org is None:
        return None
    where = Q(organisation=org)
    if org.sector == "municipality" and org.municipality_code:
        where |= Q(organisation__isnull=True, municipality_code=org.municipality_code)
    task = Task.objects.filter(where, pk=task_id).select_related("child").first()
    if task is not None and task.child_id:
        audit_read(actor, "task_viewed", person_ids=[task.child_id], obj=task)
    return task


# --- continuity of care (issue 3) ---------------------------------------------------------

@dataclass
class ChildRow:
    child: Person
    age: int
    holder_name: str
    holder_is_us: bool
    at_open_risk: bool
    basis: str
    pending_handovers: int
    why: list[str]


def my_children(actor: Actor) -> list[ChildRow]:
    """The children my organisation is involved with (findings.md: involvement, an active
    signal, an open concern, responsibility, an accepted handover) or has been offered, and
    who holds safety responsibility for each. One audit entry for the whole list."""
    from django.utils.translation import gettext as _

    from kindzicht.continuity.models import (
        Handover,
        HandoverStatus,
        ResponsibilityPeriod,
        RiskPeriod,
    )
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern
    from kindzicht.people.family import _years_before

    org = actor.organisation
    if org is None:
        return []
    why: dict[int, list[str]] = {}

    def add(ids, label) -> None:
        for pid in ids:
            why.setdefault(pid, []).append(str(label))

    add(Involvement.objects.filter(organisation=org, ended_at__isnull=True)
        .values_list("person_id", flat=True), _("betrokken"))
    add(Signal.objects.filter(organisation=org, ended_at__isnull=True)
        .values_list("person_id", flat=True), _("signaal in de verwijsindex"))
    add(Concern.objects.filter(organisation=org, decided_at__isnull=True)
        .values_list("child_id", flat=True), _("open zorg"))
    add(ResponsibilityPeriod.objects.filter(organisation=org, ended_at__isnull=True)
        .values_list("child_id", flat=True), _("veiligheidsregie"))
    add(Handover.objects.filter(receiver=org, status__in=[HandoverStatus.OFFERED,
                                                          HandoverStatus.ACCEPTED])
        .values_list("child_id", flat=True), _("overdracht aan ons"))
    today = clock.today()
    children = list(Person.objects.filter(pk__in=list(why), death_date__isnull=True,
                                          birth_date__gt=_years_before(today, 18))
                    .order_by("family_name", "given_name", "pk"))
    ids = [c.pk for c in children]
    holders = {p.child_id: p for p in ResponsibilityPeriod.objects.filter(
        child_id__in=ids, ended_at__isnull=True).select_related("organisation")}
    at_risk = set(RiskPeriod.objects.filter(child_id__in=ids, closed_at__isnull=True)
                  .values_list("child_id", flat=True))
    pending: dict[int, int] = {}
    for cid in Handover.objects.filter(child_id__in=ids, status__in=[
            HandoverStatus.OFFERED, HandoverStatus.ACCEPTED]).filter(
            Q(sender=org) | Q(receiver=org)).values_list("child_id", flat=True):
        pending[cid] = pending.get(cid, 0) + 1
    rows = []
    for c in children:
        h = holders.get(c.pk)
        rows.append(ChildRow(
            child=c, age=age_on(c, today),
            holder_name=h.organisation.name if h and h.organisation else "",
            holder_is_us=bool(h and h.organisation_id == org.pk),
            at_open_risk=c.pk in at_risk,
            basis=h.get_basis_display() if h and h.basis else "",
            pending_handovers=pending.get(c.pk, 0), why=sorted(set(why[c.pk]))))
    # Children at open risk without anyone first: they need attention.
    rows.sort(key=lambda r: (not (r.at_open_risk and not r.holder_name), not r.at_open_risk))
    if ids:
        audit_read(actor, "children_listed", person_ids=ids)
    return rows


@dataclass
class ChildContinuity:
    holder: object | None  # ResponsibilityPeriod
    at_open_risk: bool
    risk_since: date | None
    band: object | None  # band.Band
    pending: list
    closed_handovers: list
    decisions: list
    requests: list
    we_are_involved: bool
    we_hold: bool


def child_continuity(actor: Actor, child: Person) -> ChildContinuity:
    """Responsibility, handovers, requests and decisions of one child. The person page that
    shows it has already audited the read of this child (one entry per page)."""
    from kindzicht.continuity.involvement import is_involved
    from kindzicht.continuity.models import (
        Decision,
        Handover,
        HandoverStatus,
        Request,
        ResponsibilityPeriod,
        RiskPeriod,
    )

    from .band import responsibility_band

    org = actor.organisation
    holder = ResponsibilityPeriod.objects.filter(child=child, ended_at__isnull=True) \
        .select_related("organisation").first()
    risk = RiskPeriod.objects.filter(child=child, closed_at__isnull=True).first()
    handovers = list(Handover.objects.filter(child=child).select_related("sender", "receiver")
                     .prefetch_related("factors").order_by("-at", "-id"))
    open_states = (HandoverStatus.OFFERED, HandoverStatus.ACCEPTED)
    return ChildContinuity(
        holder=holder if holder and holder.organisation_id else None,
        at_open_risk=risk is not None,
        risk_since=risk.on if risk else None,
        band=responsibility_band(child.pk),
        pending=[h for h in handovers if h.status in open_states],
        closed_handovers=[h for h in handovers if h.status not in open_states],
        decisions=list(Decision.objects.filter(child=child).select_related("organisation")
                       .order_by("-at", "-id")),
        requests=list(Request.objects.filter(child=child).select_related("requester")
                      .order_by("-at", "-id")),
        we_are_involved=bool(org and is_involved(org.pk, child.pk)),
        we_hold=bool(org and holder and holder.organisation_id == org.pk),
    )


def handover_for(actor: Actor, handover_id: int):
    """A handover, for its sender or its receiver only (need to know)."""
    from kindzicht.continuity.models import Handover

    org = actor.organisation
    if org is None:
        return None
    h = (Handover.objects.filter(pk=handover_id).filter(Q(sender=org) | Q(receiver=org))
         .select_related("child", "sender", "receiver").prefetch_related("factors").first())
    if h is not None:
        audit_read(actor, "handover_viewed", person_ids=[h.child_id], obj=h)
    return h
