"""A school with a teacher, a Veilig Thuis, a child and its mother, made through the real
services on a fixed day (a Thursday before Ascension Day 2024)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from factories import OrganisationFactory, PersonFactory, ProfessionalFactory, actor_of

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people.models import Organisation, Person

DAY = date(2024, 5, 2)


@dataclass
class World:
    school: Organisation
    vt: Organisation
    teacher: Actor
    ib: Actor  # the school's intern begeleider, a coordinator
    vt_pro: Actor
    child: Person
    mother: Person


@pytest.fixture
def world(db) -> World:
    with clock.frozen(DAY):
        school = OrganisationFactory(sector="school", name="Basisschool De Regenboog")
        vt = OrganisationFactory(sector="safe_at_home", name="Veilig Thuis Utrecht")
        yield World(
            school=school, vt=vt,
            teacher=actor_of(ProfessionalFactory(organisation=school)),
            ib=actor_of(ProfessionalFactory(organisation=school, role="coordinator")),
            vt_pro=actor_of(ProfessionalFactory(organisation=vt)),
            child=PersonFactory(birth_date=date(2016, 5, 1), given_name="Mila"),
            mother=PersonFactory(birth_date=date(1988, 1, 2), given_name="Sanne"),
        )


class Writes:
    """Counts of domain events and audit entries of writes: a refusal leaves them as they
    were (and the rows the test names)."""

    def __init__(self, *models):
        self.models = models
        self.before = self.counts()

    def counts(self) -> dict[str, int]:
        counts = {m.__name__: m.objects.count() for m in self.models}
        counts["DomainEvent"] = DomainEvent.objects.count()
        counts["AuditEntry(write)"] = AuditEntry.objects.filter(kind="write").count()
        return counts

    def none(self) -> bool:
        return self.counts() == self.before
