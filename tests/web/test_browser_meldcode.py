"""Issue 5 in a real browser: a teacher records a niet-pluis feeling, maps the signals,
consults, talks with the parents, weighs (the afwegingskader's outcome shows before deciding)
and decides to report; Veilig Thuis sees the report in its inbox and accepts it — each page
checked with axe-core, screenshots in test-results/screenshots/meldcode-*.png (the user
guide's images)."""

from __future__ import annotations

import pytest

from kindzicht.continuity.services import involvement_start
from kindzicht.core.actions import Actor
from kindzicht.meldcode import services
from kindzicht.meldcode.models import Report
from kindzicht.rules.models import Task

from .browser import another_page, assert_accessible, login, screenshot
from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def teacher(make_org, make_pro):
    return make_pro(make_org("Basisschool De Regenboog", sector="school"), first_name="Fatima")


@pytest.fixture
def vt_pro(make_org, make_pro):
    return make_pro(make_org("Veilig Thuis Utrecht", sector="safe_at_home"), first_name="Joost")


def test_niet_pluis_to_a_report_that_veilig_thuis_accepts(page, chromium, live_server, teacher,
                                                          vt_pro, family):
    child = family.child
    from .conftest import involve

    involve(teacher, child, service="onderwijs")  # the school works with its pupil
    login(page, teacher, PASSWORD)
    page.goto(f"/personen/{child.pk}/")
    page.get_by_role("link", name="Zorg vastleggen (Meldcode)").click()
    page.get_by_label("niet-pluisgevoel").check()
    page.get_by_label("Beschrijving").fill(
        "Lotte is sinds de herfstvakantie stil en teruggetrokken en schrikt bij harde geluiden.")
    page.get_by_label("Signalen").fill("stil en teruggetrokken in de klas\n"
                                       "schrikt bij harde geluiden")
    assert_accessible(page)
    screenshot(page, "meldcode-01-concern-new")
    page.get_by_role("button", name="Zorg vastleggen").click()
    page.wait_for_url("**/zorgen/*/")
    main = page.get_by_role("main").inner_text()
    assert "De vijf stappen van de Meldcode" in main and "Niet-pluisgevoel bespreken" in main
    assert "Wat kunnen Veilig Thuis en de Raad?" in main
    assert_accessible(page)
    screenshot(page, "meldcode-02-concern")

    # Step 1: map the signals (one more, from the gym teacher).
    page.get_by_role("link", name="Stap 1 vastleggen").click()
    page.get_by_label("Welke signalen ziet u?").fill(
        "stil en teruggetrokken in de klas\nschrikt bij harde geluiden\n"
        "gymdocent zag blauwe plekken op de bovenarm (2 dagen geleden)")
    page.get_by_role("button", name="Signalen vastleggen").click()
    page.wait_for_url("**/zorgen/*/")
    assert "Stap 1 is vastgelegd." in page.get_by_role("status").inner_text()

    # Step 2: consult, with the knowledge base beside the form.
    page.get_by_role("link", name="Stap 2 vastleggen").click()
    page.get_by_label("een collega of de aandachtsfunctionaris").check()
    page.get_by_label("Wat kwam eruit?").fill("Besproken met de intern begeleider: wegen en "
                                              "met moeder praten.")
    assert "Bekende misverstanden" in page.locator(".knowledge").inner_text()
    assert_accessible(page)
    screenshot(page, "meldcode-03-consult")
    page.get_by_role("button", name="Overleg vastleggen").click()
    page.wait_for_url("**/zorgen/*/")

    # Step 3: talk with the parents.
    page.get_by_role("link", name="Stap 3 vastleggen").click()
    page.get_by_label("de ouders").check()
    page.get_by_label("Wat kwam eruit?").fill("Moeder zegt dat Lotte gevallen is; ze wil geen "
                                              "hulp.")
    page.get_by_role("button", name="Gesprek vastleggen").click()
    page.wait_for_url("**/zorgen/*/")

    # Step 4: the five questions; the preview (JS) and, after saving, the outcome.
    page.get_by_role("link", name="Stap 4 vastleggen").click()
    for q, answer in (("q1", 0), ("q2", 1), ("q3", 0), ("q4", 1), ("q5", 1)):
        page.check(f"#id_{q}_{answer}")  # 0: ja, 1: nee
    preview = page.locator("#voorlopige-uitkomst")
    assert preview.inner_text() == ("Voorlopige uitkomst van deze antwoorden: melden bij "
                                    "Veilig Thuis")
    assert_accessible(page)
    screenshot(page, "meldcode-04-weigh")
    page.get_by_role("button", name="Weging opslaan").click()
    page.wait_for_url("**/zorgen/*/#afweging")
    outcome = page.locator("#afweging").inner_text()
    assert "De antwoorden leiden tot: melden bij Veilig Thuis" in outcome
    assert "U beslist zelf in stap 5" in outcome
    assert_accessible(page)
    screenshot(page, "meldcode-05-outcome")

    # Step 5: decide to report; the afwegingskader's outcome is chosen already.
    page.get_by_role("link", name="Stap 5 vastleggen").click()
    assert page.get_by_label("melden bij Veilig Thuis").is_checked()
    assert "Deze stappen slaat u over" not in page.get_by_role("main").inner_text()
    assert_accessible(page)
    screenshot(page, "meldcode-06-decide")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_url("**/zorgen/*/")
    assert "de melding is bij Veilig Thuis binnen" in page.get_by_role("status").inner_text()
    assert "Melding bij Veilig Thuis Utrecht" in page.get_by_role("main").inner_text()
    assert_accessible(page)
    screenshot(page, "meldcode-07-decided")

    # Veilig Thuis: the inbox, the report with the concern behind it, accept.
    vt = another_page(chromium, live_server)
    login(vt, vt_pro, PASSWORD)
    vt.get_by_role("link", name="Meldingen aan Veilig Thuis").click()
    vt.wait_for_url("**/meldingen/")
    inbox = vt.get_by_role("main").inner_text()
    assert "Nog af te handelen" in inbox and "Lotte Visser" in inbox
    assert "Basisschool De Regenboog" in inbox
    assert_accessible(vt)
    screenshot(vt, "meldcode-08-inbox")
    vt.get_by_role("link", name="Lotte Visser").click()
    vt.wait_for_url("**/meldingen/*/")
    report_page = vt.get_by_role("main").inner_text()
    assert "De zorg achter de melding" in report_page and "blauwe plekken" in report_page
    assert "melden bij Veilig Thuis" in report_page
    assert_accessible(vt)
    screenshot(vt, "meldcode-09-report")
    vt.get_by_role("button", name="Melding aannemen").click()
    vt.wait_for_url("**/meldingen/*/")
    assert "U heeft de melding aangenomen" in vt.get_by_role("status").inner_text()
    assert "De veiligheidsbeoordeling is uiterlijk" in vt.get_by_role("main").inner_text()
    assert Report.objects.get().status == "accepted"
    vt.goto(f"/personen/{child.pk}/")
    assert vt.locator(".holder-now").inner_text().startswith(
        "Veilig Thuis Utrecht heeft de veiligheidsregie")
    vt.get_by_role("link", name="Taken en signalen").first.click()
    vt.wait_for_url("**/taken/")
    tasks = vt.get_by_role("main").inner_text()
    assert "Veiligheidsbeoordeling na de melding van Basisschool De Regenboog" in tasks
    assert Task.objects.get(code="safety_assessment").due_on is not None
    assert_accessible(vt)
    screenshot(vt, "meldcode-10-vt-tasks")


