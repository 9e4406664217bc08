"""The privacy API: the FG records a request and gets the export; rectification names the
field of bad input as problem+json and writes nothing; case workers are refused."""

from __future__ import annotations

import pytest
from auth_support import verified_login
from rest_framework.test import APIClient

from kindzicht.core import clock
from kindzicht.core.models import DomainEvent
from kindzicht.privacy.models import InzageRequest, Rectification

from .conftest import DAY

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    """The FG and administrators need a second factor, so HTTP Basic is refused for them: a
    verified session instead."""
    client = APIClient()
    verified_login(client, user)
    return client


def test_the_fg_records_a_request_by_bsn_and_gets_the_export(case):
    api = client_for(case.fg)
    with clock.frozen(DAY):
        r = api.post("/api/v1/inzage-requests", {
            "bsn": case.child.bsn, "requester_name": "S. Jansen",
            "requester_relation": "parent_with_authority", "received_on": "2026-03-01"},
            format="json")
        assert r.status_code == 201, r.content
        assert r.json()["due_on"] == "2026-04-01"
        listed = api.get("/api/v1/inzage-requests").json()
        assert [x["id"] for x in listed] == [r.json()["id"]]
        export = api.post(f"/api/v1/inzage-requests/{r.json()['id']}/export")
    assert export.status_code == 200
    body = export.json()
    assert body["person"]["id"] == case.child.pk
    assert any(s["key"] == "signals" for s in body["sections"])
    assert "Annemarie" not in export.content.decode()


def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(case):
    api = client_for(case.fg)
    before = DomainEvent.objects.count()
    with clock.frozen(DAY):
        r = api.post("/api/v1/inzage-requests", {
            "person": case.child.pk, "requester_name": "kind zelf",
            "requester_relation": "self", "received_on": "2026-03-01"}, format="json")
        assert r.status_code == 400
        assert r["Content-Type"].startswith("application/problem+json")
        assert [p["name"] for p in r.json()["invalidParams"]] == ["requester_relation"]
        r = api.post(f"/api/v1/persons/{case.child.pk}/rectifications", {
            "field": "bsn", "value": "123456789", "reason": "typefout", "requested_by": "moeder",
            "received_on": "2026-03-01"}, format="json")
        assert r.status_code == 400
        assert [p["name"] for p in r.json()["invalidParams"]] == ["value"]
    assert DomainEvent.objects.count() == before
    assert not InzageRequest.objects.exists() and not Rectification.objects.exists()


def test_rectification_and_refusal_through_the_api(case):
    api = client_for(case.fg)
    with clock.frozen(DAY):
        r = api.post(f"/api/v1/persons/{case.child.pk}/rectifications", {
            "field": "given_name", "value": "Anouk", "reason": "Roepnaam verkeerd",
            "requested_by": "moeder", "received_on": "2026-03-01"}, format="json")
        assert r.status_code == 201, r.content
        assert r.json()["after"] == "Anouk" and r.json()["outcome"] == "rectified"
        r = api.post(f"/api/v1/persons/{case.child.pk}/rectifications", {
            "field": "place", "value": "Zeist", "outcome": "refused",
            "reason": "Woont volgens de BRP in Utrecht", "requested_by": "vader",
            "received_on": "2026-03-01"}, format="json")
        assert r.status_code == 201 and r.json()["outcome"] == "refused"
        r = api.post(f"/api/v1/persons/{case.child.pk}/rectifications", {
            "field": "given_name", "value": "Anouk", "reason": "nogmaals",
            "requested_by": "moeder", "received_on": "2026-03-01"}, format="json")
        assert r.status_code == 409


def test_case_workers_may_not_use_the_privacy_api(case):
    from kindzicht.people.models import Professional

    pro = Professional.objects.get(username=case.school.professional.username)
    r = client_for(pro).get("/api/v1/inzage-requests")
    assert r.status_code == 403
