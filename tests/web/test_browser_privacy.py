"""Issue 8 in a real browser: the FG records the mother's request for inzage into her
daughter's file and downloads the export (PDF and JSON) — the teacher who observed stays
shielded — then corrects the daughter's misspelt family name with a reason, which the
school's coordinator then sees on the person page. Every page checked with axe-core;
screenshots in test-results/screenshots/privacy-*.png."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from kindzicht.core import clock
from kindzicht.index.services import signal_register
from kindzicht.people import services as people
from kindzicht.privacy.models import InzageRequest, Rectification

from .browser import SCREENSHOTS, another_page, assert_accessible, login, screenshot
from .conftest import PASSWORD, SYSTEM, years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEACHER = "juf Marieke (groep 5)"


@pytest.fixture
def setting(make_org):
    school = make_org("Basisschool De Regenboog", sector="school")
    municipality = make_org("Gemeente Utrecht", sector="municipality")
    ib = people.professional_create(SYSTEM, organisation=school, username="ilse",
                                    role="coordinator", first_name="Ilse", last_name="Jansen",
                                    phone="030-7654321", password=PASSWORD)
    fg = people.professional_create(SYSTEM, organisation=municipality, username="fg",
                                    role="privacy_officer", first_name="Frank",
                                    last_name="Gerritsen", password=PASSWORD)
    mother = people.person_create(SYSTEM, birth_date=years_ago(38), given_name="Anouk",
                                  family_name="Bakker")
    girl = people.person_create(SYSTEM, birth_date=years_ago(9), given_name="Lotte",
                                family_name="Bakkker", bsn="111222333")
    people.relation_add(SYSTEM, person=mother, kind="parent_of", other=girl)
    people.household_create(SYSTEM, members=[mother, girl], municipality_code="0344",
                            postcode="3511AB")
    from kindzicht.core.actions import Actor

    signal_register(Actor.of(ib), person=girl, on_behalf_of=TEACHER)
    return {"fg": fg, "ib": ib, "girl": girl}


def test_the_fg_answers_inzage_and_corrects_a_misspelt_name(page, chromium, live_server,
                                                            setting):
    fg, girl = setting["fg"], setting["girl"]
    today = clock.today()
    login(page, fg, PASSWORD)
    page.get_by_role("link", name="Privacyrechten").first.click()
    page.wait_for_url("**/privacy/")
    assert "Er zijn geen verzoeken in behandeling" in page.content()
    page.get_by_role("link", name="Nieuw inzageverzoek").click()
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Naam van de aanvrager").fill("Anouk Bakker")
    page.get_by_label("de persoon zelf").check()
    page.get_by_label("Verzoek ontvangen op").fill(today.isoformat())
    page.get_by_role("button", name="Verzoek vastleggen").click()
    # Lotte is 9: her mother exercises the right, not Lotte herself
    assert "jonger dan 16" in page.locator(".field-error").inner_text()
    assert_accessible(page)
    screenshot(page, "privacy-01-request-refused-under-16")
    page.get_by_label("ouder met gezag").check()
    page.get_by_role("button", name="Verzoek vastleggen").click()
    page.wait_for_url("**/privacy/inzage/*/")
    assert "U heeft een taak met de termijn" in page.get_by_role("status").inner_text()
    assert_accessible(page)
    screenshot(page, "privacy-02-request-detail")

    with page.expect_download() as info:
        page.get_by_role("link", name="Download als PDF").click()
    pdf_path = info.value.path()
    pdf = open(pdf_path, "rb").read()
    assert pdf.startswith(b"%PDF-")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "privacy-inzage.pdf").write_bytes(pdf)
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf_path), "-"], check=True,
                              capture_output=True, text=True).stdout
        assert "Signalen in de verwijsindex" in text and "Marieke" not in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "2", str(pdf_path),
                        str(SCREENSHOTS / "privacy-03-pdf-page")], check=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download als JSON").click()
    data = json.loads(open(info.value.path(), encoding="utf-8").read())
    signals = next(s for s in data["sections"] if s["key"] == "signals")["rows"]
    assert signals[0]["observer"] == "[achtergehouden]"
    assert TEACHER not in json.dumps(data, ensure_ascii=False)
    assert InzageRequest.objects.get().status == "delivered"

    # the mother also says the family name is misspelt: correct it, with the reason
    page.get_by_role("link", name="Gegevens van deze persoon corrigeren").click()
    page.wait_for_url(f"**/privacy/personen/{girl.pk}/corrigeren/")
    page.get_by_label("Welk gegeven").select_option("family_name")
    page.get_by_label("Juiste (of gevraagde) waarde").fill("Bakker")
    page.get_by_role("button", name="Vastleggen").click()
    assert page.locator(".field-error").count() >= 1  # no reason, no requester: refused
    page.get_by_label("Reden", exact=True).fill("Achternaam verkeerd gespeld bij inschrijving; "
                                    "zie het uittreksel BRP")
    page.get_by_label("Verzoek van").fill("Anouk Bakker (moeder)")
    page.get_by_label("Verzoek ontvangen op").fill(today.isoformat())
    assert_accessible(page)
    screenshot(page, "privacy-04-rectify-form")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(f"**/privacy/personen/{girl.pk}/corrigeren/")
    assert "oude waarde staat in de geschiedenis" in page.get_by_role("status").inner_text()
    history = page.locator("table").inner_text()
    assert "Bakkker" in history and "Bakker" in history
    assert_accessible(page)
    screenshot(page, "privacy-05-rectified")
    r = Rectification.objects.get()
    assert (r.before, r.after) == ("Bakkker", "Bakker")

    # the school's coordinator sees the corrected name and that it was corrected
    other = another_page(chromium, live_server)
    login(other, setting["ib"], PASSWORD)
    other.goto(f"/personen/{girl.pk}/")
    assert "Lotte Bakker" in other.get_by_role("heading", level=1).inner_text()
    assert "gecorrigeerd op" in other.locator(".corrections").inner_text()
    screenshot(other, "privacy-06-person-page")
    other.context.close()
