"""Fixtures of the web tests: organisations, professionals and families made through the real
services; a Django test client logged in as a professional."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from auth_support import enrol_totp, verify_session
from django.test import Client
from django.urls import reverse

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import services as people
from kindzicht.people.models import Organisation, Person, Professional
from kindzicht.security.policy import needs_second_factor

from .browser import chromium, page  # noqa: F401  (browser fixtures for the browser tests)

PASSWORD = "correct horse battery staple"
SYSTEM = Actor.system("test set-up")
VALID_BSN = "111222333"
INVALID_BSN = "123456789"


def years_ago(n: int, days: int = 0) -> date:
    today = clock.today()
    return today.replace(year=today.year - n) - timedelta(days=days)


@pytest.fixture
def make_org(db) -> Callable[..., Organisation]:
    def make(name: str, sector: str = "youth_care", municipality_code: str = "0344"):
        return people.organisation_create(SYSTEM, name=name, sector=sector,
                                          municipality_code=municipality_code)
    return make


@pytest.fixture
def make_pro(db) -> Callable[..., Professional]:
    counter = iter(range(1, 10_000))

    def make(org: Organisation | None, role: str = "professional",
             first_name: str = "Sanne") -> Professional:
        user = people.professional_create(
            SYSTEM, organisation=org, username=f"pro{next(counter)}", role=role,
            first_name=first_name, last_name="de Vries", password=PASSWORD)
        if needs_second_factor(user):  # as at their first login: an authenticator enrolled
            enrol_totp(user)
        return user
    return make


@pytest.fixture
def org(make_org) -> Organisation:
    return make_org("Jeugdhulp Utrecht")


@pytest.fixture
def pro(make_pro, org) -> Professional:
    return make_pro(org)


def logged_in(user: Professional) -> Client:
    """A client logged in through the real login page; a user who needs a second factor
    (coordinator, admin …) then gets a verified session (tests/auth_support.py)."""
    client = Client()
    response = client.post(reverse("web:login"),
                           {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    if needs_second_factor(user):
        verify_session(client, user)
    return client


@pytest.fixture
def web(pro) -> Client:
    return logged_in(pro)


@dataclass
class Family:
    """A blended family: mother and her new partner with the child, the father elsewhere
    with a half-sibling."""

    child: Person
    mother: Person
    father: Person
    partner: Person
    half_sibling: Person
    full_sibling: Person


@pytest.fixture
def family(db) -> Family:
    a = SYSTEM
    mother = people.person_create(a, birth_date=years_ago(38), given_name="Anouk",
                                  family_name="Bakker")
    father = people.person_create(a, birth_date=years_ago(40), given_name="Ruben",
                                  family_name="Visser")
    partner = people.person_create(a, birth_date=years_ago(41), given_name="Mehmet",
                                   family_name="Yilmaz")
    child = people.person_create(a, birth_date=years_ago(8), given_name="Lotte",
                                 family_name="Visser", bsn=VALID_BSN)
    full = people.person_create(a, birth_date=years_ago(11), given_name="Daan",
                                family_name="Visser")
    half = people.person_create(a, birth_date=years_ago(3), given_name="Noor",
                                family_name="Visser")
    stepmother = people.person_create(a, birth_date=years_ago(35), given_name="Eva",
                                      family_name="Smit")
    for kid in (child, full):
        people.relation_add(a, person=mother, kind="parent_of", other=kid)
        people.relation_add(a, person=father, kind="parent_of", other=kid)
    people.relation_add(a, person=father, kind="parent_of", other=half)
    people.relation_add(a, person=stepmother, kind="parent_of", other=half)
    people.household_create(a, members=[mother, partner, child, full],
                            municipality_code="0344", postcode="3511AB")
    people.household_create(a, members=[father, stepmother, half],
                            municipality_code="0363", postcode="1012AB")
    return Family(child, mother, father, partner, half, full)


def open_risk(org_actor: Actor, child: Person, factors: list[str] | None = None):
    """The organisation assesses the child unsafe: risk opens and it holds responsibility."""
    from kindzicht.safety.factors import FACTORS
    from kindzicht.safety.services import assessment_record

    codes = factors if factors is not None else ["domestic_violence", "parent_addiction"]
    return assessment_record(org_actor, child=child, safety="unsafe", risk="high",
                             factors=[{"domain": FACTORS[c][0], "code": c} for c in codes])


def involve(user: Professional, person: Person, service: str = "ambulante hulp"):
    """Bring ``person`` into the reach of ``user``'s organisation the way a professional does:
    by starting involvement (need to know, kindzicht.access.reach)."""
    from kindzicht.continuity.services import involvement_start

    return involvement_start(Actor.of(user), person=person, service=service)
