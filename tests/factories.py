"""Test data built through the real services (factory_boy, Faker ``nl_NL``).

Every factory's ``create`` calls the service a live user would trigger, so the data carries its
domain events and audit entries and passes the same validation. Use them under
``kindzicht.core.clock.frozen(day)`` to date what they write::

    with clock.frozen(date(2024, 5, 1)):
        org = OrganisationFactory(sector="school")
        pro = ProfessionalFactory(organisation=org, role="coordinator")
        family = make_family(children=2)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

import factory
from faker import Faker

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import services
from kindzicht.people.models import (
    Household,
    Organisation,
    Person,
    Professional,
    Relation,
    RelationKind,
    Role,
)

SYSTEM = Actor.system("test set-up")
PASSWORD = "correct horse battery staple"

_bsn_counter = count(10_000_001)
_faker = Faker("nl_NL")


def make_bsn(n: int | None = None) -> str:
    """A valid, unique (per test run) BSN: eight digits from a counter plus the 11-proef
    check digit (numbers whose check digit would be 10 are skipped)."""
    while True:
        base = f"{n if n is not None else next(_bsn_counter):08d}"[-8:]
        total = sum(int(d) * w for d, w in zip(base, range(9, 1, -1), strict=True))
        check = total % 11
        if check < 10:
            return base + str(check)
        if n is not None:
            n += 1


def years_ago(years: int, days: int = 0) -> date:
    """A birth date ``years`` years (and ``days`` days) before the clock's today."""
    today = clock.today()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - timedelta(days=days)


def actor_of(professional: Professional, purpose: str = "test") -> Actor:
    return Actor.of(professional, purpose=purpose)


class OrganisationFactory(factory.Factory):
    """``OrganisationFactory(sector="school")`` — through ``organisation_create``."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    sector = "youth_care"
    municipality_code = "0344"
    email = factory.Sequence(lambda n: f"info{n}@organisatie.example")
    phone = ""
    address = ""

    @classmethod
    def _create(cls, model_class, *args, actor: Actor | None = None, **kwargs):
        return services.organisation_create(actor or SYSTEM, **kwargs)


class ProfessionalFactory(factory.Factory):
    """``ProfessionalFactory(organisation=org, role="coordinator")`` — through
    ``professional_create``; the password is :data:`PASSWORD`."""

    class Meta:
        model = Professional

    organisation = factory.SubFactory(OrganisationFactory)
    username = factory.Sequence(lambda n: f"gebruiker{n}")
    role = Role.PROFESSIONAL
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@kindzicht.example")
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, actor: Actor | None = None, **kwargs):
        return services.professional_create(actor or SYSTEM, **kwargs)


class PersonFactory(factory.Factory):
    """``PersonFactory()`` is a child of eight; ``PersonFactory(adult=True)`` an adult of
    35; ``PersonFactory(bsn=None)`` has no BSN — through ``person_create``."""

    class Meta:
        model = Person

    class Params:
        adult = factory.Trait(birth_date=factory.LazyFunction(lambda: years_ago(35)))
        baby = factory.Trait(birth_date=factory.LazyFunction(lambda: years_ago(0, 30)))

    given_name = factory.Faker("first_name", locale="nl_NL")
    family_name = factory.Faker("last_name", locale="nl_NL")
    birth_date = factory.LazyFunction(lambda: years_ago(8))
    bsn = factory.LazyFunction(make_bsn)
    place = "Utrecht"

    @classmethod
    def _create(cls, model_class, *args, actor: Actor | None = None, **kwargs):
        return services.person_create(actor or SYSTEM, **kwargs)


def child(**kwargs) -> Person:
    return PersonFactory(**kwargs)


def adult(**kwargs) -> Person:
    return PersonFactory(adult=True, **kwargs)


def relate(person: Person, kind: str, other: Person, *, valid_from: date | None = None,
           valid_to: date | None = None, actor: Actor | None = None) -> Relation:
    return services.relation_add(actor or SYSTEM, person=person, kind=kind, other=other,
                                 valid_from=valid_from, valid_to=valid_to)


@dataclass
class Family:
    """A household of parents and children made by :func:`make_family`."""

    parents: list[Person]
    children: list[Person]
    household: Household
    relations: list[Relation] = field(default_factory=list)

    @property
    def mother(self) -> Person:
        return self.parents[0]

    @property
    def father(self) -> Person:
        return self.parents[1]

    @property
    def members(self) -> list[Person]:
        return [*self.parents, *self.children]


def make_family(*, parents: int = 2, children: int = 2, family_name: str | None = None,
                municipality_code: str = "0344", postcode: str = "3511AB",
                child_ages: list[int] | None = None, partners: bool = True,
                actor: Actor | None = None) -> Family:
    """Parents (1 or 2, related ``parent_of`` every child and, when two, ``partner_of`` each
    other) and children living together in one household, from the clock's today."""
    actor = actor or SYSTEM
    name = family_name or _faker.last_name()
    ages = child_ages or [4 + 3 * i for i in range(children)]
    ps = [PersonFactory(adult=True, family_name=name, given_name=g, actor=actor)
          for g in ("Sanne", "Mark")[:parents]]
    kids = [PersonFactory(birth_date=years_ago(a), family_name=name, actor=actor)
            for a in ages[:children]]
    rels = []
    for p in ps:
        for k in kids:
            rels.append(relate(p, RelationKind.PARENT_OF, k, valid_from=k.birth_date,
                               actor=actor))
    if parents == 2 and partners:
        rels.append(relate(ps[0], RelationKind.PARTNER_OF, ps[1], actor=actor))
    household = services.household_create(actor, members=[*ps, *kids],
                                          municipality_code=municipality_code,
                                          postcode=postcode, since=clock.today())
    return Family(ps, kids, household, rels)


def involve(actor: Actor, person: Person, service: str = "ambulante hulp"):
    """Bring ``person`` into the actor's organisation's reach the way a professional does:
    by starting involvement (need to know, kindzicht.access.reach)."""
    from kindzicht.continuity.services import involvement_start

    return involvement_start(actor, person=person, service=service)
