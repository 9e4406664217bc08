"""Issue 8 in a real browser: the data protection officer (FG) logs in, filters the access log,
makes the unusual-access report, and marks a finding reviewed — every screen without serious
or critical WCAG 2.1 AA violations."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from kindzicht.continuity.services import involvement_start
from kindzicht.core import audit
from kindzicht.core.actions import Actor, audit_read
from kindzicht.oversight.models import Finding
from kindzicht.people import services as people

from .browser import assert_accessible, login, screenshot
from .conftest import PASSWORD, SYSTEM, years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def reads(pro, persons, purpose="dossier bekijken"):
    actor = Actor.of(pro, purpose=purpose)
    for p in persons:
        audit_read(actor, "person_viewed", person_ids=[p.pk])


@pytest.fixture
def scene(make_org, make_pro, settings):
    """Four youth-care professionals read 2 children each today, a fifth reads 12 (all of
    their organisation's); a hospital doctor breaks the glass for one child; a district team
    professional reads a child they have nothing to do with."""
    settings.OVERSIGHT_READ_MINIMUM = 5
    municipality = make_org("Gemeente Utrecht", sector="municipality")
    fg = make_pro(municipality, role="privacy_officer", first_name="Fenna")
    care = [make_org("Jeugdhulp Utrecht"), make_org("Jeugdhulp Zeist")]
    pros = [make_pro(care[i % 2], first_name=name)
            for i, name in enumerate(["Anna", "Bas", "Cor", "Dewi", "Eelco"])]
    kids = [people.person_create(SYSTEM, birth_date=years_ago(4 + i % 10), given_name=g,
                                 family_name="Jansen")
            for i, g in enumerate(["Lotte", "Daan", "Noor", "Sem", "Mila", "Finn", "Saar",
                                   "Luuk", "Tess", "Bram", "Evi", "Jesse"])]
    for pro in pros[:4]:
        reads(pro, kids[:2])
    reads(pros[4], kids)
    # Jeugdhulp Utrecht works with all twelve, Jeugdhulp Zeist with the first two
    for pro, kids_of in ((pros[0], kids), (pros[1], kids[:2])):
        for kid in kids_of:
            involvement_start(Actor.of(pro), person=kid, service="ambulante jeugdhulp")
    # a district team professional looks at a child nobody asked them about
    reads(make_pro(make_org("Wijkteam West", sector="district_team"), first_name="Gijs"),
          [kids[7]], purpose="nieuwsgierig")
    doctor = make_pro(make_org("UMC Utrecht", sector="hospital"), first_name="Hidde")
    with transaction.atomic():
        audit.append(Actor.of(doctor, purpose="spoed: kind met letsel op de SEH"),
                     action="break_glass_opened", kind="write", person_ids=[kids[5].pk])
    reads(doctor, [kids[5]], purpose="break_the_glass: spoed")
    return fg, pros, kids


def test_the_fg_reviews_access(page, scene):
    fg, pros, kids = scene
    login(page, fg, PASSWORD)
    assert page.get_by_role("heading", name="Toezicht op toegang").is_visible()
    assert page.get_by_role("link", name="Taken en signalen").count() == 0
    assert_accessible(page)
    screenshot(page, "oversight-01-home")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Toegangslog").click()
    page.get_by_label("Gebruikersnaam").fill(pros[4].username)
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_url("**/toezicht/toegangslog/?*")
    assert page.get_by_role("heading", name="12 vermeldingen").is_visible()
    table = page.get_by_role("table").inner_text()
    assert "Jeugdhulp Utrecht" in table and "Jesse Jansen" in table and "Anna" not in table
    assert_accessible(page)
    screenshot(page, "oversight-02-access-log")

    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Ongebruikelijke toegang").click()
    page.get_by_role("button", name="Rapport opstellen").click()
    page.wait_for_url("**/toezicht/ongebruikelijke-toegang/")
    assert page.get_by_role("status").inner_text().startswith("Rapport opgesteld")
    findings = page.locator(".finding")
    text = findings.all_inner_texts()
    heavy = next(t for t in text if "Veel meer personen" in t)
    assert "12 verschillende personen" in heavy and "mediaan 2 personen" in heavy
    assert "max(3 × mediaan, 5) = 6 personen" in heavy
    assert any("spoed: kind met letsel op de SEH" in t for t in text)
    outside = [t for t in text if "Inzage zonder betrokkenheid" in t]
    assert len(outside) == 1 and "Wijkteam West" in outside[0] and "Luuk Jansen" in outside[0]
    assert len(text) == 3
    assert_accessible(page)
    screenshot(page, "oversight-03-findings")

    total = findings.count()
    page.locator(".finding-heavy_reader").get_by_role("link", name="Beoordelen").click()
    assert page.get_by_role("heading", name="Bevinding beoordelen").is_visible()
    page.get_by_label("Wat heeft u nagegaan en geconcludeerd?").fill(
        "Navraag bij de teamleider: Eelco deed de jaarlijkse dossiercontrole. In orde.")
    assert_accessible(page)
    screenshot(page, "oversight-04-review")
    page.get_by_role("button", name="Als beoordeeld vastleggen").click()
    page.wait_for_url("**/toezicht/ongebruikelijke-toegang/")
    assert page.locator(".finding").count() == total - 1
    reviewed = Finding.objects.get(rule="heavy_reader")
    assert reviewed.reviewed_by_id == fg.pk and "dossiercontrole" in reviewed.review_note
    assert reviewed.reviewed_at <= timezone.now()
    page.get_by_label("Status").select_option("all")
    page.get_by_role("button", name="Tonen").click()
    assert "Beoordeeld door" in page.locator(".finding-reviewed").inner_text()
    assert_accessible(page)
    screenshot(page, "oversight-05-reviewed")
