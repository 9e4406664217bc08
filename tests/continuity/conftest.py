from __future__ import annotations

from datetime import date

import pytest

from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of
from kindzicht.core import clock
from kindzicht.people import services as people

DAY = date(2024, 3, 4)


class World:
    """A child, a mother in one household, and a few organisations with a coordinator each."""

    def __init__(self):
        self.orgs = {}
        self.actors = {}
        for key, sector in [("school", "school"), ("wt", "district_team"),
                            ("vt", "safe_at_home"), ("raad", "child_protection_board"),
                            ("gi", "youth_protection"), ("court", "juvenile_court"),
                            ("jh", "youth_care")]:
            org = OrganisationFactory(sector=sector, name=f"Org {key}")
            pro = ProfessionalFactory(organisation=org, role="coordinator")
            self.orgs[key] = org
            self.actors[key] = actor_of(pro)
        self.child = PersonFactory(birth_date=date(2016, 5, 1), given_name="Mila")
        self.mother = PersonFactory(birth_date=date(1988, 1, 2), given_name="Sanne")
        from kindzicht.core.actions import Actor

        system = Actor.system("test")
        people.relation_add(system, person=self.mother, kind="parent_of", other=self.child)
        self.home = people.household_create(system, members=[self.mother, self.child],
                                            municipality_code="0344", postcode="3511AB")

    def reconstruct(self, key):
        from dataclasses import replace

        return replace(self.actors[key], mode="reconstruct")


@pytest.fixture
def world(db):
    with clock.frozen(DAY):
        yield World()
