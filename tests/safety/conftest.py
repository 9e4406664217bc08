"""A child at open risk whose safety responsibility a district team holds, with a mother in
one household in Utrecht — built through the real services."""

from __future__ import annotations

from datetime import date

import pytest
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import services as people

DAY = date(2024, 3, 4)
SYSTEM = Actor.system("test set-up")


class World:
    def __init__(self):
        self.orgs = {}
        self.actors = {}
        for key, sector in [("wt", "district_team"), ("school", "school"),
                            ("ggz", "adult_mental_health"), ("jgz", "youth_health")]:
            org = OrganisationFactory(sector=sector, name=f"Org {key}")
            self.orgs[key] = org
            self.actors[key] = actor_of(ProfessionalFactory(organisation=org, role="coordinator"))
        self.child = PersonFactory(birth_date=date(2016, 5, 1), given_name="Mila")
        self.mother = PersonFactory(birth_date=date(1988, 1, 2), given_name="Sanne")
        self.partner = PersonFactory(birth_date=date(1985, 7, 9), given_name="Kevin")
        people.relation_add(SYSTEM, person=self.mother, kind="parent_of", other=self.child)
        self.home = people.household_create(SYSTEM, members=[self.mother, self.child],
                                            municipality_code="0344", postcode="3511AB")

    def assess(self, key="wt", safety="unsafe", risk="high", factors=None, agreements=""):
        from kindzicht.safety.factors import FACTORS
        from kindzicht.safety.services import assessment_record

        factors = factors if factors is not None else [
            {"domain": FACTORS[c][0], "code": c} for c in ("overburdened_parent",)]
        return assessment_record(self.actors[key], child=self.child, safety=safety, risk=risk,
                                 factors=factors, agreements=agreements)


@pytest.fixture
def world(db):
    with clock.frozen(DAY):
        yield World()
