"""Issue 4 in a real browser: a GGZ professional registers a signal on a father; the intern
begeleider of his step-daughter's school registers one on her, on behalf of her teacher; the
two signals make a family-level match (a child-level index would miss it). Both organisations
see the match with each other's contact and nothing else — not the teacher, not the other
person's name, never why. Every page checked with axe-core; screenshots in
test-results/screenshots/index-*.png."""

from __future__ import annotations

import re

import pytest

from kindzicht.index.bulk import rows_of
from kindzicht.index.models import Match, Signal
from kindzicht.people import services as people

from .browser import another_page, assert_accessible, login, screenshot
from .conftest import INVALID_BSN, PASSWORD, SYSTEM, VALID_BSN, years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEACHER = "meester Joost (groep 6)"


@pytest.fixture
def household(db):
    """Ruben lives with his partner Anouk and her daughter Lotte (his step-daughter)."""
    father = people.person_create(SYSTEM, birth_date=years_ago(41), given_name="Ruben",
                                  family_name="Visser", bsn="123456782")
    partner = people.person_create(SYSTEM, birth_date=years_ago(36), given_name="Anouk",
                                   family_name="Bakker")
    girl = people.person_create(SYSTEM, birth_date=years_ago(9), given_name="Lotte",
                                family_name="Bakker", bsn=VALID_BSN)
    people.relation_add(SYSTEM, person=partner, kind="parent_of", other=girl)
    people.relation_add(SYSTEM, person=father, kind="partner_of", other=partner)
    people.household_create(SYSTEM, members=[father, partner, girl], municipality_code="0344",
                            postcode="3511AB")
    return {"father": father, "girl": girl}


@pytest.fixture
def ggz_pro(make_org):
    org = make_org("GGZ Centraal", sector="adult_mental_health")
    return people.professional_create(SYSTEM, organisation=org, username="kees",
                                      role="professional", first_name="Kees", last_name="de Boer",
                                      phone="030-1234567", password=PASSWORD)


@pytest.fixture
def intern_begeleider(make_org):
    org = make_org("Basisschool De Regenboog", sector="school")
    return people.professional_create(SYSTEM, organisation=org, username="ilse",
                                      role="coordinator", first_name="Ilse",
                                      last_name="Jansen", phone="030-7654321",
                                      password=PASSWORD)