def test_declining_a_second_hand_report_warns_about_k2(page, teacher, vt_pro, family):
    concern = services.concern_record(Actor.of(teacher), child=family.child, kind="second_hand",
                                      source="moeder van een klasgenoot",
                                      text="Lotte vertelde een klasgenoot dat papa slaat.")
    services.concern_decide(Actor.of(teacher), concern=concern, outcome="report")
    login(page, vt_pro, PASSWORD)
    page.goto(f"/meldingen/{Report.objects.get().pk}/")
    warning = page.locator("#k2-waarschuwing").inner_text()
    assert "bevinding K2" in warning
    page.get_by_role("button", name="Melding niet aannemen").click()
    page.wait_for_url("**/meldingen/*/decline/")
    assert "Kies een reden." in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    screenshot(page, "meldcode-11-decline-error")
    assert Report.objects.get().status == "received"


def test_the_handover_receiver_comes_with_the_knowledge_base(page, make_org, pro, family):
    make_org("Raad voor de Kinderbescherming Midden", sector="child_protection_board")
    involvement_start(Actor.of(pro), person=family.child, service="ambulante hulp")
    login(page, pro, PASSWORD)
    page.goto(f"/personen/{family.child.pk}/overdracht/")
    page.get_by_label("Aan welke organisatie draagt u over?").select_option(
        label="Raad voor de Kinderbescherming Midden")
    raad = page.locator(".knowledge-entry[data-sector='child_protection_board']")
    assert raad.get_attribute("open") is not None  # the receiver's sector opened (JS)
    assert "zonder signalen bij het kind" in raad.inner_text()
    assert page.locator(".knowledge-entry[open]").count() == 1
    assert_accessible(page)
    screenshot(page, "meldcode-12-handover-knowledge")
