"""Continuity of care through the API (issue 3): involvement and its guards, taking
responsibility, the handover flow and its bad input, requests and decisions, my organisation's
children, and answering tasks."""

from __future__ import annotations

from datetime import date

import pytest

from kindzicht.continuity import services as continuity
from kindzicht.continuity.models import (
    Decision,
    Handover,
    Involvement,
    InvolvementEnd,
    Request,
    ResponsibilityPeriod,
    ResponsibilityTaking,
)
from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import AuditEntry, Notification
from kindzicht.meldcode.services import concern_record
from kindzicht.people.models import Organisation
from kindzicht.rules.models import Task

from .conftest import assert_problem, client_for

pytestmark = pytest.mark.django_db
TODAY = date(2024, 5, 15)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def child(make_person):
    return make_person(date(2015, 6, 1), given_name="Mila", family_name="de Vries")


@pytest.fixture
def vt(make_org):
    return make_org("Veilig Thuis Utrecht", "safe_at_home")


@pytest.fixture
def vt_pro(make_pro, vt):
    return make_pro(vt, role="coordinator")


@pytest.fixture
def at_risk(child, pro, org):
    """``org`` (youth care) works with the child and recorded a concern: risk is open and
    ``org`` holds safety responsibility."""
    actor = Actor.of(pro)
    continuity.involvement_start(actor, person=child, service="ambulante jeugdhulp")
    concern_record(actor, child=child, kind="observation", text="blauwe plekken")
    assert ResponsibilityPeriod.objects.get(child=child, ended_at__isnull=True
                                            ).organisation_id == org.pk
    return child


