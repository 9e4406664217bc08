"""Fixtures of the API tests: organisations and professionals made through the real services,
and clients that authenticate the way an API client does (HTTP Basic)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date

import pytest
from auth_support import enrol_totp, verified_login
from rest_framework.test import APIClient

from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people import services as people
from kindzicht.people.models import Organisation, Professional
from kindzicht.security.policy import needs_second_factor

PASSWORD = "correct horse battery staple"
SYSTEM = Actor.system("test set-up")
#: A valid BSN (passes the 11-proef) and one that fails it.
VALID_BSN = "111222333"
OTHER_VALID_BSN = "123456782"
INVALID_BSN = "123456789"


@pytest.fixture
def make_org(db) -> Callable[..., Organisation]:
    def make(name: str = "Jeugdhulp Utrecht", sector: str = "youth_care",
             municipality_code: str = "0344") -> Organisation:
        return people.organisation_create(SYSTEM, name=name, sector=sector,
                                          municipality_code=municipality_code)
    return make


@pytest.fixture
def make_pro(db) -> Callable[..., Professional]:
    counter = iter(range(1, 10_000))

    def make(org: Organisation | None, role: str = "professional") -> Professional:
        user = people.professional_create(SYSTEM, organisation=org,
                                          username=f"user{next(counter)}", role=role,
                                          first_name="Test", last_name="Gebruiker",
                                          password=PASSWORD)
        if needs_second_factor(user):  # as at their first login: an authenticator enrolled
            enrol_totp(user)
        return user
    return make


def client_for(user: Professional | None) -> APIClient:
    """HTTP Basic, as an API client authenticates — except for a user who needs a second
    factor, for whom Basic is refused (docs/api.md): a verified session instead."""
    client = APIClient()
    if user is not None and needs_second_factor(user):
        verified_login(client, user)
    elif user is not None:
        token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
        client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


@pytest.fixture
def org(make_org) -> Organisation:
    return make_org()


@pytest.fixture
def pro(make_pro, org) -> Professional:
    return make_pro(org)


@pytest.fixture
def api(pro) -> APIClient:
    """A professional of a youth-care organisation, authenticated with HTTP Basic."""
    return client_for(pro)


@pytest.fixture
def actor(pro) -> Actor:
    return Actor.of(pro)


@pytest.fixture
def make_person(actor) -> Callable[..., object]:
    def make(birth_date: date, given_name: str = "", family_name: str = "Jansen",
             bsn: str | None = None, involved: bool = False):
        """``involved``: the fixture's organisation starts involvement, so the person is in
        its reach (kindzicht.access.reach); registering alone does not bring them there."""
        person = people.person_create(actor, birth_date=birth_date, given_name=given_name,
                                      family_name=family_name, bsn=bsn)
        if involved:
            from kindzicht.continuity.services import involvement_start

            involvement_start(actor, person=person, service="ambulante jeugdhulp")
        return person
    return make


class Snapshot:
    """Counts of what a write leaves behind: rows, domain events, audit entries of writes."""

    def __init__(self, *models):
        self.models = models
        self.before = self.counts()

    def counts(self) -> dict[str, int]:
        counts = {m.__name__: m.objects.count() for m in self.models}
        counts["DomainEvent"] = DomainEvent.objects.count()
        counts["AuditEntry(write)"] = AuditEntry.objects.filter(kind="write").count()
        return counts

    def unchanged(self) -> bool:
        return self.counts() == self.before


@pytest.fixture
def snapshot() -> Callable[..., Snapshot]:
    return Snapshot


def assert_problem(response, status: int, field: str | None = None) -> dict:
    """A problem+json response with this status (naming ``field`` in ``invalidParams``)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    assert response["API-Version"]
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    if field is not None:
        names = [p["name"] for p in body.get("invalidParams", [])]
        assert field in names, body
    return body


def pytest_terminal_summary(terminalreporter) -> None:
    """Print the figures of the fuzzing and hostile-input tests (tests/api/figures.py)."""
    from .figures import FIGURES

    for name, n in sorted(FIGURES.items()):
        terminalreporter.write_line(f"kindzicht api: {n} {name}")
