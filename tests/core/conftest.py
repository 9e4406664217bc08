"""Fixtures of the core tests: a professional of Veilig Thuis who makes the changes."""

from __future__ import annotations

import pytest

from kindzicht.core.actions import Actor
from kindzicht.people.services import organisation_create, professional_create

SETUP = Actor.system("inrichting test")


@pytest.fixture
def worker(db) -> Actor:
    org = organisation_create(SETUP, name="Veilig Thuis Utrecht", sector="safe_at_home",
                              municipality_code="0344", email="vt@example.org")
    pro = professional_create(SETUP, organisation=org, username="jdevries", role="professional",
                              first_name="Jan", last_name="de Vries")
    return Actor.of(pro, purpose="onderzoek na melding")
