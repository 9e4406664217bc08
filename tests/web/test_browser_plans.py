"""Issue 7 in a real browser: a coordinator makes a family plan, a goal passes its date unmet,
the watchdog's sweep for the day after gives the coordinator an escalation task, the
coordinator decides the follow-up on the doorpakken screen (with what the chain partners can
do) and the task closes. Then parents' cooperation on the child's page, and an adult service
that sees who works with the children and shares on a legal basis. Each page checked with
axe-core; screenshots in test-results/screenshots/plans-*.png."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.rules.models import Task
from kindzicht.rules.watchdog import sweep

from .browser import another_page, assert_accessible, login, screenshot
from .conftest import PASSWORD, open_risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@contextmanager
def clock_everywhere(day: date):
    """Move the domain clock for every thread — the live server's too — not only this one
    (clock.frozen is per thread): the browser then works on ``day``."""
    with clock.frozen_everywhere(clock.start_of(day) + timedelta(hours=10)):
        yield


@pytest.fixture
def coordinator(make_pro, org):
    return make_pro(org, role="coordinator", first_name="Fatima")


@pytest.fixture
def school(make_org):
    return make_org("Basisschool De Linde", sector="school")


@pytest.fixture
def at_risk(coordinator, family):
    """Jeugdhulp Utrecht has worked with Lotte for two months; she is at open risk."""
    with clock.frozen(clock.today() - timedelta(days=60)):
        continuity.involvement_start(Actor.of(coordinator), person=family.child,
                                     service="ambulante gezinsbegeleiding")
        open_risk(Actor.of(coordinator), family.child)
    return family.child


def test_plan_goal_drifts_task_follow_up_closes(page, coordinator, school, at_risk):
    child = at_risk
    due = clock.today() + timedelta(days=14)
    login(page, coordinator, PASSWORD)
    page.goto(f"/personen/{child.pk}/")
    page.get_by_role("link", name="Gezinsplan maken").click()
    page.get_by_label("Doel 1: wat willen we bereiken?").fill(
        "Lotte is elke schooldag op tijd op school")
    page.get_by_label("Doel 1: wie zorgt ervoor?").select_option(label="Basisschool De Linde")
    page.get_by_label("Doel 1: uiterlijk op").fill(due.isoformat())
    page.get_by_label("Afspraak 1 met de ouders").fill("Moeder brengt Lotte elke ochtend")
    page.get_by_label("Afspraak 1: wat gebeurt er als die niet wordt nagekomen?").fill(
        "De regisseur bespreekt met Veilig Thuis of een melding nodig is")
    page.get_by_label("Eerste evaluatiemoment").fill((due + timedelta(days=14)).isoformat())
    assert_accessible(page)
    screenshot(page, "plans-01-new")
    page.get_by_role("button", name="Gezinsplan vastleggen").click()
    page.wait_for_url("**/gezinsplannen/*/")
    main = page.get_by_role("main").inner_text()
    assert "Lotte is elke schooldag op tijd op school" in main
    assert "De regisseur bespreekt met Veilig Thuis" in main
    assert "Gezinsplan gemaakt" in page.locator(".history").inner_text()
    assert_accessible(page)
    screenshot(page, "plans-02-plan")

    # Nobody records anything; the day after the due date the watchdog runs.
    later = due + timedelta(days=1)
    with clock_everywhere(later):
        sweep(later)
        task = Task.objects.get(code="goal_follow_up")
        assert task.assignee == coordinator
        page.goto("/taken/")
        assert "Doorpakken: het doel ‘Lotte is elke schooldag op tijd op school’" in \
            page.get_by_role("main").inner_text()
        assert_accessible(page)
        screenshot(page, "plans-03-task")
        page.get_by_role("link", name="Vervolg bepalen").click()
        page.wait_for_url(f"**/taken/{task.pk}/vervolg/")
        knowledge = page.locator(".knowledge").inner_text()
        assert "Raad voor de Kinderbescherming" in knowledge and "Veilig Thuis" in knowledge
        assert page.get_by_role("link", name="Verzoek aan de Raad doen").is_visible()
        # a new date left empty: the form says so
        page.get_by_role("button", name="Nieuwe datum vastleggen").click()
        assert "Geef bij uitstel de nieuwe datum." in page.get_by_role("alert").inner_text()
        assert_accessible(page)
        screenshot(page, "plans-04-follow-up")
        page.get_by_label("Nieuwe datum voor dit doel").fill(
            (later + timedelta(days=21)).isoformat())
        page.get_by_role("button", name="Nieuwe datum vastleggen").click()
        page.wait_for_url("**/taken/")
        assert "de taak is afgehandeld" in page.get_by_role("status").inner_text()
        answered = page.locator("section", has=page.get_by_role("heading", name="Beantwoord"))
        assert "Nieuwe datum" in answered.inner_text()
        assert_accessible(page)
        screenshot(page, "plans-05-task-closed")
        task.refresh_from_db()
        assert task.status == "done"
        page.goto(f"/gezinsplannen/{task.child.plans.get().pk}/")
        assert "uitgesteld" in page.locator(".goals").inner_text()
        screenshot(page, "plans-06-plan-after")


def test_cooperation_and_sharing(page, chromium, live_server, coordinator, at_risk, family,
                                 make_org, make_pro):
    child = at_risk
    login(page, coordinator, PASSWORD)
    page.goto(f"/personen/{child.pk}/")
    page.get_by_role("link", name="Weigering, uitstel of gemiste afspraak vastleggen").click()
    page.get_by_label("Ouder weigert aangeboden hulp").check()
    page.get_by_label("Welke hulp of afspraak?").fill("dagbehandeling")
    assert_accessible(page)
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_url(f"**/personen/{child.pk}/")
    log = page.locator("table.cooperation").inner_text()
    assert "Ouder weigert aangeboden hulp" in log and "Fatima de Vries" in log
    assert_accessible(page)
    screenshot(page, "plans-07-cooperation")

    ggz = make_org("GGZ Centraal", sector="adult_mental_health")
    ggz_pro = make_pro(ggz, first_name="Ilse")
    continuity.involvement_start(Actor.of(ggz_pro), person=family.mother,
                                 service="behandeling verslaving")
    adult = another_page(chromium, live_server)
    login(adult, ggz_pro, PASSWORD)
    adult.goto(f"/personen/{family.mother.pk}/")
    kids = adult.locator("section", has=adult.get_by_role("heading",
                                                          name="Betrokken bij de kinderen"))
    assert "Lotte Visser" in kids.inner_text() and "Jeugdhulp Utrecht" in kids.inner_text()
    assert_accessible(adult)
    screenshot(adult, "plans-08-parent-children")
    adult.get_by_role("link", name="Informatie delen op een wettelijke grondslag").click()
    adult.get_by_label("Met welke organisatie deelt u?").select_option(
        label="Jeugdhulp Utrecht (Jeugdhulp)")
    adult.get_by_label("Wat deelt u?").fill("Moeder is in behandeling voor verslaving.")
    adult.get_by_role("button", name="Delen en vastleggen").click()
    assert "Kies de grondslag" in adult.get_by_role("alert").inner_text()
    assert_accessible(adult)
    screenshot(adult, "plans-09-share-error")
    adult.get_by_label("toestemming").check()
    adult.get_by_role("button", name="Delen en vastleggen").click()
    adult.wait_for_url(f"**/personen/{family.mother.pk}/")

    page.goto(f"/personen/{child.pk}/")
    shared = page.locator("section", has=page.get_by_role("heading", name="Gedeelde informatie"))
    assert "Moeder is in behandeling voor verslaving." in shared.inner_text()
    assert "GGZ Centraal" in shared.inner_text() and "toestemming" in shared.inner_text()
    screenshot(page, "plans-10-shared-received")
