"""Fixtures of the oversight tests: organisations, professionals, an FG and persons made through
the real services, and reads recorded in the audit log at chosen moments."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from django.db import transaction

from kindzicht.core import audit, clock
from kindzicht.core.actions import Actor, audit_read
from kindzicht.core.models import AuditEntry
from kindzicht.people import services as people
from kindzicht.people.models import Organisation, Person, Professional

SYSTEM = Actor.system("test set-up")
PASSWORD = "correct horse battery staple"
DAY = date(2026, 3, 10)


def at(hour: int, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=clock.AMSTERDAM)


def read(pro: Professional, person_ids: list[int], *, moment: datetime,
         action: str = "person_viewed", purpose: str = "web") -> AuditEntry:
    """A read of person data by ``pro`` at ``moment``, audited as a selector audits it."""
    with clock.frozen(moment):
        audit_read(Actor.of(pro, purpose=purpose), action, person_ids=person_ids)
    return AuditEntry.objects.order_by("-id").first()


def break_glass_opened(pro: Professional, person: Person, reason: str, *,
                       moment: datetime) -> AuditEntry:
    """What the break-the-glass service records (built in parallel): an audit entry with the
    reason as its purpose and the person."""
    with clock.frozen(moment), transaction.atomic():
        return audit.append(Actor.of(pro, purpose=reason), action="break_glass_opened",
                            kind="write", person_ids=[person.pk])


@pytest.fixture
def make_org(db) -> Callable[..., Organisation]:
    def make(name: str, sector: str = "youth_care") -> Organisation:
        return people.organisation_create(SYSTEM, name=name, sector=sector,
                                          municipality_code="0344", email="org@example.org")
    return make


@pytest.fixture
def make_pro(db) -> Callable[..., Professional]:
    counter = iter(range(1, 10_000))

    def make(org: Organisation | None, role: str = "professional",
             first_name: str = "Sanne") -> Professional:
        n = next(counter)
        return people.professional_create(
            SYSTEM, organisation=org, username=f"user{n}", role=role, first_name=first_name,
            last_name=f"Jansen{n}", password=PASSWORD, email=f"user{n}@example.org")
    return make


@pytest.fixture
def make_person(db) -> Callable[..., Person]:
    counter = iter(range(1, 10_000))

    def make(given: str = "Kind", family: str | None = None,
             born: date = date(2016, 5, 1)) -> Person:
        n = next(counter)
        return people.person_create(SYSTEM, birth_date=born, given_name=f"{given}{n}",
                                    family_name=family or f"Achternaam{n}")
    return make


@pytest.fixture
def municipality(make_org) -> Organisation:
    return make_org("Gemeente Utrecht", sector="municipality")


@pytest.fixture
def fg(make_pro, municipality) -> Professional:
    return make_pro(municipality, role="privacy_officer", first_name="Fenna")


@pytest.fixture
def fg_actor(fg) -> Actor:
    return Actor.of(fg, purpose="toezicht")
