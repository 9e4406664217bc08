"""Organisations, relations and households through the API, with their bad input."""

from __future__ import annotations

from datetime import date

import pytest

from kindzicht.core import clock
from kindzicht.core.models import DomainEvent
from kindzicht.people import services as people
from kindzicht.people.models import (
    Household,
    HouseholdAddress,
    HouseholdMembership,
    Relation,
)

from .conftest import assert_problem

pytestmark = pytest.mark.django_db
TODAY = date(2024, 5, 15)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen(TODAY):
        yield


class TestOrganisations:
    def test_lists_active_organisations_filtered_by_sector(self, api, org, make_org):
        school = make_org("Basisschool De Regenboog", "school", "0344")
        response = api.get("/api/v1/organisations")
        assert response.status_code == 200
        assert {o["id"] for o in response.json()} == {org.pk, school.pk}
        only_schools = api.get("/api/v1/organisations", {"sector": "school"}).json()
        assert [o["id"] for o in only_schools] == [school.pk]
        assert only_schools[0]["sector"] == "school"

    def test_an_unknown_sector_is_a_problem_naming_sector(self, api):
        assert_problem(api.get("/api/v1/organisations", {"sector": "bakery"}), 400, "sector")

    def test_reads_one(self, api, org):
        body = api.get(f"/api/v1/organisations/{org.pk}").json()
        assert (body["name"], body["municipality_code"], body["successor"]) == (
            org.name, "0344", None)

    def test_unknown_is_404(self, api):
        assert_problem(api.get("/api/v1/organisations/424242"), 404)

    def test_a_municipality_officer_may_read_organisations(self, make_org, make_pro):
        from .conftest import client_for

        gemeente = make_org("Gemeente Utrecht", "municipality", "0344")
        officer = make_pro(gemeente, role="municipality_officer")
        assert client_for(officer).get("/api/v1/organisations").status_code == 200


class TestRelations:
    def test_adds_a_relation(self, api, make_person):
        mother, child = make_person(date(1985, 1, 1)), make_person(date(2015, 6, 1))
        response = api.post("/api/v1/relations", {"person": mother.pk, "kind": "parent_of",
                                                  "other": child.pk}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["person"]["id"], body["kind"], body["other"]["id"]) == (
            mother.pk, "parent_of", child.pk)
        assert Relation.objects.filter(person=mother, other=child).exists()
        assert DomainEvent.objects.filter(type="relation_added").count() == 1

    @pytest.mark.parametrize("change, field", [
        ({"other": "self"}, "other"),
        ({"valid_from": "2020-01-01", "valid_to": "2019-12-31"}, "valid_to"),
        ({"kind": "cousin_of"}, "kind"),
        ({"other": 999999}, "other"),
        ({"person": None}, "person"),
    ])
    def test_bad_input_names_the_field_and_writes_nothing(self, api, make_person, snapshot,
                                                          change, field):
        a, b = make_person(date(1985, 1, 1)), make_person(date(1986, 1, 1))
        payload = {"person": a.pk, "kind": "partner_of", "other": b.pk, **change}
        if payload["other"] == "self":
            payload["other"] = a.pk
        snap = snapshot(Relation)
        response = api.post("/api/v1/relations", payload, format="json")
        assert_problem(response, 400, field)
        assert snap.unchanged()


