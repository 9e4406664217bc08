"""Persons through the API: register (with its bad input), read, search, look up by BSN, the
family of a child on a day, and recording a death."""

from __future__ import annotations

from datetime import date

import pytest

from kindzicht.core import clock
from kindzicht.core.models import AuditEntry, DomainEvent
from kindzicht.people import services as people
from kindzicht.people.models import Person

from .conftest import INVALID_BSN, OTHER_VALID_BSN, VALID_BSN, assert_problem

pytestmark = pytest.mark.django_db
TODAY = date(2024, 5, 15)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen(TODAY):
        yield


def reads_of(person_id: int) -> list[AuditEntry]:
    return [e for e in AuditEntry.objects.filter(kind="read") if person_id in e.person_ids]


class TestCreate:
    def test_registers_a_person_with_event_and_audit(self, api, pro):
        response = api.post("/api/v1/persons", {"bsn": VALID_BSN, "given_name": "Mila",
                                                "family_name": "de Vries",
                                                "birth_date": "2015-06-01"}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        person = Person.objects.get(pk=body["id"])
        assert (person.bsn, person.given_name, person.birth_date) == (VALID_BSN, "Mila",
                                                                        date(2015, 6, 1))
        event = DomainEvent.objects.get(type="person_created")
        assert event.actor_id == pro.pk and event.organisation_id == pro.organisation_id
        assert AuditEntry.objects.filter(kind="write", event_id=event.pk,
                                         actor_id=pro.pk).count() == 1

    @pytest.mark.parametrize("payload, field", [
        ({"bsn": INVALID_BSN, "birth_date": "2015-06-01"}, "bsn"),
        ({"birth_date": "2030-01-01"}, "birth_date"),
        ({"birth_date": "2024-05-16"}, "birth_date"),  # tomorrow
        ({"birth_date": "1 juni 2015"}, "birth_date"),
        ({"given_name": "Mila"}, "birth_date"),
        ({"birth_date": "2015-06-01", "family_name": "x" * 121}, "family_name"),
    ])
    def test_bad_input_is_a_problem_naming_the_field_and_writes_nothing(
            self, api, snapshot, payload, field):
        snap = snapshot(Person)
        response = api.post("/api/v1/persons", payload, format="json")
        assert_problem(response, 400, field)
        assert snap.unchanged()

    def test_a_duplicate_bsn_is_refused(self, api, make_person, snapshot):
        make_person(date(2010, 1, 1), bsn=VALID_BSN)
        snap = snapshot(Person)
        response = api.post("/api/v1/persons", {"bsn": VALID_BSN, "birth_date": "2015-06-01"},
                            format="json")
        assert_problem(response, 400, "bsn")
        assert snap.unchanged()

    def test_malformed_json_is_a_problem(self, api, snapshot):
        snap = snapshot(Person)
        response = api.generic("POST", "/api/v1/persons", "{not json",
                               content_type="application/json")
        body = assert_problem(response, 400)
        assert "JSON" in body["detail"]
        assert snap.unchanged()

    def test_only_json_is_accepted(self, api, snapshot):
        snap = snapshot(Person)
        response = api.post("/api/v1/persons", {"birth_date": "2015-06-01"})  # multipart
        assert_problem(response, 415)
        assert snap.unchanged()


class TestRead:
    def test_reads_a_person_and_audits_the_read(self, api, pro, make_person):
        person = make_person(date(2015, 6, 1), given_name="Mila", bsn=VALID_BSN,
                             involved=True)
        response = api.get(f"/api/v1/persons/{person.pk}")
        assert response.status_code == 200
        assert response.json() == {"id": person.pk, "bsn": VALID_BSN, "given_name": "Mila",
                                   "family_name": "Jansen", "birth_date": "2015-06-01",
                                   "death_date": None, "place": ""}
        [entry] = reads_of(person.pk)
        assert entry.actor_id == pro.pk and entry.organisation_id == pro.organisation_id

    def test_an_unknown_person_is_a_404_problem(self, api):
        assert_problem(api.get("/api/v1/persons/999999"), 404)


class TestSearch:
    def test_finds_by_family_name_and_birth_date(self, api, make_person):
        mila = make_person(date(2015, 6, 1), given_name="Mila", family_name="de Vries")
        make_person(date(2015, 6, 2), given_name="Sem", family_name="de Vries")
        make_person(date(2015, 6, 1), given_name="Noor", family_name="Bakker")
        response = api.get("/api/v1/persons", {"family_name": "vries",
                                               "birth_date": "2015-06-01"})
        assert response.status_code == 200
        assert [p["id"] for p in response.json()] == [mila.pk]
        assert "bsn" not in response.json()[0]
        assert reads_of(mila.pk)

    def test_given_name_narrows(self, api, make_person):
        make_person(date(2015, 6, 1), given_name="Mila", family_name="de Vries")
        sem = make_person(date(2015, 6, 1), given_name="Sem", family_name="de Vries")
        response = api.get("/api/v1/persons", {"family_name": "de vries", "given_name": "sem",
                                               "birth_date": "2015-06-01"})
        assert [p["id"] for p in response.json()] == [sem.pk]

    @pytest.mark.parametrize("query, field", [
        ({"family_name": "Vries"}, "birth_date"),
        ({"birth_date": "2015-06-01"}, "family_name"),
        ({"family_name": "Vries", "birth_date": "juni"}, "birth_date"),
    ])
    def test_name_and_birth_date_are_both_required(self, api, query, field):
        assert_problem(api.get("/api/v1/persons", query), 400, field)


class TestLookupByBsn:
    def test_finds_the_person_by_the_bsn_in_the_body(self, api, make_person):
        person = make_person(date(2015, 6, 1), bsn=VALID_BSN)
        response = api.post("/api/v1/persons/_lookup", {"bsn": VALID_BSN}, format="json")
        assert response.status_code == 200
        assert response.json()["id"] == person.pk
        assert reads_of(person.pk)

    def test_an_unregistered_bsn_is_404(self, api, make_person):
        make_person(date(2015, 6, 1), bsn=VALID_BSN)
        response = api.post("/api/v1/persons/_lookup", {"bsn": OTHER_VALID_BSN}, format="json")
        body = assert_problem(response, 404)
        assert OTHER_VALID_BSN not in body["detail"]

    def test_an_invalid_bsn_is_400_naming_bsn(self, api):
        response = api.post("/api/v1/persons/_lookup", {"bsn": INVALID_BSN}, format="json")
        assert_problem(response, 400, "bsn")

    def test_get_is_not_allowed(self, api):
        assert_problem(api.get("/api/v1/persons/_lookup", {"bsn": VALID_BSN}), 405)


class TestFamily:
    def test_blended_family_on_a_day(self, api, actor, make_person):
        mother = make_person(date(1985, 1, 1), given_name="Sanne")
        father = make_person(date(1983, 1, 1), given_name="Peter")
        partner = make_person(date(1980, 1, 1), given_name="Karim", family_name="El Amrani")
        child = make_person(date(2015, 6, 1), given_name="Mila", involved=True)
        half_sibling = make_person(date(2012, 3, 1), given_name="Daan")  # Peter's, elsewhere
        people.relation_add(actor, person=mother, kind="parent_of", other=child)
        people.relation_add(actor, person=father, kind="parent_of", other=child)
        people.relation_add(actor, person=father, kind="parent_of", other=half_sibling)
        with clock.frozen(date(2024, 1, 1)):
            household = people.household_create(actor, members=[mother, child],
                                                municipality_code="0344", postcode="3511AB")
        with clock.frozen(date(2024, 3, 1)):
            people.household_join(actor, household=household, person=partner)

        response = api.get(f"/api/v1/persons/{child.pk}/family", {"date": "2024-04-01"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["child"]["id"] == child.pk and body["date"] == "2024-04-01"
        roles = {m["person"]["id"]: m["role"] for m in body["members"]}
        assert roles == {mother.pk: "parent", father.pk: "parent",
                         partner.pk: "step_parent", half_sibling.pk: "sibling"}
        [entry] = reads_of(child.pk)
        assert set(entry.person_ids) == {child.pk, mother.pk, father.pk, partner.pk,
                                         half_sibling.pk}

        before_partner = api.get(f"/api/v1/persons/{child.pk}/family", {"date": "2024-02-01"})
        assert partner.pk not in {m["person"]["id"] for m in before_partner.json()["members"]}

    def test_defaults_to_today(self, api, make_person):
        child = make_person(date(2015, 6, 1), involved=True)
        response = api.get(f"/api/v1/persons/{child.pk}/family")
        assert response.json()["date"] == TODAY.isoformat()

    @pytest.mark.parametrize("day", ["2014-01-01", "2033-06-01", "gisteren"])
    def test_a_day_the_person_is_no_child_is_a_problem(self, api, make_person, day):
        child = make_person(date(2015, 6, 1), involved=True)
        assert_problem(api.get(f"/api/v1/persons/{child.pk}/family", {"date": day}), 400,
                       "date")


class TestDeath:
    def test_records_a_death(self, api, make_person):
        person = make_person(date(1950, 1, 1), involved=True)
        response = api.post(f"/api/v1/persons/{person.pk}/death",
                            {"death_date": "2024-05-01"}, format="json")
        assert response.status_code == 200, response.content
        assert response.json()["death_date"] == "2024-05-01"
        person.refresh_from_db()
        assert person.death_date == date(2024, 5, 1)
        assert DomainEvent.objects.filter(type="person_died").count() == 1

    @pytest.mark.parametrize("payload", [{"death_date": "2024-06-01"},
                                         {"death_date": "1949-12-31"}, {}])
    def test_bad_dates_name_death_date_and_write_nothing(self, api, make_person, snapshot,
                                                         payload):
        person = make_person(date(1950, 1, 1), involved=True)
        snap = snapshot(Person)
        response = api.post(f"/api/v1/persons/{person.pk}/death", payload, format="json")
        assert_problem(response, 400, "death_date")
        assert snap.unchanged()
        person.refresh_from_db()
        assert person.death_date is None

    def test_a_second_death_is_refused(self, api, actor, make_person, snapshot):
        person = make_person(date(1950, 1, 1), involved=True)
        people.person_record_death(actor, person=person, on=date(2024, 5, 1))
        snap = snapshot(Person)
        response = api.post(f"/api/v1/persons/{person.pk}/death",
                            {"death_date": "2024-05-02"}, format="json")
        assert_problem(response, 409)
        assert snap.unchanged()
