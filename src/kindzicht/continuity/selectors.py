"""Reads of continuity of care, for every interface (web pages, API): my organisation's
children and who holds safety responsibility for each, a child's responsibility over time and
its handovers, requests and decisions, and the handovers an organisation sent or received.

Each selector takes the acting professional first, applies need to know (a handover is for its
sender and its receiver only), and writes one audit entry per read — not one per row. A
selector that is part of a larger read takes ``audit=False``; the composing read audits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.people.family import _years_before
from kindzicht.people.models import Organisation, Person
from kindzicht.people.selectors import require_casework, require_person_reach

from .involvement import is_involved
from .models import (
    Decision,
    Handover,
    HandoverStatus,
    Involvement,
    Request,
    ResponsibilityPeriod,
    RiskPeriod,
)

#: Handovers not yet confirmed, declined or withdrawn: the sender is still responsible.
OPEN_HANDOVER = (HandoverStatus.OFFERED, HandoverStatus.ACCEPTED)
#: Why an organisation counts as involved with a child (findings.md), as reason codes the
#: interfaces word themselves.
INVOLVED_BECAUSE = ("involvement", "signal", "concern", "responsibility", "handover_to_us",
                    "handover_accepted")
HANDOVER_LIST_LIMIT = 200


# --- my organisation's children ---------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    """A child my organisation is involved with (or has been offered), and who holds safety
    responsibility for it."""

    child: Person
    at_open_risk: bool
    #: who holds safety responsibility now (None: nobody)
    holder: Organisation | None
    #: the holder's basis (a ``Basis`` code; empty without a holder)
    basis: str
    holder_since: date | None
    #: handovers of this child my organisation sent or received, still open
    pending_handovers: int
    #: why my organisation counts as involved: codes of INVOLVED_BECAUSE
    why: tuple[str, ...]


def children_of_organisation(actor: Actor) -> list[ChildRow]:
    """Children under 18 (alive) with whom the acting organisation is involved in findings.md's
    sense — involvement, an active signal, an open concern, responsibility — or to whom a
    handover to it is open; children at open risk without a holder first, then those at open
    risk, then by name. A fixed number of queries, however many children."""
    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern

    require_casework(actor)
    org = actor.organisation
    why: dict[int, list[str]] = {}
    for code, person_ids in (
        ("involvement", Involvement.objects.filter(organisation=org, ended_at__isnull=True)
         .values_list("person_id", flat=True)),
        ("signal", Signal.objects.filter(organisation=org, ended_at__isnull=True)
         .values_list("person_id", flat=True)),
        ("concern", Concern.objects.filter(organisation=org, decided_at__isnull=True)
         .values_list("child_id", flat=True)),
        ("responsibility", ResponsibilityPeriod.objects.filter(organisation=org,
                                                               ended_at__isnull=True)
         .values_list("child_id", flat=True)),
        ("handover_to_us", Handover.objects.filter(receiver=org, status__in=OPEN_HANDOVER)
         .values_list("child_id", flat=True)),
    ):
        for pid in person_ids:
            why.setdefault(pid, [])
            if code not in why[pid]:
                why[pid].append(code)
    children = list(Person.objects.filter(pk__in=list(why), death_date__isnull=True,
                                          birth_date__gt=_years_before(clock.today(), 18))
                    .order_by("family_name", "given_name", "pk"))
    ids = [c.pk for c in children]
    holders = {p.child_id: p for p in ResponsibilityPeriod.objects.filter(
        child_id__in=ids, ended_at__isnull=True).select_related("organisation")}
    at_risk = set(RiskPeriod.objects.filter(child_id__in=ids, closed_at__isnull=True)
                  .values_list("child_id", flat=True))
    pending: dict[int, int] = {}
    for cid in (Handover.objects.filter(child_id__in=ids, status__in=OPEN_HANDOVER)
                .filter(Q(sender=org) | Q(receiver=org)).values_list("child_id", flat=True)):
        pending[cid] = pending.get(cid, 0) + 1
    rows = []
    for c in children:
        period = holders.get(c.pk)
        holder = period.organisation if period else None
        rows.append(ChildRow(child=c, at_open_risk=c.pk in at_risk, holder=holder,
                             basis=period.basis if period and holder else "",
                             holder_since=period.on if period and holder else None,
                             pending_handovers=pending.get(c.pk, 0), why=tuple(why[c.pk])))
    # Children at open risk without anyone first: they need attention.
    rows.sort(key=lambda r: (not (r.at_open_risk and r.holder is None), not r.at_open_risk))
    audit_read(actor, "children_listed", person_ids=ids)
    return rows


# --- one child ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Responsibility:
    """Who held safety responsibility for a child, period by period (a period without an
    organisation is a gap), and whether the child is at open risk now."""

    child: Person
    at_open_risk: bool
    open_risk_since: date | None
    periods: list[ResponsibilityPeriod]

    @property
    def current(self) -> ResponsibilityPeriod | None:
        """The open period with an organisation: who holds it now (None: nobody)."""
        return next((p for p in self.periods if p.ended_at is None and p.organisation_id),
                    None)

    @property
    def holder(self) -> Organisation | None:
        current = self.current
        return current.organisation if current else None


def responsibility_of(actor: Actor, child: Person, *, audit: bool = True) -> Responsibility:
    """A child's safety responsibility over time (veiligheidsregie)."""
    require_casework(actor)
    if audit:  # part of a larger read: the composing read checked the reach
        require_person_reach(actor, child.pk)
    periods = list(ResponsibilityPeriod.objects.filter(child=child)
                   .select_related("organisation").order_by("at", "id"))
    risk = RiskPeriod.objects.filter(child=child, closed_at__isnull=True).first()
    if audit:
        audit_read(actor, "responsibility_read", person_ids=[child.pk], obj=child)
    return Responsibility(child=child, at_open_risk=risk is not None,
                          open_risk_since=risk.on if risk else None, periods=periods)


