"""OpenID Connect login through a region's identity provider, without the network: the
provider's token and userinfo endpoints are mocked at the HTTP layer (responses), and the
flow runs through the real views — the redirect to the provider, then the callback (issue 8)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from django.test import Client, override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

ISSUER = "https://login.regio-utrecht.example"
SECRET = "client-secret-of-kindzicht-at-the-idp"
OIDC = dict(
    OIDC_ENABLED=True,
    OIDC_PROVIDER_NAME="Regio Utrecht",
    OIDC_RP_CLIENT_ID="kindzicht",
    OIDC_RP_CLIENT_SECRET=SECRET,
    OIDC_OP_AUTHORIZATION_ENDPOINT=f"{ISSUER}/authorize",
    OIDC_OP_TOKEN_ENDPOINT=f"{ISSUER}/token",
    OIDC_OP_USER_ENDPOINT=f"{ISSUER}/userinfo",
    OIDC_RP_SIGN_ALGO="HS256",  # signed with the client secret: no JWKS to fetch in the test
    OIDC_MFA_AMR=["mfa", "otp"],
    AUTHENTICATION_BACKENDS=["axes.backends.AxesStandaloneBackend",
                             "django.contrib.auth.backends.ModelBackend",
                             "kindzicht.security.oidc.RegionOIDCBackend"],
)


def start(client: Client) -> tuple[str, str]:
    """Press "Inloggen via …": the redirect to the provider, with state and nonce."""
    response = client.get(reverse("web:oidc_login"))
    assert response.status_code == 302
    url = urlparse(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/authorize"
    query = parse_qs(url.query)
    assert query["client_id"] == ["kindzicht"] and "code_challenge" in query  # PKCE
    return query["state"][0], query["nonce"][0]


def provider(nonce: str, claims: dict, id_claims: dict | None = None) -> None:
    now = int(time.time())
    id_token = jwt.encode({"iss": ISSUER, "aud": "kindzicht", "sub": "abc-123", "iat": now,
                           "exp": now + 300, "nonce": nonce, **(id_claims or {})},
                          SECRET, algorithm="HS256")
    responses.add(responses.POST, f"{ISSUER}/token",
                  json={"id_token": id_token, "access_token": "at-1", "token_type": "Bearer"})
    responses.add(responses.GET, f"{ISSUER}/userinfo", json={"sub": "abc-123", **claims})


def callback(client: Client, state: str):
    return client.get(reverse("web:oidc_callback"), {"code": "code-1", "state": state})


@override_settings(**OIDC)
def test_the_login_page_offers_the_provider():
    html = Client().get(reverse("web:login")).content.decode()
    assert "Inloggen via Regio Utrecht" in html


def test_without_configuration_there_is_no_oidc():
    assert "Inloggen via" not in Client().get(reverse("web:login")).content.decode()
    assert Client().get(reverse("web:oidc_login")).status_code == 404


@override_settings(**OIDC)
@responses.activate
def test_a_known_professional_logs_in_through_the_callback(make_user):
    user = make_user("professional", username="s.devries")
    client = Client()
    state, nonce = start(client)
    provider(nonce, {"preferred_username": "s.devries"})
    response = callback(client, state)
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get(reverse("web:home")).status_code == 200
    token_call = responses.calls[0].request
    assert "code=code-1" in token_call.body and "code_verifier=" in token_call.body


@override_settings(**OIDC)
@responses.activate
def test_an_unknown_user_is_not_created(make_user):
    from kindzicht.people.models import Professional

    client = Client()
    state, nonce = start(client)
    provider(nonce, {"preferred_username": "nobody"})
    count = Professional.objects.count()
    response = callback(client, state)
    assert response["Location"] == reverse("web:login")
    assert "_auth_user_id" not in client.session
    assert "geen actief kindzicht-account" in client.get(reverse("web:login")).content.decode()
    assert Professional.objects.count() == count


@override_settings(**OIDC)
@responses.activate
def test_a_coordinator_still_needs_kindzichts_second_factor(make_user):
    make_user("coordinator", username="coord")
    client = Client()
    state, nonce = start(client)
    provider(nonce, {"preferred_username": "coord"})
    callback(client, state)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("web:totp_enrol"))


@override_settings(**OIDC)
@responses.activate
def test_a_second_factor_asserted_by_the_provider_counts(make_user):
    make_user("coordinator", username="coord")
    client = Client()
    state, nonce = start(client)
    provider(nonce, {"preferred_username": "coord"}, id_claims={"amr": ["pwd", "mfa"]})
    callback(client, state)
    assert client.get(reverse("web:home")).status_code == 200


@override_settings(**{**OIDC, "OIDC_MATCH_CLAIM": "email"})
@responses.activate
def test_matching_by_email(make_user):
    user = make_user("professional", username="x1", email="Sanne@Jeugdhulp.example")
    client = Client()
    state, nonce = start(client)
    provider(nonce, {"email": "sanne@jeugdhulp.example"})
    callback(client, state)
    assert int(client.session["_auth_user_id"]) == user.pk


@override_settings(**OIDC)
@responses.activate
def test_a_forged_token_is_refused(make_user):
    make_user("professional", username="s.devries")
    client = Client()
    state, nonce = start(client)
    now = int(time.time())
    forged = jwt.encode({"iss": ISSUER, "aud": "kindzicht", "sub": "x", "iat": now,
                         "exp": now + 300, "nonce": nonce},
                        "not-the-secret-of-kindzicht-at-the-idp", algorithm="HS256")
    responses.add(responses.POST, f"{ISSUER}/token", json={"id_token": forged,
                                                           "access_token": "at"})
    assert callback(client, state).status_code == 400  # SuspiciousOperation: bad signature
    assert "_auth_user_id" not in client.session