class TestInvolvement:
    def test_start(self, api, child, org):
        response = api.post("/api/v1/involvements", {"person": child.pk,
                                                     "service": "ambulante jeugdhulp",
                                                     "intensive": True}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["organisation"]["id"], body["intensive"], body["started_on"]) == (
            org.pk, True, TODAY.isoformat())

    def test_start_twice_is_refused(self, api, child, snapshot):
        api.post("/api/v1/involvements", {"person": child.pk, "service": "x"}, format="json")
        snap = snapshot(Involvement)
        response = api.post("/api/v1/involvements", {"person": child.pk, "service": "y"},
                            format="json")
        assert_problem(response, 409, "person")
        assert snap.unchanged()

    @pytest.mark.parametrize("payload, field", [({"service": "   "}, "service"),
                                                ({"service": ""}, "service"),
                                                ({"person": 999999}, "person")])
    def test_bad_input(self, api, child, snapshot, payload, field):
        snap = snapshot(Involvement)
        response = api.post("/api/v1/involvements", {"person": child.pk, **payload},
                            format="json")
        assert_problem(response, 400, field)
        assert snap.unchanged()

    def test_end_is_refused_while_holding_responsibility_without_successor(
            self, api, at_risk, snapshot):
        snap = snapshot(InvolvementEnd, Involvement)
        response = api.post(f"/api/v1/persons/{at_risk.pk}/end-involvement",
                            {"reason": "klaar"}, format="json")
        body = assert_problem(response, 409, "person")
        assert body["type"].endswith(":continuity_guard")
        assert "overdracht" in body["detail"] and "veiligheidsregie" in body["detail"]
        assert snap.unchanged()

    def test_end_when_nobody_is_left_without(self, api, child, snapshot):
        api.post("/api/v1/involvements", {"person": child.pk, "service": "x"}, format="json")
        response = api.post(f"/api/v1/persons/{child.pk}/end-involvement",
                            {"reason": "afgerond"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["at_open_risk"] is False
        assert not Involvement.objects.filter(person=child, ended_at__isnull=True).exists()

    def test_end_without_involvement_is_refused(self, api, child):
        # Not involved at all: the child is outside the organisation's reach.
        body = assert_problem(api.post(f"/api/v1/persons/{child.pk}/end-involvement", {},
                                       format="json"), 403, "person")
        assert body["type"].endswith(":out_of_reach")


class TestResponsibility:
    def test_take_moves_it_and_the_history_shows_both(self, at_risk, org, vt, vt_pro):
        response = client_for(vt_pro).post(f"/api/v1/persons/{at_risk.pk}/responsibility",
                                           {"basis": "investigation"}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["holder"]["id"] == vt.pk and body["at_open_risk"] is True
        assert [(p["organisation"]["id"], p["end_on"]) for p in body["periods"]] == [
            (org.pk, TODAY.isoformat()), (vt.pk, None)]
        assert ResponsibilityTaking.objects.filter(child=at_risk, organisation=vt).exists()

    def test_read_history(self, api, at_risk, org):
        body = api.get(f"/api/v1/persons/{at_risk.pk}/responsibility").json()
        assert body["holder"]["id"] == org.pk
        assert body["open_risk_since"] == TODAY.isoformat()

    @pytest.mark.parametrize("payload", [{"basis": "because"}, {}])
    def test_bad_basis(self, api, child, snapshot, payload):
        snap = snapshot(ResponsibilityTaking, ResponsibilityPeriod)
        assert_problem(api.post(f"/api/v1/persons/{child.pk}/responsibility", payload,
                                format="json"), 400, "basis")
        assert snap.unchanged()

    def test_an_adult_has_no_safety_responsibility(self, api, make_person, snapshot):
        adult = make_person(date(1980, 1, 1))
        snap = snapshot(ResponsibilityTaking)
        assert_problem(api.post(f"/api/v1/persons/{adult.pk}/responsibility",
                                {"basis": "voluntary"}, format="json"), 400, "child")
        assert snap.unchanged()

    def test_my_children_with_their_holder(self, api, at_risk, org, child):
        rows = api.get("/api/v1/children").json()
        assert [(r["child"]["id"], r["holder"]["id"], r["at_open_risk"]) for r in rows] == [
            (at_risk.pk, org.pk, True)]

    def test_another_organisation_does_not_see_them(self, at_risk, vt_pro):
        assert client_for(vt_pro).get("/api/v1/children").json() == []


class TestHandovers:
    def offer(self, api, child, receiver, **extra):
        return api.post("/api/v1/handovers", {"child": child.pk, "receiver": receiver.pk,
                                              "factors": [], **extra}, format="json")

    def test_offer_accept_confirm_moves_responsibility(self, api, at_risk, org, vt, vt_pro):
        offered = self.offer(api, at_risk, vt, note="warme overdracht")
        assert offered.status_code == 201, offered.content
        hid = offered.json()["id"]
        assert offered.json()["status"] == "offered"
        receiver = client_for(vt_pro)
        pending = api.get("/api/v1/handovers", {"open": "true", "direction": "sent"}).json()
        assert [h["id"] for h in pending] == [hid]

        accepted = receiver.post(f"/api/v1/handovers/{hid}/accept", {}, format="json")
        assert accepted.json()["status"] == "accepted", accepted.content
        assert api.get(f"/api/v1/persons/{at_risk.pk}/responsibility").json()["holder"][
            "id"] == org.pk  # the sender keeps it until the start is confirmed

        confirmed = receiver.post(f"/api/v1/handovers/{hid}/confirm-start")
        assert confirmed.status_code == 200, confirmed.content
        assert confirmed.json()["moved_responsibility"] is True
        assert api.get(f"/api/v1/persons/{at_risk.pk}/responsibility").json()["holder"][
            "id"] == vt.pk

    def test_a_handover_to_ones_own_organisation_is_refused(self, api, at_risk, org,
                                                              snapshot):
        snap = snapshot(Handover)
        assert_problem(self.offer(api, at_risk, org), 400, "receiver")
        assert snap.unchanged()

    def test_confirming_a_handover_never_accepted_is_refused(self, api, at_risk, vt, vt_pro,
                                                             snapshot):
        hid = self.offer(api, at_risk, vt).json()["id"]
        snap = snapshot(Handover, ResponsibilityPeriod)
        response = client_for(vt_pro).post(f"/api/v1/handovers/{hid}/confirm-start")
        assert_problem(response, 409, "handover")
        assert snap.unchanged()
        assert Handover.objects.get(pk=hid).status == "offered"

    def test_accepting_factors_that_were_not_offered_is_refused(self, api, at_risk, vt,
                                                                vt_pro, snapshot):
        hid = self.offer(api, at_risk, vt).json()["id"]
        snap = snapshot(Handover)
        response = client_for(vt_pro).post(f"/api/v1/handovers/{hid}/accept",
                                           {"factors": ["domestic_violence"]}, format="json")
        assert_problem(response, 409, "factors")
        assert snap.unchanged()
        assert Handover.objects.get(pk=hid).status == "offered"

    def test_offering_factors_the_sender_does_not_have_is_a_problem(self, api, at_risk, vt,
                                                                    snapshot):
        snap = snapshot(Handover)
        assert_problem(self.offer(api, at_risk, vt, factors=["debts"]), 400, "factors")
        assert snap.unchanged()

    def test_the_sender_cannot_accept_its_own_offer(self, api, at_risk, vt):
        hid = self.offer(api, at_risk, vt).json()["id"]
        assert_problem(api.post(f"/api/v1/handovers/{hid}/accept", {}, format="json"), 403)

    def test_decline_needs_a_reason(self, api, at_risk, vt, vt_pro, snapshot):
        hid = self.offer(api, at_risk, vt).json()["id"]
        receiver = client_for(vt_pro)
        snap = snapshot(Handover)
        assert_problem(receiver.post(f"/api/v1/handovers/{hid}/decline", {"reason": ""},
                                     format="json"), 400, "reason")
        assert snap.unchanged()
        declined = receiver.post(f"/api/v1/handovers/{hid}/decline",
                                 {"reason": "geen capaciteit"}, format="json")
        assert declined.json()["status"] == "declined"
        assert declined.json()["reason"] == "geen capaciteit"

    def test_withdraw_by_the_sender(self, api, at_risk, vt):
        hid = self.offer(api, at_risk, vt).json()["id"]
        response = api.post(f"/api/v1/handovers/{hid}/withdraw", {"reason": "verkeerd adres"},
                            format="json")
        assert response.json()["status"] == "withdrawn"
        assert_problem(api.post(f"/api/v1/handovers/{hid}/withdraw", {"reason": "nogmaals"},
                                format="json"), 409, "handover")

    def test_others_do_not_see_a_handover(self, api, at_risk, vt, make_org, make_pro):
        hid = self.offer(api, at_risk, vt).json()["id"]
        outsider = client_for(make_pro(make_org("School", "school")))
        assert_problem(outsider.get(f"/api/v1/handovers/{hid}"), 404)
        assert_problem(outsider.post(f"/api/v1/handovers/{hid}/decline", {"reason": "x"},
                                     format="json"), 404)


class TestRequestsAndDecisions:
    @pytest.fixture
    def wijkteam(self, make_org, make_pro):
        return make_pro(make_org("Wijkteam Utrecht-Oost", "district_team"))

    @pytest.fixture
    def raad(self, make_org, make_pro):
        return make_pro(make_org("Raad voor de Kinderbescherming", "child_protection_board"))

    def test_request_then_a_rejecting_decision_gives_the_requester_a_task(
            self, child, wijkteam, raad):
        # The wijkteam works with the child (reach); the Raad reaches it through the request.
        continuity.involvement_start(Actor.of(wijkteam), person=child, service="wijkteam")
        requester = client_for(wijkteam)
        made = requester.post("/api/v1/requests", {"child": child.pk, "kind": "investigation",
                                                   "reasons": "zorgen over veiligheid"},
                              format="json")
        assert made.status_code == 201, made.content
        assert made.json()["addressee_sector"] == "child_protection_board"

        decided = client_for(raad).post("/api/v1/decisions", {
            "child": child.pk, "decision": "investigation_declined",
            "reasons": "geen grond voor onderzoek"}, format="json")
        assert decided.status_code == 201, decided.content
        assert decided.json()["request"] == made.json()["id"]

        tasks = requester.get("/api/v1/tasks", {"status": "open"}).json()
        [task] = [t for t in tasks if t["code"] == "answer_rejection"]
        assert task["child"]["id"] == child.pk
        assert any("geen grond" in fact for fact in task["facts"])

    def test_a_sector_that_cannot_request_it_is_refused(self, api, child, snapshot):
        snap = snapshot(Request)
        assert_problem(api.post("/api/v1/requests", {"child": child.pk,
                                                     "kind": "supervision_order"},
                                format="json"), 409, "kind")
        assert snap.unchanged()

    def test_only_the_raad_and_the_court_decide(self, api, child, snapshot):
        snap = snapshot(Decision, Task)
        assert_problem(api.post("/api/v1/decisions", {"child": child.pk,
                                                      "decision": "no_measure",
                                                      "reasons": "x"}, format="json"),
                       409, "decision")
        assert snap.unchanged()

    @pytest.mark.parametrize("reasons", ["", "   ", None])
    def test_a_decision_without_reasons_is_a_problem(self, child, raad, snapshot, reasons):
        snap = snapshot(Decision, Task)
        payload = {"child": child.pk, "decision": "no_measure"}
        if reasons is not None:
            payload["reasons"] = reasons
        assert_problem(client_for(raad).post("/api/v1/decisions", payload, format="json"),
                       400, "reasons")
        assert snap.unchanged()


class TestTasks:
    @pytest.fixture
    def task(self, child, org, pro):
        from kindzicht.rules.tasks import task_create

        return task_create(organisation=org, code="answer_rejection", key="test:1",
                           child=child, text="Leg vast wie de veiligheidsregie heeft.",
                           due_in_days=14)

    def test_list_and_answer_done(self, api, task):
        listed = api.get("/api/v1/tasks").json()
        assert [t["id"] for t in listed] == [task.pk]
        response = api.post(f"/api/v1/tasks/{task.pk}/answer",
                            {"status": "done", "answer": "Wij houden de regie."}, format="json")
        assert response.status_code == 200, response.content
        assert (response.json()["status"], response.json()["answered_on"]) == (
            "done", TODAY.isoformat())
        assert_problem(api.post(f"/api/v1/tasks/{task.pk}/answer", {"status": "done"},
                                format="json"), 409, "task")

    @pytest.mark.parametrize("payload, field", [
        ({"status": "not_applicable"}, "answer"),
        ({"status": "not_applicable", "answer": "  "}, "answer"),
        ({"status": "open"}, "status"),
        ({}, "status"),
    ])
    def test_bad_answers(self, api, task, snapshot, payload, field):
        snap = snapshot(Task)
        assert_problem(api.post(f"/api/v1/tasks/{task.pk}/answer", payload, format="json"),
                       400, field)
        assert snap.unchanged()
        task.refresh_from_db()
        assert task.status == "open"

    def test_another_organisations_task_is_not_found(self, task, vt_pro):
        assert_problem(client_for(vt_pro).post(f"/api/v1/tasks/{task.pk}/answer",
                                               {"status": "done"}, format="json"), 404)


class TestNotifications:
    """Berichten: the receiver of a handover offer finds it through the API too."""

    def test_list_read_and_read_all(self, at_risk, pro, vt, vt_pro):
        continuity.handover_offer(Actor.of(pro), child=at_risk, receiver=vt)
        api = client_for(vt_pro)
        listed = api.get("/api/v1/notifications?unread=true")
        assert listed.status_code == 200, listed.content
        (note,) = listed.json()
        assert (note["kind"], note["person_id"], note["read_at"], note["personal"]) == (
            "handover_offered", at_risk.pk, None, False)
        assert note["person_ids"] == [at_risk.pk]
        read = api.post(f"/api/v1/notifications/{note['id']}/read")
        assert read.status_code == 200, read.content
        assert read.json()["read_by"]["id"] == vt_pro.pk and read.json()["read_at"]
        assert api.get("/api/v1/notifications?unread=true").json() == []
        again = api.post(f"/api/v1/notifications/{note['id']}/read")  # a no-op, still shown
        assert again.json()["read_by"]["id"] == vt_pro.pk
        assert AuditEntry.objects.filter(action="notification_viewed",
                                         person_ids=[at_risk.pk]).exists()
        assert api.post("/api/v1/notifications/read-all").json() == []  # nothing left

    def test_the_email_status_says_when_the_outbox_gave_up(self, at_risk, pro, vt, vt_pro,
                                                           settings):
        from unittest import mock

        from kindzicht.core.outbox import send_pending

        settings.OUTBOX_MAIL_ATTEMPTS = 1
        Organisation.objects.filter(pk=vt.pk).update(email="vt@example.org")
        continuity.handover_offer(Actor.of(pro), child=at_risk, receiver=vt)
        api = client_for(vt_pro)
        assert [n["email_status"] for n in api.get("/api/v1/notifications").json()] == [
            "waiting"]
        server = mock.Mock(**{"open.side_effect": ConnectionRefusedError("smtp down")})
        with mock.patch("kindzicht.core.outbox.mail.get_connection", return_value=server):
            send_pending()
        assert [n["email_status"] for n in api.get("/api/v1/notifications").json()] == [
            "not_delivered"]

    def test_another_organisations_notification_is_a_404_problem(self, at_risk, pro, vt, api):
        continuity.handover_offer(Actor.of(pro), child=at_risk, receiver=vt)
        theirs = Notification.objects.get(organisation=vt, kind="handover_offered")
        assert_problem(api.post(f"/api/v1/notifications/{theirs.pk}/read"), 404,
                       "notification")
        assert Notification.objects.get(pk=theirs.pk).read_at is None
        assert_problem(api.get("/api/v1/notifications?unread=maybe"), 400, "unread")
