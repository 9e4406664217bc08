"""What holds for every endpoint (Dutch API Design Rules and kindzicht's own): it declares who
may call it and refuses everyone else with a problem, it answers with ``API-Version``, no BSN
ever appears in a URL, and the committed OpenAPI document is the one the code generates."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient

from kindzicht.api import urls as api_urls
from kindzicht.api.openapi import REGENERATE, SCHEMA_PATH, committed, generate

from .conftest import assert_problem, client_for

REPO = Path(__file__).resolve().parents[2]
RULESET = REPO.parent / "shared" / "external" / "nlgov-api-design-rules.spectral.yml"
SPECTRAL = REPO / "node_modules" / ".bin" / "spectral"
METHODS = ("get", "post", "put", "patch", "delete")


def api_endpoints() -> list[tuple[str, str, type]]:
    """(method, url with every id 1, view class) of every API operation but the schema."""
    out = []
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name == "schema":
            continue
        cls = pattern.callback.cls
        url = reverse(f"api:{pattern.name}", kwargs={k: 1 for k in pattern.pattern.converters})
        out += [(m, url, cls) for m in METHODS if hasattr(cls, m)]
    return out


ENDPOINTS = api_endpoints()
IDS = [f"{m.upper()} {u}" for m, u, _ in ENDPOINTS]


def call(client: APIClient, method: str, url: str):
    return getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)


def test_the_endpoints_are_found():
    assert len(ENDPOINTS) >= 12


@pytest.mark.django_db
@pytest.mark.parametrize("method, url, cls", ENDPOINTS, ids=IDS)
def test_anonymous_calls_get_401_problem_with_a_basic_challenge(method, url, cls):
    response = call(APIClient(), method, url)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Basic")


@pytest.mark.django_db
@pytest.mark.parametrize("method, url, cls", ENDPOINTS, ids=IDS)
def test_wrong_credentials_get_401(method, url, cls, pro):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Basic dXNlcjE6d3Jvbmc=")  # user1:wrong
    assert_problem(call(client, method, url), 401)


@pytest.mark.django_db
@pytest.mark.parametrize("method, url, cls", ENDPOINTS, ids=IDS)
def test_case_content_is_closed_to_the_municipality_as_overseer(method, url, cls, make_org,
                                                                 make_pro):
    """product.md: the municipality sees aggregates, never individual case content."""
    officer = make_pro(make_org("Gemeente Utrecht", "municipality"), role="municipality_officer")
    response = call(client_for(officer), method, url)
    if url.startswith("/api/v1/organisations"):
        assert response.status_code in (200, 404)
    else:
        assert_problem(response, 403)


@pytest.mark.django_db
def test_a_professional_without_organisation_is_refused(make_pro):
    loner = make_pro(None)
    assert_problem(client_for(loner).get("/api/v1/organisations"), 403)


@pytest.mark.parametrize("method, url, cls", ENDPOINTS, ids=IDS)
def test_every_endpoint_declares_who_may_call_it(method, url, cls):
    """Permissions come from kindzicht's own classes, never from a framework default."""
    declared = next(k for k in cls.__mro__ if "permission_classes" in vars(k))
    assert declared.__module__.startswith("kindzicht.api"), cls
    assert cls.permission_classes, cls
    assert all(p.__module__.startswith(("kindzicht.", "rest_framework.permissions"))
               for p in cls.permission_classes)


@pytest.mark.django_db
def test_session_authentication_works_and_requires_csrf_on_writes(pro, make_person):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(pro)
    person = make_person(date(2015, 6, 1), involved=True)
    assert client.get(f"/api/v1/persons/{person.pk}").status_code == 200
    response = client.post("/api/v1/persons", {"birth_date": "2015-01-01"}, format="json")
    body = assert_problem(response, 403)
    assert "CSRF" in body["detail"]


@pytest.mark.django_db
class TestApiVersionHeader:
    def test_on_success(self, api):
        response = api.get("/api/v1/organisations")
        assert response.status_code == 200
        assert response["API-Version"] == "1.0.0"

    def test_on_an_unknown_api_url_as_a_problem(self, api):
        response = api.get("/api/v1/no-such-thing")
        assert_problem(response, 404)

    def test_on_a_wrong_method(self, api):
        response = api.delete("/api/v1/organisations")
        assert_problem(response, 405)

    def test_on_the_schema(self):
        response = APIClient().get("/api/v1/openapi.json")
        assert response.status_code == 200
        assert response["API-Version"] == "1.0.0"

    def test_not_on_web_pages(self, client):
        assert "API-Version" not in client.get("/login/")


def test_no_bsn_in_any_url_pattern():
    """A BSN in a URL ends up in access logs, proxies and browser histories."""
    for pattern in api_urls.urlpatterns:
        route = str(pattern.pattern)
        assert "bsn" not in route.lower(), route
        for name, converter in pattern.pattern.converters.items():
            assert type(converter).__name__ == "IntConverter", (route, name)


def test_no_bsn_parameter_in_the_schema():
    schema = json.loads(committed())
    for path, item in schema["paths"].items():
        assert "bsn" not in path.lower()
        for operation in item.values():
            for param in operation.get("parameters", []):
                assert "bsn" not in param["name"].lower(), (path, param)


def test_the_committed_schema_is_up_to_date():
    assert generate() == committed(), (
        f"{SCHEMA_PATH.relative_to(REPO)} is stale: run `{REGENERATE}` (or "
        f"`.venv/bin/kindzicht schema`) and commit the result.")


@pytest.mark.django_db
def test_the_served_schema_is_public_and_openapi_3():
    response = APIClient().get("/api/v1/openapi.json")
    assert response["Access-Control-Allow-Origin"] == "*"
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == set(json.loads(committed())["paths"])


def test_every_operation_documents_problems_and_the_version_header():
    schema = json.loads(committed())
    responses = schema["components"]["responses"]
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = operation["responses"]
            assert {"401", "403"} <= set(codes), (method, path)
            for code, response in codes.items():
                if response.get("$ref"):
                    response = responses[response["$ref"].rsplit("/", 1)[1]]
                if code.startswith(("4", "5")):
                    assert list(response["content"]) == ["application/problem+json"]
                assert "API-Version" in response["headers"], (method, path, code)


def test_the_committed_schema_passes_the_api_design_rules_linter():
    """Logius' Spectral ruleset, 0 errors (warnings are reported, not fatal)."""
    if not RULESET.exists():
        pytest.skip(f"The API Design Rules ruleset is not at {RULESET}: it lives in the shared "
                    "folder beside the repository (../shared/external).")
    if not SPECTRAL.exists() or not shutil.which("node"):
        pytest.skip("Spectral is not installed: install Node.js and npm, then run "
                    "`npm install` in the repository (it installs @stoplight/spectral-cli).")
    result = subprocess.run(
        [str(SPECTRAL), "lint", "--fail-severity", "error", "-r", str(RULESET), str(SCHEMA_PATH)],
        capture_output=True, text=True, timeout=300, cwd=REPO,
        env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_an_unexpected_error_is_a_500_problem_that_tells_nothing(api, monkeypatch):
    from kindzicht.api.views import organisations

    def broken(self, request):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(organisations.OrganisationListApi, "get", broken)
    api.raise_request_exception = False
    response = api.get("/api/v1/organisations")
    body = assert_problem(response, 500)
    assert "secret" not in response.content.decode()
    assert body["type"] == "about:blank"
