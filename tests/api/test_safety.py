"""Re-assessment at every change through the API (issue 6): assessments (create, list per
child), factors awaiting acceptance and accepting them, life events (create, list), the risk
history; the bad input of issue 6 as problem+json naming the field, with nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kindzicht.continuity import services as continuity
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.people import services as people
from kindzicht.rules.models import Task, TaskStatus
from kindzicht.safety.models import Assessment, AssessmentFactor, FactorOwnership, LifeEvent
from kindzicht.safety.reassessment import TASK_CODE

from .conftest import assert_problem, client_for

pytestmark = pytest.mark.django_db
TODAY = date(2024, 5, 15)
SYSTEM = Actor.system("test set-up")


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def family(make_person):
    child = make_person(date(2015, 6, 1), given_name="Mila", family_name="de Vries",
                        involved=True)
    mother = make_person(date(1988, 2, 3), given_name="Sanne", family_name="de Vries")
    people.relation_add(SYSTEM, person=mother, kind="parent_of", other=child)
    home = people.household_create(SYSTEM, members=[mother, child], municipality_code="0344",
                                   postcode="3511AB")
    return {"child": child, "mother": mother, "home": home}


@pytest.fixture
def ggz(make_org):
    return make_org("GGZ Centraal", "adult_mental_health")


@pytest.fixture
def ggz_api(make_pro, ggz):
    return client_for(make_pro(ggz))


def assess(api, child, **extra):
    body = {"child": child.pk, "safety": "unsafe", "risk": "high",
            "factors": [{"domain": "family", "code": "domestic_violence"}]} | extra
    return api.post("/api/v1/assessments", body, format="json")


class TestAssessments:
    def test_create_and_list(self, api, family, org, ggz):
        response = assess(api, family["child"], safety="conditionally_safe", risk="moderate",
                          agreements="Moeder belt bij spanning.", factors=[
                              {"domain": "family", "code": "domestic_violence"},
                              {"domain": "parent", "code": "parent_mental_health",
                               "owner": ggz.pk}])
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["safety"], body["risk"], body["assessed_on"]) == (
            "conditionally_safe", "moderate", TODAY.isoformat())
        factors = {f["code"]: f for f in body["factors"]}
        assert factors["domestic_violence"]["owner"]["id"] == org.pk
        assert factors["domestic_violence"]["accepted"] is True
        assert factors["parent_mental_health"]["owner"]["id"] == ggz.pk
        assert factors["parent_mental_health"]["accepted"] is False
        assert factors["parent_mental_health"]["label"] == "psychische problemen ouder"
        listed = api.get(f"/api/v1/persons/{family['child'].pk}/assessments")
        assert listed.status_code == 200
        assert [a["id"] for a in listed.json()] == [body["id"]]

    def test_content_is_for_those_involved(self, api, family, make_org, make_pro):
        assess(api, family["child"])
        # A school not involved with the family: the child is outside its reach.
        school = client_for(make_pro(make_org("Basisschool", "school")))
        response = school.get(f"/api/v1/persons/{family['child'].pk}/assessments")
        assert_problem(response, 403)
        assert_problem(school.get(f"/api/v1/persons/{family['child'].pk}/risk-history"), 403)
        # Adult mental health care working with the mother reaches the child as her family
        # (the index), but not the content of the child's assessments.
        ggz_pro = make_pro(make_org("GGZ Noord", "adult_mental_health"))
        continuity.involvement_start(Actor.of(ggz_pro), person=family["mother"],
                                     service="behandeling")
        ggz = client_for(ggz_pro)
        assert_problem(ggz.get(f"/api/v1/persons/{family['child'].pk}/assessments"), 403)
        history = ggz.get(f"/api/v1/persons/{family['child'].pk}/risk-history").json()
        assert history["assessments"] is None and history["assessment_count"] == 1

    def test_an_adult(self, api, family, snapshot):
        snap = snapshot(Assessment, AssessmentFactor)
        assert_problem(assess(api, family["mother"]), 400, "child")
        assert snap.unchanged()

    def test_an_unknown_factor_code(self, api, family, snapshot):
        snap = snapshot(Assessment, AssessmentFactor)
        response = assess(api, family["child"], factors=[
            {"domain": "family", "code": "domestic_violence"},
            {"domain": "family", "code": "bad_vibes"}])
        body = assert_problem(response, 400, "factors.1.code")
        assert "bad_vibes" in body["detail"]
        assert snap.unchanged()

    def test_a_factor_in_the_wrong_domain(self, api, family, snapshot):
        snap = snapshot(Assessment)
        response = assess(api, family["child"], factors=[{"domain": "child", "code": "debts"}])
        assert_problem(response, 400, "factors.0.domain")
        assert snap.unchanged()

    def test_a_factor_owner_that_does_not_exist(self, api, family, snapshot):
        snap = snapshot(Assessment, AssessmentFactor, FactorOwnership)
        response = assess(api, family["child"], factors=[
            {"domain": "family", "code": "domestic_violence", "owner": 999999}])
        assert_problem(response, 400, "factors.0.owner")
        assert snap.unchanged()

    def test_an_unknown_child_and_a_bad_decision(self, api, family):
        assert_problem(api.post("/api/v1/assessments", {"child": 999999, "safety": "unsafe",
                                                        "risk": "high"}, format="json"),
                       400, "child")
        assert_problem(assess(api, family["child"], safety="fine"), 400, "safety")

    def test_an_assessment_closes_the_reassessment_task(self, api, family, org):
        assess(api, family["child"])
        response = api.post("/api/v1/life-events", {"kind": "job_loss",
                                                     "person": family["mother"].pk},
                            format="json")
        assert response.status_code == 201, response.content
        task = Task.objects.get(code=TASK_CODE, child=family["child"])
        assert (task.organisation, task.due_on) == (org, TODAY + timedelta(days=14))
        tasks = api.get("/api/v1/tasks").json()
        assert any(t["code"] == TASK_CODE and t["status"] == "open" for t in tasks)
        assess(api, family["child"], safety="safe", risk="low", factors=[])
        task.refresh_from_db()
        assert task.status == TaskStatus.DONE
        assert task.answer == f"herbeoordeeld op {TODAY:%d-%m-%Y}"


class TestFactors:
    @pytest.fixture
    def named(self, api, family, ggz):
        return assess(api, family["child"], factors=[
            {"domain": "parent", "code": "parent_mental_health", "owner": ggz.pk},
            {"domain": "context", "code": "debts", "owner": ggz.pk}]).json()

    def test_awaiting_and_accept(self, ggz_api, family, named, ggz):
        awaiting = ggz_api.get("/api/v1/awaiting-factors")
        assert awaiting.status_code == 200
        assert sorted(a["code"] for a in awaiting.json()) == ["debts", "parent_mental_health"]
        assert {a["child"]["id"] for a in awaiting.json()} == {family["child"].pk}
        response = ggz_api.post(f"/api/v1/persons/{family['child'].pk}/accept-factors",
                                {"factors": ["debts"]}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["accepted"] == ["debts"]
        assert [a["code"] for a in ggz_api.get("/api/v1/awaiting-factors").json()] == [
            "parent_mental_health"]

    def test_accepting_a_factor_one_does_not_own(self, api, ggz_api, family, named, snapshot):
        snap = snapshot(FactorOwnership)
        response = ggz_api.post(f"/api/v1/persons/{family['child'].pk}/accept-factors",
                                {"factors": ["debts", "domestic_violence"]}, format="json")
        assert_problem(response, 409, "factors")
        response = ggz_api.post(f"/api/v1/persons/{family['child'].pk}/accept-factors",
                                {"factors": []}, format="json")
        assert_problem(response, 400, "factors")
        assert snap.unchanged()


class TestLifeEvents:
    def test_create_in_the_past_and_list(self, api, family, org):
        response = api.post("/api/v1/life-events", {
            "kind": "separation", "person": family["mother"].pk,
            "on": (TODAY - timedelta(days=3)).isoformat()}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["kind"], body["on"], body["derived"], body["organisation"]["id"]) == (
            "separation", (TODAY - timedelta(days=3)).isoformat(), False, org.pk)
        again = api.post("/api/v1/life-events", {
            "kind": "separation", "person": family["mother"].pk,
            "on": (TODAY - timedelta(days=3)).isoformat()}, format="json")
        assert again.status_code == 200 and again.json()["id"] == body["id"]
        listed = api.get(f"/api/v1/persons/{family['child'].pk}/life-events").json()
        assert [e["kind"] for e in listed] == ["separation"]

    def test_a_household_event(self, api, family):
        response = api.post("/api/v1/life-events", {"kind": "eviction",
                                                     "household": family["home"].pk},
                            format="json")
        assert response.status_code == 201, response.content
        assert response.json()["household"] == family["home"].pk

    @pytest.mark.parametrize("body, field", [
        ({"kind": "moved", "on": "2015-05-31"}, "on"),  # before the child's birth
        ({"kind": "moved", "on": "2024-05-16"}, "on"),  # in the future
        ({"kind": "abducted"}, "kind"),
        ({"kind": "moved", "person": None}, "person"),
    ])
    def test_bad_input(self, api, family, snapshot, body, field):
        snap = snapshot(LifeEvent, Task)
        body = {"person": family["child"].pk} | body
        assert_problem(api.post("/api/v1/life-events", body, format="json"), 400, field)
        assert snap.unchanged()

    def test_both_a_person_and_a_household(self, api, family):
        response = api.post("/api/v1/life-events", {"kind": "moved",
                                                     "person": family["child"].pk,
                                                     "household": family["home"].pk},
                            format="json")
        assert_problem(response, 400, "person")


class TestRiskHistory:
    def test_across_a_move(self, api, family, pro, org):
        assess(api, family["child"])
        with clock.frozen(TODAY + timedelta(days=20)):
            people.household_move(SYSTEM, household=family["home"], municipality_code="0363",
                                  postcode="1012AB")
            body = api.get(f"/api/v1/persons/{family['child'].pk}/risk-history").json()
        assert (body["municipality_code"], body["municipality"]) == ("0363", "Amsterdam")
        assert [(a["municipality"], a["valid_to"]) for a in body["addresses"]] == [
            ("Utrecht", (TODAY + timedelta(days=20)).isoformat()), ("Amsterdam", None)]
        assert {(o["organisation"]["id"], o["what"]) for o in body["organisations"]} == {
            (org.pk, "involvement"), (org.pk, "responsibility")}
        assert len(body["assessments"]) == 1 and body["assessors"][0]["organisation"] == org.name
        assert [e["kind"] for e in body["life_events"]] == ["moved"]
        assert [t["organisation"]["id"] for t in body["open_tasks"]] == [org.pk]

    def test_an_adult_has_none(self, api, family):
        assert_problem(api.get(f"/api/v1/persons/{family['mother'].pk}/risk-history"), 400,
                       "person_id")

    def test_an_unknown_person(self, api):
        assert_problem(api.get("/api/v1/persons/999999/risk-history"), 404)
