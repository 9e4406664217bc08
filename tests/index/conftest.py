"""Fixtures of the index tests: a blended family (the mother's new partner lives with her and
her daughter; the girl's father lives elsewhere with a half-brother) and organisations of the
sectors that meet in it, each with a professional and a coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import services as people
from kindzicht.people.models import Person

DAY = date(2024, 3, 4)
SYSTEM = Actor.system("test set-up")


@dataclass
class Blended:
    girl: Person  # 10
    mother: Person
    stepfather: Person  # the mother's partner, in the household
    father: Person  # elsewhere
    half_brother: Person  # the father's son, 5
    grandmother: Person  # 70, no relation to anyone recorded


class Orgs:
    def __init__(self):
        self.org, self.pro, self.coord = {}, {}, {}
        for key, sector in [("school", "school"), ("ggz", "adult_mental_health"),
                            ("probation", "probation"), ("wt", "district_team"),
                            ("gi", "youth_protection"), ("jgz", "youth_health"),
                            ("gemeente", "municipality"), ("court", "juvenile_court"),
                            ("gp", "gp")]:
            org = OrganisationFactory(sector=sector, name=f"Org {key}", phone=f"030-{len(key)}00")
            self.org[key] = org
            self.pro[key] = actor_of(ProfessionalFactory(organisation=org, first_name="Pro",
                                                         last_name=key))
            self.coord[key] = actor_of(ProfessionalFactory(organisation=org, role="coordinator",
                                                           first_name="Coord", last_name=key))


@pytest.fixture
def day(db):
    with clock.frozen(DAY):
        yield DAY


@pytest.fixture
def orgs(day) -> Orgs:
    return Orgs()


@pytest.fixture
def fam(day) -> Blended:
    mk = PersonFactory
    girl = mk(birth_date=date(2013, 6, 1), given_name="Lotte", family_name="Visser")
    mother = mk(birth_date=date(1986, 1, 1), given_name="Anouk", family_name="Bakker")
    step = mk(birth_date=date(1983, 2, 2), given_name="Mehmet", family_name="Yilmaz")
    father = mk(birth_date=date(1982, 3, 3), given_name="Ruben", family_name="Visser")
    half = mk(birth_date=date(2019, 4, 4), given_name="Noor", family_name="Visser")
    gran = mk(birth_date=date(1954, 5, 5), given_name="Truus", family_name="Bos")
    for parent, kid in [(mother, girl), (father, girl), (father, half)]:
        people.relation_add(SYSTEM, person=parent, kind="parent_of", other=kid)
    people.relation_add(SYSTEM, person=mother, kind="partner_of", other=step)
    people.household_create(SYSTEM, members=[mother, step, girl], municipality_code="0344",
                            postcode="3511AB")
    people.household_create(SYSTEM, members=[father, half], municipality_code="0363",
                            postcode="1012AB")
    return Blended(girl, mother, step, father, half, gran)
