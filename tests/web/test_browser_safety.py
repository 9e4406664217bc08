"""Issue 6 in a real browser: a new partner joins the household of a child at open risk, the
organisation holding safety responsibility sees the re-assessment task, records a new
assessment (the previous one beside it; agreements required when conditionally safe), and the
task closes. Then accepting a factor, recording a life event and the risk history — every
page checked with axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindzicht.continuity import services
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import services as people
from kindzicht.rules.models import Task, TaskStatus
from kindzicht.safety.reassessment import TASK_CODE

from .browser import another_page, assert_accessible, login, screenshot
from .conftest import PASSWORD, SYSTEM, open_risk, years_ago

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def held_since_30_days(pro, family):
    """Jeugdhulp Utrecht has worked with Lotte for 30 days, assessed her unsafe and holds
    safety responsibility."""
    with clock.frozen(clock.today() - timedelta(days=30)):
        services.involvement_start(Actor.of(pro), person=family.child, service="ambulante hulp")
        open_risk(Actor.of(pro), family.child)
    return family.child


def test_new_partner_reassessment_task_closes_after_assessment(page, pro, family,
                                                              held_since_30_days):
    child = held_since_30_days
    home = child.memberships.get().household
    newcomer = people.person_create(SYSTEM, birth_date=years_ago(34), given_name="Jeroen",
                                    family_name="Kok")
    people.household_join(SYSTEM, household=home, person=newcomer)  # the new partner

    login(page, pro, PASSWORD)
    page.get_by_role("link", name="Taken en signalen").first.click()
    page.wait_for_url("**/taken/")
    # Lotte and her brother Daan live in the household: each gets a task.
    assert page.locator(".task", has_text="Herbeoordeling").count() == 2
    task = page.locator(".task", has_text="Herbeoordeling").filter(has_text="Lotte Visser")
    assert "nieuwe partner in het huishouden" in task.inner_text()
    assert "Uiterlijk:" in task.inner_text()
    assert_accessible(page)
    screenshot(page, "safety-01-tasks-reassessment")

    task.get_by_role("link", name="Lotte Visser").click()
    page.wait_for_url(f"**/personen/{child.pk}/")
    section = page.locator(".safety-section")
    assert "Herbeoordeling nodig" in section.inner_text()
    assert "Jeugdhulp Utrecht beoordeelt de veiligheid opnieuw" in section.inner_text()
    assert_accessible(page)
    screenshot(page, "safety-02-child-page-task")

    section.get_by_role("link", name="Risicotaxatie vastleggen").click()
    page.wait_for_url(f"**/personen/{child.pk}/risicotaxatie/")
    previous = page.locator(".previous-assessment")
    assert "huiselijk geweld" in previous.inner_text()
    assert "onveilig" in previous.inner_text()
    page.get_by_label("nieuwe partner", exact=True).check()
    page.get_by_label("overbelaste ouder", exact=True).check()
    page.get_by_label("voorwaardelijk veilig", exact=True).check()
    page.get_by_label("matig", exact=True).check()
    assert_accessible(page)
    screenshot(page, "safety-03-assessment-form")
    page.get_by_role("button", name="Risicotaxatie vastleggen").click()
    assert "veiligheidsafspraken vast" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("nieuwe partner", exact=True).is_checked()
    assert_accessible(page)
    screenshot(page, "safety-04-assessment-agreements-required")
    page.get_by_label("Veiligheidsafspraken").fill(
        "Jeroen is niet alleen met Lotte; moeder belt het wijkteam bij spanningen.")
    page.get_by_role("button", name="Risicotaxatie vastleggen").click()
    page.wait_for_url(f"**/personen/{child.pk}/")
    assert "De risicotaxatie is vastgelegd." in page.get_by_role("status").inner_text()
    section = page.locator(".safety-section")
    assert "Herbeoordeling nodig" not in section.inner_text()
    assert "voorwaardelijk veilig" in section.inner_text()
    assert "Jeroen is niet alleen met Lotte" in section.inner_text()
    screenshot(page, "safety-05-child-page-reassessed")

    page.get_by_role("link", name="Taken en signalen").first.click()
    page.wait_for_url("**/taken/")
    answered = page.locator("section", has_text="Beantwoord").locator(
        ".task", has_text="Herbeoordeling").filter(has_text="Lotte Visser")
    assert f"herbeoordeeld op {clock.today():%d-%m-%Y}" in answered.inner_text()
    still_open = page.locator("section[aria-labelledby=open-kop] .task",
                              has_text="Herbeoordeling")
    assert still_open.count() == 1 and "Daan Visser" in still_open.inner_text()
    screenshot(page, "safety-06-task-closed")
    assert Task.objects.get(code=TASK_CODE, child=child).status == TaskStatus.DONE
    assert Task.objects.get(code=TASK_CODE, child=family.full_sibling).status == TaskStatus.OPEN


def test_accept_factor_life_event_and_risk_history(page, chromium, live_server, make_org,
                                                   make_pro, pro, family, held_since_30_days):
    child = held_since_30_days
    ggz = make_org("GGZ Centraal", sector="adult_mental_health")
    ggz_pro = make_pro(ggz, first_name="Kees")
    from kindzicht.safety.services import assessment_record

    assessment_record(Actor.of(pro), child=child, safety="unsafe", risk="high", factors=[
        {"domain": "parent", "code": "parent_mental_health", "owner": ggz},
        {"domain": "family", "code": "domestic_violence"}])
    people.household_move(SYSTEM, household=child.memberships.get().household,
                          municipality_code="0363", postcode="1012AB")

    other = another_page(chromium, live_server)
    login(other, ggz_pro, PASSWORD)
    other.get_by_role("link", name="Risicofactoren").first.click()
    other.wait_for_url("**/risicofactoren/")
    card = other.locator(".card", has_text="Lotte Visser")
    assert "psychische problemen ouder" in card.inner_text()
    assert_accessible(other)
    screenshot(other, "safety-07-factors-awaiting")
    card.get_by_role("button", name="Accepteren").click()
    other.wait_for_url("**/risicofactoren/")
    assert "eigenaar van de geaccepteerde" in other.get_by_role("status").inner_text()
    assert "Er wachten geen risicofactoren" in other.get_by_role("main").inner_text()

    login(page, pro, PASSWORD)
    page.goto(f"/personen/{family.mother.pk}/")
    page.get_by_role("link", name="Gebeurtenis vastleggen").click()
    page.wait_for_url(f"**/personen/{family.mother.pk}/gebeurtenis/")
    page.get_by_label("Wat is er veranderd?").select_option(label="baanverlies")
    page.get_by_label("Wanneer?").fill((clock.today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Gebeurtenis vastleggen").click()
    assert "toekomst" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    screenshot(page, "safety-08-life-event-error")
    page.get_by_label("Wanneer?").fill((clock.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Gebeurtenis vastleggen").click()
    page.wait_for_url(f"**/personen/{family.mother.pk}/")
    assert "baanverlies" in page.get_by_role("status").inner_text()

    page.goto(f"/personen/{child.pk}/risicohistorie/")
    assert page.locator(".overseeing-municipality").inner_text() == "Amsterdam (0363)"
    addresses = page.locator(".address-history").inner_text()
    assert "Utrecht (0344)" in addresses and "Amsterdam (0363)" in addresses
    events = page.locator(".life-event-history").inner_text()
    assert "verhuisd" in events and "baanverlies" in events
    assert page.locator(".assessment-history tbody tr").count() == 2
    assert page.locator(".risk-timeline circle").count() == 2
    assert_accessible(page)
    screenshot(page, "safety-09-risk-history")
