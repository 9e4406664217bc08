"""The API is no way around the second factor: HTTP Basic is refused for users who need one,
a session counts only once verified (issue 8, docs/api.md)."""

from __future__ import annotations

import base64

import pytest
from auth_support import enrol_totp, verified_login
from factories import PASSWORD
from rest_framework.test import APIClient

from .conftest import password_login

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations"


def basic(user) -> APIClient:
    client = APIClient()
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def assert_second_factor_problem(response):
    assert response.status_code == 403, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"] == "urn:kindzicht:problem:second_factor_required"
    assert "second factor" in body["detail"]


def test_a_professional_without_a_device_uses_basic(make_user):
    assert basic(make_user("professional")).get(URL).status_code == 200


@pytest.mark.parametrize("role", ["admin", "inspector", "coordinator", "privacy_officer"])
def test_basic_is_refused_for_mandatory_roles(make_user, role):
    user = make_user(role)
    enrol_totp(user)
    assert_second_factor_problem(basic(user).get(URL))


def test_basic_is_refused_once_a_professional_has_enrolled(make_user):
    user = make_user("professional")
    enrol_totp(user)
    assert_second_factor_problem(basic(user).get(URL))


def test_a_session_without_the_code_is_refused_and_with_it_works(make_user):
    user = make_user("coordinator")
    client = APIClient()
    password_login(client, user)
    assert_second_factor_problem(client.get(URL))
    verified_login(client, user)
    assert client.get(URL).status_code == 200
