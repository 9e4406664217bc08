"""Fixtures of the people tests: a professional acting, and a snapshot of what a write leaves
behind (rows, domain events, audit entries) to prove that refused input writes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from factories import OrganisationFactory, ProfessionalFactory, actor_of

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people.models import (
    Household,
    HouseholdAddress,
    HouseholdMembership,
    Organisation,
    Person,
    Relation,
)

TODAY = date(2024, 5, 15)


@pytest.fixture
def today() -> date:
    return TODAY


@pytest.fixture
def frozen_today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def actor(db, frozen_today) -> Actor:
    """A professional of a district team, acting live."""
    org = OrganisationFactory(name="Wijkteam Oost", sector="district_team")
    return actor_of(ProfessionalFactory(organisation=org))


class Snapshot:
    MODELS = (Person, Relation, Household, HouseholdMembership, HouseholdAddress, Organisation,
              DomainEvent, AuditEntry)

    def __init__(self) -> None:
        self.before = self.counts()

    @classmethod
    def counts(cls) -> dict[str, int]:
        return {m.__name__: m.objects.count() for m in cls.MODELS}

    def changes(self) -> dict[str, int]:
        now = self.counts()
        return {k: now[k] - v for k, v in self.before.items() if now[k] != v}


@pytest.fixture
def snapshot():
    return Snapshot
