"""The FG's screens: record a request, download the export (PDF and JSON), correct a name with
a reason, the retention periods; a case worker gets the 403 page; the person page says what
was corrected."""

from __future__ import annotations

import json

import pytest
from auth_support import verified_login
from django.test import Client

from kindzicht.core import clock
from kindzicht.core.models import AuditEntry
from kindzicht.privacy.models import InzageRequest

from .conftest import DAY

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    verified_login(c, user)
    return c


def test_the_fg_records_a_request_and_downloads_the_export(case):
    c = login(case.fg)
    with clock.frozen(DAY):
        r = c.post("/privacy/inzage/nieuw/", {
            "family_name": "Jansen", "birth_date": case.child.birth_date.isoformat(),
            "requester_name": "S. Jansen", "requester_relation": "parent_with_authority",
            "received_on": "2026-03-01"})
        assert r.status_code == 302, r.content.decode()[:2000]
        req = InzageRequest.objects.get()
        assert req.person == case.child
        page = c.get(f"/privacy/inzage/{req.pk}/").content.decode()
        assert "Download als PDF" in page and "S. Jansen" in page
        pdf = c.get(f"/privacy/inzage/{req.pk}/inzage.pdf")
        assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
        data = json.loads(c.get(f"/privacy/inzage/{req.pk}/inzage.json").content)
        assert data["person"]["id"] == case.child.pk
        listing = c.get("/privacy/").content.decode()
    assert "S. Jansen" in listing
    assert AuditEntry.objects.filter(action="inzage_export", purpose="inzage").count() == 2


def test_ambiguous_or_unknown_person_is_a_specific_error_and_nothing_is_written(case):
    c = login(case.fg)
    with clock.frozen(DAY):
        r = c.post("/privacy/inzage/nieuw/", {
            "family_name": "Pietersen", "birth_date": "2015-01-01",
            "requester_name": "X", "requester_relation": "self", "received_on": "2026-03-01"})
    assert r.status_code == 400
    assert "Geen persoon gevonden" in r.content.decode()
    assert not InzageRequest.objects.exists()


def test_the_fg_corrects_a_misspelt_name_and_the_person_page_says_so(case):
    c = login(case.fg)
    with clock.frozen(DAY):
        r = c.post(f"/privacy/personen/{case.child.pk}/corrigeren/", {
            "field": "family_name", "value": "Janssen", "outcome": "rectified",
            "reason": "Verkeerd gespeld", "requested_by": "S. Jansen (moeder)",
            "received_on": "2026-03-01"})
        assert r.status_code == 302
        page = c.get(f"/privacy/personen/{case.child.pk}/corrigeren/").content.decode()
        assert "Janssen" in page and "Jansen" in page  # now and in the history
        r = c.post(f"/privacy/personen/{case.child.pk}/corrigeren/", {
            "field": "bsn", "value": "123456789", "outcome": "rectified",
            "reason": "x", "requested_by": "y", "received_on": "2026-03-01"})
        assert r.status_code == 400 and "elfproef" in r.content.decode()
        pro = login(case.school.professional)
        person_page = pro.get(f"/personen/{case.child.pk}/").content.decode()
    assert "gecorrigeerd op" in person_page and "Verkeerd gespeld" in person_page


def test_case_workers_get_the_403_page_and_the_retention_page_lists_every_kind(case):
    from kindzicht.privacy.retention import KINDS

    assert login(case.school.professional).get("/privacy/").status_code == 403
    page = login(case.fg).get("/privacy/bewaartermijnen/").content.decode()
    for kind in KINDS:
        assert kind.key in page


def test_the_retention_page_in_english_and_the_export_stays_dutch(case):
    c = login(case.fg)
    c.post("/taal/", {"language": "en", "next": "/privacy/bewaartermijnen/"})
    page = c.get("/privacy/bewaartermijnen/").content.decode()
    assert "Closed concerns and their Meldcode steps" in page
    assert "Retention periods per kind of data" in page
    with clock.frozen(DAY):
        from kindzicht.privacy.services import inzage_request_record

        req = inzage_request_record(case.fg_actor, person=case.child, requester_name="S.",
                                    requester_relation="parent_with_authority",
                                    received_on=DAY)
        data = json.loads(c.get(f"/privacy/inzage/{req.pk}/inzage.json").content)
    assert data["retention"][0]["kind"] == "Afgesloten zorgen en hun meldcodestappen"
