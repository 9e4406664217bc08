"""The FG's screens: only the FG gets in; the access log filters by period, user,
organisation, person (name + birth date, or internal id), kind, action and purpose; every view
of it is audited; the CSV export; the findings and their review."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from auth_support import verified_login
from django.test import Client

from kindzicht.core import clock
from kindzicht.core.models import AuditEntry
from kindzicht.oversight.models import Finding

from .conftest import DAY, at, read

TODAY = date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today():
    with clock.frozen(at(12, TODAY)):
        yield


def client_of(user) -> Client:
    c = Client()
    verified_login(c, user)
    return c


@pytest.fixture
def log(make_org, make_pro, make_person):
    """Two organisations reading two children, on two days."""
    school, team = make_org("De Regenboog", sector="school"), make_org("Wijkteam Oost",
                                                                       sector="district_team")
    juf, regisseur = make_pro(school, first_name="Ilse"), make_pro(team, first_name="Karim")
    lotte = make_person("Lotte", family="Visser", born=date(2017, 4, 2))
    daan = make_person("Daan", family="Bakker", born=date(2015, 9, 9))
    read(juf, [lotte.pk], moment=at(9), purpose="leerlingbespreking")
    read(regisseur, [daan.pk], moment=at(10), action="risk_history_read", purpose="api")
    read(regisseur, [lotte.pk, daan.pk], moment=at(11, DAY + timedelta(days=2)),
         action="family_read", purpose="gezinsplan opstellen")
    return juf, regisseur, lotte, daan


def shown(response) -> list[int]:
    return [r.entry.pk for r in response.context["rows"]]


def entries(**kw) -> list[int]:
    return list(AuditEntry.objects.filter(kind="read", **kw).exclude(
        action__startswith="access_log").order_by("-domain_at", "-id").values_list(
        "pk", flat=True))


@pytest.mark.parametrize("role", ["professional", "coordinator", "municipality_officer",
                                  "inspector", "admin"])
def test_only_the_fg_sees_the_log_and_the_findings(make_pro, municipality, role):
    other = client_of(make_pro(municipality, role=role))
    for url in ("/toezicht/toegangslog/", "/toezicht/toegangslog/export/",
                "/toezicht/ongebruikelijke-toegang/"):
        response = other.get(url)
        assert response.status_code == 403, url
        assert "functionaris gegevensbescherming" in response.content.decode()
    assert Client().get("/toezicht/toegangslog/").status_code == 302  # to the login page


def test_the_log_filters_and_names_actors_organisations_and_persons(fg, log):
    juf, regisseur, lotte, daan = log
    c = client_of(fg)
    base = {"van": DAY.isoformat(), "tot": (DAY + timedelta(days=5)).isoformat()}
    r = c.get("/toezicht/toegangslog/", base)
    assert r.status_code == 200
    assert shown(r)[:3] == entries(actor_id__in=[juf.pk, regisseur.pk])[:3]
    html = r.content.decode()
    assert "Wijkteam Oost" in html and "Lotte" in html and "2017-04-02" in html
    assert shown(c.get("/toezicht/toegangslog/", {**base, "gebruiker": juf.username})) == (
        entries(actor_id=juf.pk))
    assert shown(c.get("/toezicht/toegangslog/", {
        **base, "organisatie": regisseur.organisation_id, "soort": "read"})) == entries(
        actor_id=regisseur.pk)
    by_name = shown(c.get("/toezicht/toegangslog/", {
        **base, "achternaam": "bakker", "geboortedatum": "2015-09-09", "soort": "read"}))
    by_id = shown(c.get("/toezicht/toegangslog/", {**base, "persoon": daan.pk,
                                                   "soort": "read"}))
    assert by_name == by_id == entries(actor_id=regisseur.pk)  # both of Karim's reads name Daan
    assert shown(c.get("/toezicht/toegangslog/", {**base, "actie": "family_read"})) == entries(
        action="family_read")
    assert shown(c.get("/toezicht/toegangslog/", {**base, "doel": "LEERLING"})) == entries(
        actor_id=juf.pk)
    only_day = shown(c.get("/toezicht/toegangslog/", {"van": DAY.isoformat(),
                                                      "tot": DAY.isoformat(), "soort": "read"}))
    assert set(only_day) == set(entries(action__in=["person_viewed", "risk_history_read"]))


def test_a_half_person_filter_is_a_clear_error(fg, log):
    r = client_of(fg).get("/toezicht/toegangslog/", {"achternaam": "Bakker"})
    assert r.status_code == 400
    assert "Geef bij de achternaam ook de geboortedatum." in r.content.decode()
    r = client_of(fg).get("/toezicht/toegangslog/", {"van": "2026-03-10", "tot": "2026-03-01"})
    assert r.status_code == 400 and "De periode eindigt vóór ze begint." in r.content.decode()
    r = client_of(fg).get("/toezicht/toegangslog/", {"gebruiker": "niemand"})
    assert r.status_code == 400
    assert "Er is geen gebruiker met deze gebruikersnaam." in r.content.decode()


def test_every_view_of_the_log_is_audited_naming_the_persons_shown(fg, log):
    _, _, lotte, daan = log
    client_of(fg).get("/toezicht/toegangslog/", {"van": DAY.isoformat(),
                                                 "tot": DAY.isoformat(), "persoon": lotte.pk})
    viewed = AuditEntry.objects.filter(action="access_log_viewed").latest("id")
    assert viewed.actor_id == fg.pk and viewed.kind == "read"
    assert viewed.person_ids == [lotte.pk]


def test_the_export_is_the_filtered_log_as_csv_and_audited(fg, log):
    juf, _, lotte, _ = log
    r = client_of(fg).get("/toezicht/toegangslog/export/", {
        "van": DAY.isoformat(), "tot": DAY.isoformat(), "gebruiker": juf.username})
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["id", "moment", "gebruiker_id", "gebruiker"]
    assert [int(row[0]) for row in rows[1:]] == entries(actor_id=juf.pk)
    assert rows[1][5] == "De Regenboog" and rows[1][9] == str(lotte.pk)
    exported = AuditEntry.objects.get(action="access_log_exported")
    assert exported.person_ids == [lotte.pk] and exported.actor_id == fg.pk


def test_the_fg_makes_a_report_and_reviews_a_finding(fg, log):
    juf, regisseur, lotte, daan = log
    c = client_of(fg)
    r = c.post("/toezicht/ongebruikelijke-toegang/rapport/", {"van": DAY.isoformat(),
                                                              "tot": DAY.isoformat()})
    assert r.status_code == 302
    # neither organisation was involved with the child it read: two findings
    found = Finding.objects.order_by("organisation_id")
    assert [(f.rule, f.organisation_id) for f in found] == [
        ("outside_involvement", juf.organisation_id),
        ("outside_involvement", regisseur.organisation_id)]
    page = c.get("/toezicht/ongebruikelijke-toegang/")
    html = page.content.decode()
    assert "Inzage zonder betrokkenheid" in html and "De Regenboog" in html
    assert "Geen betrokkenheid" in html
    finding = found[0]
    bad = c.post(f"/toezicht/bevindingen/{finding.pk}/", {"note": ""})
    assert bad.status_code == 400
    ok = c.post(f"/toezicht/bevindingen/{finding.pk}/", {"note": "Navraag: mentor, in orde."})
    assert ok.status_code == 302
    finding.refresh_from_db()
    assert finding.reviewed and finding.review_note == "Navraag: mentor, in orde."
    open_only = c.get("/toezicht/ongebruikelijke-toegang/").context["found"]
    assert [v.finding.pk for v in open_only] == [found[1].pk]
    everything = c.get("/toezicht/ongebruikelijke-toegang/", {"status": "all"}).context["found"]
    assert len(everything) == 2
    wrong = c.post("/toezicht/ongebruikelijke-toegang/rapport/", {"van": DAY.isoformat(),
                                                                  "tot": "2027-01-01"})
    assert wrong.status_code == 400 and "toekomst" in wrong.content.decode()


def test_the_fg_home_shows_the_oversight_and_not_the_task_list(fg):
    html = client_of(fg).get("/").content.decode()
    assert "Toezicht op toegang" in html and "/toezicht/toegangslog/" in html
    assert "Taken en signalen" not in html


def test_the_fg_sees_the_log_but_no_case_content(fg, log):
    _, _, lotte, _ = log
    c = client_of(fg)
    assert c.get(f"/personen/{lotte.pk}/").status_code == 403
    assert c.get("/personen/zoeken/").status_code == 403
    assert c.get(f"/api/v1/persons/{lotte.pk}").status_code == 403
    assert c.get("/api/v1/concerns").status_code == 403