@dataclass(frozen=True)
class Continuity:
    """Everything of a child's continuity of care: responsibility, handovers (open ones and
    earlier ones), requests and decisions, and where the acting organisation stands."""

    responsibility: Responsibility
    pending: list[Handover]
    closed_handovers: list[Handover]
    decisions: list[Decision]
    requests: list[Request]
    we_are_involved: bool
    we_hold: bool


def continuity_of(actor: Actor, child: Person, *, audit: bool = True) -> Continuity:
    """Responsibility, handovers, requests and decisions of one child. Every professional
    with access to the child sees *that* a handover is open and between whom (the sender stays
    responsible until the receiver confirms the start); a handover's own page is for its
    sender and receiver only (:func:`handover_get`)."""
    require_casework(actor)
    if audit:  # part of a larger read: the composing read checked the reach
        require_person_reach(actor, child.pk)
    org = actor.organisation
    responsibility = responsibility_of(actor, child, audit=False)
    handovers = list(Handover.objects.filter(child=child).select_related("sender", "receiver")
                     .prefetch_related("factors").order_by("-at", "-id"))
    holder = responsibility.holder
    cont = Continuity(
        responsibility=responsibility,
        pending=[h for h in handovers if h.status in OPEN_HANDOVER],
        closed_handovers=[h for h in handovers if h.status not in OPEN_HANDOVER],
        decisions=list(Decision.objects.filter(child=child).select_related("organisation")
                       .order_by("-at", "-id")),
        requests=list(Request.objects.filter(child=child).select_related("requester")
                      .order_by("-at", "-id")),
        we_are_involved=bool(org and is_involved(org.pk, child.pk)),
        we_hold=bool(org and holder and holder.pk == org.pk),
    )
    if audit:
        audit_read(actor, "continuity_read", person_ids=[child.pk], obj=child)
    return cont