def test_a_fathers_and_his_step_daughters_signals_make_a_family_match(
        page, chromium, live_server, household, ggz_pro, intern_begeleider):
    father, girl = household["father"], household["girl"]

    # GGZ registers a signal on the father, from his page
    login(page, ggz_pro, PASSWORD)
    page.goto(f"/personen/{father.pk}/")
    # not yet involved: outside reach, the page offers to register a signal
    assert "Buiten uw bereik" in page.get_by_role("main").inner_text()
    page.get_by_role("link", name="Signaal registreren", exact=True).click()
    page.wait_for_url(f"**/personen/{father.pk}/signaal/")
    assert page.get_by_label("Namens (waarnemend professional)").count() == 0
    page.get_by_role("button", name="Signaal registreren").click()
    assert "drempel van de verwijsindex" in page.get_by_role("alert").inner_text()
    page.get_by_label("redelijk vermoeden").check()
    assert_accessible(page)
    screenshot(page, "index-01-register-on-father")
    page.get_by_role("button", name="Signaal registreren").click()
    page.wait_for_url(f"**/personen/{father.pk}/")
    assert "staat in de verwijsindex" in page.get_by_role("status").inner_text()
    section = page.locator(".index-section")
    assert "Uw organisatie heeft een signaal op deze persoon" in section.inner_text()
    assert "Geen andere organisatie" in section.inner_text()
    assert_accessible(page)
    screenshot(page, "index-02-father-page")
    assert not Match.objects.exists()

    # the school's intern begeleider registers on Lotte by BSN, on behalf of her teacher
    school = another_page(chromium, live_server)
    login(school, intern_begeleider, PASSWORD)
    school.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verwijsindex").click()
    school.get_by_role("link", name="Signaal registreren op BSN").click()
    school.get_by_label("BSN").fill(INVALID_BSN)
    school.get_by_label("Namens (waarnemend professional)").fill(TEACHER)
    school.get_by_label("redelijk vermoeden").check()
    school.get_by_role("button", name="Signaal registreren").click()
    assert "elfproef" in school.get_by_role("alert").inner_text()
    assert_accessible(school)
    screenshot(school, "index-03-bsn-error")
    school.get_by_label("BSN").fill(VALID_BSN)
    school.get_by_label("redelijk vermoeden").check()
    school.get_by_role("button", name="Signaal registreren").click()
    school.wait_for_url(f"**/personen/{girl.pk}/")
    section = school.locator(".index-section")
    assert "GGZ Centraal" in section.inner_text()
    assert "Kees de Boer, 030-1234567" in section.inner_text()
    assert_accessible(school)
    screenshot(school, "index-04-step-daughter-page")
    match = Match.objects.get(child=girl, level="family", ended_on__isnull=True)
    assert set(match.person_ids) == {father.pk, girl.pk}
    assert Signal.objects.get(person=girl).observer == TEACHER

    # the school's match inbox: GGZ and how to reach Kees — not the father, not why
    school.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verwijsindex").click()
    school.get_by_role("link", name="Matches", exact=True).click()
    card = school.locator(".match").first
    text = card.inner_text()
    assert "Match op gezinsniveau" in text and "GGZ Centraal" in text
    assert "Kees de Boer, 030-1234567" in text
    assert "Ruben" not in school.get_by_role("main").inner_text()
    notification = school.locator(".match-notification").first.inner_text()
    assert "Kees de Boer, 030-1234567" in notification and "Ruben" not in notification
    assert_accessible(school)
    screenshot(school, "index-05-school-matches")

    # GGZ's match inbox: the school and how to reach the intern begeleider — not the teacher
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Verwijsindex").click()
    page.get_by_role("link", name="Matches", exact=True).click()
    main = page.get_by_role("main").inner_text()
    assert "Basisschool De Regenboog" in main and "Ilse Jansen, 030-7654321" in main
    assert TEACHER not in main and "Lotte" not in main
    assert "Voorgestelde matchregisseur: Basisschool De Regenboog" in main
    # GGZ's signal is on the father: it is not offered (nor told the name of) the child
    assert page.get_by_role("link", name=re.compile("Regie nemen")).count() == 0
    assert_accessible(page)
    screenshot(page, "index-06-ggz-matches")

    # the school, proposed as match coordinator, takes the coordination from its inbox: the
    # ground is chosen already; then both inboxes say who coordinates (V2's clock stops)
    school.get_by_role("link", name="Regie nemen voor Lotte Bakker").click()
    school.wait_for_url(f"**/personen/{girl.pk}/veiligheidsregie/?grond=coordination")
    assert school.get_by_label("coördinatie (regie)").is_checked()
    assert_accessible(school)
    screenshot(school, "index-11-take-coordination")
    school.get_by_role("button", name="Veiligheidsregie nemen").click()
    school.wait_for_url(f"**/personen/{girl.pk}/")
    for p in (school, page):
        p.get_by_role("navigation", name="Hoofdmenu").get_by_role(
            "link", name="Verwijsindex").click()
        p.get_by_role("link", name="Matches", exact=True).click()
        card = p.locator(".match").first.inner_text()
        assert "Basisschool De Regenboog heeft de regie genomen op" in card
        assert "Regie nemen" not in card and "Nog niemand" not in card
    screenshot(school, "index-12-school-coordinates")

    # the school's own list shows the teacher (only to the school) and the informing duty
    school.get_by_role("link", name="Signalen van uw organisatie").click()
    row = school.locator(".signal-row", has_text="Lotte Bakker")
    assert TEACHER in row.inner_text() and "nog doen" in row.inner_text()
    row.get_by_role("link", name="Informeren vastleggen").click()
    school.get_by_label("Uitgesteld").check()
    school.get_by_role("button", name="Vastleggen").click()
    assert "gevaar zou" in school.get_by_role("alert").inner_text()
    assert_accessible(school)
    screenshot(school, "index-07-inform-error")
    school.get_by_label("Geïnformeerd").check()
    school.get_by_role("button", name="Vastleggen").click()
    school.wait_for_url("**/verwijsindex/")
    assert "geïnformeerd" in school.locator(".signal-row", has_text="Lotte Bakker").inner_text()
    assert_accessible(school)
    screenshot(school, "index-08-school-signals")

    # GGZ withdraws its signal on the father: the match falls apart, and the school hears it
    # — that GGZ is no longer involved, not why and not whom its signal was on
    page.get_by_role("link", name="Signalen van uw organisatie").click()
    page.get_by_role("link", name="Intrekken — Ruben Visser").click()
    assert "niet waarom" in page.get_by_role("main").inner_text()
    page.get_by_role("button", name="Signaal intrekken").click()
    page.wait_for_url("**/verwijsindex/")
    school.get_by_role("link", name="Matches", exact=True).click()
    assert "Uw organisatie zit in geen lopende match." in school.get_by_role("main").inner_text()
    note = school.locator(".match-notification").first.inner_text()
    assert "Match beëindigd" in note and "Was betrokken: GGZ Centraal" in note
    assert "Ruben" not in note and "Lotte Bakker" in note
    assert_accessible(school)
    screenshot(school, "index-13-match-ended")


