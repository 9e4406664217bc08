"""The issue-6 screens through the Django test client: recording an assessment (the four
domains, an owner per factor, agreements when conditionally safe, the previous assessment
beside it), accepting factors, recording a life event, the re-assessment task on the child's
page, and the risk history across a move. Bad input: a form error, nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from kindzicht.continuity import services
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people import services as people
from kindzicht.rules.models import Task, TaskStatus
from kindzicht.safety.models import Assessment, FactorOwnership, LifeEvent
from kindzicht.safety.reassessment import TASK_CODE

from .conftest import SYSTEM, logged_in, open_risk, years_ago

pytestmark = pytest.mark.django_db


@pytest.fixture
def ggz(make_org):
    return make_org("GGZ Centraal", sector="adult_mental_health")


@pytest.fixture
def ggz_pro(make_pro, ggz):
    return make_pro(ggz, first_name="Kees")


@pytest.fixture
def at_risk(pro, family):
    services.involvement_start(Actor.of(pro), person=family.child, service="ambulante hulp")
    open_risk(Actor.of(pro), family.child)
    return family.child


class Writes:
    def __init__(self):
        self.counts = self.now()

    @staticmethod
    def now():
        return (DomainEvent.objects.count(), AuditEntry.objects.filter(kind="write").count(),
                Assessment.objects.count(), LifeEvent.objects.count(),
                FactorOwnership.objects.count(), Task.objects.count())

    def none(self) -> bool:
        return self.now() == self.counts


def url(name, pk=None):
    return reverse(f"web:{name}", kwargs={"pk": pk} if pk else None)


def assessment_post(**extra):
    return {"safety": "unsafe", "risk": "high"} | extra


def test_the_form_walks_the_four_domains_and_shows_the_previous_assessment(web, at_risk):
    response = web.get(url("assessment_new", at_risk.pk))
    html = response.content.decode()
    assert response.status_code == 200
    positions = [html.index(h) for h in ("1. Kind", "2. Ouder", "3. Gezin",
                                         "4. Sociaal-economisch en cultureel", "5. Uw oordeel")]
    assert positions == sorted(positions)
    assert "huiselijk geweld" in html and "verslaving ouder" in html  # Dutch labels
    assert "Vorige risicotaxatie" in html and "Onveilig" not in html
    assert "onveilig" in html and "Jeugdhulp Utrecht (uw organisatie)" in html
    # no computed verdict: nothing is pre-selected
    assert 'checked' not in html.split("5. Uw oordeel")[1].split("</form>")[0]


def test_record_an_assessment_with_an_owner_per_factor(web, at_risk, org, ggz):
    response = web.post(url("assessment_new", at_risk.pk), assessment_post(
        safety="conditionally_safe", risk="moderate", agreements="Moeder belt bij spanning.",
        factor_new_partner="on", owner_new_partner=str(org.pk),
        factor_parent_mental_health="on", owner_parent_mental_health=str(ggz.pk)))
    assert response.status_code == 302, response.content.decode()[:3000]
    a = Assessment.objects.latest("id")
    assert (a.safety, a.risk, a.agreements) == ("conditionally_safe", "moderate",
                                                "Moeder belt bij spanning.")
    assert {(f.code, f.owner_id) for f in a.factors.all()} == {
        ("new_partner", org.pk), ("parent_mental_health", ggz.pk)}


def test_conditionally_safe_requires_agreements(web, at_risk):
    writes = Writes()
    response = web.post(url("assessment_new", at_risk.pk),
                        assessment_post(safety="conditionally_safe", risk="low"))
    assert response.status_code == 400
    assert "veiligheidsafspraken vast" in response.content.decode()
    assert writes.none()


def test_a_factor_owner_that_does_not_exist(web, at_risk):
    writes = Writes()
    response = web.post(url("assessment_new", at_risk.pk), assessment_post(
        factor_debts="on", owner_debts="999999"))
    assert response.status_code == 400
    assert 'id="id_owner_debts_error"' in response.content.decode()
    assert writes.none()


def test_an_adult_is_not_assessed(web, pro, family):
    from .conftest import involve

    involve(pro, family.child)  # the mother is in reach as the child's family
    writes = Writes()
    response = web.post(url("assessment_new", family.mother.pk), assessment_post())
    assert response.status_code == 400
    assert "Alleen kinderen worden beoordeeld" in response.content.decode()
    assert writes.none()


def test_an_unknown_or_other_regions_code_is_not_offered(web, at_risk):
    from kindzicht.people.models import Municipality
    from kindzicht.safety.regional import regional_factor_add

    amsterdam = Municipality.objects.get(code="0363").region
    regional_factor_add(SYSTEM, region=amsterdam, code="knife_crime", domain="context",
                        label="messengeweld in de buurt")
    utrecht = Municipality.objects.get(code="0344").region
    regional_factor_add(SYSTEM, region=utrecht, code="loverboy_risk", domain="child",
                        label="risico op loverboy")
    html = web.get(url("assessment_new", at_risk.pk)).content.decode()
    assert "risico op loverboy" in html and "messengeweld" not in html
    writes = Writes()
    response = web.post(url("assessment_new", at_risk.pk),
                        assessment_post(factor_knife_crime="on", factor_bogus="on"))
    assert response.status_code == 302  # unknown fields are no factors: assessed without them
    assert list(Assessment.objects.latest("id").factors.all()) == []
    assert not writes.none()


def test_the_previous_assessment_stands_beside_the_form(web, at_risk):
    html = web.get(url("assessment_new", at_risk.pk)).content.decode()
    aside = html.split('class="card previous-assessment"')[1]
    assert "Onveilig" in aside or "onveilig" in aside
    assert "huiselijk geweld" in aside and "Jeugdhulp Utrecht" in aside


def test_a_new_partner_gives_a_task_shown_on_the_child_page_and_closed_by_an_assessment(
        web, at_risk, org):
    newcomer = people.person_create(SYSTEM, birth_date=years_ago(33), given_name="Jeroen",
                                    family_name="Kok")
    home = at_risk.memberships.get().household
    people.household_join(SYSTEM, household=home, person=newcomer)
    task = Task.objects.get(code=TASK_CODE, child=at_risk)
    assert task.organisation == org
    page = web.get(url("person", at_risk.pk)).content.decode()
    assert "Herbeoordeling nodig" in page
    tasks_page = web.get(reverse("web:tasks")).content.decode()
    assert "Herbeoordeling" in tasks_page
    response = web.post(url("assessment_new", at_risk.pk), assessment_post(
        factor_new_partner="on"))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.answer.startswith("herbeoordeeld op")
    assert "Herbeoordeling nodig" not in web.get(url("person", at_risk.pk)).content.decode()


def test_accept_factors_named_to_my_organisation(web, at_risk, pro, ggz_pro, ggz):
    from kindzicht.safety.services import assessment_record

    assessment_record(Actor.of(pro), child=at_risk, safety="unsafe", risk="high", factors=[
        {"domain": "parent", "code": "parent_mental_health", "owner": ggz},
        {"domain": "context", "code": "debts", "owner": ggz}])
    client = logged_in(ggz_pro)
    html = client.get(url("factors_awaiting")).content.decode()
    assert "Lotte Visser" in html and "psychische problemen ouder" in html
    response = client.post(url("factors_accept", at_risk.pk),
                           {f"c{at_risk.pk}-factors": ["parent_mental_health"]})
    assert response.status_code == 302
    assert FactorOwnership.objects.filter(organisation=ggz, code="parent_mental_health",
                                          ended_on__isnull=True).exists()
    html = client.get(url("factors_awaiting")).content.decode()
    assert "psychische problemen ouder" not in html and "schulden" in html


def test_accepting_a_factor_one_does_not_own_is_refused(web, at_risk, ggz_pro):
    client = logged_in(ggz_pro)
    writes = Writes()
    response = client.post(url("factors_accept", at_risk.pk),
                           {f"c{at_risk.pk}-factors": ["domestic_violence"]})
    # GGZ is neither involved nor a named owner: the child is outside its reach.
    assert response.status_code == 403
    assert "Buiten uw bereik" in response.content.decode()
    assert writes.none()


def test_record_a_life_event(web, at_risk, family, org):
    day = clock.today() - timedelta(days=2)
    response = web.post(url("life_event_new", family.mother.pk),
                        {"kind": "job_loss", "on": day.isoformat()})
    assert response.status_code == 302
    ev = LifeEvent.objects.get(kind="job_loss")
    assert (ev.person, ev.on, ev.organisation, ev.derived) == (family.mother, day, org, False)
    task = Task.objects.get(code=TASK_CODE, child=at_risk)
    assert task.due_on == day + timedelta(days=14)


def test_a_life_event_before_birth_or_in_the_future(web, pro, family):
    from .conftest import involve

    involve(pro, family.child)
    writes = Writes()
    before = family.child.birth_date - timedelta(days=1)
    response = web.post(url("life_event_new", family.child.pk),
                        {"kind": "moved", "on": before.isoformat()})
    assert response.status_code == 400
    assert "vóór de geboortedatum" in response.content.decode()
    response = web.post(url("life_event_new", family.child.pk),
                        {"kind": "moved", "on": (clock.today() + timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    response = web.post(url("life_event_new", family.child.pk), {"kind": "abducted_by_aliens",
                                                                 "on": clock.today().isoformat()})
    assert response.status_code == 400
    assert writes.none()


def test_risk_history_across_a_move(web, at_risk, pro, family):
    home = at_risk.memberships.get().household
    people.household_move(SYSTEM, household=home, municipality_code="0363", postcode="1012AB")
    html = web.get(url("risk_history", at_risk.pk)).content.decode()
    overseeing = html.split('class="overseeing-municipality">')[1].split("</dd>")[0]
    assert overseeing == "Amsterdam (0363)"
    table = html.split('class="table compact address-history"')[1].split("</table>")[0]
    assert "Utrecht (0344)" in table and "Amsterdam (0363)" in table
    assert "<svg" in html and 'class="assessment-mark"' in html
    assert "verhuisd" in html and "Jeugdhulp Utrecht" in html


def test_risk_history_content_needs_involvement(make_pro, make_org, at_risk):
    school = make_org("Basisschool De Regenboog", sector="school")
    response = logged_in(make_pro(school)).get(url("risk_history", at_risk.pk))
    html = response.content.decode()
    # not involved with the family: outside reach, identity only
    assert response.status_code == 403 and "Buiten uw bereik" in html
    assert "Risicotaxaties in de tijd" not in html and "huiselijk geweld" not in html


def test_the_assessment_form_in_english(web, at_risk):
    web.post(reverse("web:set_language"), {"language": "en", "next": "/"})
    html = web.get(url("assessment_new", at_risk.pk)).content.decode()
    for english in ("Assess the safety and risk of", "Previous assessment", "5. Your judgement",
                    "domestic violence", "(your organisation)"):
        assert english in html
    assert "Vorige risicotaxatie" not in html


def _queries(client, address: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx.captured_queries)


def test_factors_awaiting_does_not_grow_with_the_list(pro, ggz, ggz_pro):
    from kindzicht.safety.services import assessment_record

    client = logged_in(ggz_pro)

    def add(n):
        for i in range(n):
            child = people.person_create(SYSTEM, birth_date=years_ago(4 + i),
                                         given_name=f"Kind{i}", family_name="Test")
            assessment_record(Actor.of(pro), child=child, safety="unsafe", risk="high", factors=[
                {"domain": "parent", "code": "parent_addiction", "owner": ggz},
                {"domain": "context", "code": "debts", "owner": ggz}])

    add(1)
    one = _queries(client, url("factors_awaiting"))
    add(4)
    assert _queries(client, url("factors_awaiting")) == one


def test_risk_history_does_not_grow_with_the_assessments(web, pro, at_risk):
    from kindzicht.safety.services import assessment_record

    one = _queries(web, url("risk_history", at_risk.pk))
    for _i in range(4):
        assessment_record(Actor.of(pro), child=at_risk, safety="unsafe", risk="high", factors=[
            {"domain": "family", "code": "domestic_violence"}])
    assert _queries(web, url("risk_history", at_risk.pk)) == one