@dataclass(frozen=True)
class InvolvementOf:
    """Who is involved with a person: the involvements (current first, then newest), and the
    organisations involved otherwise — (name, reason codes of INVOLVED_BECAUSE) by name."""

    involvements: list[Involvement]
    others: list[tuple[str, list[str]]]

    @property
    def current(self) -> list[Involvement]:
        return [i for i in self.involvements if i.ended_at is None]


def involvement_of(actor: Actor, person: Person, *, audit: bool = True) -> InvolvementOf:
    """The index shows involvement, not content (product.md): which organisations work with
    the person and why they count as involved, never what they recorded."""
    from django.db.models import Case, IntegerField, Value, When

    from kindzicht.index.models import Signal
    from kindzicht.meldcode.models import Concern

    require_casework(actor)
    if audit:  # part of a larger read: the composing read checked the reach
        require_person_reach(actor, person.pk)
    involvements = list(
        Involvement.objects.filter(person=person).select_related("organisation")
        .order_by(Case(When(ended_at__isnull=True, then=Value(0)), default=Value(1),
                       output_field=IntegerField()), "-on", "-id"))
    with_involvement = {i.organisation_id for i in involvements if i.ended_at is None}
    why: dict[int, list[str]] = {}
    for code, org_ids in (
        ("signal", Signal.objects.filter(person=person, ended_at__isnull=True)
         .values_list("organisation_id", flat=True)),
        ("concern", Concern.objects.filter(child=person, decided_at__isnull=True)
         .values_list("organisation_id", flat=True)),
        ("responsibility", ResponsibilityPeriod.objects.filter(
            child=person, ended_at__isnull=True, organisation__isnull=False)
         .values_list("organisation_id", flat=True)),
        ("handover_accepted", Handover.objects.filter(child=person,
                                                      status=HandoverStatus.ACCEPTED)
         .values_list("receiver_id", flat=True)),
    ):
        for org_id in org_ids:
            if org_id not in with_involvement:
                why.setdefault(org_id, []).append(code)
    names = dict(Organisation.objects.filter(pk__in=list(why)).values_list("pk", "name"))
    others = sorted(((names[o], reasons) for o, reasons in why.items()), key=lambda x: x[0])
    if audit:
        audit_read(actor, "involvement_read", person_ids=[person.pk], obj=person)
    return InvolvementOf(involvements=involvements, others=others)


# --- handovers ---------------------------------------------------------------------------


def _handovers(actor: Actor) -> QuerySet[Handover]:
    """Need to know: a handover is for its sender and its receiver."""
    org = actor.organisation
    if org is None:
        return Handover.objects.none()
    return (Handover.objects.filter(Q(sender=org) | Q(receiver=org))
            .select_related("child", "sender", "receiver").prefetch_related("factors"))


def handover_get(actor: Actor, handover_id: int, *, audit: bool = True) -> Handover | None:
    """A handover, for its sender or its receiver only (None for anyone else)."""
    require_casework(actor)
    handover = _handovers(actor).filter(pk=handover_id).first()
    if handover is not None and audit:
        audit_read(actor, "handover_viewed", person_ids=[handover.child_id], obj=handover)
    return handover


def handovers_of(actor: Actor, *, direction: str = "", open_only: bool = False,
                 limit: int = HANDOVER_LIST_LIMIT) -> list[Handover]:
    """Handovers my organisation sent (``direction="sent"``), received (``"received"``) or
    either, newest first; ``open_only``: those not yet confirmed, declined or withdrawn."""
    require_casework(actor)
    qs = _handovers(actor)
    if direction == "sent":
        qs = qs.filter(sender=actor.organisation)
    elif direction == "received":
        qs = qs.filter(receiver=actor.organisation)
    if open_only:
        qs = qs.filter(status__in=OPEN_HANDOVER)
    found = list(qs.order_by("-at", "-id")[:limit])
    audit_read(actor, "handovers_listed", person_ids={h.child_id for h in found})
    return found
