"""Reads of persons, for every interface (web pages, API): finding a person, reading one, the
family of a child on a day, and the person page as a whole.

Each selector takes the acting professional first, applies need to know, and writes one audit
entry per read (NEN 7513: who saw which persons, when and why) — not one per row. A selector
that is part of a larger read (a page, an API response) takes ``audit=False`` and the
composing read audits everyone it shows in its own single entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from kindzicht.core import clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.errors import Forbidden, ValidationError

from . import family
from .bsn import is_valid_bsn, normalise_bsn
from .models import (
    Household,
    HouseholdAddress,
    HouseholdMembership,
    Municipality,
    Person,
    Role,
)

#: A search answers at most this many persons: enough to pick from, too few to browse.
SEARCH_LIMIT = 50
#: Roles that work with cases and may read person data (need to know applies on top).
CASEWORK_ROLES = frozenset({Role.PROFESSIONAL, Role.COORDINATOR})
#: The order in which a family is listed: closest first.
FAMILY_ORDER = (family.PARENT, family.GUARDIAN, family.STEP_PARENT, family.SIBLING,
                family.HOUSEHOLD)


def require_casework(actor: Actor) -> None:
    """Person data is for professionals and coordinators of an organisation; the municipality
    as overseer, inspectors and administrators never read case content (product.md, Users).
    The interfaces check this at their door too; the selector is the last line."""
    if actor.organisation is None or actor.role not in CASEWORK_ROLES:
        raise Forbidden(_("Alleen professionals en coördinatoren van een organisatie zien "
                          "gegevens van personen."))


def person_search(actor: Actor, *, birth_date: date, name: str = "", family_name: str = "",
                  given_name: str = "") -> list[Person]:
    """People born on ``birth_date`` whose names contain every word given: a word of ``name``
    in either name, of ``family_name`` in the family name, of ``given_name`` in the given name.

    A name and the birth date are both required, so nobody can browse the register. The
    search is audited even when it finds nobody: who looked for whom is itself worth
    knowing."""
    require_casework(actor)
    words = [(w, "any") for w in name.split()] + [
        (w, "family") for w in family_name.split()] + [(w, "given") for w in given_name.split()]
    if not words:
        raise ValidationError(_("Geef een naam op; zoeken alleen op geboortedatum kan niet."),
                              field="name")
    qs = Person.objects.filter(birth_date=birth_date)
    for word, where in words:
        if where == "family":
            qs = qs.filter(family_name__icontains=word)
        elif where == "given":
            qs = qs.filter(given_name__icontains=word)
        else:
            qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    found = list(qs.order_by("family_name", "given_name", "pk")[:SEARCH_LIMIT])
    audit_read(actor, "person_searched", person_ids=[p.pk for p in found])
    return found


def person_find_by_bsn(actor: Actor, *, bsn: str) -> Person | None:
    """The person with this BSN, or None. Interfaces take the BSN from a request body only,
    never from a URL (logs and browser histories would keep it). An attempt that finds
    nobody is audited too (without the number): probing BSNs shows in the log."""
    require_casework(actor)
    bsn = normalise_bsn(bsn)
    if not is_valid_bsn(bsn):
        raise ValidationError(_("Dit BSN is niet geldig (het voldoet niet aan de elfproef)."),
                              field="bsn")
    person = Person.objects.filter(bsn=bsn).first()
    audit_read(actor, "person_searched_by_bsn", person_ids=[person.pk] if person else [],
               obj=person)
    return person


def require_person_reach(actor: Actor, person_id: int) -> None:
    """Need to know: refuse (``access.reach.OutOfReach``) a person outside the acting
    organisation's reach (kindzicht.access.reach defines it, once)."""
    from kindzicht.access.reach import require_reach

    require_reach(actor, person_id)


def person_get(actor: Actor, person_id: int, *, audit: bool = True,
               reach: bool = True) -> Person | None:
    """One person (who an action or a page is about), or None; outside the actor's reach
    ``OutOfReach``. ``reach=False`` only for the writes that bring an organisation into reach
    (starting involvement, registering a signal, recording a concern): they show the person's
    identity, nothing else (docs/access.md)."""
    require_casework(actor)
    person = Person.objects.filter(pk=person_id).first()
    if person is not None and reach:
        require_person_reach(actor, person.pk)
    if person is not None and audit:
        audit_read(actor, "person_viewed", person_ids=[person.pk], obj=person)
    return person


@dataclass(frozen=True)
class FamilyMember:
    person: Person
    role: str


def family_on(actor: Actor, child: Person, day: date, *, audit: bool = True
              ) -> list[FamilyMember]:
    """The family of a child on a day (findings.md: parents and guardians, step-parents,
    siblings and half-siblings, everyone in the child's household), closest first, then
    oldest first. The read names the child and every member shown."""
    require_casework(actor)
    if audit:  # a part of a larger read: the composing read checked the reach
        require_person_reach(actor, child.pk)
    roles = family.family_of(child.pk, day)
    people = Person.objects.in_bulk(list(roles))
    order = {role: i for i, role in enumerate(FAMILY_ORDER)}
    members = sorted(
        (FamilyMember(people[pid], role) for pid, role in roles.items() if pid in people),
        key=lambda m: (order.get(m.role, len(order)), m.person.birth_date, m.person.pk))
    if audit:
        audit_read(actor, "family_read", person_ids=[child.pk, *(m.person.pk for m in members)],
                   obj=child)
    return members


@dataclass
class HouseholdView:
    """A household the person lived in, with its address history and who lives there now
    (empty once the person left)."""

    household: Household
    joined_on: date | None
    left_on: date | None
    addresses: list[dict] = field(default_factory=list)
    members_now: list[Person] = field(default_factory=list)


def _households_of(person: Person, today: date) -> list[HouseholdView]:
    """Part of a larger read: the caller audits the persons it shows."""
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


@dataclass
class PersonRecord:
    """What the person page shows of a person, read as of ``today``."""

    person: Person
    today: date
    family: list[FamilyMember]
    households: list[HouseholdView]
    #: the person's involvements (kindzicht.continuity.models.Involvement), current first
    involvements: list
    #: organisations involved otherwise: (name, [reason codes]) — see
    #: kindzicht.continuity.selectors.INVOLVED_BECAUSE
    also_involved: list[tuple[str, list[str]]]

    @property
    def shown(self) -> set[int]:
        """Every person whose data the page shows."""
        return {self.person.pk} | {m.person.pk for m in self.family} | {
            p.pk for h in self.households for p in h.members_now}


def person_record(actor: Actor, person_id: int) -> PersonRecord | None:
    """A person with their family as of today, their households with the address history,
    and who is involved — one read, one audit entry naming everyone shown."""
    from kindzicht.continuity.selectors import involvement_of

    require_casework(actor)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return None
    require_person_reach(actor, person.pk)
    today = clock.today()
    involved = involvement_of(actor, person, audit=False)
    record = PersonRecord(person=person, today=today,
                          family=family_on(actor, person, today, audit=False),
                          households=_households_of(person, today),
                          involvements=involved.involvements,
                          also_involved=involved.others)
    audit_read(actor, "person_viewed", person_ids=record.shown, obj=person)
    return record