def test_an_administrator_checks_and_imports_a_regional_index(page, household, make_org):
    """The administrator takes over a regional index's registrations in the admin: the check
    reports each rejected row with its line and reason and writes nothing; the import of the
    valid rows makes the family match the two registrations make together."""
    father, girl = household["father"], household["girl"]
    school = make_org("Basisschool De Regenboog", sector="school")
    ggz = make_org("GGZ Centraal", sector="adult_mental_health")
    beheerder = people.professional_create(
        SYSTEM, organisation=make_org("Gemeente Utrecht", sector="municipality"),
        username="bea", role="admin", first_name="Bea", last_name="Beheer", password=PASSWORD)
    csv = rows_of([
        {"organisation": school.pk, "bsn": girl.bsn, "birth_date": girl.birth_date.isoformat(),
         "contact": "IB, 030-7654321"},
        {"organisation": ggz.pk, "bsn": father.bsn,
         "birth_date": father.birth_date.isoformat(), "informed_on": ""},
        {"organisation": school.pk, "bsn": INVALID_BSN, "birth_date": "2015-01-01"},
        {"organisation": 999999, "bsn": father.bsn,
         "birth_date": father.birth_date.isoformat()},
    ]).encode()
    file = {"name": "regio-utrecht.csv", "mimeType": "text/csv", "buffer": csv}

    login(page, beheerder, PASSWORD)
    page.goto("/admin/")
    # the admin names kindzicht's models in Dutch, never Django's guess ("Matchs")
    index = page.locator("#content-main .app-refindex")
    assert "Verwijsindex" in index.locator("caption").text_content()
    assert index.locator("th a").all_inner_texts() == [
        "Beleid van de verwijsindex per regio", "Informeren van jongeren of ouders", "Matches",
        "Samenvoegingen van personen", "Signalen", "Verhuizingen van signalen"]
    screenshot(page, "admin-01-index")
    index.get_by_role("link", name="Signalen", exact=True).click()
    page.get_by_role("link", name="Registraties importeren").click()
    page.get_by_label("CSV-bestand").set_input_files(files=[file])
    page.get_by_role("button", name="Controleren").click()
    report = page.locator(".import-report")
    assert "Controle: 2 van de 4 regels afgewezen. Er is niets geschreven." in (
        report.inner_text())
    rejected = page.locator(".import-rejected tbody tr")
    assert rejected.count() == 2
    assert "elfproef" in rejected.nth(0).inner_text()
    assert "onbekende organisatie" in rejected.nth(1).inner_text()
    assert not Signal.objects.exists()
    assert_accessible(page)
    screenshot(page, "index-09-admin-import-check")

    page.get_by_label("CSV-bestand").set_input_files(files=[file])
    page.get_by_label("Geldige regels importeren en afgewezen regels overslaan").check()
    page.get_by_role("button", name="Importeren").click()
    assert "2 registraties geïmporteerd. 2 afgewezen regels overgeslagen." in (
        page.locator(".import-report").inner_text())
    assert_accessible(page)
    screenshot(page, "index-10-admin-import-done")
    assert set(Signal.objects.values_list("person_id", flat=True)) == {girl.pk, father.pk}
    page.locator(".breadcrumbs").get_by_role("link", name="Signalen").click()
    for column in ("Persoon", "Organisatie", "Contactgegevens"):
        assert page.get_by_role("columnheader", name=column).is_visible()
    match = Match.objects.get(child=girl, level="family", ended_on__isnull=True)
    assert set(match.organisation_ids) == {school.pk, ggz.pk}
