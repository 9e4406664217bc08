"""Issue 2 in a real browser: log in through the login page, see the home page, and find no
serious or critical WCAG 2.1 AA violation with axe-core. Then the other issue-2 screens."""

from __future__ import annotations

import pytest

from kindzicht.core.actions import Actor

from .browser import assert_accessible, login, screenshot
from .conftest import PASSWORD, VALID_BSN, open_risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_and_home_are_accessible(page, pro):
    page.goto("/login/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_accessible(page)
    screenshot(page, "01-login")
    login(page, pro, PASSWORD)
    assert page.get_by_role("heading", name="Uw organisatie").is_visible()
    assert page.get_by_text("Jeugdhulp Utrecht").first.is_visible()
    assert page.get_by_role("banner").is_visible()
    assert page.get_by_role("main").is_visible()
    assert page.get_by_role("navigation", name="Hoofdmenu").is_visible()
    assert_accessible(page)
    screenshot(page, "02-home")
    # The skip link is the first stop of the keyboard and becomes visible.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Direct naar de inhoud")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0


def test_language_switch(page, pro):
    login(page, pro, PASSWORD)
    page.get_by_role("button", name="EN (English)").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Your organisation").is_visible()
    assert_accessible(page)
    screenshot(page, "03-home-en")
    page.get_by_role("button", name="NL (Nederlands)").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "nl"


def test_find_a_person_and_see_the_family(page, pro, family):
    open_risk(Actor.of(pro), family.child)
    login(page, pro, PASSWORD)
    page.get_by_role("link", name="Persoon zoeken").first.click()
    page.get_by_label("Naam", exact=True).fill("Lotte")
    page.get_by_label("Geboortedatum", exact=True).fill(family.child.birth_date.isoformat())
    page.get_by_role("button", name="Zoeken", exact=True).click()
    assert "Lotte" in page.get_by_role("table").inner_text()
    assert_accessible(page)
    screenshot(page, "04-search-results")
    # By BSN: a POST form; the URL afterwards is the person page, without the BSN.
    page.get_by_label("BSN", exact=True).fill(VALID_BSN)
    page.get_by_role("button", name="Zoeken op BSN").click()
    page.wait_for_url(f"**/personen/{family.child.pk}/")
    assert VALID_BSN not in page.url
    assert VALID_BSN not in page.content()
    assert page.get_by_role("heading", name="Lotte Visser", level=1).is_visible()
    family_table = page.get_by_role("table").filter(has_text="stiefouder")
    assert "Mehmet Yilmaz" in family_table.inner_text()
    assert_accessible(page)
    screenshot(page, "05-person")


def test_bad_bsn_shows_a_form_error(page, pro, family):
    login(page, pro, PASSWORD)
    page.goto("/personen/zoeken/")
    page.get_by_label("BSN", exact=True).fill("123456789")
    page.get_by_role("button", name="Zoeken op BSN").click()
    assert page.get_by_role("alert").is_visible()
    assert "elfproef" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    screenshot(page, "06-search-bsn-error")


def test_record_a_death(page, pro, family):
    from .conftest import involve

    involve(pro, family.child)  # the father is in reach as the child's family
    login(page, pro, PASSWORD)
    page.goto(f"/personen/{family.father.pk}/")
    page.get_by_role("link", name="Overlijden vastleggen").click()
    assert_accessible(page)
    page.get_by_label("Datum van overlijden").fill("2999-01-01")
    page.get_by_label("Ik heb het overlijden gecontroleerd").check()
    page.get_by_role("button", name="Overlijden vastleggen").click()
    assert "Deze datum ligt in de toekomst." in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    screenshot(page, "07-death-error")
    family.father.refresh_from_db()
    assert family.father.death_date is None
    from kindzicht.core import clock

    page.get_by_label("Datum van overlijden").fill(clock.today().isoformat())
    page.get_by_role("button", name="Overlijden vastleggen").click()
    page.wait_for_url(f"**/personen/{family.father.pk}/")
    assert page.get_by_text("overleden").first.is_visible()
    family.father.refresh_from_db()
    assert family.father.death_date == clock.today()
