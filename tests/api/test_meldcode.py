"""Signalling and the Meldcode through the API (issue 5): concerns and their steps, the
afwegingskader's outcome before deciding, reports (inbox, accept, decline), the knowledge base;
and the bad input of the issue — a problem naming the field, nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from kindzicht.continuity.models import Involvement, ResponsibilityPeriod
from kindzicht.core import clock
from kindzicht.meldcode.models import Concern, MeldcodeStep, Report
from kindzicht.people.sectors import SECTORS
from kindzicht.rules.models import Task

from .conftest import assert_problem, client_for

pytestmark = pytest.mark.django_db
TODAY = date(2024, 5, 2)  # a Thursday; Ascension Day is 9 May
YES = {"q1": True, "q2": True, "q3": True, "q4": True, "q5": True}


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def school(make_org):
    return make_org("Basisschool De Regenboog", "school")


@pytest.fixture
def teacher(make_pro, school):
    return make_pro(school)


@pytest.fixture
def api_teacher(teacher):
    return client_for(teacher)


@pytest.fixture
def vt(make_org):
    return make_org("Veilig Thuis Utrecht", "safe_at_home")


@pytest.fixture
def api_vt(make_pro, vt):
    return client_for(make_pro(vt))


@pytest.fixture
def child(make_person):
    return make_person(date(2016, 5, 1), given_name="Mila", family_name="de Vries")


@pytest.fixture
def adult(make_person):
    return make_person(date(1985, 1, 1), given_name="Sanne", family_name="de Vries")


@pytest.fixture
def concern(api_teacher, child):
    response = api_teacher.post("/api/v1/concerns", {"child": child.pk, "kind": "niet_pluis",
                                                     "text": "stil en schrikachtig"},
                                format="json")
    assert response.status_code == 201, response.content
    return response.json()


def post(client, url, data=None):
    return client.post(url, data or {}, format="json")


def test_recording_a_concern_with_source_and_observations(api_teacher, child, school):
    response = post(api_teacher, "/api/v1/concerns", {
        "child": child.pk, "kind": "non_professional", "source": "buurvrouw",
        "observations": ["hoort 's avonds geschreeuw", " "]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "non_professional" and body["source"] == "buurvrouw"
    assert body["observations"] == ["hoort 's avonds geschreeuw"]
    assert body["organisation"]["id"] == school.pk
    assert [d["code"] for d in body["deadlines"]] == ["K3"]
    assert body["deadlines"][0]["due_on"] == "2024-05-30"


def test_a_non_professionals_information_needs_its_source(api_teacher, child, snapshot):
    snap = snapshot(Concern)
    response = post(api_teacher, "/api/v1/concerns", {"child": child.pk,
                                                      "kind": "non_professional"})
    assert_problem(response, 400, "source")
    assert snap.unchanged()


def test_the_steps_and_the_outcome_before_deciding(api_teacher, concern, vt):
    url = f"/api/v1/concerns/{concern['id']}"
    assert concern["deadlines"][0] == {"code": "K1", "label": concern["deadlines"][0]["label"],
                                       "due_on": "2024-05-09", "met_on": None, "status": "open"}
    body = post(api_teacher, f"{url}/map", {"observations": ["stil", "schrikt"]}).json()
    assert body["steps"][0]["step"] == "map" and body["observations"] == ["stil", "schrikt"]
    assert body["steps"][0]["observations"] == ["stil", "schrikt"]
    body = post(api_teacher, f"{url}/consult", {"with_whom": "safe_at_home"}).json()
    assert body["deadlines"][0]["status"] == "met"
    post(api_teacher, f"{url}/talk", {"with_whom": "parents", "note": "moeder schrok"})
    weighed = post(api_teacher, f"{url}/weigh", {"answers": YES})
    assert weighed.status_code == 200
    body = weighed.json()
    assert body["weighing_outcome"] == "report" and body["outcome"] == ""
    assert body["steps"][-1]["answers"] == YES
    assert body["deadlines"][-1]["code"] == "K4"
    decided = post(api_teacher, f"{url}/decide", {"outcome": "report", "safe_at_home": vt.pk})
    assert decided.status_code == 200, decided.content
    body = decided.json()
    assert body["outcome"] == "report" and body["skipped_steps"] == []
    assert body["reports"][0]["safe_at_home"]["id"] == vt.pk
    assert api_teacher.get(url).json()["steps"][-1]["outcome"] == "report"


def test_deciding_at_once_names_the_skipped_steps(api_teacher, concern, vt):
    body = post(api_teacher, f"/api/v1/concerns/{concern['id']}/decide",
                {"outcome": "report"}).json()
    assert body["skipped_steps"] == ["map", "consult", "talk", "weigh"]


def test_weighing_with_a_missing_answer_writes_nothing(api_teacher, concern, snapshot):
    snap = snapshot(MeldcodeStep)
    answers = dict(YES)
    del answers["q3"]
    response = post(api_teacher, f"/api/v1/concerns/{concern['id']}/weigh",
                    {"answers": answers})
    assert_problem(response, 400, "answers.q3")
    assert snap.unchanged()


def test_departing_without_a_reason_writes_nothing(api_teacher, concern, snapshot):
    url = f"/api/v1/concerns/{concern['id']}"
    post(api_teacher, f"{url}/weigh", {"answers": YES})
    snap = snapshot(MeldcodeStep, Report)
    assert_problem(post(api_teacher, f"{url}/decide", {"outcome": "organise_help"}), 400,
                   "reason")
    assert snap.unchanged()


def test_a_second_decision_writes_nothing(api_teacher, concern, snapshot):
    url = f"/api/v1/concerns/{concern['id']}/decide"
    assert post(api_teacher, url, {"outcome": "no_concern"}).status_code == 200
    snap = snapshot(MeldcodeStep, Report)
    assert_problem(post(api_teacher, url, {"outcome": "report"}), 409, "concern")
    assert snap.unchanged()


def test_a_concern_or_report_about_an_adult_writes_nothing(api_teacher, adult, vt, snapshot):
    snap = snapshot(Concern, Report)
    assert_problem(post(api_teacher, "/api/v1/concerns", {"child": adult.pk,
                                                          "kind": "niet_pluis"}), 400, "child")
    assert_problem(post(api_teacher, "/api/v1/reports", {"child": adult.pk}), 400, "child")
    assert snap.unchanged()


def test_another_organisations_concern_is_not_found(concern, make_org, make_pro):
    other = client_for(make_pro(make_org("Jeugdhulp Utrecht")))
    assert_problem(other.get(f"/api/v1/concerns/{concern['id']}"), 404)
    assert_problem(post(other, f"/api/v1/concerns/{concern['id']}/consult",
                        {"with_whom": "colleague"}), 404)
    assert other.get("/api/v1/concerns").json() == []


def test_my_concerns(api_teacher, concern):
    listed = api_teacher.get("/api/v1/concerns?open=true").json()
    assert [c["id"] for c in listed] == [concern["id"]]


# --- reports -----------------------------------------------------------------------------------

@pytest.fixture
def report(api_teacher, child, vt):
    response = post(api_teacher, "/api/v1/reports", {"child": child.pk,
                                                     "own_observation": False,
                                                     "safe_at_home": vt.pk})
    assert response.status_code == 201, response.content
    return response.json()


def test_the_inbox_and_accepting(api_vt, report, vt, child):
    inbox = api_vt.get("/api/v1/reports").json()
    assert [r["id"] for r in inbox] == [report["id"]]
    assert inbox[0]["own_observation"] is False and inbox[0]["status"] == "received"
    assert inbox[0]["safety_assessment_due"] == "2024-05-10"
    accepted = post(api_vt, f"/api/v1/reports/{report['id']}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Involvement.objects.filter(organisation=vt, person=child).exists()
    assert ResponsibilityPeriod.objects.get(child=child, ended_at__isnull=True).organisation == vt
    assert Task.objects.get(code="safety_assessment").due_on == date(2024, 5, 10)
    assert_problem(post(api_vt, f"/api/v1/reports/{report['id']}/accept"), 409, "report")


def test_a_decline_without_a_reason_writes_nothing(api_vt, report, snapshot):
    url = f"/api/v1/reports/{report['id']}/decline"
    snap = snapshot(Report, Task)
    assert_problem(post(api_vt, url, {}), 400, "reason")
    assert_problem(post(api_vt, url, {"reason": "other", "text": " "}), 400, "text")
    assert snap.unchanged()
    declined = post(api_vt, url, {"reason": "not_own_observation"})
    assert declined.json()["status"] == "declined"
    assert declined.json()["decline_reason"] == "not_own_observation"


def test_only_veilig_thuis_handles_the_report(api_teacher, report, snapshot):
    snap = snapshot(Report, Task)
    assert_problem(post(api_teacher, f"/api/v1/reports/{report['id']}/accept"), 403)
    assert snap.unchanged()
    made = api_teacher.get("/api/v1/reports?direction=made").json()
    assert [r["id"] for r in made] == [report["id"]]
    assert api_teacher.get("/api/v1/reports").json() == []


def test_a_coordinator_reports_on_behalf_of_a_group(make_pro, school, child, vt, snapshot):
    teacher = client_for(make_pro(school))
    snap = snapshot(Report)
    assert_problem(post(teacher, "/api/v1/reports", {"child": child.pk,
                                                     "on_behalf_of_group": "ZAT"}),
                   403, "on_behalf_of_group")
    assert snap.unchanged()
    ib = client_for(make_pro(school, role="coordinator"))
    body = post(ib, "/api/v1/reports", {"child": child.pk,
                                        "on_behalf_of_group": "ZAT De Regenboog"}).json()
    assert body["on_behalf_of_group"] == "ZAT De Regenboog"


def test_the_report_carries_the_concern_behind_it(api_teacher, api_vt, concern, vt):
    post(api_teacher, f"/api/v1/concerns/{concern['id']}/map", {"observations": ["stil"]})
    post(api_teacher, f"/api/v1/concerns/{concern['id']}/decide", {"outcome": "report"})
    inbox = api_vt.get("/api/v1/reports").json()
    assert inbox[0]["concern"]["kind"] == "niet_pluis"
    assert inbox[0]["concern"]["observations"] == ["stil"]


# --- the knowledge base ---------------------------------------------------------------------------

def test_the_knowledge_base(api_teacher):
    every = api_teacher.get("/api/v1/chain-partners").json()
    assert sorted(k["sector"] for k in every) == sorted(SECTORS)
    raad = api_teacher.get("/api/v1/chain-partners?sector=child_protection_board").json()
    assert len(raad) == 1 and raad[0]["sector_label"] == "Raad voor de Kinderbescherming"
    assert any("zonder signalen bij het kind" in m["fact"] for m in raad[0]["misconceptions"])
