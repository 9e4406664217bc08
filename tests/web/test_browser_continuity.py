"""Issue 3 in a real browser: the handover flow (offer → accept → confirm start; the band then
shows the receiver), a refused closure (ending involvement while holding responsibility shows
what to do), my children, the band with a gap, and tasks — each page checked with axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindzicht.continuity import services
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.rules.tasks import task_create

from .browser import another_page, assert_accessible, login, screenshot
from .conftest import PASSWORD, open_risk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gi(make_org):
    return make_org("Gecertificeerde Instelling Midden", sector="youth_protection")


@pytest.fixture
def gi_pro(make_pro, gi):
    return make_pro(gi, first_name="Kees")


@pytest.fixture
def held_since_90_days(pro, family):
    """Jeugdhulp Utrecht has worked with Lotte for 90 days and holds safety responsibility."""
    with clock.frozen(clock.today() - timedelta(days=90)):
        services.involvement_start(Actor.of(pro), person=family.child, service="ambulante hulp",
                                   intensive=True)
        open_risk(Actor.of(pro), family.child)
    return family.child


def test_handover_flow(page, chromium, live_server, pro, gi_pro, held_since_90_days):
    child = held_since_90_days
    login(page, pro, PASSWORD)
    page.goto(f"/personen/{child.pk}/")
    page.get_by_role("link", name="Overdracht aanbieden").click()
    page.get_by_label("Aan welke organisatie draagt u over?").select_option(
        label="Gecertificeerde Instelling Midden")
    page.get_by_label("verslaving ouder").uncheck()
    page.get_by_label("Toelichting voor de ontvanger").fill("Graag kennismaking met moeder.")
    assert_accessible(page)
    screenshot(page, "10-handover-offer")
    page.get_by_role("button", name="Overdracht aanbieden").click()
    page.wait_for_url("**/overdrachten/*/")
    assert "aangeboden" in page.get_by_role("main").inner_text()
    assert_accessible(page)
    screenshot(page, "11-handover-offered-sender")

    receiver = another_page(chromium, live_server)
    login(receiver, gi_pro, PASSWORD)
    receiver.goto("/kinderen/")
    assert "overdracht aan ons" in receiver.get_by_role("table").inner_text()
    receiver.get_by_role("link", name="Lotte Visser").click()
    receiver.get_by_role("link", name="Bekijken").click()
    assert receiver.get_by_label("huiselijk geweld").is_checked()
    assert_accessible(receiver)
    screenshot(receiver, "12-handover-receiver")
    receiver.get_by_role("button", name="Overdracht accepteren").click()
    receiver.wait_for_url("**/overdrachten/*/")
    assert receiver.get_by_role("status").is_visible()
    receiver.get_by_role("button", name="Start bevestigen").click()
    receiver.wait_for_url("**/overdrachten/*/")
    assert "gestart" in receiver.get_by_role("main").inner_text()

    receiver.goto(f"/personen/{child.pk}/")
    holder = receiver.locator(".holder-now").inner_text()
    assert holder.startswith("Gecertificeerde Instelling Midden heeft de veiligheidsregie")
    band = receiver.locator(".band-figure")
    assert "Gecertificeerde Instelling Midden" in band.locator("figcaption").inner_text()
    assert band.locator("rect.band-held").count() == 2
    table = receiver.locator(".band-table").inner_text()
    assert table.index("Gecertificeerde Instelling Midden") < table.index("Jeugdhulp Utrecht")
    assert_accessible(receiver)
    screenshot(receiver, "13-child-after-handover")

    # The sender may now end its involvement: a successor has confirmed the start.
    page.goto(f"/personen/{child.pk}/betrokkenheid/einde/")
    page.get_by_label("Reden van beëindigen").fill("Overgedragen aan de GI")
    page.get_by_label("Nazorg").fill("Twee nazorggesprekken met moeder in de komende maand.")
    page.get_by_role("button", name="Betrokkenheid beëindigen").click()
    page.wait_for_url(f"**/personen/{child.pk}/")


def test_refused_closure(page, pro, gi, held_since_90_days):
    child = held_since_90_days
    login(page, pro, PASSWORD)
    page.goto(f"/personen/{child.pk}/")
    page.get_by_role("link", name="Betrokkenheid beëindigen").click()
    page.get_by_label("Reden van beëindigen").fill("Traject afgerond")
    page.get_by_role("button", name="Betrokkenheid beëindigen").click()
    refusal = page.get_by_role("alert")
    assert "Beëindigen kan nu niet" in refusal.inner_text()
    assert "Jeugdhulp Utrecht heeft de veiligheidsregie voor Lotte Visser" in refusal.inner_text()
    assert "Bied eerst een overdracht aan" in refusal.inner_text()
    assert_accessible(page)
    screenshot(page, "20-closure-refused")
    # The refusal links to what to do next.
    refusal.get_by_role("link", name="Overdracht aanbieden").click()
    page.wait_for_url(f"**/personen/{child.pk}/overdracht/")


def test_band_shows_a_gap_and_my_children(page, make_org, make_pro, pro, family):
    """Reconstructed history: Jeugdhulp held it, ended its involvement (reconstruct mode
    releases responsibility), nobody for a fortnight, then the wijkteam took it."""
    child = family.child
    wijkteam = make_org("Wijkteam Oost", sector="district_team")
    today = clock.today()
    with clock.frozen(today - timedelta(days=200)):
        services.involvement_start(Actor.of(pro), person=child, service="ambulante hulp")
        open_risk(Actor.of(pro), child)
    with clock.frozen(today - timedelta(days=120)):
        services.involvement_end(Actor.of(pro, mode="reconstruct"), person=child,
                                 reason="afgerond", aftercare="")
    with clock.frozen(today - timedelta(days=100)):
        services.responsibility_take(Actor.of(make_pro(wijkteam)), child=child,
                                     basis="coordination")
    task_create(organisation=pro.organisation, code="C1", key="gap", child=child, kind="alert",
                text="Lotte Visser had 20 dagen geen organisatie met veiligheidsregie.",
                due_in_days=3)
    login(page, pro, PASSWORD)
    page.goto(f"/personen/{child.pk}/")
    band = page.locator(".band-figure")
    assert band.locator("rect.band-gap").count() == 1
    assert "niemand verantwoordelijk" in band.locator("figcaption").inner_text()
    assert "niemand verantwoordelijk" in page.locator(".band-table .row-gap").inner_text()
    assert_accessible(page)
    screenshot(page, "21-band-with-gap")

    page.get_by_role("link", name="Taken en signalen").first.click()
    assert "geen organisatie met veiligheidsregie" in page.get_by_role("main").inner_text()
    assert_accessible(page)
    screenshot(page, "22-tasks")
    page.get_by_role("link", name="Beantwoorden").first.click()
    page.get_by_label("Niet van toepassing").check()
    page.get_by_role("button", name="Antwoord vastleggen").click()
    assert "Zeg waarom" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    screenshot(page, "23-task-answer-error")
    page.get_by_label("Toelichting").fill("Gat is al besproken in het MDO.")
    page.get_by_role("button", name="Antwoord vastleggen").click()
    page.wait_for_url("**/taken/")
    assert "Gat is al besproken in het MDO." in page.get_by_role("main").inner_text()


def test_my_children_and_decision(page, make_org, make_pro, pro, held_since_90_days):
    login(page, pro, PASSWORD)
    page.get_by_role("link", name="Mijn kinderen").first.click()
    table = page.get_by_role("table").inner_text()
    assert "Lotte Visser" in table and "Daan Visser" in table
    assert_accessible(page)
    screenshot(page, "24-my-children")

    raad = make_pro(make_org("Raad voor de Kinderbescherming Midden",
                             sector="child_protection_board"), first_name="Ilse")
    page.get_by_role("button", name="Uitloggen").click()
    from .conftest import involve

    involve(raad, held_since_90_days, service="raadsonderzoek")  # the Raad works with her
    login(page, raad, PASSWORD)
    page.goto(f"/personen/{held_since_90_days.pk}/besluit/")
    page.get_by_label("onderzoek afgewezen").check()
    page.get_by_role("button", name="Besluit vastleggen").click()
    assert "motivering" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    screenshot(page, "25-decision-error")
    page.get_by_label("Motivering").fill("Het vrijwillig kader volstaat; jeugdhulp blijft.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_url(f"**/personen/{held_since_90_days.pk}/")
    assert "Het vrijwillig kader volstaat" in page.get_by_role("main").inner_text()


def test_berichten_show_the_offer_to_the_receiver_and_reading_clears_the_count(
        page, chromium, live_server, pro, gi_pro, held_since_90_days):
    child = held_since_90_days
    services.handover_offer(Actor.of(pro), child=child, receiver=gi_pro.organisation,
                            note="Graag kennismaking met moeder.")
    login(page, gi_pro, PASSWORD)
    nav = page.get_by_role("navigation")
    assert nav.get_by_role("link", name="Berichten 1 ongelezen").is_visible()
    nav.get_by_role("link", name="Berichten 1 ongelezen").click()
    page.wait_for_url("**/berichten/")
    offer = page.get_by_role("article").filter(has_text="Overdracht aangeboden door")
    assert "Jeugdhulp Utrecht" in offer.inner_text() and "Nieuw" in offer.inner_text()
    assert_accessible(page)
    screenshot(page, "14-berichten-unread")
    offer.get_by_role("button", name="Gelezen").click()
    page.wait_for_url("**/berichten/")
    assert nav.get_by_role("link", name="Berichten", exact=True).is_visible()
    assert "gelezen door Kees de Vries" in page.get_by_role("main").inner_text()
    screenshot(page, "15-berichten-read")
    # the link leads to the child the notification is about
    assert not page.get_by_role("button", name="Alles als gelezen markeren").count()
    page.get_by_role("link", name="Naar Lotte Visser").first.click()
    page.wait_for_url(f"**/personen/{child.pk}/")


def test_berichten_say_when_the_mail_server_kept_refusing_a_notification(
        page, chromium, live_server, pro, gi_pro, held_since_90_days, settings):
    """The outbox gave up on the e-mail (the organisation's address does not exist): the copy
    in Berichten says nobody received it by e-mail."""
    from unittest import mock

    from kindzicht.core.outbox import send_pending
    from kindzicht.people.models import Organisation

    settings.OUTBOX_MAIL_ATTEMPTS = 1
    Organisation.objects.filter(pk=gi_pro.organisation_id).update(email="oud@example.org")
    refusing = mock.Mock(**{"send_messages.side_effect": OSError("550 no such mailbox")})
    with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=refusing):
        services.handover_offer(Actor.of(pro), child=held_since_90_days,  # mailed at commit
                                receiver=gi_pro.organisation, note="Graag kennismaking.")
        send_pending()  # nothing left to try: it was refused once, the most allowed here
    login(page, gi_pro, PASSWORD)
    page.get_by_role("navigation").get_by_role("link", name="Berichten 1 ongelezen").click()
    page.wait_for_url("**/berichten/")
    offer = page.get_by_role("article").filter(has_text="Overdracht aangeboden door")
    assert "niet per e-mail afgeleverd" in offer.inner_text()
    assert_accessible(page)
    screenshot(page, "16-berichten-niet-afgeleverd")
