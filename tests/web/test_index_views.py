"""The issue-4 screens through the Django test client: registering a signal (from a person's
page and by BSN; on behalf for coordinators), my organisation's signals (renew, withdraw,
inform the family), the match inbox and "wie is er nog betrokken bij dit gezin" — organisations
and contacts only. Bad input: a form error naming the problem, nothing written."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent, Notification
from kindzicht.index.models import Informing, Match, Signal
from kindzicht.index.services import signal_register
from kindzicht.people import services as people

from .conftest import INVALID_BSN, SYSTEM, VALID_BSN, logged_in

pytestmark = pytest.mark.django_db


def writes():
    return (Signal.objects.count(), Match.objects.count(), Informing.objects.count(),
            DomainEvent.objects.count(), AuditEntry.objects.filter(kind="write").count(),
            Notification.objects.count())


@pytest.fixture
def ggz(make_org, make_pro):
    org = make_org("GGZ Centraal", sector="adult_mental_health")
    return org, make_pro(org, first_name="Kees")


@pytest.fixture
def school(make_org, make_pro):
    org = make_org("Basisschool De Regenboog", sector="school")
    return org, make_pro(org, role="coordinator", first_name="Ilse")


def register_url(person):
    return reverse("web:signal_new", kwargs={"pk": person.pk})


class TestRegister:
    def test_from_the_person_page(self, web, pro, family):
        # Not involved: the child is outside reach; the page offers to register a signal.
        response = web.get(reverse("web:person", kwargs={"pk": family.child.pk}))
        page = response.content.decode()
        assert response.status_code == 403 and "Buiten uw bereik" in page
        assert register_url(family.child) in page
        form = web.get(register_url(family.child)).content.decode()
        assert "redelijk vermoeden" in form and "Namens" not in form  # not a coordinator
        response = web.post(register_url(family.child), {"threshold": "on"})
        assert response.status_code == 302
        sig = Signal.objects.get(person=family.child)
        assert sig.organisation == pro.organisation and "Sanne de Vries" in sig.contact
        page = web.get(response["Location"]).content.decode()
        assert "Uw organisatie heeft een signaal op deze persoon" in page

    def test_the_threshold_must_be_confirmed(self, web, family):
        before = writes()
        response = web.post(register_url(family.child), {"contact": "030-1"})
        assert response.status_code == 400
        assert "drempel van de verwijsindex" in response.content.decode()
        assert writes() == before

    def test_on_behalf_by_a_professional_is_refused_on_the_field(self, web, family):
        before = writes()
        response = web.post(register_url(family.child),
                            {"threshold": "on", "on_behalf_of": "Juf Marieke"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Alleen een coördinator" in html and 'id="id_on_behalf_of_error"' in html
        assert writes() == before

    def test_a_coordinator_registers_on_behalf(self, school, family):
        org, coordinator = school
        client = logged_in(coordinator)
        assert "Namens (waarnemend professional)" in client.get(
            register_url(family.child)).content.decode()
        client.post(register_url(family.child), {"threshold": "on",
                                                  "on_behalf_of": "Juf Marieke"})
        sig = Signal.objects.get(person=family.child)
        assert sig.observer == "Juf Marieke" and "Ilse" in sig.contact

    def test_duplicates_and_refusals(self, web, family, pro):
        grandma = people.person_create(SYSTEM, birth_date=date(1950, 1, 1), given_name="Truus")
        before = writes()
        response = web.post(register_url(grandma), {"threshold": "on"})
        assert response.status_code == 400 and "ouder dan 23" in response.content.decode()
        assert writes() == before
        web.post(register_url(family.child), {"threshold": "on"})
        before = writes()
        response = web.post(register_url(family.child), {"threshold": "on"})
        assert response.status_code == 400 and "al een actief signaal" in response.content.decode()
        assert writes() == before

    def test_a_likely_duplicate_is_shown_before_and_after(self, web, family):
        double = people.person_create(SYSTEM, birth_date=family.child.birth_date,
                                      given_name="Lotte", family_name="Visser")
        html = web.get(register_url(double)).content.decode()
        assert "Mogelijk dubbel vastgelegd" in html
        assert reverse("web:person", kwargs={"pk": family.child.pk}) in html
        response = web.post(register_url(double), {"threshold": "on"}, follow=True)
        assert "mogelijk dezelfde persoon" in response.content.decode()

    def test_unauthorised_sector(self, make_org, make_pro, family):
        client = logged_in(make_pro(make_org("Kinderrechter", sector="juvenile_court")))
        before = writes()
        response = client.post(register_url(family.child), {"threshold": "on"})
        assert response.status_code == 400 and "niet meldingsbevoegd" in response.content.decode()
        assert writes() == before


class TestRegisterByBsn:
    URL = reverse("web:signal_new_bsn")

    @pytest.mark.parametrize("bsn, message", [
        (INVALID_BSN, "elfproef"), ("123456782", "geen persoon met dit BSN"),
    ])
    def test_bad_bsn(self, web, family, bsn, message):
        before = writes()
        response = web.post(self.URL, {"bsn": bsn, "threshold": "on"})
        assert response.status_code == 400 and message in response.content.decode()
        assert 'id="id_bsn_error"' in response.content.decode()
        assert writes() == before

    def test_a_known_bsn(self, web, family):
        response = web.post(self.URL, {"bsn": VALID_BSN, "threshold": "on"})
        assert response.status_code == 302
        assert response["Location"] == reverse("web:person", kwargs={"pk": family.child.pk})
        assert VALID_BSN not in response["Location"]


class TestMySignals:
    def test_list_renew_withdraw(self, web, pro, family):
        sig = signal_register(Actor.of(pro), person=family.child)
        html = web.get(reverse("web:index_signals")).content.decode()
        assert family.child.name in html and "nog doen" in html
        with clock.frozen(date(clock.today().year + 1, 1, 2)):
            web.post(reverse("web:signal_renew", kwargs={"pk": sig.pk}))
        sig.refresh_from_db()
        assert sig.expires_on.year == clock.today().year + 3
        confirm = web.get(reverse("web:signal_withdraw", kwargs={"pk": sig.pk}))
        assert "risico weg is" in confirm.content.decode()
        web.post(reverse("web:signal_withdraw", kwargs={"pk": sig.pk}))
        sig.refresh_from_db()
        assert sig.end_reason == "withdrawn"
        ended = web.get(reverse("web:index_signals") + "?beeindigd=1").content.decode()
        assert "ingetrokken" in ended

    def test_the_reminder_before_expiry_is_a_task_in_words(self, web, pro, family):
        """Four weeks before its signal on the father expires, the organisation's task list
        says so — "verwijsindex: verlengen", about a person (not a child); renewing it from
        the list answers the task."""
        from datetime import timedelta

        from kindzicht.index.retention import remind_expiring

        sig = signal_register(Actor.of(pro), person=family.father)
        day = sig.expires_on - timedelta(days=28)
        assert remind_expiring(SYSTEM, day) == 1
        with clock.frozen(day):
            html = web.get(reverse("web:tasks")).content.decode()
            assert "verwijsindex: verlengen" in html and "index_renew" not in html
            assert f"Persoon: <a href=\"{reverse('web:person', kwargs={'pk': family.father.pk})}"\
                in html
            assert "verloopt op" in html and f"{sig.expires_on:%d-%m-%Y}" in html
            web.post(reverse("web:signal_renew", kwargs={"pk": sig.pk}))
            html = web.get(reverse("web:tasks")).content.decode()
        assert "signaal verlengd" in html

    def test_another_organisations_signal_is_not_found(self, web, ggz, family):
        sig = signal_register(Actor.of(ggz[1]), person=family.father)
        for name in ("signal_withdraw", "signal_inform"):
            assert web.get(reverse(f"web:{name}", kwargs={"pk": sig.pk})).status_code == 404
        assert web.post(reverse("web:signal_renew", kwargs={"pk": sig.pk})).status_code == 404

    def test_inform_the_family(self, web, pro, family):
        sig = signal_register(Actor.of(pro), person=family.child)  # 8: the parents only
        url = reverse("web:signal_inform", kwargs={"pk": sig.pk})
        html = web.get(url).content.decode()
        assert "De ouders (van een jongere onder 16)" in html
        assert "De persoon zelf" not in html
        before = writes()
        response = web.post(url, {"whom": "parents", "outcome": "postponed"})
        assert response.status_code == 400 and "gevaar zou" in response.content.decode()
        assert writes() == before
        web.post(url, {"whom": "parents", "outcome": "informed"})
        assert "geïnformeerd" in web.get(reverse("web:index_signals")).content.decode()


class TestMatchesAndWhoElse:
    def test_both_see_each_other_and_nothing_else(self, ggz, school, family, web):
        ggz_org, ggz_pro = ggz
        school_org, coordinator = school
        signal_register(Actor.of(ggz_pro), person=family.father, contact="Kees, 030-1234567")
        signal_register(Actor.of(coordinator), person=family.child, on_behalf_of="Juf Marieke")
        ggz_html = logged_in(ggz_pro).get(reverse("web:index_matches")).content.decode()
        assert "Match op gezinsniveau" in ggz_html and "Basisschool De Regenboog" in ggz_html
        assert "Juf Marieke" not in ggz_html and "Lotte" not in ggz_html
        school_html = logged_in(coordinator).get(reverse("web:index_matches")).content.decode()
        assert "Kees, 030-1234567" in school_html and "Ruben" not in school_html
        # the father's page, for GGZ: who else is involved with his family
        father_page = logged_in(ggz_pro).get(
            reverse("web:person", kwargs={"pk": family.father.pk})).content.decode()
        section = father_page.split('class="card index-section"')[1].split("</section>")[0]
        assert "Basisschool De Regenboog" in section and "Juf Marieke" not in section
        # Jeugdhulp Utrecht is not involved with this family: it sees no one
        # (the child is outside its reach: identity only)
        response = web.get(reverse("web:person", kwargs={"pk": family.child.pk}))
        assert response.status_code == 403
        assert "GGZ Centraal" not in response.content.decode()

    def test_closed_to_the_municipality_as_overseer(self, make_org, make_pro):
        officer = make_pro(make_org("Gemeente Utrecht", sector="municipality"),
                           role="municipality_officer")
        client = logged_in(officer)
        for name in ("index_signals", "index_matches", "signal_new_bsn"):
            assert client.get(reverse(f"web:{name}")).status_code == 403


def test_the_home_page_and_menu_link_to_the_index(web):
    html = web.get(reverse("web:home")).content.decode()
    assert html.count(reverse("web:index_signals")) == 2
