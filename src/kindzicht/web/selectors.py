"""What the web pages make of the domain reads: Dutch labels, ages, a masked BSN, the
responsibility band.

The reads themselves — need to know, and one audit entry per page (NEN 7513) — are the
domain selectors' (``kindzicht.people.selectors``, ``kindzicht.continuity.selectors``,
``kindzicht.rules.selectors``), the same the API reads through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext_lazy

from kindzicht.continuity import selectors as continuity
from kindzicht.continuity.models import (
    Basis,
    Decision,
    Handover,
    Involvement,
    Request,
    ResponsibilityPeriod,
)
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import selectors as people
from kindzicht.people.models import Person
from kindzicht.people.selectors import HouseholdView
from kindzicht.people.services import age_on
from kindzicht.rules import selectors as rules

from .band import Band, responsibility_band
from .labels import FAMILY_ORDER, FAMILY_ROLES, mask_bsn

#: Kept under these names for the views that import them from here.
person_get = people.person_get
task_of = rules.task_get

#: Why an organisation counts as involved, as the pages say it.
INVOLVED_BECAUSE = {
    "involvement": gettext_lazy("betrokken"),
    "signal": gettext_lazy("signaal in de verwijsindex"),
    "concern": gettext_lazy("open zorg"),
    "responsibility": gettext_lazy("veiligheidsregie"),
    "handover_to_us": gettext_lazy("overdracht aan ons"),
    "handover_accepted": gettext_lazy("overdracht geaccepteerd"),
}


def _because(codes) -> list[str]:
    return [str(INVOLVED_BECAUSE.get(c, c)) for c in codes]


# --- the person page ----------------------------------------------------------------------


@dataclass
class FamilyMember:
    person: Person
    role: str
    role_label: str
    age: int


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
    """The person page: the person with their family as of today (closest first, then
    oldest), households with their address history, and who is involved."""
    record = people.person_record(actor, person_id)
    if record is None:
        return None
    today = record.today
    order = {r: i for i, r in enumerate(FAMILY_ORDER)}
    fam = sorted(
        (FamilyMember(m.person, m.role, str(FAMILY_ROLES.get(m.role, m.role)),
                      age_on(m.person, today)) for m in record.family),
        key=lambda m: (order.get(m.role, 99), -m.age, m.person.name),
    )
    age = age_on(record.person, today)
    return PersonProfile(person=record.person, today=today, age=age, is_child=age < 18,
                         bsn_masked=mask_bsn(record.person.bsn), family=fam,
                         households=record.households, involvements=record.involvements,
                         also_involved=[(name, _because(codes))
                                        for name, codes in record.also_involved])


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
    """*Mijn kinderen*: the children my organisation is involved with or has been offered,
    who holds safety responsibility for each, and why they are on the list."""
    today = clock.today()
    org_id = actor.organisation_id
    basis_labels = dict(Basis.choices)
    return [
        ChildRow(child=r.child, age=age_on(r.child, today),
                 holder_name=r.holder.name if r.holder else "",
                 holder_is_us=bool(r.holder and r.holder.pk == org_id),
                 at_open_risk=r.at_open_risk,
                 basis=str(basis_labels.get(r.basis, r.basis)) if r.basis else "",
                 pending_handovers=r.pending_handovers, why=sorted(set(_because(r.why))))
        for r in continuity.children_of_organisation(actor)
    ]


@dataclass
class ChildContinuity:
    holder: ResponsibilityPeriod | None
    at_open_risk: bool
    risk_since: date | None
    band: Band | None
    pending: list[Handover]
    closed_handovers: list[Handover]
    decisions: list[Decision]
    requests: list[Request]
    we_are_involved: bool
    we_hold: bool


def child_continuity(actor: Actor, child: Person) -> ChildContinuity:
    """Responsibility (with its band), handovers, requests and decisions of one child, for a
    page that has already audited the read of this child (one entry per page)."""
    cont = continuity.continuity_of(actor, child, audit=False)
    resp = cont.responsibility
    return ChildContinuity(
        holder=resp.current, at_open_risk=resp.at_open_risk, risk_since=resp.open_risk_since,
        band=responsibility_band(child.pk), pending=cont.pending,
        closed_handovers=cont.closed_handovers, decisions=cont.decisions,
        requests=cont.requests, we_are_involved=cont.we_are_involved, we_hold=cont.we_hold)
