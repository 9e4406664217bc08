"""The API's reads of person data, each audited once per request (NEN 7513: who saw which
persons, when, why) — not per row.

A thin adapter: where the domain apps offer a selector, it is used; what is here only adds
the audit of the read and the lookup by BSN that must never come from a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.errors import NotFound
from kindzicht.people.bsn import normalise_bsn
from kindzicht.people.family import family_of
from kindzicht.people.models import Person

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
