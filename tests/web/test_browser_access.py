"""Issue 8 in a real browser: a professional opens a child outside reach — "Buiten uw bereik"
— breaks the glass with a reason; the responsible organisation sees the access under "Wie heeft
dit dossier ingezien", with the review task, and reviews it. Each page checked with axe-core."""

from __future__ import annotations

import pytest

from kindzicht.access.models import BreakGlass, Review
from kindzicht.core.actions import Actor

from .browser import another_page, assert_accessible, login, screenshot
from .conftest import PASSWORD, involve, open_risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def seh_pro(make_org, make_pro):
    return make_pro(make_org("Ziekenhuis Spoedeisende Hulp", sector="youth_care"),
                    first_name="Sara")


def test_break_the_glass_and_its_review(page, chromium, live_server, pro, seh_pro, family):
    involve(pro, family.child)
    open_risk(Actor.of(pro), family.child)  # Jeugdhulp Utrecht holds safety responsibility

    login(page, seh_pro, PASSWORD)
    page.goto(f"/personen/{family.child.pk}/")
    main = page.get_by_role("main")
    assert "Buiten uw bereik" in main.inner_text()
    assert "Anouk" not in main.inner_text()  # identity only: no family
    assert_accessible(page)
    screenshot(page, "80-out-of-reach")
    page.get_by_role("button", name="Dossier openbreken").click()
    assert "Dit veld is vereist" in page.get_by_role("main").inner_text()  # mandatory
    page.get_by_label("Reden").fill("nodig")
    page.get_by_role("button", name="Dossier openbreken").click()
    assert "minstens" in page.get_by_role("main").inner_text()  # and says what is acute
    assert_accessible(page)
    page.get_by_label("Reden").fill("Kind op de SEH met letsel, ouders niet bereikbaar")
    page.get_by_role("button", name="Dossier openbreken").click()
    page.wait_for_url(f"**/personen/{family.child.pk}/")
    assert "Anouk" in page.get_by_role("main").inner_text()
    screenshot(page, "81-after-break-the-glass")

    holder = another_page(chromium, live_server)
    login(holder, pro, PASSWORD)
    holder.goto("/taken/")
    assert "Beoordeel het openbreken" in holder.get_by_role("main").inner_text()
    holder.goto(f"/personen/{family.child.pk}/")
    section = holder.locator("section", has=holder.get_by_role(
        "heading", name="Wie heeft dit dossier ingezien"))
    text = section.inner_text()
    assert "Ziekenhuis Spoedeisende Hulp" in text and "ouders niet bereikbaar" in text
    assert_accessible(holder)
    section.scroll_into_view_if_needed()
    screenshot(holder, "82-who-read-this-record")
    section.get_by_label("Terecht", exact=True).check()
    section.get_by_role("button", name="Beoordeling vastleggen").click()
    holder.wait_for_url(f"**/personen/{family.child.pk}/")
    assert BreakGlass.objects.get().review == Review.OK
    screenshot(holder, "83-reviewed")
