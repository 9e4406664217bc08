"""The family plan API (issue 7): make a plan, read it and its history, add goals, agreements
and evaluations, a goal's progress, cooperation on record, who works with a parent's children,
and sharing on a basis. Bad input: problem+json naming the field, nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.people import services as people
from kindzicht.plans.models import Cooperation, FamilyPlan, Goal, GoalUpdate, Share

from .conftest import SYSTEM, assert_problem, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(make_org, make_pro, actor, pro, org):
    """A child at open risk with whom the caller's youth-care organisation works; a school;
    the mother treated by an adult mental health service."""
    from kindzicht.safety.services import assessment_record

    today = clock.today()
    child = people.person_create(SYSTEM, birth_date=today.replace(year=today.year - 8),
                                 given_name="Lotte", family_name="Visser")
    mother = people.person_create(SYSTEM, birth_date=date(1986, 1, 1), given_name="Anouk",
                                  family_name="Bakker")
    people.relation_add(SYSTEM, person=mother, kind="parent_of", other=child)
    people.household_create(SYSTEM, members=[mother, child], municipality_code="0344",
                            postcode="3511AB")
    continuity.involvement_start(actor, person=child, service="ambulante hulp")
    assessment_record(actor, child=child, safety="unsafe", risk="high",
                      factors=[{"domain": "family", "code": "domestic_violence"}])
    school = make_org("Basisschool De Linde", "school")
    ggz = make_org("GGZ Centraal", "adult_mental_health")
    ggz_pro = make_pro(ggz)
    from kindzicht.core.actions import Actor

    continuity.involvement_start(Actor.of(ggz_pro), person=mother, service="behandeling")
    return {"child": child, "mother": mother, "school": school, "ggz": ggz,
            "ggz_api": client_for(ggz_pro)}


def plan_body(scene, **goal):
    due = (clock.today() + timedelta(days=30)).isoformat()
    return {"child": scene["child"].pk,
            "goals": [{"text": "Elke dag naar school", "owner": scene["school"].pk,
                       "due": due, **goal}],
            "parent_agreements": [{"text": "Moeder brengt Lotte",
                                   "consequence": "Gesprek met leerplicht"}],
            "evaluations": [due]}


def test_make_and_read_a_plan(api, scene, pro):
    response = api.post("/api/v1/family-plans", plan_body(scene), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["coordinator"]["id"] == pro.organisation_id
    assert body["regisseur"]["id"] == pro.pk
    assert body["goals"][0]["owner"]["name"] == "Basisschool De Linde"
    assert body["parent_agreements"][0]["consequence"] == "Gesprek met leerplicht"
    plan_id = body["id"]
    assert api.get(f"/api/v1/family-plans/{plan_id}").json()["id"] == plan_id
    assert api.get(f"/api/v1/persons/{scene['child'].pk}/family-plan").json()["id"] == plan_id
    history = api.get(f"/api/v1/family-plans/{plan_id}/history").json()
    assert [h["type"] for h in history] == ["plan_made"]
    # the adult service is not involved with the child: it does not see the plan
    assert_problem(scene["ggz_api"].get(f"/api/v1/family-plans/{plan_id}"), 404)


@pytest.mark.parametrize("goal, field", [
    ({"owner": None}, "goals.0.owner"),
    ({"due": None}, "goals.0.due"),
    ({"due": "YESTERDAY"}, "goals.0.due"),
])
def test_bad_goals_are_a_problem_naming_the_field(api, scene, snapshot, goal, field):
    if goal.get("due") == "YESTERDAY":
        goal = {"due": (clock.today() - timedelta(days=1)).isoformat()}
    snap = snapshot(FamilyPlan, Goal)
    body = plan_body(scene, **goal)
    if goal.get("owner", 1) is None:
        del body["goals"][0]["owner"]
    if "due" in goal and goal["due"] is None:
        del body["goals"][0]["due"]
    assert_problem(api.post("/api/v1/family-plans", body, format="json"), 400, field)
    assert snap.unchanged()


@pytest.fixture
def plan(api, scene):
    return api.post("/api/v1/family-plans", plan_body(scene), format="json").json()


def test_goals_agreements_evaluations_and_progress(api, scene, plan, snapshot):
    pid = plan["id"]
    due = (clock.today() + timedelta(days=10)).isoformat()
    r = api.post(f"/api/v1/family-plans/{pid}/goals",
                 {"text": "Moeder start behandeling", "owner": scene["ggz"].pk, "due": due},
                 format="json")
    assert r.status_code == 201
    assert api.post(f"/api/v1/family-plans/{pid}/agreements",
                    {"text": "Afspraken nakomen", "consequence": "Verzoek aan de Raad"},
                    format="json").status_code == 201
    ev = api.post(f"/api/v1/family-plans/{pid}/evaluations", {"due": due}, format="json")
    assert ev.status_code == 201
    held = api.post(f"/api/v1/evaluations/{ev.json()['id']}/hold", {"note": "Goed"},
                    format="json")
    assert held.json()["held_on"] == clock.today().isoformat()
    assert_problem(api.post(f"/api/v1/evaluations/{ev.json()['id']}/hold", {"note": "x"},
                            format="json"), 409)
    goal_id = plan["goals"][0]["id"]
    snap = snapshot(GoalUpdate)
    # a postponement without a new date
    assert_problem(api.post(f"/api/v1/goals/{goal_id}/progress", {"status": "postponed"},
                            format="json"), 400, "due")
    assert snap.unchanged()
    r = api.post(f"/api/v1/goals/{goal_id}/progress", {"status": "postponed", "due": due},
                 format="json")
    assert r.json()["status"] == "postponed" and r.json()["due"] == due
    types = [h["type"] for h in api.get(f"/api/v1/family-plans/{pid}/history").json()]
    assert types == ["plan_made", "goal_added", "plan_agreement_added",
                     "plan_evaluation_planned", "plan_evaluation_held", "goal_updated"]
    # a goal without an owner, and one before the plan
    assert_problem(api.post(f"/api/v1/family-plans/{pid}/goals", {"text": "x", "due": due},
                            format="json"), 400, "owner")
    assert_problem(api.post(f"/api/v1/family-plans/{pid}/goals", {
        "text": "x", "owner": scene["ggz"].pk,
        "due": (clock.today() - timedelta(days=1)).isoformat()}, format="json"), 400, "due")


def test_cooperation_on_record(api, scene, pro):
    r = api.post("/api/v1/cooperation-records", {"child": scene["child"].pk,
                                                 "what": "postponed", "help": "dagbehandeling"},
                 format="json")
    assert r.status_code == 201
    assert r.json()["label"] == "Ouder stelt aangeboden hulp uit"
    log = api.get(f"/api/v1/persons/{scene['child'].pk}/cooperation-records").json()
    assert log[0]["professional"] == pro.get_full_name() and log[0]["postponed"] is True
    assert_problem(api.post("/api/v1/cooperation-records", {"child": scene["child"].pk,
                                                            "help": "x"}, format="json"),
                   400, "what")
    assert Cooperation.objects.count() == 1


def test_the_adult_service_sees_the_children_and_shares(api, scene, org):
    ggz = scene["ggz_api"]
    rows = ggz.get(f"/api/v1/persons/{scene['mother'].pk}/children-involvement").json()
    assert rows[0]["child"]["id"] == scene["child"].pk
    assert [o["name"] for o in rows[0]["organisations"]] == [org.name]
    assert_problem(api.get(f"/api/v1/persons/{scene['mother'].pk}/children-involvement"), 403)
    body = {"person": scene["mother"].pk, "to": org.pk, "topic": "Moeder in behandeling"}
    assert_problem(ggz.post("/api/v1/shares", body, format="json"), 400, "basis")
    assert Share.objects.count() == 0
    r = ggz.post("/api/v1/shares", {**body, "basis": "meldrecht"}, format="json")
    assert r.status_code == 201
    seen = api.get(f"/api/v1/persons/{scene['child'].pk}/shares").json()
    assert seen[0]["topic"] == "Moeder in behandeling" and seen[0]["basis"] == "meldrecht"


def test_sharing_about_a_person_one_is_not_involved_with(api, scene, snapshot):
    snap = snapshot(Share)
    r = api.post("/api/v1/shares", {"person": scene["mother"].pk, "to": scene["ggz"].pk,
                                    "topic": "x", "basis": "consent"}, format="json")
    assert_problem(r, 409, "person")
    assert snap.unchanged()
