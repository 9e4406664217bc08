"""The issue-7 screens through the Django test client: making a family plan, its page, history
and PDF, a goal's status, the escalation screen of a drifting goal, parents' cooperation on
the child's page, the family-level view of a parent and sharing. Bad input gives a Dutch form
error on the field and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.plans import services
from kindzicht.plans.models import Cooperation, FamilyPlan, Goal, GoalUpdate, Share
from kindzicht.rules.models import Task
from kindzicht.rules.watchdog import sweep

from .conftest import logged_in, open_risk
from .test_continuity_views import Writes

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(make_org):
    return make_org("Basisschool De Linde", sector="school")


@pytest.fixture
def ggz(make_org):
    return make_org("GGZ Centraal", sector="adult_mental_health")


@pytest.fixture
def child(pro, family):
    continuity.involvement_start(Actor.of(pro), person=family.child, service="ambulante hulp")
    open_risk(Actor.of(pro), family.child)
    return family.child


def plan_post(school, due, **extra):
    data = {"scope": "child", "goal1_text": "Lotte gaat elke dag naar school",
            "goal1_owner": school.pk, "goal1_due": due.isoformat(),
            "agreement1_text": "Moeder brengt Lotte elke ochtend",
            "agreement1_consequence": "Gesprek met de leerplichtambtenaar",
            "evaluation": (due + timedelta(days=14)).isoformat()}
    data.update(extra)
    return data


def test_make_a_plan_and_see_it(web, pro, child, school):
    html = web.get(reverse("web:person", args=[child.pk])).content.decode()
    assert "Er is geen gezinsplan voor dit kind." in html and "Gezinsplan maken" in html
    due = clock.today() + timedelta(days=30)
    response = web.post(reverse("web:plan_new", args=[child.pk]), plan_post(school, due))
    plan = FamilyPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:plan",
                                                                           args=[plan.pk])
    assert plan.regisseur == pro and plan.coordinator == pro.organisation
    html = web.get(response["Location"]).content.decode()
    for text in ("Lotte gaat elke dag naar school", "Basisschool De Linde",
                 "Moeder brengt Lotte elke ochtend", "Gesprek met de leerplichtambtenaar",
                 "Gezinsplan gemaakt", "Afdrukken voor het gesprek met de ouders (PDF)"):
        assert text in html, text
    pdf = web.get(reverse("web:plan_pdf", args=[plan.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    html = web.get(reverse("web:person", args=[child.pk])).content.decode()
    assert "Gezinsplan bekijken" in html


@pytest.mark.parametrize("extra, field, message", [
    ({"goal1_owner": ""}, "goal1_owner", "Kies de organisatie die voor dit doel zorgt."),
    ({"goal1_due": ""}, "goal1_due", "Geef de datum waarop het doel bereikt moet zijn."),
    ({"goal1_due": "YESTERDAY"}, "goal1_due", "Deze datum ligt vóór het plan"),
    ({"agreement1_consequence": ""}, "agreement1_consequence",
     "Zeg wat er gebeurt als de afspraak niet wordt nagekomen."),
])
def test_bad_plan_input_is_a_form_error_and_writes_nothing(web, child, school, extra, field,
                                                          message):
    if extra.get("goal1_due") == "YESTERDAY":
        extra = {"goal1_due": (clock.today() - timedelta(days=1)).isoformat()}
    writes = Writes()
    response = web.post(reverse("web:plan_new", args=[child.pk]),
                        plan_post(school, clock.today() + timedelta(days=30), **extra))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field][0]
    assert message in response.content.decode()
    assert writes.none() and FamilyPlan.objects.count() == 0


@pytest.fixture
def plan(pro, child, school):
    return services.plan_make(Actor.of(pro), child=child, goals=[
        {"text": "Lotte gaat elke dag naar school", "owner": school,
         "due": clock.today() + timedelta(days=30)}])


def test_a_postponement_without_a_new_date_is_refused(web, plan):
    goal = plan.goals.get()
    writes = Writes()
    response = web.post(reverse("web:goal_status", args=[goal.pk]), {"status": "postponed"})
    assert response.status_code == 400
    assert "Geef bij uitstel de nieuwe datum." in response.context["form"].errors["due"]
    assert writes.none() and GoalUpdate.objects.count() == 0
    new_due = clock.today() + timedelta(days=60)
    response = web.post(reverse("web:goal_status", args=[goal.pk]),
                        {"status": "postponed", "due": new_due.isoformat()})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == "postponed" and goal.due == new_due


def test_goal_new_refuses_a_goal_without_owner(web, plan):
    response = web.post(reverse("web:goal_new", args=[plan.pk]),
                        {"text": "Nieuw doel", "owner": "",
                         "due": (clock.today() + timedelta(days=5)).isoformat()})
    assert response.status_code == 400
    assert response.context["form"].errors["owner"]
    assert Goal.objects.count() == 1


def test_a_stranger_does_not_see_the_plan(plan, make_org, make_pro):
    stranger = logged_in(make_pro(make_org("Elders", sector="youth_care")))
    assert stranger.get(reverse("web:plan", args=[plan.pk])).status_code == 404
    assert stranger.get(reverse("web:plan_pdf", args=[plan.pk])).status_code == 404


def test_the_escalation_task_and_its_screen(web, pro, plan, school):
    goal = plan.goals.get()
    later = goal.due + timedelta(days=1)
    with clock.frozen(later):
        sweep(later)
        task = Task.objects.get(code="goal_follow_up")
        tasks_html = web.get(reverse("web:tasks")).content.decode()
        assert "Vervolg bepalen" in tasks_html
        page = web.get(reverse("web:goal_follow_up", args=[task.pk]))
        html = page.content.decode()
        assert page.status_code == 200
        for text in ("Raad voor de Kinderbescherming", "Veilig Thuis", "Overdracht",
                     "Verzoek aan de Raad doen", "Nieuwe datum"):
            assert text in html, text
        # a new date without a date: an error, nothing written
        bad = web.post(reverse("web:goal_follow_up", args=[task.pk]), {"action": "date"})
        assert bad.status_code == 400 and GoalUpdate.objects.count() == 0
        ok = web.post(reverse("web:goal_follow_up", args=[task.pk]), {
            "action": "date", "date-due": (later + timedelta(days=21)).isoformat()})
        assert ok.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.answer.startswith("Nieuwe datum")


def test_cooperation_on_the_childs_timeline(web, pro, child):
    response = web.post(reverse("web:cooperation_new", args=[child.pk]),
                        {"what": "postponed", "help": "opvoedondersteuning"})
    assert response.status_code == 302
    c = Cooperation.objects.get()
    assert c.kind == "parent_declines" and c.postponed
    html = web.get(reverse("web:person", args=[child.pk])).content.decode()
    assert "Ouder stelt aangeboden hulp uit" in html and "opvoedondersteuning" in html
    assert pro.get_full_name() in html
    assert "nooit een oordeel over de ouder" in html
    bad = web.post(reverse("web:cooperation_new", args=[child.pk]), {"help": "x"})
    assert bad.status_code == 400 and Cooperation.objects.count() == 1


def test_the_adult_service_sees_who_works_with_the_children_and_shares(child, family, ggz,
                                                                     make_pro, pro, web):
    ggz_pro = make_pro(ggz, first_name="Ilse")
    continuity.involvement_start(Actor.of(ggz_pro), person=family.mother,
                                 service="behandeling verslaving")
    client = logged_in(ggz_pro)
    html = client.get(reverse("web:person", args=[family.mother.pk])).content.decode()
    assert "Betrokken bij de kinderen" in html
    assert "Lotte Visser" in html and "Jeugdhulp Utrecht" in html
    # without a basis: an error on the field, nothing written
    url = reverse("web:share_new", args=[family.mother.pk])
    bad = client.post(url, {"to": pro.organisation.pk, "topic": "Moeder in behandeling"})
    assert bad.status_code == 400 and "Kies de grondslag" in bad.context["form"].errors[
        "basis"][0]
    assert Share.objects.count() == 0
    ok = client.post(url, {"to": pro.organisation.pk, "topic": "Moeder in behandeling",
                           "basis": "consent"})
    assert ok.status_code == 302 and Share.objects.count() == 1
    # both sides see what was shared, with whom, on which basis
    for c, pk in ((client, family.mother.pk), (web, child.pk)):
        html = c.get(reverse("web:person", args=[pk])).content.decode()
        assert "Moeder in behandeling" in html and "toestemming" in html


def test_sharing_about_a_person_one_is_not_involved_with(web, family, school, make_pro):
    continuity.involvement_start(Actor.of(make_pro(school)), person=family.child,
                                 service="onderwijs")
    writes = Writes()
    response = web.post(reverse("web:share_new", args=[family.father.pk]),
                        {"to": school.pk, "topic": "x", "basis": "consent"})
    # The father is outside the organisation's reach (it works with nobody of this family).
    assert response.status_code == 403
    assert "Buiten uw bereik" in response.content.decode()
    assert Share.objects.count() == 0 and writes.none()
