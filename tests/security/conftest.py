"""Fixtures of the login-security tests: users of every role, made through the real service."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from factories import PASSWORD, OrganisationFactory, ProfessionalFactory

from kindzicht.people.models import Professional


@pytest.fixture
def make_user(db) -> Callable[..., Professional]:
    def make(role: str = "professional", **kwargs) -> Professional:
        kwargs.setdefault("organisation", OrganisationFactory(sector="district_team"))
        return ProfessionalFactory(role=role, **kwargs)
    return make


def password_login(client: Client, user: Professional, password: str = PASSWORD, **extra):
    return client.post(reverse("web:login"), {"username": user.username, "password": password},
                       **extra)


def secret_on_page(html: str) -> str:
    """The base32 secret the enrolment page shows as text (spaces between groups of four)."""
    match = re.search(r'id="geheime-sleutel">([A-Z2-7 ]+)<', html)
    assert match, "no secret on the enrolment page"
    return match.group(1).replace(" ", "")
