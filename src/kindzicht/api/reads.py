"""The API's reads of person data, each audited once per request (NEN 7513: who saw which
persons, when, why) — not per row.

A thin adapter: where the domain apps offer a selector, it is used; what is here only adds
the audit of the read and the lookup by BSN that must never come from a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, F, IntegerField, Q, Value, When

from kindzicht.continuity.models import (
    Handover,
    HandoverStatus,
    Involvement,
    ResponsibilityPeriod,
    RiskPeriod,
)
from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.errors import NotFound
from kindzicht.people.bsn import normalise_bsn
from kindzicht.people.family import family_of
from kindzicht.people.models import Organisation, Person
from kindzicht.rules.models import Task, TaskStatus

SEARCH_LIMIT = 50


def person_read(actor: Actor, person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(f"No person with id {person_id}.")
    audit_read(actor, "person_read", person_ids=[person.pk], obj=person)
    return person


def person_search(actor: Actor, *, family_name: str, birth_date: date,
                  given_name: str = "") -> list[Person]:
    """People born on ``birth_date`` whose family name (and given name, if given) contains the
    words given; at most ``SEARCH_LIMIT``. Both name and birth date are required, so nobody
    can browse the register."""
    qs = Person.objects.filter(birth_date=birth_date)
    for word in family_name.split():
        qs = qs.filter(family_name__icontains=word)
    for word in given_name.split():
        qs = qs.filter(Q(given_name__icontains=word))
    found = list(qs.order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT])
    audit_read(actor, "person_searched", person_ids=[p.pk for p in found])
    return found


def person_by_bsn(actor: Actor, *, bsn: str) -> Person:
    person = Person.objects.filter(bsn=normalise_bsn(bsn)).first()
    if person is None:
        raise NotFound("No person with this BSN is registered.")
    audit_read(actor, "person_looked_up_by_bsn", person_ids=[person.pk], obj=person)
    return person


@dataclass(frozen=True)
class FamilyMember:
    person: Person
    role: str


def person_family(actor: Actor, person: Person, on: date) -> list[FamilyMember]:
    """The family of a child on a day (findings.md), ordered parents first; the read of the
    child and of every member shown is audited."""
    roles = family_of(person.pk, on)
    people = Person.objects.in_bulk(list(roles))
    order = {"parent": 0, "guardian": 1, "step_parent": 2, "sibling": 3, "household_member": 4}
    members = sorted(
        (FamilyMember(people[pid], role) for pid, role in roles.items() if pid in people),
        key=lambda m: (order.get(m.role, 9), m.person.birth_date, m.person.pk),
    )
    audit_read(actor, "family_read", person_ids=[person.pk, *(m.person.pk for m in members)],
               obj=person)
    return members


# --- continuity of care (issue 3) --------------------------------------------------------


def _eighteen_years_before(day: date) -> date:
    """Whoever was born after this day is a child (under 18) on ``day``."""
    try:
        return day.replace(year=day.year - 18)
    except ValueError:  # 29 February
        return date(day.year - 18, 2, 28)


@dataclass(frozen=True)
class ChildRow:
    """A child my organisation is involved with (or has been offered), and who holds safety
    responsibility for it."""

    child: Person
    at_open_risk: bool
    holder: Organisation | None
    basis: str
    holder_since: date | None
    pending_handovers: int


def children_of_organisation(actor: Actor) -> list[ChildRow]:
    """Children under 18 with whom the acting organisation is involved in findings.md's sense
    (involvement, an active signal, an open concern, responsibility, an accepted handover) or
    to whom a handover was offered to it; children at open risk without a holder first."""
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern

    org = actor.organisation
    open_states = [HandoverStatus.OFFERED, HandoverStatus.ACCEPTED]
    ids: set[int] = set()
    for qs in (
        Involvement.objects.filter(organisation=org, ended_at__isnull=True)
        .values_list("person_id", flat=True),
        Signal.objects.filter(organisation=org, ended_at__isnull=True)
        .values_list("person_id", flat=True),
        Concern.objects.filter(organisation=org, decided_at__isnull=True)
        .values_list("child_id", flat=True),
        ResponsibilityPeriod.objects.filter(organisation=org, ended_at__isnull=True)
        .values_list("child_id", flat=True),
        Handover.objects.filter(receiver=org, status__in=open_states)
        .values_list("child_id", flat=True),
    ):
        ids.update(qs)
    children = list(Person.objects.filter(pk__in=ids, death_date__isnull=True,
                                          birth_date__gt=_eighteen_years_before(clock.today()))
                    .order_by("family_name", "given_name", "pk"))
    child_ids = [c.pk for c in children]
    holders = {p.child_id: p for p in ResponsibilityPeriod.objects.filter(
        child_id__in=child_ids, ended_at__isnull=True).select_related("organisation")}
    at_risk = set(RiskPeriod.objects.filter(child_id__in=child_ids, closed_at__isnull=True)
                  .values_list("child_id", flat=True))
    pending: dict[int, int] = {}
    for cid in (Handover.objects.filter(child_id__in=child_ids, status__in=open_states)
                .filter(Q(sender=org) | Q(receiver=org)).values_list("child_id", flat=True)):
        pending[cid] = pending.get(cid, 0) + 1
    rows = []
    for c in children:
        period = holders.get(c.pk)
        holder = period.organisation if period else None
        rows.append(ChildRow(child=c, at_open_risk=c.pk in at_risk, holder=holder,
                             basis=period.basis if holder else "",
                             holder_since=period.on if holder else None,
                             pending_handovers=pending.get(c.pk, 0)))
    rows.sort(key=lambda r: (not (r.at_open_risk and r.holder is None), not r.at_open_risk))
    audit_read(actor, "children_listed", person_ids=child_ids)
    return rows


@dataclass(frozen=True)
class ResponsibilityHistory:
    child: Person
    at_open_risk: bool
    open_risk_since: date | None
    holder: Organisation | None
    periods: list[ResponsibilityPeriod]


def responsibility_history(actor: Actor, child: Person) -> ResponsibilityHistory:
    """Who held safety responsibility for the child, period by period (a period without an
    organisation is a gap), and whether the child is at open risk now."""
    periods = list(ResponsibilityPeriod.objects.filter(child=child)
                   .select_related("organisation").order_by("at", "id"))
    current = next((p for p in periods if p.ended_at is None), None)
    risk = RiskPeriod.objects.filter(child=child, closed_at__isnull=True).first()
    audit_read(actor, "responsibility_read", person_ids=[child.pk], obj=child)
    return ResponsibilityHistory(child=child, at_open_risk=risk is not None,
                                 open_risk_since=risk.on if risk else None,
                                 holder=current.organisation if current else None,
                                 periods=periods)


def _handovers_of(actor: Actor):
    org = actor.organisation
    return (Handover.objects.filter(Q(sender=org) | Q(receiver=org))
            .select_related("child", "sender", "receiver").prefetch_related("factors"))


def handover_get(actor: Actor, handover_id: int, *, audit: bool = True) -> Handover:
    """A handover, for its sender or receiver only (others get 404: need to know)."""
    handover = _handovers_of(actor).filter(pk=handover_id).first()
    if handover is None:
        raise NotFound(f"No handover with id {handover_id} of your organisation.")
    if audit:
        audit_read(actor, "handover_read", person_ids=[handover.child_id], obj=handover)
    return handover


def handover_list(actor: Actor, *, direction: str = "", open_only: bool = False
                  ) -> list[Handover]:
    qs = _handovers_of(actor)
    if direction == "sent":
        qs = qs.filter(sender=actor.organisation)
    elif direction == "received":
        qs = qs.filter(receiver=actor.organisation)
    if open_only:
        qs = qs.filter(status__in=[HandoverStatus.OFFERED, HandoverStatus.ACCEPTED])
    found = list(qs.order_by("-at", "-id")[:200])
    audit_read(actor, "handovers_listed", person_ids={h.child_id for h in found})
    return found


def _tasks_of(actor: Actor):
    org = actor.organisation
    where = Q(organisation=org)
    if org is not None and org.sector == "municipality" and org.municipality_code:
        where |= Q(organisation__isnull=True, municipality_code=org.municipality_code)
    return Task.objects.filter(where).select_related("child", "assignee", "organisation")


def task_list(actor: Actor, *, status: str = "", mine: bool = False) -> list[Task]:
    """The organisation's tasks and alerts (for a municipality also those addressed to it),
    open first, then by due date."""
    qs = _tasks_of(actor)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(assignee=actor.professional)
    found = list(qs.order_by(
        Case(When(status=TaskStatus.OPEN, then=Value(0)), default=Value(1),
             output_field=IntegerField()), F("due_on").asc(nulls_last=True), "id")[:500])
    audit_read(actor, "tasks_listed", person_ids={t.child_id for t in found if t.child_id})
    return found


def task_get(actor: Actor, task_id: int) -> Task:
    task = _tasks_of(actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound(f"No task with id {task_id} of your organisation.")
    return task
