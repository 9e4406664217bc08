"""The reference index through the API (issue 4): register a signal (by id or BSN, on behalf
with the observer shielded), my organisation's signals, withdraw, renew, informing the family,
the match inbox and who else is involved with a family — organisations and contacts only; the
bad input of issue 4 as problem+json naming the field, with nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from kindzicht.core import clock
from kindzicht.core.actions import Actor
from kindzicht.core.models import Notification
from kindzicht.index.models import Informing, Match, Signal
from kindzicht.people import services as people

from .conftest import INVALID_BSN, OTHER_VALID_BSN, VALID_BSN, assert_problem, client_for

pytestmark = pytest.mark.django_db
TODAY = date(2024, 5, 15)
SYSTEM = Actor.system("test set-up")
URL = "/api/v1/signals"


@pytest.fixture(autouse=True)
def _frozen_clock():
    with clock.frozen(TODAY):
        yield


@pytest.fixture
def family(make_person):
    """A girl of 10 with her mother and stepfather; her father lives elsewhere."""
    girl = make_person(date(2014, 1, 10), given_name="Lotte", family_name="Visser", bsn=VALID_BSN)
    mother = make_person(date(1986, 1, 1), given_name="Anouk", family_name="Bakker")
    step = make_person(date(1983, 2, 2), given_name="Mehmet", family_name="Yilmaz")
    father = make_person(date(1982, 3, 3), given_name="Ruben", family_name="Visser")
    people.relation_add(SYSTEM, person=mother, kind="parent_of", other=girl)
    people.relation_add(SYSTEM, person=father, kind="parent_of", other=girl)
    people.household_create(SYSTEM, members=[mother, step, girl], municipality_code="0344",
                            postcode="3511AB")
    people.household_create(SYSTEM, members=[father], municipality_code="0363",
                            postcode="1012AB")
    return {"girl": girl, "mother": mother, "stepfather": step, "father": father}


@pytest.fixture
def ggz(make_org, make_pro):
    org = make_org("GGZ Centraal", "adult_mental_health")
    return org, client_for(make_pro(org))


@pytest.fixture
def school(make_org, make_pro):
    org = make_org("De Regenboog", "school")
    return org, client_for(make_pro(org, role="coordinator"))


def register(api, **body):
    return api.post(URL, body, format="json")


class TestRegister:
    def test_by_id_with_the_default_contact(self, api, family, org, pro):
        response = register(api, person=family["girl"].pk)
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["person"]["id"] == family["girl"].pk
        assert body["organisation"]["id"] == org.pk
        assert body["contact"].startswith("Test Gebruiker")
        assert body["expires_on"] == "2026-05-15"
        assert body["informing"] == [{"whom": "parents", "latest": None}]
        assert body["likely_duplicates"] == []

    def test_by_bsn_on_behalf_the_observer_only_for_us(self, school, ggz, family):
        org, api = school
        response = register(api, bsn=VALID_BSN, on_behalf_of="Juf Marieke",
                             contact="Intern begeleider, 030-7654321")
        assert response.status_code == 201, response.content
        assert response.json()["on_behalf_of"] == "Juf Marieke"
        assert api.get(URL).json()[0]["on_behalf_of"] == "Juf Marieke"
        assert ggz[1].get(URL).json() == []  # another organisation's signals are not listed

    def test_a_likely_duplicate_is_warned_of(self, api, family, make_person):
        twin_record = make_person(date(2014, 1, 10), given_name="Lotte", family_name="visser")
        response = register(api, person=twin_record.pk)
        assert [p["id"] for p in response.json()["likely_duplicates"]] == [family["girl"].pk]

    @pytest.mark.parametrize("body, status, field", [
        ({"bsn": INVALID_BSN}, 400, "bsn"),
        ({"bsn": OTHER_VALID_BSN}, 400, "bsn"),  # passes the 11-proef, nobody has it
        ({}, 400, "person"),
        ({"person": 999999}, 400, "person"),
        ({"contact": "x" * 201}, 400, "contact"),
        ({"on_behalf_of": "Juf Marieke"}, 403, "on_behalf_of"),  # not a coordinator
    ])
    def test_bad_input_names_the_field_and_writes_nothing(self, api, family, snapshot, body,
                                                          status, field):
        if "person" not in body and "bsn" not in body:
            body = body | ({"person": family["girl"].pk} if body else {})
        before = snapshot(Signal, Match, Notification)
        assert_problem(register(api, **body), status, field)
        assert before.unchanged()

    def test_an_adult_outside_any_childs_family(self, api, make_person, snapshot):
        grandma = make_person(date(1950, 1, 1), given_name="Truus")
        before = snapshot(Signal)
        body = assert_problem(register(api, person=grandma.pk), 400, "person")
        assert "ouder dan 23" in body["detail"]
        assert before.unchanged()

    def test_a_duplicate_active_signal_is_409(self, api, family, snapshot):
        register(api, person=family["girl"].pk)
        before = snapshot(Signal, Match, Notification)
        assert_problem(register(api, person=family["girl"].pk), 409, "person")
        assert before.unchanged()

    @pytest.mark.parametrize("sector", ["municipality", "juvenile_court"])
    def test_an_unauthorised_sector_is_403_with_the_reason(self, make_org, make_pro, family,
                                                           snapshot, sector):
        api = client_for(make_pro(make_org("Buiten de kring", sector)))
        before = snapshot(Signal)
        body = assert_problem(register(api, person=family["girl"].pk), 403, "organisation")
        assert "niet meldingsbevoegd" in body["detail"]
        assert before.unchanged()


class TestMyOrganisationsSignals:
    def test_withdraw_renew_and_the_ended_list(self, api, family, make_org, make_pro):
        sig = register(api, person=family["girl"].pk).json()
        with clock.frozen(date(2025, 1, 2)):
            renewed = api.post(f"{URL}/{sig['id']}/renew")
        assert renewed.status_code == 200 and renewed.json()["expires_on"] == "2027-01-02"
        other = client_for(make_pro(make_org("Ander", "gp")))
        assert_problem(other.post(f"{URL}/{sig['id']}/withdraw"), 404)
        withdrawn = api.post(f"{URL}/{sig['id']}/withdraw")
        assert withdrawn.status_code == 200
        assert withdrawn.json()["end_reason"] == "withdrawn"
        assert_problem(api.post(f"{URL}/{sig['id']}/withdraw"), 409)
        assert api.get(URL).json() == []
        assert [s["id"] for s in api.get(URL, {"ended": "true"}).json()] == [sig["id"]]

    def test_informing_the_family(self, api, family, snapshot):
        sig = register(api, person=family["girl"].pk).json()
        before = snapshot(Informing)
        assert_problem(api.post(f"{URL}/{sig['id']}/informing",
                                {"whom": "parents", "outcome": "postponed"}, format="json"),
                       400, "reason")
        assert_problem(api.post(f"{URL}/{sig['id']}/informing",
                                {"whom": "person", "outcome": "informed"}, format="json"),
                       400, "whom")  # she is 10
        assert before.unchanged()
        response = api.post(f"{URL}/{sig['id']}/informing",
                            {"whom": "parents", "outcome": "postponed",
                             "reason": "Eerst een veiligheidsplan.", "review_on": "2024-06-15"},
                            format="json")
        assert response.status_code == 201, response.content
        listed = api.get(URL).json()[0]["informing"]
        assert listed[0]["latest"]["outcome"] == "postponed"
        assert listed[0]["latest"]["review_on"] == "2024-06-15"


class TestMatches:
    def test_both_see_each_others_contact_and_nothing_else(self, ggz, school, family, api):
        ggz_org, ggz_api = ggz
        school_org, school_api = school
        assert register(ggz_api, person=family["father"].pk,
                        contact="K. de Boer, 030-1234567").status_code == 201
        assert register(school_api, person=family["girl"].pk,
                        on_behalf_of="Juf Marieke").status_code == 201
        seen_by_ggz = ggz_api.get("/api/v1/matches").json()
        assert len(seen_by_ggz) == 1
        match = seen_by_ggz[0]
        assert match["level"] == "family"
        assert [p["id"] for p in match["own_people"]] == [family["father"].pk]
        assert [o["organisation"]["id"] for o in match["others"]] == [school_org.pk]
        assert "Juf Marieke" not in str(seen_by_ggz)
        assert match["proposed_coordinator"]["id"] == school_org.pk
        assert match["coordination"] is None
        assert match["to_coordinate"] == []  # its signal is on the father: the girl unnamed
        assert "Lotte" not in str(seen_by_ggz)
        seen_by_school = school_api.get("/api/v1/matches").json()
        assert seen_by_school[0]["others"][0]["contacts"] == ["K. de Boer, 030-1234567"]
        assert "Ruben" not in str(seen_by_school)
        assert [p["id"] for p in seen_by_school[0]["to_coordinate"]] == [family["girl"].pk]
        assert api.get("/api/v1/matches").json() == []  # not in it
        # the school takes the coordination: it is in both inboxes, nothing left to take
        assert school_api.post(f"/api/v1/persons/{family['girl'].pk}/responsibility",
                               {"basis": "coordination"}, format="json").status_code == 201
        for client in (ggz_api, school_api):
            match = client.get("/api/v1/matches").json()[0]
            assert match["coordination"]["organisation"]["id"] == school_org.pk
            assert match["to_coordinate"] == []

    def test_who_else_is_involved_only_for_the_involved(self, ggz, school, family, api):
        ggz_org, ggz_api = ggz
        school_org, school_api = school
        register(ggz_api, person=family["father"].pk)
        register(school_api, person=family["girl"].pk, on_behalf_of="Juf Marieke")
        url = f"/api/v1/persons/{family['father'].pk}/involved-organisations"
        body = ggz_api.get(url).json()
        assert [o["organisation"]["name"] for o in body["organisations"]] == ["De Regenboog"]
        assert body["own_signal"] is not None and "Juf Marieke" not in str(body)
        assert_problem(api.get(url), 403)  # Jeugdhulp Utrecht is not involved
        assert_problem(api.get("/api/v1/persons/999999/involved-organisations"), 404)


class TestImport:
    """The bulk intake over the API: the same service as the admin's screen and the command
    line, for an administrator only; a file the API cannot take, or a rejected row without
    ``skip_rejected``, is a 400 problem and nothing is written."""

    URL = "/api/v1/signal-imports"

    @pytest.fixture
    def admin(self, make_org, make_pro):
        return make_pro(make_org("Gemeente Utrecht", "municipality"), role="admin")

    @staticmethod
    def post(client, body: str | bytes, **query):
        params = "&".join(f"{k}={str(v).lower()}" for k, v in query.items())
        data = body.encode() if isinstance(body, str) else body
        return client.generic("POST", f"{TestImport.URL}?{params}", data,
                              content_type="text/csv; charset=utf-8")

    @pytest.fixture
    def file(self, family, make_org):
        """The school on the girl, the GGZ on her step-father (a family match), and a row
        whose BSN fails the elfproef."""
        from kindzicht.index.bulk import rows_of

        school = make_org("De Regenboog", "school")
        ggz = make_org("GGZ Centraal", "adult_mental_health")
        return rows_of([
            {"organisation": school.pk, "bsn": VALID_BSN, "birth_date": "2014-01-10",
             "contact": "Intern begeleider, 030-7654321"},
            {"organisation": school.pk, "bsn": INVALID_BSN, "birth_date": "2014-01-10"},
            {"organisation": ggz.pk, "given_name": "Mehmet", "family_name": "Yilmaz",
             "birth_date": "1983-02-02", "registered_on": "2024-04-20",
             "informed_on": "2024-05-01"},
        ])

    def test_a_check_reports_the_rejected_rows_and_writes_nothing(self, admin, file, snapshot):
        before = snapshot(Signal, Match, Informing)
        response = self.post(client_for(admin), file, dry_run=True)
        assert response.status_code == 200, response.content
        assert response.json() == {"rows": 3, "imported": 0, "written": False, "rejected": [
            {"line": 3, "reasons": ["bsn: voldoet niet aan de elfproef"]}]}
        assert before.unchanged()

    def test_a_rejected_row_imports_nothing_unless_skipped(self, admin, file, family,
                                                           snapshot):
        from kindzicht.core.models import AuditEntry

        before = snapshot(Signal, Match, Informing)
        body = assert_problem(self.post(client_for(admin), file), 400, field="line.3")
        assert body["type"] == "urn:kindzicht:problem:rejected_rows"
        assert body["invalidParams"] == [{"name": "line.3", "code": "rejected",
                                          "reason": "bsn: voldoet niet aan de elfproef"}]
        assert "1 van de 3 regels" in body["detail"] and before.unchanged()

        response = self.post(client_for(admin), file, skip_rejected=True)
        assert response.status_code == 201, response.content
        assert response.json()["imported"] == 2 and response.json()["written"] is True
        signals = Signal.objects.filter(ended_at__isnull=True)
        assert {s.person_id for s in signals} == {family["girl"].pk, family["stepfather"].pk}
        match = Match.objects.get(child=family["girl"], level="family", ended_on__isnull=True)
        assert set(match.person_ids) == {family["girl"].pk, family["stepfather"].pk}
        assert len(match.organisation_ids) == 2
        entries = AuditEntry.objects.filter(kind="write", action="signal_registered")
        assert entries.count() == 2
        assert {(e.actor_id, e.purpose) for e in entries} == {
            (admin.pk, "import van registraties via de API")}

    @pytest.mark.parametrize("body, reason", [
        (b"organisation;bsn\n1;111222333\n", "ontbreekt: birth_date"),
        ("organisation;birth_date;family_name\n1;2014-01-10;Zoë\n".encode("cp1252"),
         "geen UTF-8-tekst (regel 2, byte 52)"),
        (b"", "ontbreekt: birth_date, organisation"),
    ])
    def test_a_file_it_cannot_take_is_a_problem_naming_the_file(self, admin, body, reason,
                                                                snapshot):
        before = snapshot(Signal)
        problem = assert_problem(self.post(client_for(admin), body), 400, field="file")
        assert reason in problem["detail"] and before.unchanged()

    def test_a_file_over_the_limits_is_refused(self, admin, monkeypatch):
        from kindzicht.index import bulk

        rows = "organisation,birth_date\n" + "1,2014-01-10\n" * (bulk.ONLINE_MAX_ROWS + 1)
        problem = assert_problem(self.post(client_for(admin), rows), 400, field="file")
        assert "ten hoogste 50.000" in problem["detail"]
        monkeypatch.setattr(bulk, "ONLINE_MAX_BYTES", 1024)
        problem = assert_problem(self.post(client_for(admin), rows), 400, field="file")
        assert "ten hoogste 0 MB" in problem["detail"]

    def test_only_an_administrator_and_only_csv(self, admin, api, school, file, snapshot):
        before = snapshot(Signal)
        assert_problem(self.post(api, file, skip_rejected=True), 403)
        assert_problem(self.post(school[1], file, skip_rejected=True), 403)
        assert_problem(client_for(admin).post(self.URL, {"file": file}, format="json"), 415)
        assert before.unchanged()