class TestHouseholds:
    def test_create_join_leave_move(self, api, make_person):
        mother, child = make_person(date(1985, 1, 1)), make_person(date(2015, 6, 1))
        response = api.post("/api/v1/households", {
            "members": [mother.pk, child.pk], "municipality_code": "0344",
            "postcode": "3511 ab", "label": "De Vries"}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        hid = body["id"]
        assert {m["person"]["id"] for m in body["memberships"]} == {mother.pk, child.pk}
        assert body["addresses"][0]["postcode"] == "3511AB"

        grandma = make_person(date(1950, 1, 1))
        with clock.frozen(date(2024, 6, 1)):
            joined = api.post(f"/api/v1/households/{hid}/join", {"person": grandma.pk},
                              format="json")
        assert joined.status_code == 200, joined.content
        [membership] = [m for m in joined.json()["memberships"]
                        if m["person"]["id"] == grandma.pk]
        assert membership["joined_on"] == "2024-06-01"

        with clock.frozen(date(2024, 7, 1)):
            left = api.post(f"/api/v1/households/{hid}/leave", {"person": grandma.pk},
                            format="json")
        assert left.status_code == 200, left.content
        assert HouseholdMembership.objects.get(person=grandma).left_on == date(2024, 7, 1)

        with clock.frozen(date(2024, 8, 1)):
            moved = api.post(f"/api/v1/households/{hid}/move",
                             {"municipality_code": "0363", "postcode": "1011AB"}, format="json")
        assert moved.status_code == 200, moved.content
        addresses = moved.json()["addresses"]
        assert [(a["municipality_code"], a["valid_to"]) for a in addresses] == [
            ("0344", "2024-08-01"), ("0363", None)]

    @pytest.mark.parametrize("change, field", [
        ({"postcode": "0000"}, "postcode"),
        ({"municipality_code": "344"}, "municipality_code"),
        ({"members": []}, "members"),
        ({"members": [999999]}, "members.0"),
        ({"members": "dup"}, "members"),
    ])
    def test_create_bad_input(self, api, make_person, snapshot, change, field):
        child = make_person(date(2015, 6, 1))
        payload = {"members": [child.pk], "municipality_code": "0344", "postcode": "3511AB",
                   **change}
        if payload["members"] == "dup":
            payload["members"] = [child.pk, child.pk]
        snap = snapshot(Household, HouseholdMembership, HouseholdAddress)
        assert_problem(api.post("/api/v1/households", payload, format="json"), 400, field)
        assert snap.unchanged()

    def test_leaving_a_household_one_does_not_live_in_is_refused(self, api, actor,
                                                                 make_person, snapshot):
        child, stranger = make_person(date(2015, 6, 1)), make_person(date(1970, 1, 1))
        household = people.household_create(actor, members=[child], municipality_code="0344",
                                             postcode="3511AB")
        snap = snapshot(HouseholdMembership)
        response = api.post(f"/api/v1/households/{household.pk}/leave",
                            {"person": stranger.pk}, format="json")
        assert_problem(response, 409, "person")
        assert snap.unchanged()

    def test_moving_to_a_bad_postcode_writes_nothing(self, api, actor, make_person, snapshot):
        child = make_person(date(2015, 6, 1))
        household = people.household_create(actor, members=[child], municipality_code="0344",
                                            postcode="3511AB")
        snap = snapshot(HouseholdAddress)
        response = api.post(f"/api/v1/households/{household.pk}/move",
                            {"municipality_code": "0363", "postcode": "AB1234"}, format="json")
        assert_problem(response, 400, "postcode")
        assert snap.unchanged()

    def test_an_unknown_household_is_404(self, api, make_person):
        child = make_person(date(2015, 6, 1))
        assert_problem(api.post("/api/v1/households/999999/join", {"person": child.pk},
                                format="json"), 404)


class TestHouseholdMembersInput:
    @pytest.fixture
    def household(self, actor, make_person):
        return people.household_create(actor, members=[make_person(date(2015, 6, 1))],
                                       municipality_code="0344", postcode="3511AB")

    @pytest.mark.parametrize("action", ["join", "leave"])
    @pytest.mark.parametrize("payload", [{}, {"person": 999999}, {"person": "Mila"}])
    def test_a_missing_or_unknown_person_is_a_problem_naming_person(
            self, api, household, snapshot, action, payload):
        snap = snapshot(HouseholdMembership)
        response = api.post(f"/api/v1/households/{household.pk}/{action}", payload,
                            format="json")
        assert_problem(response, 400, "person")
        assert snap.unchanged()
