"""A family and the organisations around it, made through the real services: a wijkteam
coordinating, a school owning goals, an adult mental health service treating the mother."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people import services as people

DAY = date(2024, 3, 4)


@dataclass
class World:
    orgs: dict
    actors: dict
    child: object
    sibling: object
    mother: object
    home: object


def open_risk(actor: Actor, child) -> None:
    from kindzicht.safety.services import assessment_record

    assessment_record(actor, child=child, safety="unsafe", risk="high",
                      factors=[{"domain": "family", "code": "domestic_violence"}])


@pytest.fixture
def world(db):
    with clock.frozen(DAY):
        orgs, actors = {}, {}
        for key, sector in [("wt", "district_team"), ("school", "school"),
                            ("ggz", "adult_mental_health"), ("vt", "safe_at_home"),
                            ("jh", "youth_care")]:
            orgs[key] = OrganisationFactory(sector=sector, name=f"Org {key}")
            actors[key] = actor_of(ProfessionalFactory(organisation=orgs[key],
                                                       role="coordinator"))
        system = Actor.system("test")
        child = PersonFactory(birth_date=date(2016, 5, 1), given_name="Mila")
        sibling = PersonFactory(birth_date=date(2019, 2, 1), given_name="Jip")
        mother = PersonFactory(birth_date=date(1988, 1, 2), given_name="Sanne")
        for kid in (child, sibling):
            people.relation_add(system, person=mother, kind="parent_of", other=kid)
        home = people.household_create(system, members=[mother, child, sibling],
                                       municipality_code="0344", postcode="3511AB")
        continuity.involvement_start(actors["wt"], person=child, service="gezinscoaching")
        open_risk(actors["wt"], child)
        continuity.involvement_start(actors["ggz"], person=mother, service="behandeling")
        continuity.involvement_start(actors["school"], person=child, service="onderwijs")
        yield World(orgs, actors, child, sibling, mother, home)


class Writes:
    """Counts of what a write leaves behind: domain events and audit entries of writes."""

    def __init__(self, *models):
        self.models = models
        self.before = self.counts()

    def counts(self):
        c = {m.__name__: m.objects.count() for m in self.models}
        c["events"] = DomainEvent.objects.count()
        c["writes"] = AuditEntry.objects.filter(kind="write").count()
        return c

    def none(self) -> bool:
        return self.counts() == self.before
